"""The Chinese edition's catalogues (locales/zh_CN/LC_MESSAGES/<page>.po), one per page.

A page's catalogue is either untranslated (no message translated yet: the Chinese edition shows
the English page under a notice) or complete: every message translated, none fuzzy, and each
translation keeps its message's markup (citations, glued values, cross-references, terms' targets,
link addresses), so a translation can neither drop a source nor print a stale number.
`python -m book translations` refreshes the catalogues from the English pages (sphinx-intl) and
reports what each page still needs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from book import paths

LANGUAGE = "zh_CN"
EDITION_DIR = "zh"  # the Chinese edition's folder in the published site
HREFLANG = {"en": "en", LANGUAGE: "zh-Hans"}

# {role}`text <target>` or {role}`target`; [text](address).
ROLE = re.compile(r"\{([a-z][\w:+-]*)\}`([^`]*)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# A translation is parsed on its own: "1. 概念" would become a list; "1\\. 概念" stays text.
LIST_START = re.compile(r"^(?:\d+[.)]|[-*+]) ")


def locale_dir(root: Path | None = None) -> Path:
    return (root or paths.root()) / "locales" / LANGUAGE / "LC_MESSAGES"


def catalogue_path(docname: str, root: Path | None = None) -> Path:
    return locale_dir(root) / f"{docname}.po"


def markup(text: str) -> Counter:
    """What a translation must keep: each role with its target, and each link's address."""
    kept: Counter = Counter()
    for role, body in ROLE.findall(text):
        target = re.search(r"<([^<>]+)>\s*$", body)
        kept[(role, (target.group(1) if target else body).strip())] += 1
    for address in LINK.findall(text):
        kept[("link", address)] += 1
    return kept


@dataclass
class Catalogue:
    docname: str
    path: Path
    total: int = 0
    translated: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def started(self) -> bool:
        return self.translated > 0


def read(path: Path, docname: str) -> Catalogue:
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    result = Catalogue(docname, path)
    where = path.relative_to(paths.root()) if path.is_relative_to(paths.root()) else path
    for message in catalogue:
        if not message.id:
            continue
        result.total += 1
        first_line = str(message.id).splitlines()[0][:60]
        if message.string:
            result.translated += 1
            if message.fuzzy:
                result.problems.append(
                    f'{where}: "{first_line}" is marked fuzzy: the English changed; update the '
                    'translation, then delete the "#, fuzzy" line'
                )
            if LIST_START.match(message.string):
                result.problems.append(
                    f'{where}: the translation of "{first_line}" starts like a list, and a translation is '
                    'read on its own: put a backslash before the full stop, as in "1\\. 概念"'
                )
            lost = markup(message.id) - markup(message.string)
            added = markup(message.string) - markup(message.id)
            for (role, target), _ in sorted((lost | added).items()):
                change = "drops" if (role, target) in lost else "adds"
                what = f"the link to {target}" if role == "link" else f"{{{role}}}`{target}`"
                result.problems.append(f'{where}: the translation of "{first_line}" {change} {what}')
        else:
            result.problems.append(f'{where}: "{first_line}" has no translation yet')
    if not result.started:
        result.problems = []  # an untranslated page is shown in English under a notice
    return result


def catalogues(root: Path | None = None) -> dict[str, Catalogue]:
    base = locale_dir(root)
    found = {}
    for path in sorted(base.rglob("*.po")):
        docname = path.relative_to(base).with_suffix("").as_posix()
        found[docname] = read(path, docname)
    return found


def translate(docname: str, message: str, root: Path | None = None) -> str:
    """A message's translation in the page's catalogue, or the message itself."""
    path = catalogue_path(docname, root)
    if not path.exists():
        return message
    with path.open("rb") as handle:
        found = read_po(handle).get(message)
    return str(found.string) if found is not None and found.string and not found.fuzzy else message


def problems(root: Path | None = None) -> list[str]:
    return [problem for catalogue in catalogues(root).values() for problem in catalogue.problems]


def update(root: Path | None = None) -> None:
    """Extract the English messages (Sphinx's gettext builder) and merge them into the catalogues,
    a message to a line (no wrapping), so that a changed paragraph is a changed line."""
    root = root or paths.root()
    out = root / "_build" / "i18n"
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "jupyter-book"), "build", str(root), "--builder", "custom", "--custom-builder", "gettext",
         "--path-output", str(out), "-W", "-n", "--keep-going", "-q"],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [str(bin_dir / "sphinx-intl"), "update", "-p", str(out / "_build" / "gettext"), "-l", LANGUAGE,
         "-d", str(root / "locales"), "-w", "0"],
        check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def report(found: dict[str, Catalogue]) -> str:
    lines = []
    for catalogue in found.values():
        state = (
            "translated"
            if catalogue.started and not catalogue.problems
            else f"{catalogue.translated} of {catalogue.total} messages translated"
            if catalogue.started
            else "not started: shown in English under a notice"
        )
        lines.append(f"  {catalogue.docname}: {state}")
    return "\n".join(lines)

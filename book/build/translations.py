"""The Chinese edition's catalogues (locales/zh_CN/LC_MESSAGES/<page>.po), one per page.

A page's catalogue is either untranslated (no message translated yet: the Chinese edition shows
the English page under a notice) or complete: every message translated, none fuzzy, and each
translation keeps its message's markup (citations, glued values, cross-references, terms' targets,
link addresses), so a translation can neither drop a source nor print a stale number.
`python -m book translations` refreshes the catalogues from the English pages (sphinx-intl) and
the code's catalogue, book.po, from the code (update_code_catalogue), and reports what each still
needs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from book import i18n, paths

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
    return i18n.messages(catalogue_path(docname, root)).get(message, message)


def problems(root: Path | None = None) -> list[str]:
    return [problem for catalogue in catalogues(root).values() for problem in catalogue.problems]


def code_messages(root: Path | None = None):
    """The code's messages, `_("...")`, as a babel catalogue template: from the book's modules
    (book/*.py; not book/build/, which is the build's own, never shown to a reader) and from the
    chapters' code cells (read as notebooks with jupytext)."""
    import io

    import jupytext
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_python

    root = root or paths.root()
    template = Catalog(project="The Co-production Casebook", fuzzy=False)

    def add(source: bytes, where: str) -> None:
        for line, _function, message, _comments in extract_python(io.BytesIO(source), {"_": None}, [], {}):
            if isinstance(message, str) and message:
                template.add(message, locations=[(where, line)])

    for path in sorted((root / "book").glob("*.py")):
        add(path.read_bytes(), path.relative_to(root).as_posix())
    for path in sorted((root / "chapters").rglob("*.md")):
        if "{code-cell}" not in path.read_text(encoding="utf-8"):
            continue
        notebook = jupytext.read(path, fmt="md:myst")
        code = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
        if "_(" in code:
            add(code.encode("utf-8"), path.relative_to(root).as_posix())
    return template


def update_code_catalogue(root: Path | None = None) -> Path:
    """Merge the code's messages into locales/zh_CN/LC_MESSAGES/book.po: translations are kept, a
    new or changed message waits for its translation, a removed one is dropped."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    root = root or paths.root()
    path = catalogue_path(i18n.CATALOGUE, root)
    if path.exists():
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale=LANGUAGE)
    else:
        catalogue = Catalog(
            locale=LANGUAGE,
            project="The Co-production Casebook",
            fuzzy=False,
            header_comment="# The code's words in Chinese: `_()` messages of book/*.py and of the chapters' code cells.\n"
            "# Refreshed by `python -m book translations`; translate every msgstr.",
        )
    created = catalogue.creation_date
    # No guessing from similar messages: a code message is a word or two, and a near one (funder,
    # funding) is no translation of it.
    catalogue.update(code_messages(root), no_fuzzy_matching=True)
    catalogue.creation_date = created  # the file changes only when its messages do
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalogue, width=0, ignore_obsolete=True, include_lineno=False)
    i18n.catalogue.cache_clear()
    return path


def update(root: Path | None = None) -> None:
    """Extract the English messages (Sphinx's gettext builder) and merge them into the catalogues,
    a message to a line (no wrapping), so that a changed paragraph is a changed line; then the
    code's messages into the code's catalogue."""
    root = root or paths.root()
    update_code_catalogue(root)
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

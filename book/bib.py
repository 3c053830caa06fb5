"""The bibliography: parse references.bib once, with every failure reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from book import paths, reads

# A data `source` cell holds one or more keys separated by ";", each optionally
# followed by a locator after a comma: "ostrom1996crossing, p. 1079; bovaird2007beyond".
SOURCE_SEPARATOR = ";"
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_:-]*$")
# What may follow a key after a comma: a page, chapter, section, figure, table or paragraph.
LOCATOR_PATTERN = re.compile(
    r"^(?:p|pp|ch|chap|sec|secs|fig|figs|table|tab|para|paras|n|no|note|app|art)\.?\s*[0-9ivxlcdmIVXLCDM]"
    r"|^[0-9]",
    re.I,
)


@dataclass(frozen=True)
class BibProblem:
    line: int | None
    message: str


@dataclass(frozen=True)
class Bibliography:
    entries: dict
    problems: tuple[BibProblem, ...]

    @property
    def keys(self) -> set[str]:
        return set(self.entries)


def parse(text: str) -> Bibliography:
    library = bibtexparser.parse_string(text)
    problems = []
    for block in library.failed_blocks:
        line = getattr(block, "start_line", None)
        line = line + 1 if line is not None else None
        if isinstance(block, DuplicateBlockKeyBlock):
            problems.append(BibProblem(line, f"duplicate key '{block.key}'"))
        elif isinstance(block, ParsingFailedBlock):
            problems.append(BibProblem(line, f"unparsable entry: {block.error}"))
        else:
            problems.append(BibProblem(line, f"unparsable block: {type(block).__name__}"))
    entries = {entry.key: entry for entry in library.entries}
    return Bibliography(entries, tuple(problems))


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> Bibliography:
    return parse(path.read_text(encoding="utf-8"))


def load(path: Path | None = None) -> Bibliography:
    path = (path or paths.bibliography()).resolve()
    reads.record(path)
    return _load(path, path.stat().st_mtime)


def source_parts(cell: str) -> list[tuple[str, str | None]]:
    """(key, locator) for each source in a cell: 'a2020x, p. 3; b2019y' -> [('a2020x', 'p. 3'), ('b2019y', None)]."""
    parts = []
    for part in str(cell).split(SOURCE_SEPARATOR):
        key, comma, locator = part.partition(",")
        if key.strip():
            parts.append((key.strip(), locator.strip() if comma else None))
    return parts


def source_keys(cell: str) -> list[str]:
    """The citation keys in a `source` cell (locators after a comma dropped)."""
    return [key for key, _ in source_parts(cell)]


def _field(entry, name: str) -> str:
    field = entry.fields_dict.get(name)
    return str(field.value) if field else ""


def plain_text(text: str) -> str:
    """BibTeX text as a reader sees it: braces and escapes dropped."""
    return re.sub(r"\\(.)", r"\1", text.replace("{", "").replace("}", "")).strip()


def _surname(author: str) -> str:
    author = author.strip()
    if author.startswith("{") and author.endswith("}"):
        return plain_text(author)  # an organisation, written {{Name}}
    return plain_text(author.split(",", 1)[0] if "," in author else author.split()[-1])


def _split_authors(field: str) -> list[str]:
    """Split on ' and ' outside braces, so '{Barking and Dagenham Post}' stays whole."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(field):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and field.startswith(" and ", i):
            parts.append(field[start:i])
            start = i + len(" and ")
    return [*parts, field[start:]]


def citation_label(key: str, bibliography: Bibliography | None = None) -> str:
    """The author–year label the prose uses: 'Zhao and Zhou, 2020', 'Mahony et al., 2023'."""
    entry = (bibliography or load()).entries[key]
    names = [_surname(a) for a in _split_authors(_field(entry, "author") or _field(entry, "editor")) if a.strip()]
    if not names:
        who = plain_text(_field(entry, "title"))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {_field(entry, 'year') or 'n.d.'}"

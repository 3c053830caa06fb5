"""references.bib parses cleanly, and every key the chapters and data cite exists in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from book import bib, data, schema

ROOT = Path(__file__).resolve().parent.parent
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def chapter_files() -> list[Path]:
    return sorted((ROOT / "chapters").rglob("*.md"))


def test_bibliography_parses_without_failed_blocks():
    parsed = bib.parse((ROOT / "references.bib").read_text(encoding="utf-8"))
    assert parsed.problems == ()
    assert "zhao2020coproduction" in parsed.keys


def test_article_entry_is_complete():
    entry = bib.load().entries["zhao2020coproduction"]
    fields = {f.key: f.value for f in entry.fields}
    assert fields["doi"] == "10.15302/J-LAF-1-020037"
    assert (fields["volume"], fields["number"], fields["pages"]) == ("8", "5", "46--59")


def test_no_duplicate_keys():
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.MULTILINE)
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("chapter", chapter_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chapter_citations_resolve(chapter):
    keys = bib.load().keys
    text = re.sub(r"``.*?``", "", chapter.read_text(encoding="utf-8"))  # examples in inline code
    cited = {key.strip() for group in CITE.findall(text) for key in group.split(",")}
    assert cited <= keys, f"unknown keys: {sorted(cited - keys)}"


def test_data_sources_resolve():
    keys = bib.load().keys
    tables = [data.theory_table(p.stem) for p in (ROOT / "data/theory").glob("*.csv")]
    tables += [data.cases_table(name) for name in schema.table_names()]
    cited = {k for t in tables if "source" in t for cell in t.source.dropna() for k in bib.source_keys(cell)}
    assert cited and cited <= keys, f"unknown keys: {sorted(cited - keys)}"

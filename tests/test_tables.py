"""Tables read like a book: words for codes, 'unknown' for gaps, readable numbers, linked sources."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from book import bib, tables
from book.tables import format_number, readable

CODE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
EXPONENT = re.compile(r"\d[eE][-+]?\d")
TRAILING_ZEROS = re.compile(r"^-?[\d,]*\.\d*0$")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1234.0, "1,234"),
        (36.09, "36.09"),
        (6.54e-06, "0.00000654"),
        (0.00025207, "0.0002521"),
        (212000, "212,000"),
        (0.129, "0.129"),
    ],
)
def test_numbers_are_written_for_reading(value, text):
    assert format_number(value) == text


def test_code_names_become_words():
    assert readable("children_0_15") == "children 0–15"
    assert readable("years_idle_before") == "years idle before"
    assert readable("Already words") == "Already words"


def test_missing_values_read_unknown_and_sources_link(tmp_path, monkeypatch):
    frame = pd.DataFrame(
        {
            "year": pd.array([2019, None], dtype="Int64"),
            "value": pd.array([None, 1.5], dtype="Float64"),
            "note": pd.array([None, "see [zhao2020coproduction, p. 50]"], dtype="string"),
            "source": ["zhao2020coproduction, p. 50; ostrom1996crossing", "no-such-key"],
        }
    )
    html = tables.show_table(frame, caption="A test").data
    soup = BeautifulSoup(html, "html.parser")
    cells = [td.get_text() for td in soup.find_all("td")]
    assert "<NA>" not in html and "nan" not in cells
    assert cells[:4] == ["2019", "unknown", "unknown", "Zhao and Zhou, 2020, p. 50; Ostrom, 1996"]
    links = [a["href"] for a in soup.find_all("a")]
    assert all(link.endswith(("#cite-zhao2020coproduction", "#cite-ostrom1996crossing")) for link in links)
    assert len(links) == 3  # two in the source cell, one inside the note
    assert cells[-1] == "no-such-key"  # an unknown key is shown as written, never linked


def test_citation_labels_are_author_year():
    library = bib.load()
    assert bib.citation_label("zhao2020coproduction", library) == "Zhao and Zhou, 2020"
    assert bib.citation_label("parks1981consumers", library) == "Parks et al., 1981"


@pytest.mark.build
@pytest.mark.build
def test_every_table_in_the_site_reads_like_a_book(built_site):
    """Every casebook table on every page: no code names, no <NA>, no exponents, sources linked."""
    problems = []
    keys = bib.load().keys
    tables_seen = 0
    for page in sorted(built_site.rglob("*.html")):
        name = page.relative_to(built_site).as_posix()
        if name.startswith("_static/"):
            continue
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("table.casebook-table"):
            tables_seen += 1
            caption = table.caption.get_text()[:50] if table.caption else "?"
            for th in table.select("th"):
                if not th.code and CODE_NAME.match(th.get_text().strip()):
                    problems.append(f"{name} [{caption}]: header {th.get_text()!r} is a code name")
            for td in table.select("td"):
                if td.code:
                    continue  # shown verbatim on purpose: the data format itself
                text = td.get_text().strip()
                if text in {"<NA>", "nan", "NaN", "None", "NaT"}:
                    problems.append(f"{name} [{caption}]: missing value shown as {text!r}")
                if CODE_NAME.match(text):
                    problems.append(f"{name} [{caption}]: cell {text!r} is a code name")
                if "num" in td.get("class", []) and (EXPONENT.search(text) or TRAILING_ZEROS.match(text)):
                    problems.append(f"{name} [{caption}]: number {text!r} is not written for reading")
                if "cite" in td.get("class", []):
                    unlinked = [k for k in bib.source_keys(text) if k in keys]
                    if unlinked:
                        problems.append(f"{name} [{caption}]: source shows raw keys {unlinked}")
    assert tables_seen >= 20, f"only {tables_seen} tables found: the selector no longer matches"
    assert not problems, "\n".join(problems)

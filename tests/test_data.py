"""The validator accepts the book's data and names file, row and column for every broken copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from book import data, schema

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def book_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the book's data and bibliography that the validator and loader read instead."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    monkeypatch.setenv("CASEBOOK_ROOT", str(tmp_path))
    return tmp_path


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_book_data_is_valid():
    assert messages(schema.validate_all()) == []


def test_cli_reports_success_and_failure(book_copy):
    ok = subprocess.run([sys.executable, "-m", "book", "validate"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    (book_copy / "data/theory/milestones.csv").write_text("year,milestone\n1,x\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "book", "validate"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "data/theory/milestones.csv" in bad.stderr and "problem(s)" in bad.stderr


def test_missing_column(book_copy):
    csv = book_copy / "data/theory/milestones.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    found = messages(schema.validate_all())
    assert any("data/theory/milestones.csv, row 1, column 'source'" in m and "missing-label" in m for m in found), found


def test_unknown_source_key(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", ",arnstein1970nosuch")
    found = messages(schema.validate_all())
    assert "data/theory/milestones.csv, row 2, column 'source': unknown source key 'arnstein1970nosuch' (not in references.bib)" in found


def test_non_numeric_value(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", "1996,", "about 1996,")
    found = messages(schema.validate_all())
    assert any(m.startswith("data/theory/milestones.csv, row 6, column 'year'") and "type-error" in m for m in found), found


def test_ragged_row(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", ",ostrom1996crossing", ",ostrom1996crossing,surplus")
    found = messages(schema.validate_all())
    assert any(m.startswith("data/theory/milestones.csv, row 6") and "extra-cell" in m for m in found), found


def test_malformed_yaml(book_copy):
    case = book_copy / "data/cases/broken-case"
    case.mkdir(parents=True)
    (case / "case.yaml").write_text("id: broken-case\nname: {en: [unclosed\n", encoding="utf-8")
    found = messages(schema.validate_all())
    assert any(m.startswith("data/cases/broken-case/case.yaml, row 3: malformed YAML") for m in found), found


def test_duplicate_bib_key(book_copy):
    bib = book_copy / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{arnstein1969ladder,\n  title = {Again},\n  year = {1969},\n}\n",
                   encoding="utf-8")
    found = messages(schema.validate_all())
    assert any(m.startswith("references.bib, row") and "duplicate key 'arnstein1969ladder'" in m for m in found), found


def test_every_problem_reported_at_once(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", "1996,", "about 1996,")
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", ",nosuchkey")
    assert len(schema.validate_all()) >= 2


def test_html_in_text_is_data_not_markup(book_copy):
    """A tag in a text field is accepted as text, and a rendered table shows it escaped."""
    from book.tables import show_table

    rewrite(book_copy / "data/theory/milestones.csv", "Sherry Arnstein", "<script>alert(1)</script> Arnstein")
    assert messages(schema.validate_all()) == []
    milestones = data.theory_table("milestones")
    rendered = show_table(milestones, caption="<b>caption</b>").data
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "&lt;b&gt;caption&lt;/b&gt;" in rendered


def test_loader_types_follow_schema():
    milestones = data.theory_table("milestones")
    assert str(milestones.year.dtype) == "Int64"
    assert list(milestones.columns) == [f["name"] for f in schema.table_schema("milestones")["fields"]]


def test_one_stage_order_everywhere():
    """The stages table's enum is the order; the theory table and its schema must agree with it."""
    from book import data, schema

    order = schema.stage_order()
    theory_enum = next(f for f in schema.table_schema("production_stages")["fields"] if f["name"] == "stage")
    assert theory_enum["constraints"]["enum"] == order
    assert list(data.theory_table("production_stages").sort_values("order").stage) == order

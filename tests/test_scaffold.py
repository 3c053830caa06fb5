"""`python -m book new-case`: scaffold, refusals, and what validate says right after."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import run_book

ROOT = Path(__file__).resolve().parent.parent


def toc_files(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [entry["file"] for part in toc["parts"] for entry in part["chapters"]]


def test_scaffold_creates_data_chapter_and_toc_entry(book_copy):
    result = run_book("new-case", "test-estate")
    assert result.returncode == 0, result.stderr
    folder = book_copy / "data/cases/test-estate"
    for table in (
        "case.yaml",
        "actors.csv",
        "stages.csv",
        "metrics.csv",
        "projects.csv",
        "events.csv",
        "bottleneck_evidence.csv",
        "depth.csv",
    ):
        assert (folder / table).exists(), table
    assert "id: test-estate" in (folder / "case.yaml").read_text(encoding="utf-8")
    chapter = (book_copy / "chapters/cases/test-estate.md").read_text(encoding="utf-8")
    assert 'data.case("test-estate")' in chapter and "__CASE_ID__" not in chapter
    files = toc_files(book_copy)
    assert "chapters/cases/test-estate" in files
    cases = [f for f in files if f.startswith("chapters/cases/")]
    assert cases[-1] == "chapters/cases/test-estate" and files.index(cases[-1]) == files.index(cases[-2]) + 1


def test_validate_names_the_new_case_and_what_to_fill_in(book_copy):
    assert run_book("new-case", "test-estate").returncode == 0
    result = run_book("validate")
    assert result.returncode == 1
    assert "case 'test-estate':" in result.stderr and "still to fill in" in result.stderr
    lines = [line for line in result.stderr.splitlines() if "data/cases/test-estate/" in line]
    assert lines and all("placeholder still to fill in" in line for line in lines), lines
    assert any("stages.csv, row 2, column 'level'" in line for line in lines)
    assert not any("data/cases/barking-dagenham" in line for line in result.stderr.splitlines())


@pytest.mark.parametrize("bad_id", ["KIC", "kic_garden", "-kic", "kic--garden", "9lives", "kic garden", ""])
def test_invalid_ids_are_refused_and_nothing_is_written(book_copy, bad_id):
    before = sorted(p.name for p in (book_copy / "data/cases").iterdir())
    result = run_book("new-case", "--", bad_id)
    assert result.returncode == 2
    assert "not a valid case id" in result.stderr
    assert sorted(p.name for p in (book_copy / "data/cases").iterdir()) == before


def test_existing_id_is_refused(book_copy):
    toc_before = (book_copy / "_toc.yml").read_text(encoding="utf-8")
    result = run_book("new-case", "barking-dagenham")
    assert result.returncode == 2 and "already exists" in result.stderr
    assert (book_copy / "_toc.yml").read_text(encoding="utf-8") == toc_before

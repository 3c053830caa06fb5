"""The book at many cases: synthetic copies of the fixture case (book.build.synthetic), as
`make bench BENCH='--cases N'` adds them, validate; and the comparison's tables and charts stay
readable and bounded however many cases there are. Data only: nothing here builds the book."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from book import compare, data
from book.build import review, synthetic

ROOT = Path(__file__).resolve().parent.parent
MANY = 60


def copy_sources(target: Path) -> Path:
    """What validation and the comparison read: data, chapters, bibliography, contents, fixtures."""
    for name in ("data", "chapters", "tests/fixtures"):
        shutil.copytree(ROOT / name, target / name)
    for name in ("references.bib", "_toc.yml"):
        shutil.copy(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def many_cases(tmp_path_factory) -> Path:
    """A copy of the book's data holding MANY cases: the book's own and synthetic ones (data only)."""
    root = copy_sources(tmp_path_factory.mktemp("many") / "book")
    own = len(list((root / "data" / "cases").glob("*/case.yaml")))
    synthetic.add_cases(root, range(1, MANY - own + 1), with_chapters=False)
    return root


@pytest.fixture
def at_many(many_cases, monkeypatch) -> Path:
    monkeypatch.setenv("CASEBOOK_ROOT", str(many_cases))
    return many_cases


def test_synthetic_cases_are_added_as_a_contributor_adds_them(tmp_path, monkeypatch):
    """Scaffolded, filled from the fixture, varied by rule: `make validate` finds nothing to fix."""
    root = copy_sources(tmp_path)
    added = synthetic.add_cases(root, range(1, 4))
    assert added == ["fixture-village-001", "fixture-village-002", "fixture-village-003"]
    monkeypatch.setenv("CASEBOOK_ROOT", str(root))
    assert [str(p) for p in review.validate_book()] == []
    assert {data.case_profile(c)["status"] for c in added} == set(synthetic.STATUSES)
    assert "# Fixture Village 002\n" in (root / "chapters" / "cases" / "fixture-village-002.md").read_text()
    assert "chapters/cases/fixture-village-003" in (root / "_toc.yml").read_text()


def test_synthetic_cases_refuse_a_template_they_cannot_fill(tmp_path):
    root = copy_sources(tmp_path)
    answers = root / "tests" / "fixtures" / f"{synthetic.FIXTURE_CASE}-chapter.yaml"
    answers.write_text(answers.read_text().replace('"# TODO: title of the case"', '"# TODO: a title"'))
    with pytest.raises(ValueError, match="TODO: title of the case"):
        synthetic.add_cases(root, [1])


def test_the_many_cases_are_all_compared(at_many):
    assert len(data.case_ids()) == MANY
    assert len(compare.overview()) == MANY

"""The comparison picks up any new case under data/cases/ without editing the chapter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from book import compare, schema

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "fixture-village"


@pytest.fixture
def book_with_fixture(tmp_path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    shutil.copytree(FIXTURE, tmp_path / "data" / "cases" / FIXTURE.name)
    monkeypatch.setenv("CASEBOOK_ROOT", str(tmp_path))
    return tmp_path


def test_fixture_case_validates(book_with_fixture):
    assert [str(p) for p in schema.validate_all()] == []


def test_fixture_case_in_every_comparison_table(book_with_fixture):
    assert "fixture-village" in set(compare.profiles().case_id)
    assert "Fixture Village" in set(compare.stage_matrix().case)
    assert "fixture-village" in set(compare.bottleneck_table().case_id)
    depth = compare.depth_scores().query("case_id == 'fixture-village'").set_index("dimension").score
    assert depth["who takes part"] == 1  # residents and an administrator: 2 of 4 types
    assert depth["stages residents share"] == 3  # villagers lead all seven stages
    assert depth["institutionalisation"] == 3


def test_stages_are_counted_once_per_actor_type(book_with_fixture):
    """The fixture has two resident actors in every stage: residents reach 7 stages, not 14."""
    reach = compare.stage_reach().query("case_id == 'fixture-village'").set_index("type")
    assert reach.loc["residents", "shares"] == 7
    assert reach.loc["residents", "leads"] == 7
    assert (compare.stage_reach()[["leads", "shares"]] <= 7).all().all()


def test_pattern_sentences_follow_the_data(book_with_fixture):
    """The fixture's villagers supervise, so 'residents do not supervise' no longer covers every case."""
    table = compare.patterns().set_index("pattern")
    assert "fixture-village" in table.loc["residents do not supervise", "fails"]
    assert "fixture-village" in table.loc["residents make", "holds"]
    phrase = compare.which_cases(table.loc["residents do not supervise", "holds"])
    assert phrase == "Barking and Dagenham; Fengquan Gujing, Changsha; and KIC Garden, Shanghai (three of four cases)"
    assert compare.which_cases(table.loc["residents make", "holds"]) == "all four cases"


# The comparison chapter as built, with the fixture case added: tests/test_contributor_path.py.

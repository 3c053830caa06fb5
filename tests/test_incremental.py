"""Builds are never stale: a data edit re-executes exactly the notebooks that read the file,
a prose edit re-executes none, and a no-op rebuild executes nothing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build_book

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("incremental")]
EXECUTED = re.compile(r"\[casebook\] executing \d+ notebook\(s\) in parallel: (.*)")
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", "*.egg-info")


def executed(result) -> set[str]:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    found = EXECUTED.search(result.stdout + result.stderr)
    return set(found.group(1).split(", ")) if found else set()


def test_rebuilds_follow_data_and_prose(tmp_path):
    copy = tmp_path / "book"
    shutil.copytree(ROOT, copy, ignore=IGNORE)
    page = copy / "_build/html/chapters/theory/concept.html"

    assert "chapters/theory/concept" in executed(build_book(copy))
    assert executed(build_book(copy)) == set(), "a no-op rebuild executed notebooks"

    chapter = copy / "chapters/theory/concept.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "Three things stand out.", "Three things stand out here."), encoding="utf-8")
    assert executed(build_book(copy)) == set(), "a prose edit executed notebooks"
    assert "Three things stand out here." in page.read_text(encoding="utf-8")

    manifest = json.loads((copy / "_build/.jupyter_cache/casebook-executions.json").read_text())
    readers = {doc for doc, entry in manifest.items()
               if any(dep["path"] == "data/theory/milestones.csv" for dep in entry["reads"])}
    assert {"chapters/theory/concept", "chapters/back/data-catalogue"} <= readers
    assert "chapters/cases/barking-dagenham" not in readers

    csv = copy / "data/theory/milestones.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("Sherry Arnstein", "Sherry R. Arnstein"), encoding="utf-8")
    ran = executed(build_book(copy))
    assert ran == readers, f"expected exactly the notebooks reading milestones.csv, got {ran}"
    assert "Sherry R. Arnstein" in page.read_text(encoding="utf-8")

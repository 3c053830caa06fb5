"""Synthetic cases for measuring and testing the book at scale, written only into a copy of it.

Each case is a copy of the test fixture (tests/fixtures/fixture-village, marked as invented in
every row), added as a contributor adds one: `new-case` scaffolds it, the fixture's tables replace
the scaffold's, and the fixture's answers fill the chapter's TODOs. Profiles vary by a fixed rule
(country, status, focus, period), so that filters and summaries have something to sort.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

FIXTURE_CASE = "fixture-village"
FIXTURE_NAME = "Fixture Village"
# Invented places: a synthetic case must never look like a real one.
COUNTRIES = ["Nowhere", "Elsewhere", "Faraway"]
STATUSES = ["active", "ended", "unknown"]
FOCUSES = ["soft services", "physical space", "both"]


def fixture_dir(root: Path) -> Path:
    return root / "tests" / "fixtures"


def case_id(number: int) -> str:
    return f"{FIXTURE_CASE}-{number:03d}"


def profile(base: dict, number: int) -> dict:
    """The fixture's profile, renamed and varied by rule."""
    start = 1990 + (number * 7) % 33
    status = STATUSES[number % len(STATUSES)]
    return {
        **base,
        "id": case_id(number),
        "name": {"en": f"{FIXTURE_NAME} {number:03d}: a test case"},
        "place": {"city": f"Testtown {number:03d}", "country": COUNTRIES[number % len(COUNTRIES)]},
        "period": {"start": start, "end": start + 1 + number % 5 if status == "ended" else None},
        "status": status,
        "service_focus": FOCUSES[number % len(FOCUSES)],
    }


def fill_chapter(chapter: Path, answers: dict[str, str], name: str) -> None:
    """Replace each TODO line of a scaffolded chapter with the fixture's answer."""
    lines = chapter.read_text(encoding="utf-8").split("\n")
    unanswered = [line for line in lines if "TODO" in line and line not in answers]
    if unanswered:
        raise ValueError(f"the chapter template has TODOs the fixture does not fill: {unanswered}")
    filled = "\n".join(answers.get(line, line) for line in lines)
    chapter.write_text(filled.replace(f"# {FIXTURE_NAME}\n", f"# {name}\n", 1), encoding="utf-8")


def add_cases(root: Path, numbers, with_chapters: bool = True) -> list[str]:
    """Add the synthetic cases `numbers` to the book copy at `root`; return their ids.

    Without chapters only the data is written (for tests of what reads data/ alone).
    """
    import os

    from book.build import scaffold

    fixtures = fixture_dir(root)
    source = fixtures / FIXTURE_CASE
    answers = yaml.safe_load((fixtures / f"{FIXTURE_CASE}-chapter.yaml").read_text(encoding="utf-8"))
    base = yaml.safe_load((source / "case.yaml").read_text(encoding="utf-8"))
    previous = os.environ.get("CASEBOOK_ROOT")
    os.environ["CASEBOOK_ROOT"] = str(root)  # scaffold writes into the book at paths.root()
    added = []
    try:
        for number in numbers:
            new_id = case_id(number)
            folder = root / "data" / "cases" / new_id
            if with_chapters:
                scaffold.new_case(new_id)
                for scaffolded in folder.iterdir():
                    if not (source / scaffolded.name).exists():
                        scaffolded.unlink()
            else:
                folder.mkdir(parents=True)
            for table in source.iterdir():
                shutil.copy(table, folder / table.name)
            varied = profile(base, number)
            (folder / "case.yaml").write_text(yaml.safe_dump(varied, sort_keys=False, allow_unicode=True), "utf-8")
            if with_chapters:
                fill_chapter(scaffold.chapter_path(new_id), answers, varied["name"]["en"].split(":")[0])
            added.append(new_id)
    finally:
        if previous is None:
            os.environ.pop("CASEBOOK_ROOT", None)
        else:
            os.environ["CASEBOOK_ROOT"] = previous
    return added

"""The contributor's path, walked on a temporary copy exactly as CONTRIBUTING.md prints it:
`make new-case ID=...`, fill in the data and the chapter (from the fixture, which has two resident
actors), `make validate`, `make book`; then the case is in the site, the comparison and the
catalogue. One build, shared by every test here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import ROOT

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("copies")]
CASE = "fixture-village"
FIXTURE = Path(__file__).parent / "fixtures"
STAMP = ".venv/.installed-from-lock"


@dataclass
class Walk:
    root: Path
    steps: dict[str, subprocess.CompletedProcess] = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.root / "_build" / "html"

    def page(self, name: str) -> str:
        return (self.site / name).read_text(encoding="utf-8")


def make(root: Path, *args: str) -> subprocess.CompletedProcess:
    # `-o` keeps make from reinstalling the shared environment from the copy.
    env = {**os.environ, "CASEBOOK_ROOT": str(root)}
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, *args], cwd=root, env=env, capture_output=True, text=True
    )


def fill_chapter(chapter: Path) -> None:
    """Replace each TODO line of the scaffolded chapter with the fixture's answer."""
    answers = yaml.safe_load((FIXTURE / f"{CASE}-chapter.yaml").read_text(encoding="utf-8"))
    lines = chapter.read_text(encoding="utf-8").split("\n")
    unanswered = [line for line in lines if "TODO" in line and line not in answers]
    assert not unanswered, f"the chapter template has TODOs the fixture does not fill: {unanswered}"
    chapter.write_text("\n".join(answers.get(line, line) for line in lines), encoding="utf-8")


def fill_data(folder: Path) -> None:
    """The fixture's tables over the scaffold's; the optional tables it does not use deleted."""
    source = FIXTURE / CASE
    for scaffolded in folder.iterdir():
        if not (source / scaffolded.name).exists():
            scaffolded.unlink()
    for filled in source.iterdir():
        shutil.copy(filled, folder / filled.name)


@pytest.fixture(scope="session")
def walk(seeded_copy) -> Walk:
    root = seeded_copy("contributor")
    os.symlink(ROOT / ".venv", root / ".venv")
    done = Walk(root)
    done.steps["new-case"] = make(root, "new-case", f"ID={CASE}")
    done.steps["validate-unfilled"] = make(root, "validate")
    fill_data(root / "data" / "cases" / CASE)
    fill_chapter(root / "chapters" / "cases" / f"{CASE}.md")
    done.steps["validate"] = make(root, "validate")
    done.steps["book"] = make(root, "book")
    return done


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def test_every_step_works_as_printed(walk):
    scaffold = walk.steps["new-case"]
    assert scaffold.returncode == 0, output(scaffold)
    printed = re.findall(r"`(make [^`]+)`", scaffold.stdout)
    assert printed == ["make validate", "make book"], scaffold.stdout
    unfilled = walk.steps["validate-unfilled"]
    assert unfilled.returncode != 0
    assert f"case '{CASE}':" in unfilled.stderr and f"chapters/cases/{CASE}.md, line " in unfilled.stderr
    assert walk.steps["validate"].returncode == 0, output(walk.steps["validate"])
    assert walk.steps["book"].returncode == 0, output(walk.steps["book"])[-6000:]
    assert (walk.site / "chapters" / "cases" / f"{CASE}.html").exists()


def test_the_case_is_in_the_site_with_its_tables_and_chart(walk):
    page = BeautifulSoup(walk.page(f"chapters/cases/{CASE}.html"), "html.parser")
    assert page.select_one("h1").get_text().startswith("Fixture Village")
    text = page.get_text(" ")
    assert "Fixture youth club" in text and "Paints the hall" in text
    assert "vegaEmbed(" in str(page), "the stage heatmap did not render"
    assert "TODO" not in text


def test_the_comparison_shows_the_case(walk):
    html = walk.page("chapters/synthesis/comparison.html")
    assert html.count("Fixture Village") >= 4, "the fixture case is missing from the comparison's tables and charts"
    assert "777" in html  # its population reaches the profile table
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert "three of four cases" in text, "a sentence about all the cases ignores the case that breaks it"
    assert "Fixture Village: residents at level 2 or 3 in 7 of 7 stages" in html  # a chart's description
    assert f"cases/{CASE}.html" in html, "the comparison does not link to the new case"


def test_the_new_case_re_ran_exactly_the_pages_that_list_the_cases(walk):
    """The copy's cache comes from the book as built: only pages that list data/cases/ or read
    the new case's files execute, the catalogue and the contributing page among them."""
    found = re.search(r"\[casebook\] executing \d+ notebook\(s\) in parallel: (.*)", walk.steps["book"].stdout)
    assert found, walk.steps["book"].stdout[-3000:]
    ran = set(found.group(1).split(", "))
    assert {
        f"chapters/cases/{CASE}",
        "chapters/synthesis/comparison",
        "chapters/back/data-catalogue",
        "chapters/back/contributing",
    } <= ran
    assert "chapters/theory/concept" not in ran and "chapters/cases/kic-garden" not in ran


def test_the_catalogue_lists_the_case_with_downloads(walk):
    html = walk.page("chapters/back/data-catalogue.html")
    for table in ("actors", "stages", "metrics", "depth", "bottleneck_evidence"):
        link = f"data/cases/{CASE}/{table}.csv"
        assert f"download>{link}</a>" in html, link
        assert (walk.site / link).is_file()
    assert f"data/cases/{CASE}/projects.csv" not in html  # the table the contributor deleted

"""The contributor's path, walked on a temporary copy exactly as CONTRIBUTING.md prints it:
`make new-case ID=...`, fill in the data and the chapter (from the fixture, which has two resident
actors), `make validate`, `make book`; then the case is in the site, the comparison and the
catalogue. One walk, shared with the PDF and incremental tests (the `contribution` fixture in
tests/conftest.py)."""

from __future__ import annotations

import re
import subprocess

import pytest
from bs4 import BeautifulSoup

from conftest import NEW_CASE as CASE
from conftest import ROOT, executed, readers_of

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("copies")]


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def test_every_step_works_as_printed(contribution):
    scaffold = contribution.steps["new-case"]
    assert scaffold.returncode == 0, output(scaffold)
    printed = re.findall(r"`(make [^`]+)`", scaffold.stdout)
    assert printed == ["make validate", "make book"], scaffold.stdout
    unfilled = contribution.steps["validate-unfilled"]
    assert unfilled.returncode != 0
    assert f"case '{CASE}':" in unfilled.stderr and f"chapters/cases/{CASE}.md, line " in unfilled.stderr
    assert contribution.steps["validate"].returncode == 0, output(contribution.steps["validate"])
    assert contribution.steps["book"].returncode == 0, output(contribution.steps["book"])[-6000:]
    assert (contribution.site / "chapters" / "cases" / f"{CASE}.html").exists()


def test_the_case_is_in_the_site_with_its_tables_and_chart(contribution):
    page = BeautifulSoup(contribution.page(f"chapters/cases/{CASE}.html"), "html.parser")
    assert page.select_one("h1").get_text().startswith("Fixture Village")
    text = page.get_text(" ")
    assert "Fixture youth club" in text and "Paints the hall" in text
    assert "vegaEmbed(" in str(page), "the stage heatmap did not render"
    assert "TODO" not in text


def test_a_case_in_english_only_shows_a_notice_in_the_chinese_edition(contribution):
    """No catalogue for the new chapter yet: its Chinese page is the English one under a notice
    that links to it, and the Chinese comparison counts the case with the others."""
    page = BeautifulSoup(contribution.page(f"zh/chapters/cases/{CASE}.html"), "html.parser")
    notice = page.select_one("aside.casebook-untranslated")
    assert notice is not None and notice.get("lang") == "zh-Hans" and "尚未译成中文" in notice.get_text()
    assert notice.select_one('a[hreflang="en"]')["href"] == f"../../../chapters/cases/{CASE}.html"
    assert page.select_one('div[lang="en"] h1').get_text().startswith("Fixture Village")
    comparison = BeautifulSoup(contribution.page("zh/chapters/synthesis/comparison.html"), "html.parser")
    assert "四个案例中的三个" in comparison.get_text(" ")


def test_the_comparison_shows_the_case(contribution):
    html = contribution.page("chapters/synthesis/comparison.html")
    assert html.count("Fixture Village") >= 4, "the fixture case is missing from the comparison's tables and charts"
    assert "777" in html  # its population reaches the profile table
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert "three of four cases" in text, "a sentence about all the cases ignores the case that breaks it"
    assert "Fixture Village: residents at level 2 or 3 in 7 of 7 stages" in html  # a chart's description
    assert f"cases/{CASE}.html" in html, "the comparison does not link to the new case"


def test_the_new_case_re_ran_exactly_the_pages_that_list_the_cases(contribution):
    """The copy's cache comes from the book as built: only the new case and the pages that list
    data/cases/ execute (the catalogue and the contributing page among them), which also proves
    that the cache's keys hold in another folder."""
    log = contribution.steps["book"].stdout
    assert "[casebook] executing" in log, log[-3000:]
    listers = readers_of(ROOT, "data/cases")
    assert {"chapters/synthesis/comparison", "chapters/back/data-catalogue", "chapters/back/contributing"} <= listers
    assert executed(log) == listers | {f"chapters/cases/{CASE}"}


def test_the_catalogue_lists_the_case_with_downloads(contribution):
    html = contribution.page("chapters/back/data-catalogue.html")
    for table in ("actors", "stages", "metrics", "depth", "bottleneck_evidence"):
        link = f"data/cases/{CASE}/{table}.csv"
        assert f"download>{link}</a>" in html, link
        assert (contribution.site / link).is_file()
    assert f"data/cases/{CASE}/projects.csv" not in html  # the table the contributor deleted

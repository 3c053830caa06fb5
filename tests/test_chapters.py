"""Every chapter keeps the book's frame: objectives, reading time, summary, questions, exercises."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from book.build import review
from conftest import run_book

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = review.framed_chapters(ROOT)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chapter_frame(chapter):
    """The same check `make validate` runs (book.build.review)."""
    assert [str(p) for p in review.frame_problems(chapter)] == []


def validate() -> subprocess.CompletedProcess:
    return run_book("validate")


def test_validate_finds_placeholders_in_a_chapter(book_copy):
    chapter = book_copy / "chapters/cases/kic-garden.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("## Summary\n", "## Summary\n\nTODO: rewrite the summary.\n", 1), encoding="utf-8")
    result = validate()
    assert result.returncode == 1
    line = chapter.read_text(encoding="utf-8").splitlines().index("TODO: rewrite the summary.") + 1
    assert (
        f"chapters/cases/kic-garden.md, line {line}: placeholder still to fill in: 'TODO: rewrite the summary.'"
        in result.stderr
    )
    assert "case 'kic-garden': 1 placeholder(s) still to fill in" in result.stderr


def test_validate_finds_a_short_chapter_and_a_missing_frame(book_copy):
    chapter = book_copy / "chapters/cases/kic-garden.md"
    text = chapter.read_text(encoding="utf-8")
    cut = text.split("## Summary", 1)[0]  # no summary, questions or exercises; too few words
    chapter.write_text(cut[: len(cut) // 3], encoding="utf-8")
    result = validate()
    assert result.returncode == 1
    for message in (
        "the chapter has no '## Summary' section",
        "the chapter has no '## Discussion questions' section",
        "0 exercise(s): write at least 2",
    ):
        assert f"chapters/cases/kic-garden.md: {message}" in result.stderr
    assert re.search(r"chapters/cases/kic-garden.md: \d+ words of prose: a chapter needs at least 1,500", result.stderr)


def test_validate_finds_a_case_missing_from_the_toc(book_copy):
    toc = book_copy / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8").replace("  - file: chapters/cases/kic-garden\n", ""), encoding="utf-8"
    )
    result = validate()
    assert result.returncode == 1
    assert (
        "_toc.yml: chapters/cases/kic-garden.md is not listed, so the case would have no page and no links "
        "from the comparison: add '- file: chapters/cases/kic-garden' to the Cases part"
    ) in result.stderr


def test_validate_finds_a_case_without_chapter_and_a_page_outside_the_toc(book_copy):
    (book_copy / "chapters/cases/kic-garden.md").rename(book_copy / "chapters/back/old-page.md")
    result = validate()
    assert result.returncode == 1
    assert "data/cases/kic-garden: the case has no chapter: chapters/cases/kic-garden.md is missing" in result.stderr
    assert (
        "_toc.yml: 'chapters/cases/kic-garden' is listed but chapters/cases/kic-garden.md does not exist"
        in result.stderr
    )
    assert "_toc.yml: chapters/back/old-page.md is not listed, so Jupyter Book would leave it out" in result.stderr


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_figures_have_captions_and_descriptions(chapter):
    text = chapter.read_text(encoding="utf-8")
    for cell in re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text, flags=re.S):
        if "alt.Chart" in cell or "stage_heatmap(" in cell or "casepage.timeline(" in cell:
            assert "caption:" in cell, f"chart cell without a caption:\n{cell[:200]}"
            assert "charts.described(" in cell or "stage_heatmap(" in cell or "casepage.timeline(" in cell


# Sentences about how the book was made, or what it could not obtain, belong on the contributing page.
ABOUT_THE_BOOK = re.compile(
    r"could not be (?:retrieved|found|obtained) for|available to the book|the book has seen|"
    r"the book could not|python -m book|make new-case|new-case|\bvalidator\b|contributor kit|"
    r"for this book|could not (?:retrieve|obtain)",
    flags=re.I,
)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_subject_chapters_speak_of_the_subject(chapter):
    text = chapter.read_text(encoding="utf-8")
    found = [f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}" for m in ABOUT_THE_BOOK.finditer(text)]
    assert not found, "a sentence about the book's own making: " + "; ".join(found)


def test_the_rule_catches_what_it_names(tmp_path):
    assert ABOUT_THE_BOOK.search("That table could not be retrieved for this book.")
    assert ABOUT_THE_BOOK.search("Run `python -m book new-case x`.")
    assert not ABOUT_THE_BOOK.search("The council could not find a buyer for the building.")

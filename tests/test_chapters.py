"""Every chapter keeps the book's frame: objectives, reading time, summary, questions, exercises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p for part in ("theory", "cases", "synthesis") for p in (ROOT / "chapters" / part).glob("*.md"))


def prose_words(text: str) -> int:
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", "", text)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_chapter_frame(chapter):
    text = chapter.read_text(encoding="utf-8")
    assert "**Reading time:**" in text and "**You will be able to**" in text
    assert re.search(r"^## Summary$", text, flags=re.M)
    questions = text.split("## Discussion questions", 1)[1].split("##", 1)[0]
    assert len(re.findall(r"^\d+\. ", questions, flags=re.M)) >= 3
    exercises = re.findall(r"```\{exercise\}\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution\} (\S+)\n:class: dropdown", text)
    assert len(exercises) >= 2 and set(exercises) == set(solutions)
    assert prose_words(text) >= 1500, f"{prose_words(text)} words of prose"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_figures_have_captions_and_descriptions(chapter):
    text = chapter.read_text(encoding="utf-8")
    for cell in re.findall(r"```\{code-cell\} ipython3\n(.*?)```", text, flags=re.S):
        if "alt.Chart" in cell or "stage_heatmap(" in cell:
            assert "caption:" in cell, f"chart cell without a caption:\n{cell[:200]}"
            assert "charts.described(" in cell or "stage_heatmap(" in cell


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

"""What a reviewer checks before reading a word: the data (book.schema), and the chapters.

- Every chapter of theory, cases and synthesis keeps the book's frame: objectives and reading
  time, a summary, at least three discussion questions, at least two exercises with hidden
  solutions, and at least 1,500 words of prose. No placeholder (TODO) is left in it.
- Every case folder has its chapter, and the chapter is listed in _toc.yml; every entry of the
  table of contents exists, and every page under chapters/ is in it (Jupyter Book would leave
  a page out silently, and an old copy of it in _build).

`python -m book validate` (`make validate`) runs all of it; tests/test_chapters.py uses the same
functions.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from book import paths, schema
from book.schema import Problem

MIN_WORDS = 1500
MIN_QUESTIONS = 3
MIN_EXERCISES = 2
FRAMED_PARTS = ("theory", "cases", "synthesis")
PLACEHOLDER = re.compile(r"\bTODO\b")
TOC = "_toc.yml"


def framed_chapters(root: Path | None = None) -> list[Path]:
    """The chapters that keep the book's frame: theory, cases and synthesis."""
    root = root or paths.root()
    return sorted(p for part in FRAMED_PARTS for p in (root / "chapters" / part).glob("*.md"))


def prose_words(text: str) -> int:
    """Words of prose: front matter, code cells and roles such as {cite:p}`key` left out."""
    text = re.sub(r"^---\n.*?\n---\n", "", text, flags=re.S)
    text = re.sub(r"```\{code-cell\}.*?```", "", text, flags=re.S)
    text = re.sub(r"\{[a-z:-]+\}`[^`]*`", "", text)
    return len(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def frame_problems(path: Path) -> list[Problem]:
    """What the chapter at `path` lacks of the book's frame, and placeholders left in it."""
    file = schema.relative(path)
    text = path.read_text(encoding="utf-8")
    problems = [
        Problem(
            file,
            _line(text, m.start()),
            "",
            "placeholder still to fill in: " + repr(text[m.start() :].split("\n", 1)[0][:60]),
        )
        for m in PLACEHOLDER.finditer(text)
    ]

    def lacks(message: str) -> None:
        problems.append(Problem(file, 0, "", message))

    if "**Reading time:**" not in text or "**You will be able to**" not in text:
        lacks(
            "the chapter must open with '**Reading time:**' and '**You will be able to**' (learning objectives), "
            "as in book/templates/case_chapter.md"
        )
    if not re.search(r"^## Summary$", text, flags=re.M):
        lacks("the chapter has no '## Summary' section")
    if "## Discussion questions" not in text:
        lacks("the chapter has no '## Discussion questions' section")
    else:
        questions = text.split("## Discussion questions", 1)[1].split("\n##", 1)[0]
        count = len(re.findall(r"^\d+\. ", questions, flags=re.M))
        if count < MIN_QUESTIONS:
            lacks(f"{count} discussion question(s): write at least {MIN_QUESTIONS}, as a numbered list")
    exercises = re.findall(r"```\{exercise\}\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution\} (\S+)\n:class: dropdown", text)
    if len(exercises) < MIN_EXERCISES:
        lacks(f"{len(exercises)} exercise(s): write at least {MIN_EXERCISES}, each with a solution")
    for label in sorted(set(exercises) - set(solutions)):
        lacks(f"exercise '{label}' has no solution: add a '{{solution}} {label}' block with ':class: dropdown'")
    for label in sorted(set(solutions) - set(exercises)):
        lacks(f"solution '{label}' answers no exercise of that label")
    words = prose_words(text)
    if words < MIN_WORDS:
        lacks(f"{words} words of prose: a chapter needs at least {MIN_WORDS:,}")
    return problems


def toc_files(root: Path | None = None) -> list[str]:
    """Every file the table of contents lists (without suffix), the root page first."""
    root = root or paths.root()
    toc = yaml.safe_load((root / TOC).read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node) -> None:
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return found


def toc_problems(root: Path | None = None) -> list[Problem]:
    root = root or paths.root()
    if not (root / TOC).exists():
        return [Problem(TOC, 0, "", "file is missing")]
    listed = toc_files(root)
    problems = [
        Problem(TOC, 0, "", f"'{name}' is listed but {name}.md does not exist")
        for name in listed
        if not (root / f"{name}.md").exists()
    ]
    cases = paths.cases_dir()
    reported = set()
    for folder in sorted(p for p in cases.iterdir() if p.is_dir()) if cases.is_dir() else []:
        chapter = f"chapters/cases/{folder.name}"
        if not (root / f"{chapter}.md").exists():
            problems.append(
                Problem(
                    schema.relative(folder),
                    0,
                    "",
                    f"the case has no chapter: {chapter}.md is "
                    f"missing (`make new-case ID={folder.name}` writes both together)",
                )
            )
        elif chapter not in listed:
            reported.add(chapter)
            problems.append(
                Problem(
                    TOC,
                    0,
                    "",
                    f"{chapter}.md is not listed, so the case would have no page "
                    f"and no links from the comparison: add '- file: {chapter}' to the Cases part",
                )
            )
    for page in sorted((root / "chapters").rglob("*.md")):
        name = page.relative_to(root).with_suffix("").as_posix()
        if name not in listed and name not in reported:
            problems.append(
                Problem(
                    TOC,
                    0,
                    "",
                    f"{name}.md is not listed, so Jupyter Book would leave it out: "
                    f"add '- file: {name}' to _toc.yml, or delete the page",
                )
            )
    return problems


def chapter_problems(root: Path | None = None) -> list[Problem]:
    problems = []
    for chapter in framed_chapters(root):
        problems += frame_problems(chapter)
    return problems


def validate_book() -> list[Problem]:
    """Everything `make validate` checks: data, bibliography, chapters and table of contents."""
    return sorted(set(schema.validate_all() + chapter_problems() + toc_problems()))


def placeholders_by_case(problems: list[Problem]) -> dict[str, int]:
    """The placeholders left per case, in its data folder and its chapter."""
    counts: dict[str, int] = {}
    for problem in problems:
        parts = Path(problem.file).parts
        if "placeholder" not in problem.message:
            continue
        if len(parts) > 2 and parts[:2] == ("data", "cases"):
            case_id = parts[2]
        elif len(parts) == 3 and parts[:2] == ("chapters", "cases"):
            case_id = Path(parts[2]).stem
        else:
            continue
        counts[case_id] = counts.get(case_id, 0) + 1
    return counts

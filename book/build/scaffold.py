"""`python -m book new-case <id>`: scaffold a case's data folder and chapter from the templates."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from book import paths

TEMPLATES = paths.PACKAGE_DIR / "templates"
CASE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
CASES_PART = "Cases"


class ScaffoldError(ValueError):
    """The id is invalid or taken; nothing was written."""


def chapter_path(case_id: str) -> Path:
    return paths.root() / "chapters" / "cases" / f"{case_id}.md"


def new_case(case_id: str) -> list[Path]:
    """Create data/cases/<id>/, chapters/cases/<id>.md and a table-of-contents entry."""
    if not CASE_ID.match(case_id):
        raise ScaffoldError(
            f"'{case_id}' is not a valid case id: use lower-case letters and digits in words "
            "joined by single hyphens, starting with a letter (for example 'kic-garden')"
        )
    folder = paths.cases_dir() / case_id
    chapter = chapter_path(case_id)
    for existing in (folder, chapter):
        if existing.exists():
            raise ScaffoldError(f"case '{case_id}' already exists: {existing.relative_to(paths.root())}")

    shutil.copytree(TEMPLATES / "case", folder)
    profile = folder / "case.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("{case_id}", case_id), encoding="utf-8")
    chapter.parent.mkdir(parents=True, exist_ok=True)
    template = (TEMPLATES / "case_chapter.md").read_text(encoding="utf-8")
    chapter.write_text(template.replace("__CASE_ID__", case_id), encoding="utf-8")
    add_to_toc(f"chapters/cases/{case_id}")
    return [folder, chapter, paths.root() / "_toc.yml"]


def add_to_toc(file: str) -> None:
    """Append the chapter to the Cases part of _toc.yml (after the existing cases)."""
    toc_path = paths.root() / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    parts = toc.setdefault("parts", [])
    part = next((p for p in parts if p.get("caption") == CASES_PART), None)
    if part is None:
        part = {"caption": CASES_PART, "chapters": []}
        parts.insert(min(1, len(parts)), part)
    if all(entry.get("file") != file for entry in part["chapters"]):
        part["chapters"].append({"file": file})
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")

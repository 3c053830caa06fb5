"""Every command the documents and messages print works as printed: `make` targets that exist,
and never `python -m book`, which fails outside the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "CONTRIBUTING.md",
    *sorted((ROOT / "chapters").rglob("*.md")),
    *sorted((ROOT / ".github").rglob("*.y*ml")),
    *sorted((ROOT / ".github").rglob("*.md")),
    *sorted((ROOT / "book" / "templates").rglob("*.md")),
    ROOT / "data" / "schemas" / "README.md",
]
MESSAGES = sorted((ROOT / "book").rglob("*.py"))
PRINTED_MAKE = re.compile(r"`make ([a-z][a-z-]*)(?: [A-Z]+=[^`]*)?`")


def targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))


@pytest.mark.parametrize("path", DOCUMENTS + MESSAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_printed_make_commands_exist(path):
    text = path.read_text(encoding="utf-8")
    unknown = sorted(set(PRINTED_MAKE.findall(text)) - targets())
    assert not unknown, f"`make {unknown[0]}` is printed but the Makefile has no such target"


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_documents_print_make_not_python_m_book(path):
    found = [line for line in path.read_text(encoding="utf-8").splitlines() if "python -m book" in line]
    assert not found, f"use the make target instead: {found[0].strip()}"


def test_scaffold_message_prints_make_targets():
    source = (ROOT / "book" / "build" / "cli.py").read_text(encoding="utf-8")
    assert "`make validate`" in source and "python -m book validate`" not in source


def test_the_rule_catches_what_it_names():
    assert PRINTED_MAKE.findall("run `make new-case ID=my-case` then `make validate`") == ["new-case", "validate"]
    assert {"check", "test", "validate", "new-case", "book", "bench"} <= targets()

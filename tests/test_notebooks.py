"""Every notebook in the table of contents executes from top to bottom (one test each, in parallel)."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest
import yaml
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def toc_files() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return [ROOT / f"{name}.md" for name in found]


def notebooks() -> list[Path]:
    return [p for p in toc_files() if p.read_text(encoding="utf-8").startswith("---\njupytext:")]


def test_toc_files_exist():
    missing = [str(p) for p in toc_files() if not p.exists()]
    assert not missing


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_executes(path, monkeypatch):
    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))
    notebook = jupytext.read(path)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors

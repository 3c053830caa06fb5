"""A chapter bundle runs anywhere: unpacked in an empty folder, its notebook finds `book` and the
data in the bundle alone, and gives the book's own outputs."""

from __future__ import annotations

import os
import re
import zipfile

import nbformat
import pytest
from nbclient import NotebookClient

from book.build import bundles

pytestmark = pytest.mark.build

ALTAIR_ID = re.compile(r"altair-viz-[0-9a-f]+")
TAG = re.compile(r"<[^>]+>")


def output_text(notebook) -> list[str]:
    """What a reader sees in each output: text without markup, element ids or link targets."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/html", "application/papermill.record/text/plain"):
                if mime in data:
                    texts.append(ALTAIR_ID.sub("altair-viz", TAG.sub("", str(data[mime]))))
    return texts


@pytest.mark.parametrize("chapter", ["chapters/cases/kic-garden", "chapters/synthesis/comparison"])
def test_bundle_runs_in_an_empty_folder(built_site, tmp_path, chapter):
    archive = built_site / "_bundles" / f"{chapter}.zip"
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(tmp_path)
    name = chapter.rsplit("/", 1)[-1]
    folder = tmp_path / name
    assert {"README.txt", "requirements.txt", f"{name}.ipynb", "book", "data", "references.bib"} <= {
        p.name for p in folder.iterdir()
    }
    notebook = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    expected = output_text(notebook)
    for cell in notebook.cells:
        cell.outputs = [] if cell.cell_type == "code" else None
        if cell.cell_type != "code":
            cell.pop("outputs")
    notebook.cells.append(
        nbformat.v4.new_code_cell("import book, book.paths; print(book.__file__); print(book.paths.root())")
    )
    # A kernel that cannot see the repository: no CASEBOOK_ROOT, started in the bundle's folder.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASEBOOK_", "PYTHONPATH"))}
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    client.execute(env=env)  # passed on to the kernel's start
    where = notebook.cells[-1].outputs[0]["text"].split()
    assert where[0].startswith(str(folder)) and where[1] == str(folder), where
    notebook.cells.pop()
    assert output_text(bundles.portable_notebook(notebook)) == expected


def test_bundled_charts_use_vega_lites_type_with_an_image(built_site, tmp_path):
    with zipfile.ZipFile(built_site / "_bundles" / "chapters/cases/kic-garden.zip") as bundle:
        notebook = nbformat.reads(bundle.read("kic-garden/kic-garden.ipynb").decode("utf-8"), as_version=4)
    outputs = [o.get("data", {}) for cell in notebook.cells for o in cell.get("outputs", [])]
    charts = [d for d in outputs if bundles.VEGA_LITE_MIME in d]
    assert charts, "no chart kept Vega-Lite's MIME type"
    for data in charts:
        assert data["image/svg+xml"].startswith("<svg"), "a chart without its static image"
        assert "text/html" not in data, "a chart still loads scripts from the site"

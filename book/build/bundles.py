"""A chapter to take away: one .zip that runs in a plain Jupyter install.

The bundle holds the executed notebook, the data files it read (as recorded when it ran), the
schemas and bibliography the `book` package reads, the `book` package itself (the modules
chapters import, none of the build), a requirements file pinned to the book's versions and a
three-line README. Unpacked anywhere, the notebook finds `book` and `data/` beside it.
"""

from __future__ import annotations

import importlib.metadata
import io
import zipfile
from pathlib import Path

import nbformat

from book import paths
from book.build.execution import chapter_sources
from book.charts import VEGALITE_MIME_TYPE as VEGA_LITE_MIME

FOLDER = "_bundles"
# What the chapters' code imports, and a kernel to run it.
REQUIREMENTS = ["ipykernel", "myst-nb", "pandas", "altair", "vl-convert-python", "pyyaml", "bibtexparser"]


def bundle_path(docname: str) -> str:
    """Where a chapter's bundle sits, relative to the site's root."""
    return f"{FOLDER}/{docname}.zip"


def requirements_txt() -> str:
    lines = [f"{name}=={importlib.metadata.version(name)}" for name in REQUIREMENTS]
    return "# The versions the book was built with.\n" + "\n".join(lines) + "\n"


def readme(name: str, title: str) -> str:
    return (
        f"{title}: a chapter of The Co-production Casebook, with its data and code.\n"
        "Install the pinned packages: python -m pip install -r requirements.txt\n"
        f"Then open {name}.ipynb in Jupyter and run it; book/ and data/ must stay beside it.\n"
    )


def portable_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Chart outputs keep Vega-Lite's own MIME type (drawn by JupyterLab, VS Code and GitHub)
    and their static image, without the site's HTML, which loads scripts from the site."""
    notebook = nbformat.from_dict(notebook)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if VEGA_LITE_MIME in data:
                data.pop("text/html", None)
    return notebook


def bundle_bytes(
    docname: str, title: str, notebook: nbformat.NotebookNode, reads: list[dict], root: Path | None = None
) -> bytes:
    root = root or paths.root()
    name = docname.rsplit("/", 1)[-1]
    files: dict[str, bytes] = {}
    for module in chapter_sources():
        files[f"book/{module.relative_to(paths.PACKAGE_DIR).as_posix()}"] = module.read_bytes()
    for schema in sorted((root / "data" / "schemas").glob("*.json")):
        files[schema.relative_to(root).as_posix()] = schema.read_bytes()
    for read in reads:
        path = root / read["path"]
        if read["kind"] == "file" and path.is_file():
            files[read["path"]] = path.read_bytes()
    files["references.bib"] = (root / "references.bib").read_bytes()
    files[f"{name}.ipynb"] = nbformat.writes(portable_notebook(notebook)).encode("utf-8")
    files["requirements.txt"] = requirements_txt().encode("utf-8")
    files["README.txt"] = readme(name, title).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            # A fixed date keeps the archive the same when nothing in it changed.
            info = zipfile.ZipInfo(f"{name}/{path}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()


def write_bundle(outdir: Path, docname: str, title: str, notebook: nbformat.NotebookNode, reads: list[dict]) -> str:
    """Write the chapter's bundle into the site; return its path relative to the site's root."""
    target = Path(outdir) / bundle_path(docname)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bundle_bytes(docname, title, notebook, reads))
    return bundle_path(docname)

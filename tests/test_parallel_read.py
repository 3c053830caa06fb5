"""`sphinx-build -j 2` reads pages in forked processes while notebooks execute: it must neither
hang nor fail, and the pages must carry their notebooks' outputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

# Jupyter Book's own extensions (and sphinx-mathjax-offline) do not declare whether they are
# safe for parallel reading, so Sphinx would read serially; this test is about the casebook
# extension, so those are treated as safe.
FORCE_PARALLEL = """

def setup(app):
    def undeclared_are_safe(app):
        for extension in app.extensions.values():
            if extension.parallel_read_safe is None:
                extension.parallel_read_safe = True
    app.connect("builder-inited", undeclared_are_safe)
"""


def test_parallel_read_build(seeded_copy, tmp_path):
    copy = seeded_copy("parallel-read")
    # An edit to a dataset, so that two notebooks execute while the pages are read in parallel.
    milestones = copy / "data/theory/milestones.csv"
    milestones.write_text(
        milestones.read_text(encoding="utf-8").replace("Sherry Arnstein", "Sherry R. Arnstein"), encoding="utf-8"
    )
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "jupyter-book"), "config", "sphinx", str(copy)], check=True, capture_output=True, cwd=copy
    )
    conf = copy / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + FORCE_PARALLEL, encoding="utf-8")
    env = {"CASEBOOK_ROOT": str(copy), "PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}
    try:
        result = subprocess.run(
            [
                str(bin_dir / "sphinx-build"),
                "-j",
                "2",
                "-W",
                "-n",
                "--keep-going",
                "-b",
                "html",
                str(copy),
                str(copy / "_build" / "html"),
            ],
            capture_output=True,
            text=True,
            cwd=copy,
            env=env,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("sphinx-build -j 2 hung")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    assert "[casebook] executing" in log, "the build should have executed notebooks"
    assert "doing serial read" not in log and " .. " in log, "pages were not read in parallel"
    page = (copy / "_build/html/chapters/theory/concept.html").read_text(encoding="utf-8")
    assert "vegaEmbed(" in page and 'id="cite-this-chapter"' in page

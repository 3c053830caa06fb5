"""`make pdf` produces the whole book as one PDF, with every chart drawn before printing."""

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

# In the site group, after the site build: both builds share the execution cache.
pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]


def test_pdf_builds_with_charts_drawn(built_site, chromium):
    # book.pdf waits until every chart on the single page has drawn its SVG, or fails.
    result = subprocess.run([sys.executable, "-m", "book", "pdf"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "CASEBOOK_CHROMIUM": chromium})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pdf = ROOT / "_build" / "pdf" / "co-production-casebook.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 50, f"only {pages} pages"

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
    result = subprocess.run(
        [sys.executable, "-m", "book", "pdf"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "CASEBOOK_CHROMIUM": chromium},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pdf = ROOT / "_build" / "pdf" / "co-production-casebook.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 50, f"only {pages} pages"


def test_pdf_is_published_with_the_site_and_linked_from_every_page(built_site):
    """Run after the PDF test (same group): the site holds the PDF and every page's menu links it."""
    from bs4 import BeautifulSoup

    subprocess.run([sys.executable, "-m", "book", "pdf"], capture_output=True, text=True, cwd=ROOT, check=True)
    published = built_site / "co-production-casebook.pdf"
    from pypdf import PdfReader

    pdf = PdfReader(published)

    def titles_in(outline):
        for item in outline:
            yield from titles_in(item) if isinstance(item, list) else [item.title]

    titles = list(titles_in(pdf.outline))
    for chapter in ("What co-production is", "Comparing the cases", "Three recommendations"):
        assert any(title.startswith(chapter) for title in titles), (chapter, titles[:12])
    assert "/StructTreeRoot" in pdf.trailer["/Root"], "the PDF is not tagged"
    pages = len(pdf.pages)
    assert pdf.pages[9].extract_text().rstrip().endswith(f"10 / {pages}"), "no page numbers in the footer"
    assert "omits the solutions" in pdf.pages[0].extract_text()
    for page in ("chapters/welcome.html", "chapters/theory/concept.html", "chapters/back/glossary.html"):
        soup = BeautifulSoup((built_site / page).read_text(encoding="utf-8"), "html.parser")
        link = soup.select_one('a[href$="co-production-casebook.pdf"]')
        assert link is not None, f"{page}: no link to the book's PDF"
        assert ((built_site / page).parent / link["href"]).resolve() == published.resolve()

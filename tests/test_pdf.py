"""`make pdf` produces the whole book as one PDF, with every chart drawn before printing.

The PDF checked is the one `make book` made on the contributor's path (the `contribution`
fixture): the book with one more case, printed by the same `python -m book pdf`. Building it
once serves both."""

import re

import pytest

from book.build import pdf

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("copies")]


def test_pdf_builds_with_charts_drawn(contribution):
    # book.pdf waits until every chart on the single page has drawn its SVG, or fails.
    book = contribution.steps["book"]
    assert book.returncode == 0, book.stdout[-3000:] + book.stderr[-3000:]
    assert "The PDF is at" in book.stdout, book.stdout[-3000:]
    data = (contribution.root / "_build" / "pdf" / pdf.PDF_NAME).read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 50, f"only {pages} pages"


def test_pdf_is_published_with_the_site_and_linked_from_every_page(contribution):
    from bs4 import BeautifulSoup
    from pypdf import PdfReader

    site = contribution.site
    published = site / pdf.PDF_NAME
    reader = PdfReader(published)

    def titles_in(outline):
        for item in outline:
            yield from titles_in(item) if isinstance(item, list) else [item.title]

    titles = list(titles_in(reader.outline))
    for chapter in ("What co-production is", "Comparing the cases", "Three recommendations"):
        assert any(title.startswith(chapter) for title in titles), (chapter, titles[:12])
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is not tagged"
    pages = len(reader.pages)
    assert reader.pages[9].extract_text().rstrip().endswith(f"10 / {pages}"), "no page numbers in the footer"
    assert "omits the solutions" in reader.pages[0].extract_text()
    for page in ("chapters/welcome.html", "chapters/theory/concept.html", "chapters/back/glossary.html"):
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        link = soup.select_one('a[href$="co-production-casebook.pdf"]')
        assert link is not None, f"{page}: no link to the book's PDF"
        assert ((site / page).parent / link["href"]).resolve() == published.resolve()

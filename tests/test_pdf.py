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
    for edition in ("", "zh/"):
        for page in ("chapters/welcome.html", "chapters/theory/concept.html", "chapters/back/glossary.html"):
            soup = BeautifulSoup((site / edition / page).read_text(encoding="utf-8"), "html.parser")
            link = soup.select_one('a[href$="co-production-casebook.pdf"]')
            assert link is not None, f"{edition}{page}: no link to the book's PDF"
            assert ((site / edition / page).parent / link["href"]).resolve() == (
                site / edition / pdf.PDF_NAME
            ).resolve()


KANGXI_RADICALS = re.compile("[\u2f00-\u2fdf]")  # what a Type 3 CJK font's text turns 一, 人, 大 … into


def test_the_chinese_pdf_reads_as_chinese_and_embeds_its_fonts(contribution):
    from pypdf import PdfReader

    reader = PdfReader(contribution.site / "zh" / pdf.PDF_NAME)
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)  # text extraction spaces Latin from Chinese: "PDF 版"
    assert len(reader.pages) >= 50
    assert "本书的PDF版略去了练习的解答" in flat
    for phrase in ("什么是合作生产", "志愿者困境", "巴金-达格纳姆区", "丰泉古井"):
        assert phrase in flat, f"the Chinese PDF's text has no {phrase}: it cannot be searched or copied"
    assert not KANGXI_RADICALS.search(text), "Chinese characters in the PDF's text are Kangxi radicals"
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor") or next(
                (d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts") or []), None
            )
            embedded = font.get("/Subtype") == "/Type3" or (
                descriptor is not None
                and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            )
            fonts[str(font.get("/BaseFont"))] = embedded
    assert any("WenQuanYi" in name for name in fonts), fonts
    assert all(fonts.values()), f"fonts not embedded: {[name for name, ok in fonts.items() if not ok]}"

"""The PDF's bookmarks name each heading once (book.build.pdf mends Chromium's doubled titles)."""

from __future__ import annotations

from pypdf import PdfReader, PdfWriter

from book.build.pdf import _name_bookmarks_once


def test_doubled_bookmark_titles_are_halved_and_others_kept(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    chapter = writer.add_outline_item(title="Two modelsTwo models", page_number=0)
    writer.add_outline_item(title="SummarySummary", page_number=0, parent=chapter)
    writer.add_outline_item(title="Bora Bora", page_number=0, parent=chapter)
    pdf = tmp_path / "book.pdf"
    writer.write(pdf)
    _name_bookmarks_once(pdf)
    outline = PdfReader(pdf).outline
    assert [outline[0].title, [item.title for item in outline[1]]] == ["Two models", ["Summary", "Bora Bora"]]

"""`make pdf`: the whole book as one PDF, with its charts drawn.

Jupyter Book's pdfhtml builder renders the book as a single HTML page and prints it with
Playwright's Chromium. Here it prints with Debian's chromium (never a downloaded browser) and
waits until every chart and formula has been drawn.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from book import paths
from book.build.browser import CHROMIUM_ARGS, DRAW_EVERYTHING, chromium


def single_page(html_file: Path) -> Path:
    """The page holding the whole book.

    Jupyter Book writes index.html as a redirect to the root chapter; the single page's asset
    links are relative to the site root, so it is printed from a copy placed at the root.
    """
    text = html_file.read_text(encoding="utf-8")
    match = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', text, flags=re.I)
    if not match:
        return html_file
    copy = html_file.with_name("casebook-single-page.html")
    shutil.copy(html_file.parent / match.group(1), copy)
    return copy


PDF_STYLE = paths.STATIC_DIR / "casebook-pdf.css"
PDF_NAME = "co-production-casebook.pdf"
# Stated on the first page, in the edition's language, since the printed book leaves the solutions out.
FIRST_PAGE_NOTE = {
    "en": "This PDF edition of the book omits the solutions to the exercises; they are in the "
    "online edition, under each exercise.",
    "zh-Hans": "本书的PDF版略去了练习的解答；解答见在线版中各练习的下方。",
}
FOOTER = (
    '<div style="font-size:9px;width:100%;text-align:center;color:#555">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


async def _html_to_pdf(html_file, pdf_file):
    from playwright.async_api import async_playwright

    html_file = single_page(Path(html_file).resolve())
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(Path(html_file).resolve().as_uri(), wait_until="networkidle")
        await page.wait_for_function(DRAW_EVERYTHING, polling=500, timeout=120_000)
        await page.add_style_tag(path=str(PDF_STYLE))
        # Bookmarks are taken from the headings' text: one plain text run each, without the
        # permalink sign or nested markup, so titles keep their spaces and appear once.
        await page.evaluate("""() => document.querySelectorAll("h1, h2, h3, h4").forEach(h => {
            h.querySelectorAll(".headerlink").forEach(a => a.remove());
            h.textContent = h.textContent.replace(/\\s+/g, " ").trim();
        })""")
        await page.evaluate(
            """notes => {
            const first = document.querySelector("main h1, article h1, h1");
            const box = document.createElement("p");
            box.className = "casebook-pdf-note";
            box.textContent = notes[document.documentElement.lang] || notes.en;
            first.after(box);
        }""",
            FIRST_PAGE_NOTE,
        )
        # Bookmarks from the headings, a tagged (accessible) PDF, and page numbers in the footer.
        await page.pdf(
            path=str(pdf_file),
            margin={"top": "0.6in", "bottom": "0.7in", "left": "0.5in", "right": "0.5in"},
            print_background=True,
            outline=True,
            tagged=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=FOOTER,
        )
        await browser.close()


def _name_bookmarks_once(pdf_file: Path) -> None:
    """Chromium names some bookmarks twice over ("SummarySummary", seemingly where a heading meets
    a page break), although each heading holds one plain run of text: such titles are halved."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=pdf_file)
    pending = [writer.root_object["/Outlines"].get_object().get("/First")]
    changed = False
    while pending:
        item = pending.pop()
        if item is None:
            continue
        item = item.get_object()
        title = str(item.get("/Title", ""))
        half = len(title) // 2
        if title and len(title) % 2 == 0 and title[:half] == title[half:]:
            item[NameObject("/Title")] = TextStringObject(title[:half])
            changed = True
        pending += [item.get("/First"), item.get("/Next")]
    if changed:
        writer.write(pdf_file)


def build_pdf(chinese: bool = False) -> Path:
    """The whole book as one PDF, in English or (`chinese`) from the Chinese edition, published with its site."""
    import jupyter_book.pdf
    from jupyter_book.cli.main import main

    from book.build import i18n

    chromium()
    jupyter_book.pdf._html_to_pdf = _html_to_pdf
    root = paths.root()
    edition = root / "_build" / (i18n.EDITION_DIR if chinese else "")
    work = edition / "pdf-build"  # keeps the single-page build away from the site
    config = ["--config", str(i18n.write_edition_config(root))] if chinese else []
    main(
        ["build", str(root), *config, "--builder", "pdfhtml", "--path-output", str(work), "-W", "-n", "--keep-going"],
        standalone_mode=False,
    )
    target = edition / "pdf" / PDF_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "_build" / "pdf" / "book.pdf", target)
    _name_bookmarks_once(target)
    site = root / "_build" / "html" / (i18n.EDITION_DIR if chinese else "")
    if site.is_dir():  # published with the site; every page's download menu links it
        shutil.copy(target, site / PDF_NAME)
    return target

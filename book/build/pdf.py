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


async def _html_to_pdf(html_file, pdf_file):
    from playwright.async_api import async_playwright

    html_file = single_page(Path(html_file).resolve())
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = await browser.new_page()
        await page.goto(Path(html_file).resolve().as_uri(), wait_until="networkidle")
        await page.wait_for_function(DRAW_EVERYTHING, polling=500, timeout=120_000)
        await page.add_style_tag(content="div.cell_output, figure, table { break-inside: avoid; }")
        await page.pdf(path=str(pdf_file), margin={"top": "0.6in", "bottom": "0.6in",
                                                   "left": "0.5in", "right": "0.5in"},
                       print_background=True)
        await browser.close()


def build_pdf() -> Path:
    import jupyter_book.pdf
    from jupyter_book.cli.main import main

    chromium()
    jupyter_book.pdf._html_to_pdf = _html_to_pdf
    root = paths.root()
    work = root / "_build" / "pdf-build"  # keeps the single-page build away from the site
    main(["build", str(root), "--builder", "pdfhtml", "--path-output", str(work), "-W", "-n",
          "--keep-going"], standalone_mode=False)
    target = root / "_build" / "pdf" / "co-production-casebook.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(work / "_build" / "pdf" / "book.pdf", target)
    return target

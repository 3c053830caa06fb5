"""What every page offers beyond its text, and fixes to the theme's pages.

Each executed chapter links its executed notebook (.ipynb, also offered by the theme's download
menu) and the datasets it read, as recorded when it ran; and says how to cite it. A few fixes to
the theme's HTML keep every page free of serious accessibility violations; a small script makes
the theme's sidebar buttons work (casebook-sidebar-toggles.js); every run of Chinese text is
marked lang="zh-Hans", so screen readers, fonts and line breaking treat it as Chinese.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import nbformat

STATIC = Path(__file__).resolve().parent.parent / "static"
SCRIPTS = ("casebook-sidebar-toggles.js",)  # every page, deferred


def write_static(folder: Path) -> None:
    """Copy the pages' own scripts into `folder` (a static path of the build)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCRIPTS:
        shutil.copyfile(STATIC / name, folder / name)


def write_executed_notebook(app, docname: str) -> str | None:
    """Write the chapter's executed notebook into the site's _sources; return its name there."""
    from jupyter_cache import get_cache

    from book.build.execution import read_notebook

    env = app.env
    notebook = read_notebook(env, docname)
    if notebook is None:
        return None
    try:
        _, executed = get_cache(env.mystnb_config.execution_cache_path).merge_match_into_notebook(notebook)
    except KeyError:
        return None
    name = f"{docname}.ipynb"
    target = Path(app.outdir) / "_sources" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(executed), encoding="utf-8")
    return name


def extras_html(pathto, docname: str, title: str, notebook: str | None, datasets: list[str], book) -> str:
    """The 'Downloads' and 'Cite this chapter' block appended to a chapter page.

    `book` is the book's metadata (book.build.metadata): the citation gives the page's absolute
    address once the public address is set, the version, and a BibTeX entry to copy.
    """
    items = []
    if notebook:
        href = pathto("_sources", 1) + "/" + notebook
        items.append(f'<li><a href="{html.escape(href)}" download>Executed notebook (.ipynb)</a></li>')
    for dataset in datasets:
        items.append(f'<li><a href="{html.escape(pathto(dataset, 1))}" download>{html.escape(dataset)}</a></li>')
    downloads = (
        '<h2 id="downloads">Downloads</h2>\n<ul class="casebook-downloads">' + "".join(items) + "</ul>"
        if items else ""
    )
    plain_title = html.unescape(title)
    address = book.page_url(docname)
    where = (f'<a href="{html.escape(address)}">{html.escape(address)}</a>' if book.url
             else f"Page <code>{html.escape(address)}</code>")
    citation = (
        f"{html.escape(book.authors)} ({html.escape(book.year)}). “{html.escape(plain_title)}.” In "
        f"<em>{html.escape(book.title)}</em>, version {html.escape(book.version)}. {where}. "
        "Prose and data under CC BY 4.0."
    )
    bibtex = html.escape(book.bibtex(docname, plain_title))
    return (
        '<section class="casebook-page-extras" aria-labelledby="downloads cite-this-chapter">'
        f"{downloads}"
        f'<h2 id="cite-this-chapter">Cite this chapter</h2><p class="casebook-citation">{citation}</p>'
        f'<div class="highlight-bibtex notranslate"><div class="highlight"><pre>{bibtex}</pre></div></div>'
        "</section>"
    )


def fix_theme_html(body: str) -> str:
    """Accessibility fixes to HTML the theme and extensions generate."""
    # The bibliography's container claims role=list but its children are bibliography entries.
    return body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')

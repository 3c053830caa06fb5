"""What every chapter page offers beyond its text: downloads and a citation.

Each executed chapter links its executed notebook (.ipynb, also offered by the theme's download
menu) and the datasets it read, as recorded when it ran; and says how to cite it. A few fixes to
the theme's HTML keep every page free of serious accessibility violations.
"""

from __future__ import annotations

import html
from pathlib import Path

import nbformat

BOOK_TITLE = "The Co-production Casebook"
AUTHORS = "The Co-production Casebook authors"


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


def extras_html(pathto, docname: str, title: str, notebook: str | None, datasets: list[str], version: str) -> str:
    """The 'Downloads' and 'Cite this chapter' block appended to a chapter page."""
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
    plain_title = html.escape(html.unescape(title))
    citation = (
        f"{AUTHORS} (2026). “{plain_title}.” In <em>{BOOK_TITLE}</em>, version {html.escape(version)}. "
        f"Page <code>{html.escape(docname)}.html</code>. Prose and data under CC BY 4.0."
    )
    return (
        '<section class="casebook-page-extras" aria-labelledby="downloads cite-this-chapter">'
        f"{downloads}"
        f'<h2 id="cite-this-chapter">Cite this chapter</h2><p class="casebook-citation">{citation}</p>'
        "</section>"
    )


def fix_theme_html(body: str) -> str:
    """Accessibility fixes to HTML the theme and extensions generate."""
    # The bibliography's container claims role=list but its children are bibliography entries.
    return body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


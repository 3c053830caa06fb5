"""A myst-nb mime renderer for Vega-Lite's own type, which chart outputs carry for downloaded
notebooks (book/charts.py): the site draws the chart from the HTML output instead, so this one
is parsed to nothing rather than reported as unknown. Registered through myst-nb's public
`myst_nb.mime_renderers` entry point (pyproject.toml)."""

from __future__ import annotations

from book.charts import VEGALITE_MIME_TYPE


class VegaLiteForDownloads:
    mime_priority_overrides = ()  # never chosen for a page: text/html comes first

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == VEGALITE_MIME_TYPE else None

"""myst-nb mime renderers for the book's own output types, registered through myst-nb's public
`myst_nb.mime_renderers` entry point (pyproject.toml):

- Vega-Lite's type, which chart outputs carry for downloaded notebooks (book/charts.py): the site
  draws the chart from the HTML output instead, so it is parsed to nothing rather than reported
  as unknown;
- the Chinese variants of outputs (`text/html;lang=zh-Hans` …, book/i18n.py), rendered as their
  base type; only the Chinese edition chooses them (book/build/i18n.py).
"""

from __future__ import annotations

import dataclasses

from book import i18n
from book.charts import VEGALITE_MIME_TYPE

CHINESE_SUFFIX = i18n.zh("")


class VegaLiteForDownloads:
    mime_priority_overrides = ()  # never chosen for a page: text/html comes first

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type == VEGALITE_MIME_TYPE:
            return []
        if data.mime_type.endswith(CHINESE_SUFFIX):
            base = dataclasses.replace(data, mime_type=data.mime_type.removesuffix(CHINESE_SUFFIX))
            return renderer.render_mime_type_inline(base) if inline else renderer.render_mime_type(base)
        return None

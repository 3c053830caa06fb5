"""Tables for the page: escaped text, a caption, column headers, and 'unknown' for missing values."""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

UNKNOWN = "unknown"


def show_table(frame: pd.DataFrame, caption: str, columns: dict[str, str] | None = None) -> HTML:
    """Render `frame` as an accessible HTML table. Text from data is always escaped."""
    if columns:
        frame = frame[list(columns)].rename(columns=columns)
    table = frame.to_html(index=False, escape=True, na_rep=UNKNOWN, border=0,
                          classes=["casebook-table"], float_format=lambda x: f"{x:,.10g}")
    table = table.replace(">", f">\n<caption>{html.escape(caption)}</caption>", 1)
    table = table.replace("<th>", '<th scope="col">')
    # A focusable, labelled region lets keyboard users scroll a table wider than the text column.
    label = html.escape(caption, quote=True)
    return HTML(f'<div class="casebook-table-scroll" role="region" tabindex="0" aria-label="{label}">{table}</div>')

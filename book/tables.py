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
    return HTML(table.replace("<th>", '<th scope="col">'))

"""Tables for the page: a caption, readable headers and cells, 'unknown' for missing values.

Every cell is formatted here, so a chapter passes a plain DataFrame: numbers are written for
reading (thousands separators, no exponents, no trailing zeros), `source` columns and bracketed
keys become author–year citations linked to the bibliography, and text from data is escaped.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML

from book import bib, data, i18n, paths

UNKNOWN = "unknown"
# A table's words in Chinese, for its Chinese variant (book.i18n): the rest from the catalogue.
UNKNOWN_ZH = "未知"
YES_NO = {"en": ("yes", "no"), "zh": ("是", "否")}
SOURCE_COLUMNS = {"source", "sources"}
# Integer columns that are labels, not quantities: no thousands separator.
PLAIN_INTEGER_COLUMNS = {"year", "month", "order", "rung", "start", "end", "recommendation_id", "score", "level"}
SIGNIFICANT_DIGITS = 4
# A column whose cells average more than this many characters is prose and gets a readable width.
PROSE_CHARACTERS = 40
BRACKETED_KEYS = re.compile(r"\[([^\[\]]+)\]")
CODE_NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def readable(text: str) -> str:
    """A data code name as words: 'children_0_15' -> 'children 0–15', 'years_idle_before' -> 'years idle before'."""
    if not CODE_NAME.match(text):
        return text
    return re.sub(r"(\d+)_(\d+)", "\\1–\\2", text).replace("_", " ")


def format_number(value: float, plain: bool = False) -> str:
    """1234.0 -> '1,234'; 36.09 -> '36.09'; 6.54e-06 -> '0.00000654'; year-like columns plain."""
    if float(value).is_integer():
        return str(int(value)) if plain else f"{int(value):,}"
    magnitude = math.floor(math.log10(abs(value)))
    decimals = max(SIGNIFICANT_DIGITS - 1 - magnitude, 0)
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bibliography_url() -> str:
    """The bibliography page relative to the page being built (a kernel runs in its chapter's folder)."""
    page = paths.root() / "chapters" / "back" / "bibliography.html"
    return os.path.relpath(page, os.getcwd()).replace(os.sep, "/")


def citations_html(cell: str, library: bib.Bibliography) -> str:
    """'key, p. 3; key2' -> linked 'Author, 2020, p. 3; Author2, 2019'. Unknown keys stay as text."""
    url = _bibliography_url()
    parts = []
    for part in str(cell).split(bib.SOURCE_SEPARATOR):
        key, _, locator = part.strip().partition(",")
        key = key.strip()
        if key not in library.entries:
            parts.append(html.escape(part.strip()))
            continue
        label = html.escape(bib.citation_label(key, library))
        link = f'<a class="casebook-cite" href="{url}#cite-{html.escape(key)}">{label}</a>'
        parts.append(link + (html.escape(", " + locator.strip()) if locator.strip() else ""))
    return "; ".join(p for p in parts if p)


def _text_html(text: str, library: bib.Bibliography) -> str:
    """Escaped text in which '[key; key]' becomes linked citations when every key is known."""

    def cite(match: re.Match) -> str:
        keys = bib.source_keys(html.unescape(match.group(1)))
        if keys and all(k in library.entries for k in keys):
            return "(" + citations_html(html.unescape(match.group(1)), library) + ")"
        return match.group(0)

    return BRACKETED_KEYS.sub(cite, html.escape(text))


def _cell_html(value, column: str, library: bib.Bibliography, language: str = "en") -> str:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return f'<span class="casebook-unknown">{UNKNOWN_ZH if language == "zh" else UNKNOWN}</span>'
    if isinstance(value, bool):
        return YES_NO[language][0 if value else 1]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, plain=column in PLAIN_INTEGER_COLUMNS)
    if hasattr(value, "item"):  # numpy scalars
        return _cell_html(value.item(), column, library, language)
    if column in SOURCE_COLUMNS:
        return citations_html(str(value), library)
    text = readable(str(value))
    if language == "zh":  # a Said's own Chinese, or the translation of words the code or catalogue knows
        text = i18n.chinese(value) if i18n.chinese(value) != str(value) else i18n.chinese(text)
    return _text_html(text, library)


class Table(HTML):
    """A table for the page, in English and with its Chinese variant (book.i18n): the same rows and
    numbers, its caption, headings and known words in Chinese."""

    def __init__(self, data: str, zh: str):
        super().__init__(data)
        self.zh = zh

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.data}
        if self.zh != self.data:
            bundle[i18n.zh("text/html")] = self.zh
        return bundle

    def replace(self, old: str, new: str, count: int = -1) -> Table:
        """The table with `old` replaced by `new` in both languages (say, a cell made a link)."""
        return Table(self.data.replace(old, new, count), self.zh.replace(old, new, count))

    def replace_each(self, replacements: dict[str, str]) -> Table:
        """The table with every key of `replacements` replaced by its value, in both languages, in
        one pass over the text (a catalogue links hundreds of cells)."""
        if not replacements:
            return self
        found = re.compile("|".join(map(re.escape, sorted(replacements, key=len, reverse=True))))
        return Table(*(found.sub(lambda m: replacements[m.group(0)], text) for text in (self.data, self.zh)))


def show_table(
    frame: pd.DataFrame,
    caption: str,
    columns: dict[str, str] | None = None,
    code: Iterable[str] = (),
    code_headers: bool = False,
    links: dict[str, str] | None = None,
) -> Table:
    """Render `frame` as an accessible HTML table with readable cells, in English and Chinese.

    `code` names columns shown verbatim as code (column names, raw CSV values), and
    `code_headers` shows the headers so: for pages that document the data format itself.
    `links` makes a column's cells links: {"case": "chapter"} links each case to the address in
    its row's `chapter` column (which need not be shown).

    The Chinese variant has the caption and headings in Chinese (a Said's own, or the code's
    catalogue), 'unknown' as 未知, and in Chinese every cell whose words are known (a Said, or a
    message of the catalogue); numbers, citations and code are the same in both.
    """
    links = links or {}
    addresses = {column: list(frame[source]) for column, source in links.items()}
    columns = columns or {c: c for c in frame.columns}
    # A column shown beside its Chinese counterpart (name_en beside name_zh) is the English name,
    # and stays English in the Chinese variant too.
    beside_chinese = {c for c, zh in data.chinese_columns(frame).items() if zh in columns}
    code = set(code)
    frame = frame[list(columns)]
    library = bib.load()
    numeric = {
        c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    }
    prose = {
        c
        for c in frame.columns
        if c not in numeric
        and c not in SOURCE_COLUMNS
        and frame[c].dropna().astype(str).str.len().mean() > PROSE_CHARACTERS
    }

    def classes(column: str) -> str:
        names = ["num"] * (column in numeric) + ["prose"] * (column in prose) + ["cite"] * (column in SOURCE_COLUMNS)
        return f' class="{" ".join(names)}"' if names else ""

    def written(language: str) -> str:
        def words(text) -> str:
            return i18n.chinese(text) if language == "zh" else str(text)

        def header(column: str) -> str:
            text = html.escape(words(columns[column]))
            return f"<code>{text}</code>" if code_headers else text

        def cell(value, column: str) -> str:
            if column in beside_chinese and language == "zh" and not pd.isna(value):
                return _cell_html(value, column, library, "en")
            if column in code and not (value is None or pd.isna(value)):
                if isinstance(value, float) and value.is_integer():
                    value = int(value)  # as the CSV has it
                return f"<code>{html.escape(str(value))}</code>"
            return _cell_html(value, column, library, language)

        def linked(value, column: str, index: int) -> str:
            text = cell(value, column)
            if column not in addresses:
                return text
            return f'<a href="{html.escape(str(addresses[column][index]), quote=True)}">{text}</a>'

        head = "".join(f'<th scope="col"{classes(c)}>{header(c)}</th>' for c in frame.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td{classes(c)}>{linked(v, c, i)}</td>" for c, v in zip(frame.columns, row)) + "</tr>"
            for i, row in enumerate(frame.itertuples(index=False, name=None))
        )
        table = (
            f'<table class="casebook-table"><caption>{html.escape(words(caption))}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
        # A focusable, labelled region lets keyboard users scroll a table wider than the text column.
        label = html.escape(words(caption), quote=True)
        return f'<div class="casebook-table-scroll" role="region" tabindex="0" aria-label="{label}">{table}</div>'

    return Table(written("en"), written("zh"))

"""Computed words in both of the book's languages.

A chapter's notebook runs once for both editions, so what it computes for a reader (a glued
phrase, a chart's title and labels, a table's headings) carries English and Chinese at once:
English in the usual MIME types, Chinese in the same types marked `;lang=zh-Hans`, which the
Chinese edition prefers (book/build/i18n.py) and every other reader of a notebook ignores.

`Said` is a string in English that knows its Chinese. Fixed words in the code are written
`_("Start year")` and translated in the code's catalogue, locales/zh_CN/LC_MESSAGES/book.po
(refreshed by `python -m book translations`); computed phrases are built with `said()`.
"""

from __future__ import annotations

import io
import os
import re
from functools import cache, lru_cache
from pathlib import Path

from book import paths, reads

ZH = "zh-Hans"
CATALOGUE = "book"  # locales/zh_CN/LC_MESSAGES/book.po

# Every Said made in this process, English to Chinese: a chart's specification holds plain
# strings, and translated_spec() finds their Chinese here.
_CHINESE: dict[str, str] = {}


def zh(mime_type: str) -> str:
    """The MIME type of the Chinese variant of an output: 'text/html' -> 'text/html;lang=zh-Hans'."""
    return f"{mime_type};lang={ZH}"


class Said(str):
    """An English string that knows its Chinese: Said('three cases', '三个案例').

    It is the English string wherever a string is expected; shown or glued, it carries both.
    """

    zh: str

    def __new__(cls, en: str, zh_text: str | None = None):
        self = super().__new__(cls, en)
        self.zh = en if zh_text is None else zh_text
        if zh_text is not None and en:
            _CHINESE[str(en)] = self.zh
        return self

    @property
    def en(self) -> str:
        return str.__str__(self)

    def _repr_pretty_(self, printer, cycle) -> None:
        # IPython formats a str's text/plain as its repr ('…', quoted) even beside the bundle below;
        # a Said's plain text is its English, as the bundle says.
        printer.text(self.en)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {
            "text/plain": self.en,
            "text/markdown": self.en,
            zh("text/plain"): self.zh,
            zh("text/markdown"): self.zh,
        }


def chinese(value) -> str:
    """The Chinese of a value: a Said's own, or the translation of a string this process knows."""
    if isinstance(value, Said):
        return value.zh
    text = str(value)
    _record_catalogue()
    return _CHINESE.get(text, catalogue().get(text, text))


def said(en: str, zh_text: str, **values) -> Said:
    """Both templates filled in, each with its language's form of the values.

    said("{n} cases", "{n}个案例", n=count(3)) -> Said('three cases', '三个案例')
    """
    return Said(en.format(**values), zh_text.format(**{k: chinese(v) for k, v in values.items()}))


def catalogue_path():
    return paths.root() / "locales" / "zh_CN" / "LC_MESSAGES" / f"{CATALOGUE}.po"


_RECORDED_FOR: list[str | None] = [None]  # the read log (book.reads) the catalogue is recorded in


def _record_catalogue() -> None:
    """Record the code's catalogue as read by the notebook that runs (once a notebook), so that a
    changed translation re-runs the chapters that show it."""
    log = os.environ.get(reads.LOG_VARIABLE)
    if log and log != _RECORDED_FOR[0]:
        reads.record(catalogue_path())
        _RECORDED_FOR[0] = log


def messages(path: Path) -> dict[str, str]:
    """A gettext catalogue's translations, English to Chinese ({} when it does not exist); a
    fuzzy entry, whose English has changed since, is no translation."""
    try:
        return _messages(path.read_bytes())
    except FileNotFoundError:
        return {}


@lru_cache(maxsize=32)
def _messages(po: bytes) -> dict[str, str]:  # by content: a catalogue is parsed once a process
    from babel.messages.pofile import read_po

    return {str(m.id): str(m.string) for m in read_po(io.BytesIO(po)) if m.id and m.string and not m.fuzzy}


@cache
def catalogue() -> dict[str, str]:
    """The code's catalogue: English message to Chinese (empty until translated)."""
    return messages(catalogue_path())


def _(message: str) -> Said:
    """A fixed word or phrase of the code, in English, with its Chinese from the code's catalogue."""
    _record_catalogue()
    return Said(message, catalogue().get(message, message))


ZH_DIGITS = "零一两三四五六七八九十"  # 两, not 二, counts things: 两个案例


def count_zh(n: int) -> str:
    """3 -> '三'; numbers above ten stay digits, as in Chinese academic writing."""
    return ZH_DIGITS[n] if 0 <= n <= 10 else f"{n:,}"


def join_zh(names: list[str]) -> str:
    """['甲', '乙', '丙'] -> '甲、乙和丙'."""
    names = [chinese(name) for name in names]
    return "和".join(names) if len(names) <= 2 else "、".join(names[:-1]) + "和" + names[-1]


# Where a Vega-Lite specification holds words for the reader (a chart's, an axis's, a legend's or
# a tooltip field's title, and the chart's description); names of fields, marks and parameters are
# code and stay as they are.
TEXT_KEYS = {"title", "subtitle", "description"}
ZH_TITLE_CHARACTERS = 24  # a Chinese title line; two Latin letters take the room of one Han character


def _chinese_text(value):
    if isinstance(value, list) and all(isinstance(v, str) for v in value):  # a title set on lines
        text = chinese(" ".join(value))
        return [text[i : i + ZH_TITLE_CHARACTERS] for i in range(0, len(text), ZH_TITLE_CHARACTERS)] or [text]
    if isinstance(value, str):
        return chinese(value)
    return translated_spec(value)


# A chart's words for the reader are its texts (titles, descriptions) and its data's values
# (categories on axes and legends, tooltips, control options); what else a specification holds
# is code: field, parameter and dataset names, types, formats, addresses. Strings are translated
# by lookup only (Said and the code's catalogue), so an unknown string stays as it is.
CODE_KEYS = {
    "$schema", "field", "fields", "groupby", "type", "as", "param", "mark", "aggregate", "op", "timeUnit",
    "scheme", "format", "formatType", "url", "href", "name", "input", "key", "from", "signal", "bind",
    "lookup", "fold", "pivot", "stack", "repeat",
}  # fmt: skip
EXPRESSION_KEYS = {"expr", "test", "calculate", "filter", "labelExpr"}  # Vega expressions: their quoted values
QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'" + r'|"((?:[^"\\]|\\.)*)"')


def _chinese_expression(expression: str) -> str:
    def swap(match: re.Match) -> str:
        text = match.group(1) if match.group(1) is not None else match.group(2)
        found = chinese(text)
        quote = "'" if match.group(1) is not None else '"'
        return match.group(0) if found == text else quote + found.replace(quote, "\\" + quote) + quote

    return QUOTED.sub(swap, expression)


def translated_spec(spec, key: str | None = None):
    """A Vega-Lite specification with its words for the reader in Chinese, where known: the same
    data, marks and parameters, so a filter compares the values it shows."""
    if isinstance(spec, dict):
        out = {}
        for name, value in spec.items():
            if name in TEXT_KEYS:
                out[name] = _chinese_text(value)
            elif name in EXPRESSION_KEYS and isinstance(value, str):
                out[name] = _chinese_expression(value)
            elif name == "bind" and isinstance(value, dict):  # a control: its label and options are words
                out[name] = {
                    k: translated_spec(v) if k in ("name", "options", "labels", "placeholder") else v
                    for k, v in value.items()
                }
            elif name in CODE_KEYS:
                out[name] = value
            else:
                out[name] = translated_spec(value, name)
        return out
    if isinstance(spec, list):
        return [translated_spec(value, key) for value in spec]
    if isinstance(spec, str):
        return chinese(spec)
    return spec


def count_zh_before(n: int) -> str:
    """A number before a measure word (个, 项, 类): as count_zh, but 2 -> '两' ('两个案例')."""
    return "两" if n == 2 else count_zh(n)


def join_said(parts: list, separator: str, separator_zh: str) -> Said:
    """Phrases joined in each language: join_said([a, b], '; ', '；')."""
    return Said(separator.join(str(p) for p in parts), separator_zh.join(chinese(p) for p in parts))

"""Search that finds Chinese terms by a part of them, in both editions.

Sphinx's English search splits text at non-word characters, so a run of Chinese characters
('合作生产', or glued to Latin text as in 'dagenham巴金') is indexed as one word, and a search for
'合作' finds nothing: the search page matches whole words, and parts only of three characters
or more. Chinese has no spaces between words, so the index holds Chinese as overlapping pairs
of characters (合作, 作生, 生产) and single characters, and the search page splits a query the
same way and looks for pages holding every pair: '合作' finds 合作生产, and '合作生产' finds
it too. English text is indexed as before.

Registered for the site's language ('en') with `app.add_search_language`, Sphinx's public way to
give a language its own splitter (Python for the index, JavaScript for the query).
"""

from __future__ import annotations

import re

from sphinx.search.en import SearchEnglish
from sphinx.search.zh import SearchChinese

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECES = re.compile(f"[{HAN}]+|[^{HAN}]+")
_HAN_RUN = re.compile(f"[{HAN}]+")


def han_terms(run: str) -> list[str]:
    """The index terms of a run of Chinese characters: its characters and pairs of them."""
    return list(run) + [run[i : i + 2] for i in range(len(run) - 1)]


def query_terms(run: str) -> list[str]:
    """The terms a query's Chinese run is looked up by: every one must be on a page."""
    return [run] if len(run) < 3 else [run[i : i + 2] for i in range(len(run) - 1)]


# The search page's splitter: words as Sphinx splits them, then Chinese runs as pairs
# (the same rule as query_terms).
JS_SPLITTER = r"""
var splitQuery = (query) => {
  const han = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/u;
  const terms = [];
  query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).forEach((word) => {
    word.split(/([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/u).forEach((piece) => {
      if (!piece) return;
      if (han.test(piece) && piece.length > 2) {
        for (let i = 0; i + 1 < piece.length; i++) terms.push(piece.substr(i, 2));
      } else {
        terms.push(piece);
      }
    });
  });
  return terms;
};
"""


class SearchEnglishAndChinese(SearchEnglish):
    """English search, with Chinese indexed by characters and pairs of characters."""

    lang = "en"
    js_splitter_code = JS_SPLITTER

    def split(self, input: str) -> list[str]:
        words: list[str] = []
        for word in super().split(input):
            for piece in _PIECES.findall(word):
                words.extend(han_terms(piece) if _HAN_RUN.fullmatch(piece) else [piece])
        return words


# The Chinese edition's splitter. jieba splits the pages into words; a query has no spaces either,
# so each run of Chinese characters is cut into the longest words the index holds ('居民参与' ->
# 居民, 参与), and every one of them must be on a page.
JS_WORD_SPLITTER = r"""
var splitQuery = (query) => {
  const han = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/u;
  const known = (typeof Search !== "undefined" && Search._index && Search._index.terms) || {};
  const terms = [];
  query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).forEach((word) => {
    word.split(/([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)/u).forEach((piece) => {
      if (!piece) return;
      if (!han.test(piece) || piece in known) {
        terms.push(piece);
        return;
      }
      for (let start = 0; start < piece.length; ) {
        let end = piece.length;
        while (end > start + 1 && !(piece.slice(start, end) in known)) end--;
        terms.push(piece.slice(start, end));
        start = end;
      }
    });
  });
  return terms;
};
"""


class SearchChineseWords(SearchChinese):
    """Sphinx's Chinese search (jieba, with the book's terms as its dictionary: the Chinese
    edition's `html_search_options`), and queries cut into the words the index holds."""

    js_splitter_code = JS_WORD_SPLITTER


def setup(app) -> None:
    app.add_search_language(SearchEnglishAndChinese)
    app.add_search_language(SearchChineseWords)

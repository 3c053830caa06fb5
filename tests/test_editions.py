"""The two editions of the built site: every page has its counterpart, and the Chinese edition
shows the same numbers as the English one."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, Tab, book_pages, in_both_editions

pytestmark = pytest.mark.build

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
LANG = {"": "en", "zh/": "zh-Hans"}


def soup(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")


def numbers(text: str) -> list[str]:
    return [n.replace(",", "") for n in NUMBER.findall(text)]


@pytest.mark.parametrize("name", in_both_editions(book_pages()))
def test_every_page_leads_to_its_counterpart_and_back(built_site, name):
    edition = "zh/" if name.startswith("zh/") else ""
    other = "" if edition else "zh/"
    page = soup(built_site, name)
    if name == "index.html":  # the site's root: the reader chooses an edition
        links = {a["hreflang"]: a["href"] for a in page.select("main a[hreflang]")}
        assert links == {"en": "chapters/welcome.html", "zh-Hans": "zh/chapters/welcome.html"}
        assert all((built_site / href).exists() for href in links.values())
        return
    if name == "zh/index.html":  # the edition's own root leads to its first page
        assert "url=chapters/welcome.html" in page.select_one('meta[http-equiv="Refresh"]')["content"]
        return
    assert page.html["lang"] == LANG[edition]
    alternate = page.select_one('link[rel="alternate"][hreflang]')
    switch = page.select_one("a.casebook-language-switch")
    assert alternate is not None and switch is not None, f"{name}: no counterpart link or language switch"
    assert alternate["hreflang"] == switch["hreflang"] == LANG[other]
    target = (built_site / name).parent / switch["href"]
    assert target.resolve() == (built_site / (other + name.removeprefix(edition))).resolve()
    back = soup(built_site, target.resolve().relative_to(built_site.resolve()).as_posix())
    returned = (target.resolve().parent / back.select_one("a.casebook-language-switch")["href"]).resolve()
    assert returned == (built_site / name).resolve()


def tables(page: BeautifulSoup) -> list[tuple[Counter, list[str]]]:
    """Each table's numbers: its caption's (in any order: a Chinese sentence orders them its own
    way), then its cells' in order."""
    found = []
    for table in page.select("table.casebook-table"):
        caption = table.select_one("caption")
        cells = [numbers(cell.get_text(" ")) for cell in table.select("thead th, tbody th, tbody td")]
        found.append((Counter(numbers(caption.get_text(" ")) if caption else []), cells))
    return found


@pytest.mark.parametrize("name", [p for p in book_pages() if p.startswith("chapters/")])
def test_the_chinese_edition_shows_the_same_tables_and_numbers(built_site, name):
    english, chinese = soup(built_site, name), soup(built_site, "zh/" + name)
    assert tables(chinese) == tables(english), f"{name}: a table's numbers differ between the editions"
    pasted = ".pasted-text, .pasted-inline"
    assert Counter(n for s in chinese.select(pasted) for n in numbers(s.get_text())) == Counter(
        n for s in english.select(pasted) for n in numbers(s.get_text())
    ), f"{name}: the glued values' numbers differ between the editions"
    assert len(chinese.select("div.casebook-chart")) == len(english.select("div.casebook-chart"))


def test_each_edition_offers_its_notebook_in_its_language(built_site):
    import nbformat

    for edition, title in (("", "What co-production is"), ("zh/", "什么是合作生产")):
        notebook = nbformat.read(built_site / edition / "_sources/chapters/theory/concept.ipynb", as_version=4)
        markdown = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
        assert f"# {title}" in markdown
    chinese = nbformat.read(built_site / "zh/_sources/chapters/theory/concept.ipynb", as_version=4)
    english = nbformat.read(built_site / "_sources/chapters/theory/concept.ipynb", as_version=4)
    assert [c.source for c in chinese.cells if c.cell_type == "code"] == [
        c.source for c in english.cells if c.cell_type == "code"
    ], "the editions' notebooks run different code"


def test_every_glued_value_says_the_same_numbers_in_both_languages(built_site):
    """From the one execution both editions share: a value's Chinese variant has its English numbers."""
    from book import i18n

    found = 0
    for glue in sorted((ROOT / "_build" / "zh" / "_build" / "jupyter_execute").rglob("*.glue.json")):
        for key, value in json.loads(glue.read_text(encoding="utf-8")).items():
            data = value["data"]
            for mime in ("text/markdown", "text/plain"):
                if i18n.zh(mime) in data:
                    found += 1
                    assert numbers(data[i18n.zh(mime)]) == numbers(data[mime]), f"{glue.name}: {key}"
    assert found, "no glued value carries a Chinese variant"


@pytest.mark.browser
@pytest.mark.parametrize("query", ["合作生产", "居民参与", "志愿者困境", "co-production"])
def test_the_chinese_search_finds_words_inside_phrases(site_url, browser, query):
    with Tab(browser) as tab:
        page = tab.visit(f"{site_url}/zh/search.html?q={quote(query)}")
        page.wait_for_selector("#search-results li", timeout=15000)
        assert page.locator("#search-results li").count() >= 1
        assert not tab.said("error", "pageerror")


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_language_switch_is_a_visible_link_in_the_header_row(site_url, browser, width):
    failures = []
    with Tab(browser, viewport={"width": width, "height": 800}) as tab:
        for name in ("chapters/theory/concept.html", "zh/chapters/synthesis/comparison.html"):
            page = tab.visit(f"{site_url}/{name}")
            switch = page.locator("a.casebook-language-switch")
            buttons = page.locator(".article-header-buttons")
            if not switch.is_visible():
                failures.append(f"{name} at {width} px: no visible language switch")
                continue
            box, row = switch.bounding_box(), buttons.bounding_box()
            middle = box["y"] + box["height"] / 2
            if not row["y"] <= middle <= row["y"] + row["height"]:
                failures.append(f"{name} at {width} px: the switch is not in the buttons' row ({box}, {row})")
            if box["height"] < 24 or box["width"] < 24:
                failures.append(f"{name} at {width} px: the switch is smaller than a 24 px target")
    assert not failures, "\n".join(failures)

"""Readers on every screen: the menus, tables, Chinese text and search, in a real browser."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from book.build import search
from book.build.pages import mark_chinese
from conftest import Tab, book_pages, in_both_editions, site_pages

pytestmark = pytest.mark.browser

PHONE, TABLET, DESKTOP = 390, 900, 1280
CHAPTER = "chapters/theory/concept.html"  # has a page-contents panel
SHIM = "casebook-sidebar-toggles.js"


def tab_at(browser, width: int, block: tuple[str, ...] = (), scheme: str = "light") -> Tab:
    """A tab `width` px wide, offline, touch below 960 px; `block` names files that must not load."""
    return Tab(
        browser,
        block,
        viewport={"width": width, "height": 850},
        color_scheme=scheme,
        has_touch=width < 960,
        is_mobile=False,
    )


def visible_button(page, kind: str):
    buttons = page.locator(f".{kind}-toggle:visible")
    assert buttons.count() == 1, f"{buttons.count()} visible .{kind}-toggle buttons"
    return buttons.first


def dialog_open(page, name: str) -> bool:
    return page.evaluate(f"() => !!document.getElementById('pst-{name}-sidebar-modal')?.open")


# ---------------------------------------------------------------- 1. menus


def menu_failures(page, name: str, width: int) -> tuple[list[str], bool]:
    """Tapping the visible ☰ opens the chapter menu, with its links, and Escape closes it; tapping
    the page-contents button, where the page has one, opens the list of its sections. Returns what
    went wrong and whether the page has that button."""
    if page.locator(".primary-toggle:visible").count() != 1:
        return [f"{name}: no single visible ☰ button at {width} px"], False
    failures = []
    visible_button(page, "primary").tap()
    page.wait_for_timeout(150)
    menu = page.locator("#pst-primary-sidebar-modal")
    if not dialog_open(page, "primary") or not menu.locator(".bd-docs-nav a").first.is_visible():
        failures.append(f"{name}: tapping ☰ at {width} px opened no menu")
    else:
        page.keyboard.press("Escape")
        page.wait_for_timeout(150)
        if dialog_open(page, "primary"):
            failures.append(f"{name}: Escape did not close the menu")
    has_contents = page.locator(".secondary-toggle:visible").count() > 0
    if has_contents:
        visible_button(page, "secondary").tap()
        page.wait_for_timeout(150)
        panel = page.locator("#pst-secondary-sidebar-modal")
        if not dialog_open(page, "secondary") or not panel.locator("nav a").first.is_visible():
            failures.append(f"{name}: tapping the page-contents button at {width} px opened nothing")
    return failures, has_contents


@pytest.fixture(scope="session")
def phone_tab(browser):
    with tab_at(browser, PHONE) as tab:
        yield tab


@pytest.mark.parametrize("name", in_both_editions(book_pages()))
def test_page_on_a_phone(built_site, site_url, phone_tab, name):
    """At 390 px the page fits (long addresses, code names and heading marks wrap), its tables
    read (table_failures), its menus open when tapped (menu_failures), and no script fails."""
    page = phone_tab.visit(f"{site_url}/{name}", idle=True)
    failures = []
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE and name != "zh/index.html":  # zh/index.html only redirects
        failures.append(f"wider than a {PHONE} px phone (scroll width {width} px)")
    if name == "index.html":  # the site's root: a reader chooses an edition, and nothing else
        choices = page.locator("main a[hreflang]")
        assert choices.count() == 2 and all(choices.nth(i).is_visible() for i in range(2)), "no choice of edition"
        assert not failures, failures
        return
    html = BeautifulSoup((built_site / name).read_text(encoding="utf-8"), "html.parser")
    layout = page.evaluate(TABLE_LAYOUT)  # measured before any menu opens
    assert len(layout) == len(html.select("table.casebook-table")), "tables measured are not the page's"
    failures += table_failures(name, layout)
    menus, has_contents = menu_failures(page, name, PHONE)
    failures += menus + [f"{name}: {error}" for error in phone_tab.said("pageerror")]
    if name == CHAPTER and not has_contents:
        failures.append(f"{name}: no page-contents button")
    assert not failures, "\n".join(failures)


def test_menus_open_when_tapped_on_a_tablet(site_url, browser):
    """A chapter, the glossary and the search page at 900 px (every page at 390 px above)."""
    failures, contents_seen = [], 0
    with tab_at(browser, TABLET) as tab:
        for name in [CHAPTER, "chapters/back/glossary.html", "search.html"]:
            page = tab.visit(f"{site_url}/{name}", idle=True)
            menus, has_contents = menu_failures(page, name, TABLET)
            failures += menus + [f"{name}: {error}" for error in tab.said("pageerror")]
            contents_seen += has_contents
    assert contents_seen, "no page showed a page-contents button"
    assert not failures, "\n".join(failures)


def test_chapter_menu_button_hides_and_shows_the_sidebar_on_desktop(site_url, browser):
    with tab_at(browser, DESKTOP) as tab:
        page = tab.visit(f"{site_url}/{CHAPTER}", idle=True)
        sidebar = page.locator("#pst-primary-sidebar")
        link = sidebar.locator(".bd-docs-nav a").first
        assert link.is_visible()
        button = visible_button(page, "primary")
        assert button.get_attribute("aria-expanded") == "true"
        article_left = page.locator("article.bd-article").bounding_box()["x"]
        button.click()
        page.wait_for_timeout(600)  # the theme animates it
        assert not link.is_visible(), "☰ did not hide the sidebar"
        assert not dialog_open(page, "primary"), "☰ opened the phone menu on a desktop screen"
        assert button.get_attribute("aria-expanded") == "false"
        assert page.locator("article.bd-article").bounding_box()["x"] < article_left, "the text did not take the room"
        button.click()
        page.wait_for_timeout(600)
        assert link.is_visible(), "☰ did not bring the sidebar back"
        assert button.get_attribute("aria-expanded") == "true"
        assert not tab.said("pageerror")


def test_upstream_sidebar_toggle_bug_is_still_there(site_url, browser):
    """Without book/static/casebook-sidebar-toggles.js the visible ☰ still does nothing.

    Upstream: pydata/pydata-sphinx-theme#2451, executablebooks/sphinx-book-theme#988. When this
    test fails, the themes are fixed: delete the script, its add_js_file line in
    book/build/sphinxext.py, and this test.
    """
    with tab_at(browser, PHONE, block=(SHIM,)) as tab:
        page = tab.visit(f"{site_url}/{CHAPTER}", idle=True)
        visible_button(page, "primary").tap()
        page.wait_for_timeout(300)
        assert not dialog_open(page, "primary"), "the theme's ☰ works without the fix: remove the fix"


# ---------------------------------------------------------------- 3. tables


def test_table_code_is_folded_away(built_site):
    """The code that draws a table is folded (hide-input) or removed, like the code of a chart."""
    unfolded = []
    for name in site_pages(built_site):
        soup = BeautifulSoup((built_site / name).read_text(encoding="utf-8"), "html.parser")
        for table in soup.select("div.cell table.casebook-table"):
            cell = table.find_parent("div", class_="cell")
            classes = set(cell.get("class", []))
            if cell.select_one("div.cell_input") and not classes & {"tag_hide-input", "tag_remove-input"}:
                unfolded.append(f"{name}: {table.caption.get_text()[:60] if table.caption else '?'}")
    assert not unfolded, "tables whose code shows:\n" + "\n".join(unfolded)


TABLE_LAYOUT = """() => [...document.querySelectorAll("table.casebook-table")].map((table) => {
  const align = (el) => ({start: "left", end: "right"}[getComputedStyle(el).textAlign] || getComputedStyle(el).textAlign);
  const em = parseFloat(getComputedStyle(table).fontSize);
  const heads = [...table.querySelectorAll("thead th")];
  const rows = [...table.querySelectorAll("tbody tr")];
  return {
    caption: (table.caption ? table.caption.textContent : "?").slice(0, 60),
    columns: heads.map((th, i) => {
      const cells = rows.map((tr) => tr.children[i]).filter(Boolean);
      return {
        header: th.textContent, headerAlign: align(th),
        cellAligns: [...new Set(cells.map(align))],
        prose: th.classList.contains("prose"), numeric: th.classList.contains("num"),
        widthEm: th.getBoundingClientRect().width / em,
        // Chinese squeezed to a character per line: a run of 4+ characters on 3+ lines
        squeezed: cells.filter((td) => [...td.querySelectorAll(':lang(zh-Hans)')].some((span) =>
          span.textContent.length >= 4 && span.getClientRects().length >= span.textContent.length - 1)).length,
      };
    }),
  };
})"""


def table_failures(name: str, layout: list[dict]) -> list[str]:
    """At 390 px, on every table: headers align with their cells (numbers right, text left),
    prose columns keep at least 10em, and Chinese is never squeezed to a character per line."""
    failures = []
    for table in layout:
        where = f"{name} [{table['caption']}]"
        for column in table["columns"]:
            label = f"{where} column {column['header']!r}"
            if column["cellAligns"] and column["cellAligns"] != [column["headerAlign"]]:
                failures.append(f"{label}: header {column['headerAlign']}, cells {column['cellAligns']}")
            expected = "right" if column["numeric"] else "left"
            if column["headerAlign"] != expected:
                failures.append(f"{label}: aligned {column['headerAlign']}, expected {expected}")
            if column["prose"] and column["widthEm"] < 10:
                failures.append(f"{label}: prose column only {column['widthEm']:.1f}em wide")
            if column["squeezed"]:
                failures.append(f"{label}: Chinese squeezed to a character per line")
    return failures


# ---------------------------------------------------------------- 4. Chinese


@pytest.mark.parametrize(
    "source, marked",
    [
        ("<p>Glossary 术语表</p>", '<p>Glossary <span lang="zh-Hans">术语表</span></p>'),
        (
            "<p>（户口）, 长沙市 共享家</p>",
            '<p><span lang="zh-Hans">（户口）</span>, <span lang="zh-Hans">长沙市 共享家</span></p>',
        ),
        ('<p lang="zh-Hans">术语 <b>表</b></p>', '<p lang="zh-Hans">术语 <b>表</b></p>'),
        (
            '<a title="术语">ok</a><code>术语</code><pre>表</pre>',
            '<a title="术语">ok</a><code>术语</code><pre>表</pre>',
        ),
        (
            '<script>if (a<b) x = "术语";</script><style>p::after{content:"表"}</style>',
            '<script>if (a<b) x = "术语";</script><style>p::after{content:"表"}</style>',
        ),
        ("<svg><text>图表</text></svg><br/>中", '<svg><text>图表</text></svg><br/><span lang="zh-Hans">中</span>'),
        ("<title>术语</title><!-- 术语 -->", "<title>术语</title><!-- 术语 -->"),
    ],
)
def test_chinese_runs_are_marked(source, marked):
    assert mark_chinese(source) == marked
    assert mark_chinese(marked) == marked  # marking twice changes nothing


HAN = re.compile(f"[{search.HAN}]")
UNMARKED_PARENTS = {"script", "style", "code", "pre", "title", "svg", "textarea", "kbd", "samp"}


def test_every_chinese_run_on_the_site_is_marked(built_site):
    unmarked = []
    for name in site_pages(built_site):
        soup = BeautifulSoup((built_site / name).read_text(encoding="utf-8"), "html.parser")
        for text in soup.find_all(string=HAN):
            parents = [p.name for p in text.parents]
            if UNMARKED_PARENTS & set(parents) or text.__class__.__name__ != "NavigableString":
                continue
            if not any(str(p.get("lang", "")).startswith("zh") for p in text.parents if hasattr(p, "get")):
                unmarked.append(f"{name}: {text.strip()[:40]!r} in <{parents[0]}>")
    assert not unmarked, f"{len(unmarked)} Chinese runs without lang:\n" + "\n".join(unmarked[:30])


LATIN_WORDS = re.compile(r"[A-Za-z]{2,}(?:\W+[A-Za-z]{2,})+")  # two words or more: a name, a title, a phrase


def test_every_english_run_in_the_chinese_edition_is_marked(built_site):
    site = built_site / "zh"
    unmarked = []
    for name in site_pages(site):
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        for text in soup.find_all(string=LATIN_WORDS):
            parents = [p for p in text.parents if hasattr(p, "get")]
            if UNMARKED_PARENTS & {p.name for p in parents} or text.__class__.__name__ != "NavigableString":
                continue
            if any("notranslate" in (p.get("class") or []) for p in parents):
                continue  # maths and code
            if not any(str(p.get("lang", "")).startswith("en") for p in parents):
                unmarked.append(f"zh/{name}: {text.strip()[:40]!r} in <{parents[0].name}>")
    assert not unmarked, f"{len(unmarked)} English runs without lang:\n" + "\n".join(unmarked[:30])


def test_chinese_gets_chinese_fonts(site_url, browser):
    with tab_at(browser, PHONE) as tab:
        page = tab.visit(f"{site_url}/chapters/back/glossary.html", idle=True)
        fonts = page.evaluate("""() => ({
            chinese: getComputedStyle(document.querySelector('article [lang="zh-Hans"]')).fontFamily,
            body: getComputedStyle(document.body).fontFamily})""")
        for family in ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei"):
            assert family in fonts["chinese"] and family in fonts["body"], (family, fonts)
        # in the body, named before the generic family that would otherwise take every character
        assert fonts["body"].index("Noto Sans CJK SC") < fonts["body"].index("sans-serif")


def test_search_index_splits_chinese():
    language = search.SearchEnglishAndChinese({})
    assert {"合作", "生产", "合"} <= set(language.split("合作生产 (co-production)"))
    assert "co" in language.split("co-production") and "巴金" in language.split("Dagenham巴金")


@pytest.mark.parametrize("query", ["合作", "合作生产", "术语", "co-production"])
def test_search_finds_chinese_terms_by_a_part(site_url, browser, query):
    with tab_at(browser, DESKTOP) as tab:
        page = tab.visit(f"{site_url}/search.html?q={quote(query)}", idle=True)
        page.wait_for_selector("#search-results p.search-summary", timeout=20000)
        page.wait_for_function(
            "() => !document.querySelector('#search-results').classList.contains('loading')"
            " || document.querySelectorAll('#search-results li').length",
            timeout=20000,
        )
        page.wait_for_timeout(300)
        found = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.getAttribute('href'))")
        assert any("glossary" in href for href in found), f"{query!r} found {found}"
        assert not tab.said("pageerror")


# ---------------------------------------------------------------- 7. fast on a phone


def test_pages_load_no_icon_script_and_icons_still_draw(built_site, site_url, browser):
    """Font Awesome's 1.5 MB script is not loaded; the theme's web font draws every icon."""
    for name in site_pages(built_site):
        html = (built_site / name).read_text(encoding="utf-8")
        assert "fontawesome.js" not in html and "sphinx-thebe.css" not in html, name
    with tab_at(browser, PHONE) as tab:
        page = tab.visit(f"{site_url}/{CHAPTER}", idle=True)
        page.evaluate("() => document.fonts.ready")
        icons = page.evaluate("""() => [...document.querySelectorAll('.bd-header-article [class*="fa-"]')]
            .filter((i) => i.getClientRects().length)
            .map((i) => ({cls: i.className, content: getComputedStyle(i, '::before').content,
                          font: getComputedStyle(i, '::before').fontFamily, width: i.getBoundingClientRect().width}))""")
        assert len(icons) >= 4, icons
        for icon in icons:
            assert (
                icon["content"] not in ("none", "normal", '""') and "Font Awesome" in icon["font"] and icon["width"] > 5
            ), icon
        assert page.evaluate("""() => document.fonts.check('900 16px "Font Awesome 6 Free"', '\\uf0c9')""")
        assert not tab.said("pageerror")
    # The search field's magnifying glass sits beside the typed text, not over it.
    with tab_at(browser, TABLET) as tab:
        page = tab.visit(f"{site_url}/search.html?q=x", idle=True)
        overlap = page.evaluate("""() => {
            const form = document.querySelector('.bd-search-container .bd-search');
            const icon = form.querySelector('.fa-magnifying-glass').getBoundingClientRect();
            const input = form.querySelector('input');
            const text = input.getBoundingClientRect().left + parseFloat(getComputedStyle(input).paddingLeft);
            return icon.right - text;}""")
        assert overlap <= 1, f"the search icon covers {overlap:.0f} px of the search text"


# ---------------------------------------------------------------- printing


def test_printed_pages_wrap_code_and_tables_and_hide_controls(site_url, browser):
    """On paper nothing runs off the page, and no button that only works on screen is printed."""
    with tab_at(browser, 794) as tab:
        page = tab.visit(f"{site_url}/chapters/synthesis/comparison.html", idle=True)
        page.emulate_media(media="print")
        toggles = page.locator("details.hide > summary, button.toggle-button")
        assert toggles.count() > 0, "the test needs a show-code toggle on the page"
        shown = page.evaluate("""() => [...document.querySelectorAll('details.hide > summary, button.toggle-button')]
            .filter(b => getComputedStyle(b).display !== 'none').length""")
        assert shown == 0, f"{shown} show-code toggles printed"
        wide = page.evaluate("""() => [...document.querySelectorAll('pre, .casebook-table-scroll')]
            .filter(e => e.scrollWidth > e.clientWidth + 1).length""")
        assert wide == 0, f"{wide} blocks of code or tables run off the printed page"


def test_formulas_load_mathjax_only_when_reached(site_url, browser):
    """MathJax waits until a formula nears the screen, then typesets it."""
    with tab_at(browser, PHONE) as tab:
        page = tab.visit(f"{site_url}/chapters/theory/models.html", idle=True)
        formulas = page.locator(".math")
        first = formulas.first
        # Beyond the viewport and the half-screen margin at which formulas start loading.
        assert first.bounding_box()["y"] > 1.5 * 850, "the test needs the first formula below the fold"
        assert page.locator('script[src*="mathjax/tex-"]').count() == 0, "MathJax loaded before any formula was near"
        first.scroll_into_view_if_needed()
        first.locator("mjx-math").wait_for(state="attached", timeout=20000)
        assert not tab.said("pageerror")

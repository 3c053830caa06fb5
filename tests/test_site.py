"""The built site in a real browser, with every other host blocked."""

from __future__ import annotations

import json
import re

import pytest

from conftest import Tab, book_pages, in_both_editions, site_pages

pytestmark = pytest.mark.browser


def test_vega_bundle_only_on_chart_pages(built_site):
    for name in site_pages(built_site):
        html = (built_site / name).read_text(encoding="utf-8")
        has_chart = "vegaEmbed(" in html
        assert ("casebook-vega-" in html) == has_chart, name


def test_data_downloads_resolve(built_site):
    page = (built_site / "chapters/back/data-catalogue.html").read_text(encoding="utf-8")
    links = [h for h in re.findall(r'<a href="([^"]+)" download>', page) if "/data/" in h]
    assert len(links) >= 20
    for href in links:
        target = (built_site / "chapters/back" / href).resolve()
        assert target.is_file() and target.suffix == ".csv", href
    assert "data/cases/kic-garden/stages.csv" in page


def test_chapters_offer_notebook_data_and_citation(built_site):
    for name in (
        "chapters/theory/concept.html",
        "chapters/cases/fengquan-gujing.html",
        "chapters/synthesis/comparison.html",
    ):
        page = (built_site / name).read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+)" download>', page)
        notebooks = [h for h in links if h.endswith(".ipynb")]
        datasets = [h for h in links if h.endswith(".csv")]
        assert len(notebooks) == 1 and datasets, name
        for href in links:
            assert (built_site / name).parent.joinpath(href).resolve().is_file(), href
        notebook = json.loads((built_site / name).parent.joinpath(notebooks[0]).read_text(encoding="utf-8"))
        assert any(cell.get("outputs") for cell in notebook["cells"]), "the notebook download has no outputs"
        assert 'id="cite-this-chapter"' in page and "download-notebook-button" in page


def test_the_site_has_the_pages_the_browser_tests_visit(built_site):
    assert site_pages(built_site) == book_pages()
    assert site_pages(built_site / "zh") == book_pages()


@pytest.fixture(scope="session")
def desktop_tab(browser):
    with Tab(browser) as tab:
        yield tab


@pytest.mark.parametrize("name", in_both_editions(book_pages()))
def test_page_is_offline_quiet_and_accessible(site_url, desktop_tab, name):
    """It asks nothing of other hosts, logs no console error, and axe finds no serious or critical
    accessibility violation. (How each chart draws, fits and reads is tests/test_charts.py's.)"""
    from axe_playwright_python.sync_playwright import Axe

    page = desktop_tab.visit(f"{site_url}/{name}", idle=True)
    page.wait_for_timeout(300)  # let charts finish drawing
    # The page's own messages, before axe runs its script in the page.
    failures = [f"console {said}" for said in desktop_tab.said("error", "pageerror")]
    for violation in Axe().run(page).response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            node = violation["nodes"][0]
            failures.append(f"{violation['id']} ({violation['impact']}) at {node['target']}: {node['html'][:120]}")
    failures += [f"requested another host: {url}" for url in desktop_tab.external]
    assert not failures, "\n".join(failures)


def test_theme_scripts_are_deferred_except_on_search(built_site):
    def tags(name):
        return re.findall(
            r"<script[^>]*\bsrc=\"[^\"]*/?([\w.-]+\.js)[^\"]*\"[^>]*>", (built_site / name).read_text(encoding="utf-8")
        ), re.findall(r"<script[^>]*>", (built_site / name).read_text(encoding="utf-8"))

    _, chapter = tags("chapters/theory/concept.html")
    by_name = {re.search(r"/([\w.-]+\.js)", tag).group(1): tag for tag in chapter if "src=" in tag}
    assert "defer" in by_name["doctools.js"] and "defer" in by_name["sphinx-book-theme.js"]
    assert "defer" not in by_name["documentation_options.js"]  # inline scripts use its global
    assert not [name for name in by_name if "thebe" in name]
    page = built_site / "chapters/theory/concept.html"
    for tag in chapter:
        src = re.search(r'src="([^"?]+)', tag)
        if src and "://" not in src.group(1):
            assert (page.parent / src.group(1)).resolve().is_file(), f"{tag} points to no file"
    _, search = tags("search.html")
    assert any("doctools.js" in tag and "defer" not in tag for tag in search)

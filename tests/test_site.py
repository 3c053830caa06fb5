"""The built site in a real browser, with every other host blocked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site")]


def site_pages(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith("_static/")
    )


def open_page(browser, url: str):
    """Open `url` offline; return the page, what it asked of other hosts, and console errors."""
    context = browser.new_context()
    external, errors = [], []

    def guard(route):
        if urlparse(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return context, page, external, errors


def test_every_page_offline_and_charts_draw(built_site, site_url, browser):
    # How each chart draws, fits and reads is tests/test_charts.py's; here: every page, offline.
    pages = site_pages(built_site)
    assert "chapters/theory/concept.html" in pages
    failures = []
    for name in pages:
        context, page, external, errors = open_page(browser, f"{site_url}/{name}")
        page.wait_for_timeout(100)
        failures += [f"{name}: requested another host: {url}" for url in external]
        failures += [f"{name}: console error: {text}" for text in errors]
        context.close()
    assert not failures, "\n".join(failures)


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


def test_no_serious_accessibility_violations(built_site, site_url, browser):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    failures = []
    for name in site_pages(built_site):
        context, page, _, _ = open_page(browser, f"{site_url}/{name}")
        page.wait_for_timeout(300)  # let charts finish drawing
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                node = violation["nodes"][0]
                failures.append(
                    f"{name}: {violation['id']} ({violation['impact']}) at {node['target']}: {node['html'][:120]}"
                )
        context.close()
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

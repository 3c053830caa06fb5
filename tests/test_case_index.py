"""Bounded pages at any number of cases: large chart data leave the page for a data file the
charts load, a page that reads many datasets lists each case table once, and the case index's
map draws from sourced coordinates on a basemap shipped with the book."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import yaml

from book import charts, schema
from book.build import pages, vega

ROOT = Path(__file__).resolve().parent.parent


def chart_page(rows: int) -> str:
    """A page body holding one chart with `rows` rows of data, as Altair writes it."""
    frame = pd.DataFrame({"name": [f"</script><b>case {i}</b>" for i in range(rows)], "value": range(rows)})
    chart = charts.described(
        alt.Chart(frame).mark_bar().encode(x="value:Q", y="name:N").properties(width="container", height=120),
        title="A chart",
        description="Bars, one per case, to test where their data go.",
    )
    return "<p>Before</p>" + alt.renderers.get()(chart.to_dict())["text/html"] + "<p>After</p>"


def specs(body: str) -> list[dict]:
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(body, m.end())[0] for m in re.finditer(r"\}\)\((?=\{\"config\")", body)]


def test_large_chart_data_move_to_a_data_file(tmp_path):
    body = chart_page(400)
    moved = vega.move_chart_data(body, "chapters/synthesis/comparison", tmp_path)
    (spec,) = specs(moved)
    assert "datasets" not in spec and len(json.dumps(spec)) < 5000
    assert len(body) - len(moved) > 400 * 40
    reference = spec["usermeta"]["casebookData"]
    assert reference["src"].startswith("_static/casebook-data/chapters-synthesis-comparison.js?v=")
    script = (tmp_path / "casebook-data" / "chapters-synthesis-comparison.js").read_text()
    assert script.startswith("window.casebookVega.addData(") and "</script>" not in script
    data = json.loads(script.removeprefix("window.casebookVega.addData(").removesuffix(");\n"))
    assert set(data) == set(reference["datasets"]) and len(next(iter(data.values()))) == 400
    assert "</script><b>" not in moved, "data left the page unescaped"
    assert moved.startswith("<p>Before</p>") and moved.endswith("<p>After</p>")


def test_small_chart_data_stay_in_the_page(tmp_path):
    body = chart_page(5)
    stale = tmp_path / "casebook-data" / "chapters-theory-concept.js"
    stale.parent.mkdir()
    stale.write_text("old")
    assert vega.move_chart_data(body, "chapters/theory/concept", tmp_path) == body
    assert not stale.exists(), "a data file the page no longer needs stays behind"


def test_the_loader_puts_moved_data_back():
    loader = vega.loader_js()
    assert "addData" in loader and "casebookData" in loader and "datasets: own" in loader


def extras(datasets: list[str]) -> str:
    class Book:
        authors, year, title, version, url = "A", "2026", "T", "1", ""

        def page_url(self, docname):
            return docname

        def bibtex(self, docname, title):
            return "@misc{}"

    return pages.extras_html(lambda name, *_: name, "chapters/synthesis/comparison", "T", None, datasets, Book())


def test_a_page_reading_many_datasets_lists_each_case_table_once():
    few = [f"data/cases/case-{i}/stages.csv" for i in range(3)] + ["data/theory/bottlenecks.csv"]
    assert extras(few).count(" download>") == 4
    many = [f"data/cases/case-{i}/{t}.csv" for i in range(100) for t in ("stages", "actors")]
    listed = extras([*many, "data/theory/bottlenecks.csv"])
    assert listed.count(" download>") == 1  # the theory file
    assert "<code>stages.csv</code> of 100 cases" in listed and "<code>actors.csv</code> of 100 cases" in listed
    assert "data-catalogue" in listed


def test_the_basemap_is_natural_earth_land_from_world_atlas():
    world = json.loads(charts.WORLD_MAP.read_text(encoding="utf-8"))
    assert world["type"] == "Topology" and list(world["objects"]) == ["land"]
    assert "Michael Bostock" in (charts.WORLD_MAP.parent / "LICENSE-world-atlas").read_text()


def test_every_book_case_is_located_with_a_source():
    for profile in sorted((ROOT / "data" / "cases").glob("*/case.yaml")):
        location = yaml.safe_load(profile.read_text(encoding="utf-8"))["place"].get("location")
        assert location and location["source"].startswith("geonames"), profile


@pytest.fixture
def book_copy_with_location(tmp_path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    monkeypatch.setenv("CASEBOOK_ROOT", str(tmp_path))
    return tmp_path / "data" / "cases" / "kic-garden" / "case.yaml"


def test_a_location_needs_a_known_source_and_real_degrees(book_copy_with_location):
    profile = book_copy_with_location
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("source: geonamesndshanghai", "source: geonamesshanghai"), encoding="utf-8")
    problems = [str(p) for p in schema.validate_all()]
    assert any(
        "data/cases/kic-garden/case.yaml" in p and "place.location.source" in p and "unknown source key" in p
        for p in problems
    ), problems
    profile.write_text(text.replace("latitude: 31.22222", "latitude: 131.2"), encoding="utf-8")
    problems = [str(p) for p in schema.validate_all()]
    assert any("place.location.latitude" in p and "131.2" in p for p in problems), problems


# ---------------------------------------------------------------- in the browser


def live_texts(chart) -> list[str]:
    return chart.evaluate(
        "box => [...box.querySelectorAll('.casebook-chart-live svg.marks text')].map(t => t.textContent)"
    )


def drawn_chart(page, index: int):
    chart = page.locator("div[id^='altair-viz-']").nth(index)
    chart.scroll_into_view_if_needed()
    page.wait_for_function("box => box.classList.contains('casebook-chart-drawn')", arg=chart.element_handle())
    return chart


@pytest.mark.browser
def test_the_overview_and_the_details_answer_the_keyboard(built_site, site_url, browser):
    """Typing part of a name in the overview's search field leaves one case matching; choosing
    another case in a detail list, by keyboard alone, redraws that place with it. Offline."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type in ("warning", "error") else None)
    page.goto(f"{site_url}/chapters/synthesis/comparison.html")
    overview = drawn_chart(page, 0)
    assert "3 of 3 cases match the choices below" in live_texts(overview)
    search = overview.locator("input[type=search]")
    search.focus()
    page.keyboard.type("kic")
    page.wait_for_timeout(300)
    assert "1 of 3 cases match the choices below" in live_texts(overview)
    detail = drawn_chart(page, page.locator("div[id^='altair-viz-']").count() - 1)
    first = detail.locator("select").first
    assert live_texts(detail)[0].startswith("Fengquan Gujing")
    first.focus()
    page.keyboard.press("ArrowUp")  # the case before it in the list
    page.wait_for_timeout(300)
    assert live_texts(detail)[0] == "Barking and Dagenham"
    assert not messages, messages
    context.close()


@pytest.mark.browser
def test_the_case_index_maps_every_case_offline(built_site, site_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    requested = []
    context.route(
        "**/*",
        lambda route: (
            (requested.append(route.request.url), route.continue_())
            if "127.0.0.1" in route.request.url
            else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(f"{site_url}/chapters/back/case-index.html")
    chart = drawn_chart(page, 0)
    dots = chart.evaluate("box => box.querySelectorAll('.casebook-chart-live .mark-symbol.role-mark path').length")
    land = chart.evaluate("box => box.querySelectorAll('.casebook-chart-live .mark-shape.role-mark path').length")
    assert dots == 3 and land >= 1
    assert any("/_static/casebook-data/chapters-back-case-index.js" in url for url in requested)
    links = page.locator("table.casebook-table a[href$='.html']")
    assert links.count() == 3
    for index in range(3):
        assert (built_site / "chapters" / "back" / links.nth(index).get_attribute("href")).resolve().is_file()
    context.close()


@pytest.mark.browser
def test_a_chart_in_the_first_screen_waits_for_the_readers_first_move(built_site, site_url, browser):
    """The map opens as its static picture without loading Vega (a phone's core stays free while
    the page opens) and becomes interactive at the reader's first move."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.goto(f"{site_url}/chapters/back/case-index.html", wait_until="load")
    page.wait_for_timeout(1500)
    chart = page.locator("div[id^='altair-viz-']").first
    assert chart.evaluate("box => box.getBoundingClientRect().top < innerHeight")
    assert chart.locator(".casebook-chart-static svg").count() == 1
    assert not any("casebook-vega-" in url for url in requested), "Vega loaded before the reader did anything"
    page.mouse.move(20, 20)
    page.wait_for_function("box => box.classList.contains('casebook-chart-drawn')", arg=chart.element_handle())
    context.close()

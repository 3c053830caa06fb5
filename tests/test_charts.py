"""The book's charts as a reader meets them: drawn, fitting the column, legible, in both colour
schemes, without scripts and on paper.

Every chart on every page is drawn and checked at a phone's width (390 px) in the light scheme and
at a desktop's (1280 px) in the dark scheme, where its colours are checked too. One browser context
per width; pages are reused.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, Tab, site_pages

pytestmark = pytest.mark.browser

CHART = "div[id^='altair-viz-']"
NARROW, WIDE = 390, 1280
SPEC_CALL = re.compile(r"\}\)\((?=\{\"config\")")
BIB_KEY = re.compile(r"^\s*@\w+\{([^,\s]+),", re.M)

# The interactive chart once vega-embed has drawn it (the container or an element inside it).
LIVE_SVG = """box => {
  const live = box.matches('.vega-embed') ? box : box.querySelector('.vega-embed');
  return live ? live.querySelector('svg.marks') : null;
}"""

# Everything a reader would notice about one drawn chart, measured in the page.
INSPECT = """(box, which) => {
  const svg = which === 'live'
    ? (box.matches('.vega-embed') ? box : box.querySelector('.vega-embed')).querySelector('svg.marks')
    : box.querySelector(which);
  const article = box.closest('article') || document.body, style = getComputedStyle(article);
  const outer = article.getBoundingClientRect();
  const column = {left: outer.left + parseFloat(style.paddingLeft), right: outer.right - parseFloat(style.paddingRight)};
  const shown = el => {
    for (let node = el; node && node !== svg.parentNode; node = node.parentNode) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) return false;
    }
    return true;
  };
  // Data marks: items of Vega's role-mark groups, not axes, legends or titles.
  let marks = 0;
  for (const group of svg.querySelectorAll('.role-mark:not(.mark-group)')) {
    const rect = group.classList.contains('mark-rect');
    for (const item of group.children) {
      if (!shown(item)) continue;
      const r = item.getBoundingClientRect();
      if (rect ? (r.width >= 1 && r.height >= 1) : (r.width >= 1 || r.height >= 1)) marks += 1;
    }
  }
  // Each text as the quadrilateral it covers on screen, rotation included.
  const texts = [...svg.querySelectorAll('text')].filter(t => shown(t) && t.textContent.trim());
  const quads = texts.map(t => {
    const b = t.getBBox(), m = t.getScreenCTM();
    return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
  });
  const shrink = q => {  // glyph boxes include line spacing: compare slightly smaller boxes
    const cx = q.reduce((s, p) => s + p[0], 0) / 4, cy = q.reduce((s, p) => s + p[1], 0) / 4;
    return q.map(([x, y]) => [cx + (x - cx) * 0.9, cy + (y - cy) * 0.8]);
  };
  const separated = (a, b) => {  // separating-axis test for two convex quadrilaterals
    for (const q of [a, b]) for (let i = 0; i < 4; i++) {
      const [x1, y1] = q[i], [x2, y2] = q[(i + 1) % 4], nx = y1 - y2, ny = x2 - x1;
      const pa = a.map(([x, y]) => x * nx + y * ny), pb = b.map(([x, y]) => x * nx + y * ny);
      if (Math.max(...pa) <= Math.min(...pb) || Math.max(...pb) <= Math.min(...pa)) return true;
    }
    return false;
  };
  const overlaps = [];
  const small = quads.map(shrink);
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    if (!separated(small[i], small[j])) overlaps.push(texts[i].textContent + ' / ' + texts[j].textContent);
  }
  const outside = [];
  quads.forEach((q, i) => {
    const xs = q.map(p => p[0]);
    if (Math.min(...xs) < column.left - 1 || Math.max(...xs) > column.right + 1) outside.push(texts[i].textContent);
  });
  const r = svg.getBoundingClientRect();
  const clipped = texts.filter((t, i) => quads[i].some(([x, y]) =>
    x < r.left - 1 || x > r.right + 1 || y < r.top - 1 || y > r.bottom + 1)).map(t => t.textContent);
  const role = sel => [...svg.querySelectorAll(sel)].filter(shown).map(t => t.textContent);
  return {
    marks, overlaps, outside, clipped,
    svgWidth: r.width, svgLeft: r.left, svgRight: r.right, columnLeft: column.left, columnRight: column.right,
    scrolls: box.scrollWidth > box.clientWidth + 1,
    truncated: texts.map(t => t.textContent).filter(t => t.includes('…')),
    legend: role('.role-legend-label text, .role-legend-title text'),
    labels: role('.role-axis-label text, .role-header-label text, .role-legend-label text'),
    ariaLabel: svg.getAttribute('aria-label') || '',
  };
}"""


def chart_pages(site: Path) -> list[str]:
    return [name for name in site_pages(site) if "vegaEmbed(" in (site / name).read_text(encoding="utf-8")]


def chart_specs(html: str) -> list[dict]:
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(html, match.end())[0] for match in SPEC_CALL.finditer(html)]


def bib_keys() -> set[str]:
    return set(BIB_KEY.findall((ROOT / "references.bib").read_text(encoding="utf-8")))


def walk(node):
    """Every dict inside a spec."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


# What a reader's console must not show on a chart page.
COMPLAINTS = ("warning", "error", "pageerror")


def draw_every_chart(page, name: str, failures: list[str]) -> list:
    charts = page.locator(CHART)
    drawn = []
    page.mouse.move(5, 5)  # a chart in the first screen becomes interactive at the reader's first move
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()  # charts draw as the reader reaches them
        try:
            page.wait_for_function(LIVE_SVG, arg=chart.element_handle(), timeout=15000)
        except Exception:
            failures.append(f"{name}: chart {index + 1} did not draw")
            continue
        drawn.append(chart)
    page.wait_for_timeout(150)  # a resize after drawing (container widths) settles
    return drawn


def check_chart(name: str, index: int, facts: dict, keys: set[str]) -> list[str]:
    where = f"{name}: chart {index + 1}"
    problems = []
    if facts["marks"] == 0:
        problems.append(f"{where} draws its axes but no visible data mark")
    if facts["svgLeft"] < facts["columnLeft"] - 1 or facts["svgRight"] > facts["columnRight"] + 1 or facts["scrolls"]:
        problems.append(
            f"{where} is {facts['svgWidth']:.0f} px wide in a "
            f"{facts['columnRight'] - facts['columnLeft']:.0f} px column"
        )
    if facts["outside"]:
        problems.append(f"{where} has text outside the column: {facts['outside'][:4]}")
    if facts["clipped"]:
        problems.append(f"{where} has text cut off at its edge: {facts['clipped'][:4]}")
    if facts["overlaps"]:
        problems.append(f"{where} has overlapping text: {facts['overlaps'][:4]}")
    if facts["truncated"]:
        problems.append(f"{where} truncates: {facts['truncated'][:4]}")
    cited = [label for label in facts["labels"] if label.strip() in keys]
    if cited:
        problems.append(f"{where} shows citation keys instead of names: {cited[:4]}")
    if len(facts["ariaLabel"]) < 20:
        problems.append(f"{where} has no text alternative on its SVG")
    return problems


@pytest.mark.parametrize("width, scheme", [(NARROW, "light"), (WIDE, "dark")])
def test_every_chart_draws_fits_and_reads(built_site, site_url, browser, width, scheme):
    """At each width: no Vega warning or error, data marks drawn, no chart wider than the column
    (nothing to scroll sideways), no text outside it, overlapping or truncated, no citation keys.
    In the dark scheme, also colour_failures."""
    keys = bib_keys()
    failures, seen = [], 0
    with Tab(browser, viewport={"width": width, "height": 900}, color_scheme=scheme) as tab:
        # The Chinese edition's charts at the narrow width, where longer or wider words would not fit.
        chinese = [f"zh/{name}" for name in chart_pages(built_site / "zh")] if width == NARROW else []
        for name in chart_pages(built_site) + chinese:
            page = tab.visit(f"{site_url}/{name}")
            assert page.evaluate("document.documentElement.dataset.theme") == scheme
            for index, chart in enumerate(draw_every_chart(page, name, failures)):
                facts = chart.evaluate(INSPECT, "live")
                failures += check_chart(name, index, facts, keys)
                if scheme == "dark":
                    failures += colour_failures(name, index, chart.evaluate(COLOURS, "live"))
                seen += 1
            failures += [f"{name}: console {said}" for said in tab.said(*COMPLAINTS)]
    assert seen >= 16
    assert not failures, f"at {width} px, {scheme} scheme:\n" + "\n".join(failures)


def moved_datasets(site: Path, page: str) -> dict:
    """The datasets the build moved out of `page` into its data file (book.build.vega.move_chart_data)."""
    from book.build import vega

    path = site / "_static" / vega.DATA_FOLDER / vega.data_file_name(page.removesuffix(".html"))
    if not path.exists():
        return {}
    script = path.read_text(encoding="utf-8")
    return json.loads(script[script.index("(") + 1 : script.rindex(")")])


def test_chart_specs_read_well(built_site):
    """Tooltips have readable titles, timelines a time scale, and no citation key reaches a reader."""
    keys = bib_keys()
    failures, seen = [], 0
    for name in chart_pages(built_site):
        moved = moved_datasets(built_site, name)
        for index, spec in enumerate(chart_specs((built_site / name).read_text(encoding="utf-8"))):
            seen += 1
            where = f"{name}: chart {index + 1}"
            named = spec.get("usermeta", {}).get("casebookData", {}).get("datasets", [])
            failures += [
                f"{where}: dataset {key} missing from the page's data file" for key in named if key not in moved
            ]
            values = {}
            tables = [*spec.get("datasets", {}).values(), *(moved.get(key, []) for key in named)]
            for dataset in (table for table in tables if isinstance(table, list)):  # not the map's TopoJSON
                for row in dataset:
                    for field, value in row.items():
                        parts = str(value).split(";") if isinstance(value, str) else [value]
                        values.setdefault(field, set()).update(p.strip() if isinstance(p, str) else p for p in parts)
            for node in walk(spec):
                encoding = node.get("encoding")
                if not isinstance(encoding, dict):
                    continue
                tips = encoding.get("tooltip", [])
                for tip in tips if isinstance(tips, list) else [tips]:
                    title = tip.get("title", tip.get("field", ""))
                    if "_" in title or title[:1].islower():
                        failures.append(f"{where}: tooltip title {title!r}")
                for channel, definition in encoding.items():
                    items = definition if isinstance(definition, list) else [definition]
                    for item in items:
                        field = item.get("field") if isinstance(item, dict) else None
                        if field and values.get(field, set()) & keys:
                            failures.append(f"{where}: {channel} shows citation keys ({field})")
                        if channel in ("x", "y") and field and "year" in field and item.get("type") != "temporal":
                            failures.append(f"{where}: {field} on {channel} is {item.get('type')}, not a time scale")
    assert seen >= 16
    assert not failures, "\n".join(failures)


def luminance(colour: str) -> float:
    channels = [float(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# The colours of a chart against the page: its background and the text of axes, legends, titles.
COLOURS = """(box, which) => {
  const svg = which === 'live'
    ? (box.matches('.vega-embed') ? box : box.querySelector('.vega-embed')).querySelector('svg.marks')
    : box.querySelector(which);
  const page = getComputedStyle(document.body).backgroundColor;
  const r = svg.getBoundingClientRect();
  const painted = [getComputedStyle(svg).backgroundColor];  // and any card behind the chart
  for (let node = box; node && node.tagName !== 'ARTICLE'; node = node.parentElement) {
    painted.push(getComputedStyle(node).backgroundColor);
  }
  for (const rect of svg.querySelectorAll('rect, path.background')) {
    const b = rect.getBoundingClientRect();
    const fill = getComputedStyle(rect).fill;
    if (b.width >= r.width * 0.9 && b.height >= r.height * 0.5 && fill !== 'none') painted.push(fill);
  }
  const texts = [...svg.querySelectorAll(
      '.role-axis-label text, .role-axis-title text, .role-legend-label text, .role-legend-title text, '
      + '.role-title-text text, .role-header-label text, .role-title text')]
    .map(t => [t.textContent, getComputedStyle(t).fill]);
  const lines = [...svg.querySelectorAll('.role-axis-domain line, .role-axis-tick line')]
    .map(l => getComputedStyle(l).stroke);
  return {page, painted: painted.filter(c => c && !/^rgba\\(.*, 0\\)$/.test(c) && c !== 'none' && c !== 'transparent'), texts, lines};
}"""


def colour_failures(name: str, index: int, facts: dict) -> list[str]:
    """In the dark scheme a chart sits on the page's own background, its text readable on it."""
    where = f"{name}: chart {index + 1}"
    failures = []
    light = [c for c in facts["painted"] if luminance(c) > 0.2]
    if light:
        failures.append(f"{where} sits on a light card ({light[0]}) on a {facts['page']} page")
    faint = sorted({f"{text!r} {fill}" for text, fill in facts["texts"] if contrast(fill, facts["page"]) < 4.5})
    if faint:
        failures.append(f"{where} has text hard to read on {facts['page']}: {faint[:3]}")
    if any(contrast(stroke, facts["page"]) < 1.5 for stroke in facts["lines"] if stroke != "none"):
        failures.append(f"{where} has axis lines that vanish on {facts['page']}")
    return failures


STATIC = ".casebook-chart-static svg"


def test_charts_show_without_scripts(built_site, site_url, browser):
    """Without JavaScript every chart is still there: a static SVG with marks, its description as
    its accessible name, fitting the column at 390 px and legible."""
    keys = bib_keys()
    failures, seen = [], 0
    with Tab(browser, viewport={"width": NARROW, "height": 900}, java_script_enabled=False) as tab:
        for name in chart_pages(built_site):
            page = tab.visit(f"{site_url}/{name}")
            charts = page.locator(CHART)
            for index in range(charts.count()):
                seen += 1
                chart = charts.nth(index)
                if chart.locator(STATIC).count() != 1:
                    failures.append(f"{name}: chart {index + 1} shows nothing without scripts")
                    continue
                svg = chart.locator(STATIC)
                if svg.get_attribute("role") != "img" or svg.locator("title").count() != 1:
                    failures.append(f"{name}: chart {index + 1}: the static SVG is not an image with a title")
                failures += check_chart(name, index, chart.evaluate(INSPECT, STATIC), keys)
    assert seen >= 16
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", [794, NARROW])
def test_a_chapter_printed_at_once_shows_every_chart(built_site, site_url, browser, width, tmp_path):
    """Opened and printed straight away, before any chart has been scrolled to: every chart is on
    paper, drawn, fitting the page, with no note asking the reader to scroll."""
    failures = []
    with Tab(browser, viewport={"width": width, "height": 1100}) as tab:
        for name in chart_pages(built_site):
            page = tab.visit(f"{site_url}/{name}")
            page.emulate_media(media="print")
            charts = page.locator(CHART)
            for index in range(charts.count()):
                chart = charts.nth(index)
                note = chart.evaluate("box => getComputedStyle(box, '::after').content")
                if note not in ("none", "normal", ""):
                    failures.append(f"{name}: chart {index + 1} prints a note: {note}")
                shown = chart.evaluate("""box => [...box.querySelectorAll('svg.marks')].filter(svg => {
                    const r = svg.getBoundingClientRect();
                    return r.width > 0 && r.height > 0 && svg.querySelector('.role-mark');
                }).map(svg => svg.getBoundingClientRect().width)""")
                if len(shown) != 1:
                    failures.append(f"{name}: chart {index + 1} prints {len(shown)} drawn charts, not one")
                else:
                    facts = chart.evaluate(INSPECT, STATIC) if chart.locator(STATIC).count() else None
                    if facts and (facts["marks"] == 0 or facts["svgRight"] > facts["columnRight"] + 1):
                        failures.append(f"{name}: chart {index + 1} prints blank or too wide")
            pdf = page.pdf(format="A4")
            if len(pdf) < 20_000:
                failures.append(f"{name}: the PDF is only {len(pdf)} bytes")
            failures += [f"{name}: console {said}" for said in tab.said(*COMPLAINTS)]
    assert not failures, "\n".join(failures)


def test_charts_below_the_fold_wait_for_the_reader(built_site, site_url, browser):
    """The interactive chart is drawn only as the reader nears it; until then its static SVG shows."""
    with Tab(browser) as tab:
        page = tab.visit(f"{site_url}/chapters/synthesis/comparison.html", idle=True)
        charts = page.locator(CHART)
        fold = page.viewport_size["height"]
        far = [i for i in range(charts.count()) if charts.nth(i).bounding_box()["y"] > 3 * fold]
        assert far, "the test needs a chart far below the fold"
        last = charts.nth(far[-1])
        assert last.evaluate(LIVE_SVG) is None  # not drawn before the reader gets there
        assert last.locator(STATIC).is_visible()  # but its picture is there already
        last.scroll_into_view_if_needed()
        page.wait_for_function(LIVE_SVG, arg=last.element_handle(), timeout=15000)
        assert not last.locator(STATIC).is_visible()  # replaced, not doubled
        assert not tab.said(*COMPLAINTS)


def test_static_svg_is_safe_and_named():
    """Data strings reach the static SVG as text, never as markup; the SVG is an image named by the
    chart's description, its ids unique to its chart."""
    import altair as alt
    import pandas as pd

    from book import charts

    payload = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"
    frame = pd.DataFrame({"name": [payload, "plain"], "value": [1, 2]})
    chart = charts.described(
        alt.Chart(frame)
        .mark_bar()
        .encode(x="value:Q", y=alt.Y("name:N", title=None), tooltip=[alt.Tooltip("name:N", title="Name")])
        .properties(width="container", height=60),
        title="A <b>title</b>",
        description="Two bars, one named <script>alert(1)</script> & co.",
    )
    html = alt.renderers.get()(chart.to_dict())["text/html"]
    static = re.search(r'<div class="casebook-chart-static">(<svg.*?</svg>)</div>', html, re.S).group(1)
    assert "<script" not in static and "<img" not in static and "&lt;script&gt;" in static
    assert 'role="img"' in static and 'aria-label="Two bars, one named &lt;script&gt;' in static
    assert "<title>A &lt;b&gt;title&lt;/b&gt;</title>" in static
    box = re.search(r'<div id="(altair-viz-\w+)" class="casebook-chart">', html).group(1)
    assert all(i.startswith(box) for i in re.findall(r'\sid="([^"]+)"', static))
    assert html.count("<script") == 1  # Altair's own, its JSON escaped

"""The chart vocabulary: one Altair theme, a colour-blind-safe palette, SVG output, text alternatives.

Importing this module is enough: charts in chapters stay plain Altair. Every chart must carry a
title and a description; the description becomes the SVG's accessible name.

Every chart is written twice into the page: a static SVG drawn now (by vl-convert, offline), which
shows at once, prints and needs no script, and the interactive chart that replaces it on screen
as the reader nears it (every chart has tooltips; the models' charts have controls too).
"""

from __future__ import annotations

import copy
import html
import json
import re
import textwrap

import altair as alt
from altair.vegalite.v6.display import html_renderer

from book import bib, schema

# Okabe & Ito's palette, safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif"
# The text column of a 390 px phone, less a little: every chart is designed to fit it, and the
# static SVG of a chart as wide as its container is drawn at this width.
NARROW = 340
# A mid grey for rules and reference lines, visible on the light and the dark page alike.
GREY = "#888888"
# The static SVG's text is laid out at build time but drawn with the reader's fonts: it is measured
# in DejaVu Sans, wider than the usual system fonts, so that the reader's text takes no more room.
MEASURE_FONT = "DejaVu Sans"
TITLE_CHARACTERS = 36  # a 14 px bold title line this long fits NARROW


@alt.theme.register("casebook", enable=True)
def casebook_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            # The page shows through: in the dark scheme the stylesheet recolours text and lines.
            "background": "transparent",
            "range": {"category": PALETTE},
            "view": {"stroke": None},
            # Labels are never cut short ("…"); crowded ones are thinned out, never overprinted.
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": "#333",
                "titleColor": "#333",
                "labelLimit": 0,
            },
            # An x axis's title ends at the plot's right edge, so a long one runs over the
            # y labels' side rather than out of a narrow chart.
            "axisX": {"titleAnchor": "end"},
            "axisQuantitative": {"labelOverlap": "greedy", "labelSeparation": 8},
            "axisTemporal": {"labelOverlap": "greedy", "labelSeparation": 8},
            # Below the chart, where a narrow screen has room for long names.
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": "#333",
                "titleColor": "#333",
                "labelLimit": 0,
                "titleLimit": 0,
                "orient": "bottom",
                "direction": "vertical",
            },
            "header": {
                "labelFontSize": 12,
                "labelColor": "#333",
                "labelLimit": 0,
                "labelOrient": "top",
                "labelAnchor": "start",
                "labelAngle": 0,
                "labelAlign": "left",
                "labelFontWeight": "bold",
                "title": None,
            },
            "title": {"fontSize": 14, "anchor": "start", "frame": "bounds", "color": "#222", "limit": 0},
        }
    }


class HtmlSafeJSONEncoder(json.JSONEncoder):
    """JSON that is safe inside an HTML <script>: <, > and & are written as \\u escapes.

    Altair embeds each chart's data in an inline script; without this, a data field containing
    "</script>" would end the script early and let the rest run as markup.
    """

    @staticmethod
    def _escape(text: str) -> str:
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

    def encode(self, o) -> str:
        return self._escape(super().encode(o))

    def iterencode(self, o, _one_shot=False):
        for chunk in super().iterencode(o, _one_shot):
            yield self._escape(chunk)


def _title_text(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title)


def static_svg(spec: dict, prefix: str = "") -> str:
    """The chart as an SVG drawn now: an image named by its description, with no script.

    vl-convert draws with the same Vega as the page and fetches nothing; a chart as wide as its
    container is drawn NARROW wide. Data strings end up as SVG text, which vl-convert escapes.
    Its ids (clip paths) get `prefix`.
    """
    import vl_convert  # here, not at import: the warm kernels' server must not start its engine

    spec = copy.deepcopy(spec)
    if spec.get("width") == "container":
        spec["width"] = NARROW
    spec.setdefault("config", {})["font"] = MEASURE_FONT
    svg = vl_convert.vegalite_to_svg(spec, vl_version=".".join(alt.VEGALITE_VERSION.split(".")[:2]))
    # No white card behind the chart (vl-convert paints the background even when transparent).
    svg = re.sub(r'^(<svg[^>]*>)<rect width="[\d.]+" height="[\d.]+" fill="(?:white|transparent)"/>', r"\1", svg)

    def retag(tag: re.Match) -> str:  # text is escaped, so a tag runs from `<` to the next `>`
        tag = tag.group(0)
        # The root is one image (role="img"): the inner roles and labels only add weight.
        tag = re.sub(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"', "", tag)
        tag = tag.replace(f'font-family="{MEASURE_FONT}"', f'font-family="{FONT}"')
        # Ids (of clip paths) are page-wide, and a page holds many SVGs.
        return re.sub(r'(\sid="|url\(#|href="#)', rf"\1{prefix}-", tag) if prefix else tag

    svg = re.sub(r"<[^<>]+>", retag, svg)
    # Weight no static image needs: empty frames, hidden foregrounds, defaults spelled out.
    svg = re.sub(r'<path class="(?:background|foreground)" d="(?:M0,0h0v0h0Z)?"[^>]*/>', "", svg)
    svg = svg.replace(' pointer-events="none"', "").replace(' opacity="1"', "")
    label = html.escape(spec.get("description", ""), quote=True)
    name = html.escape(_title_text(spec))
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{label}" ', svg)
    svg = re.sub(r"^(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{name}</title>", svg)
    return f'<div class="casebook-chart-static">{svg}</div>'


# Vega-Lite's MIME type in the '+json' form notebooks validate (Altair's own constant lacks the '+').
VEGALITE_MIME_TYPE = f"application/vnd.vegalite.v{alt.VEGALITE_VERSION.split('.')[0]}+json"


def casebook_renderer(spec: dict, **metadata) -> dict:
    """Altair's HTML output, its empty chart box filled with the static SVG until the chart draws.

    Outside the site (a downloaded notebook in JupyterLab, VS Code or on GitHub) the chart is drawn
    from Vega-Lite's own MIME type, or shown as its static image; the site uses the HTML.
    """
    bundle = html_renderer(spec, **metadata)
    page = bundle["text/html"]
    box = re.search(r'<div id="(altair-viz-[0-9a-f]+)"></div>', page)
    if not box:
        raise RuntimeError("Altair's HTML output has changed: no chart box to fill")
    static = static_svg(spec, box.group(1))
    page = page.replace(box.group(0), f'<div id="{box.group(1)}" class="casebook-chart">{static}</div>', 1)
    image = static.removeprefix('<div class="casebook-chart-static">').removesuffix("</div>")
    return {**bundle, "text/html": page, VEGALITE_MIME_TYPE: spec, "image/svg+xml": image}


alt.renderers.register("casebook", casebook_renderer)
# One call: set_embed_options would reset the renderer's other options.
alt.renderers.enable(
    "casebook", json_kwds={"cls": HtmlSafeJSONEncoder}, embed_options={"renderer": "svg", "actions": False}
)


def wrap(text: str, width: int) -> str:
    """Break a long label into lines (an axis shows them with LINES as its labelExpr)."""
    return "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=False)) or str(text)


# An axis's labelExpr that shows labels made by wrap() on several lines.
LINES = "split(datum.label, '\\n')"


def described(chart: alt.TopLevelMixin, title: str, description: str) -> alt.TopLevelMixin:
    """Give a chart its visible title and its text alternative (required for every chart).

    The one place every chart passes through: a long title is set on several lines, and a single
    view as wide as its container fits that width, padding, axes and legend included.
    """
    if not title.strip() or not description.strip():
        raise ValueError("every chart needs a title and a text description")
    lines = textwrap.wrap(title, TITLE_CHARACTERS, break_on_hyphens=False)
    chart = chart.properties(title=lines if len(lines) > 1 else title, description=description)
    if getattr(chart, "width", alt.Undefined) == "container":
        if isinstance(chart.height, alt.Step) or isinstance(chart.height, dict):
            # Vega-Lite warns of any step size beside a fitted one: give the height in pixels.
            raise ValueError("a chart as wide as its container needs its height in pixels, not a step")
        chart = chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    return chart


def band_height(labels, step: int = 26, line: int = 15) -> int:
    """The height in pixels of a band axis with these labels (made by wrap()), a step per label,
    each step tall enough for its longest label's lines."""
    labels = list(dict.fromkeys(labels))
    lines = max(str(label).count("\n") + 1 for label in labels)
    return len(labels) * max(step, lines * line + 8)


LEVEL_LABELS = {0: "0 not involved", 1: "1 informed or consulted", 2: "2 contributes", 3: "3 leads"}
# Sequential blues (ColorBrewer), light to dark, readable in grey and for colour-blind readers.
LEVEL_COLOURS = ["#f7fbff", "#9ecae1", "#4292c6", "#08306b"]


def cited(sources) -> str:
    """Citation keys ('lbbd2017launch; nesta2018newradicals') as a reader's names for them."""
    if sources is None or str(sources) in ("", "nan", "<NA>"):
        return ""
    labels = [bib.citation_label(key.strip()) for key in str(sources).split(";") if key.strip()]
    return "; ".join(dict.fromkeys(labels))


def stage_heatmap(stages, actors, title: str, description: str, width="container"):
    """Actor × stage-of-production heatmap on the shared 0–3 scale (the book's coding).

    As wide as the text column by default; inside a concatenation give a step, e.g. alt.Step(30).
    """
    names = dict(zip(actors.actor_id, actors.name_en.str.split("(").str[0].str.strip()))
    frame = stages.assign(
        actor=stages.actor_id.map(names).fillna(stages.actor_id),
        involvement=stages.level.map(LEVEL_LABELS),
        cited=stages.source.map(cited),
    )
    frame["actor_label"] = frame.actor.map(lambda name: wrap(name, 19))
    height = band_height(frame.actor_label, step=40)
    base = alt.Chart(frame).encode(
        x=alt.X("stage:N", sort=schema.stage_order(), title="Stage of production", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y(
            "actor_label:N", title=None, sort=list(dict.fromkeys(frame.actor_label)), axis=alt.Axis(labelExpr=LINES)
        ),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color(
            "involvement:N",
            title="Involvement (book's coding)",
            scale=alt.Scale(domain=list(LEVEL_LABELS.values()), range=LEVEL_COLOURS),
            legend=alt.Legend(columns=1),
        ),
        tooltip=[
            alt.Tooltip("actor:N", title="Actor"),
            alt.Tooltip("stage:N", title="Stage"),
            alt.Tooltip("level:Q", title="Level (0–3)"),
            alt.Tooltip("evidence:N", title="Evidence"),
            alt.Tooltip("cited:N", title="Sources"),
        ],
    )
    labels = base.mark_text(fontSize=12).encode(
        text="level:Q",
        color=alt.condition(alt.datum.level >= 2, alt.value("#ffffff"), alt.value("#222222")),
    )
    return described((cells + labels).properties(width=width, height=height), title, description)

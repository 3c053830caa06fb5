"""The chart vocabulary: one Altair theme, a colour-blind-safe palette, SVG output, text alternatives.

Importing this module is enough: charts in chapters stay plain Altair. Every chart must carry a
title and a description; the description becomes the SVG's accessible name.

Every chart is written twice into the page: a static SVG drawn now (by vl-convert, offline), which
shows at once, prints and needs no script, and the interactive chart that replaces it on screen
as the reader nears it (every chart has tooltips; the models' charts have controls too).
"""

from __future__ import annotations

import html
import json
import math
import re
import textwrap

import altair as alt
from altair.vegalite.v6.display import html_renderer

from book import bib, i18n, paths, schema
from book.i18n import _

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
CJK_ROOM = 10  # pixels around a static chart with Chinese text (static_svg)
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

    spec = {**spec, "config": dict(spec.get("config", {}))}  # only top-level keys change: no deep copy of the data
    if spec.get("width") == "container":
        spec["width"] = NARROW
    spec["config"]["font"] = MEASURE_FONT
    if HAN.search(json.dumps(spec, ensure_ascii=False)):
        # vl-convert measures Chinese with whichever CJK font it falls back to, a browser draws it
        # with the page's: a few pixels of room keep a label's edge inside the picture.
        spec["padding"] = {side: CJK_ROOM for side in ("left", "right", "top", "bottom")}
    svg = vl_convert.vegalite_to_svg(spec, vl_version=".".join(alt.VEGALITE_VERSION.split(".")[:2]))
    # No white card behind the chart (vl-convert paints the background even when transparent).
    svg = re.sub(r'^(<svg[^>]*>)<rect width="[\d.]+" height="[\d.]+" fill="(?:white|transparent)"/>', r"\1", svg)

    def retag(tag: re.Match) -> str:  # text is escaped, so a tag runs from `<` to the next `>`
        tag = tag.group(0)
        # The root is one image (role="img"): the inner roles and labels only add weight.
        tag = re.sub(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"', "", tag)
        # Every text is in the one font: the root names it once and the texts inherit it.
        tag = tag.replace(f' font-family="{MEASURE_FONT}"', "")
        tag = re.sub(r"(\d\.\d\d)\d+", r"\1", tag)  # a hundredth of a pixel is exact enough
        # Ids (of clip paths) are page-wide, and a page holds many SVGs.
        return re.sub(r'(\sid="|url\(#|href="#)', rf"\1{prefix}-", tag) if prefix else tag

    svg = re.sub(r"<[^<>]+>", retag, svg)
    # The image is one picture: links of its marks (resolved by vl-convert against another host)
    # lead nowhere.
    svg = re.sub(r"<a [^>]*>|</a>", "", svg)
    # Weight no static image needs: empty frames, hidden foregrounds, defaults spelled out.
    svg = re.sub(r'<path class="(?:background|foreground)" d="(?:M0,0h0v0h0Z)?"[^>]*/>', "", svg)
    svg = svg.replace(' pointer-events="none"', "").replace(' opacity="1"', "")
    label = html.escape(spec.get("description", ""), quote=True)
    name = html.escape(_title_text(spec))
    family = html.escape(FONT, quote=True)
    svg = re.sub(r"^<svg ", f'<svg role="img" aria-label="{label}" font-family="{family}" ', svg)
    svg = re.sub(r"^(<svg[^>]*>)", lambda m: f"{m.group(1)}<title>{name}</title>", svg)
    return f'<div class="casebook-chart-static">{svg}</div>'


# Vega-Lite's MIME type in the '+json' form notebooks validate (Altair's own constant lacks the '+').
VEGALITE_MIME_TYPE = f"application/vnd.vegalite.v{alt.VEGALITE_VERSION.split('.')[0]}+json"


def _chart_html(spec: dict, **metadata) -> tuple[dict, str]:
    """Altair's HTML output, its empty chart box filled with the static SVG until the chart draws;
    and the SVG."""
    bundle = html_renderer(spec, **metadata)
    box = re.search(r'<div id="(altair-viz-[0-9a-f]+)"></div>', bundle["text/html"])
    if not box:
        raise RuntimeError("Altair's HTML output has changed: no chart box to fill")
    static = static_svg(spec, box.group(1))
    page = bundle["text/html"].replace(
        box.group(0), f'<div id="{box.group(1)}" class="casebook-chart">{static}</div>', 1
    )
    image = static.removeprefix('<div class="casebook-chart-static">').removesuffix("</div>")
    return {**bundle, "text/html": page}, image


def casebook_renderer(spec: dict, **metadata) -> dict:
    """The chart for the page, with its static picture until it draws (_chart_html), in English
    and, where its words differ, in Chinese (book.i18n).

    Outside the site (a downloaded notebook in JupyterLab, VS Code or on GitHub) the chart is drawn
    from Vega-Lite's own MIME type, or shown as its static image; the site uses the HTML.
    """
    outputs, image = _chart_html(spec, **metadata)
    outputs.update({VEGALITE_MIME_TYPE: spec, "image/svg+xml": image})
    chinese = i18n.translated_spec(spec)
    if chinese != spec:  # the same data and marks, its words in Chinese
        outputs[i18n.zh("text/html")] = _chart_html(chinese, **metadata)[0]["text/html"]
    return outputs


alt.renderers.register("casebook", casebook_renderer)
# One call: set_embed_options would reset the renderer's other options.
alt.renderers.enable(
    "casebook", json_kwds={"cls": HtmlSafeJSONEncoder}, embed_options={"renderer": "svg", "actions": False}
)


def _wrap_zh(text: str, width: int, most_lines: int) -> str:
    """Chinese on lines about `width` Latin letters wide, a Han character taking the room of two,
    in lines of even length and no more of them than `most_lines` (the English label's, so the
    chart keeps its size): Chinese has no spaces to break at, so a line breaks between Han
    characters (never before a closing mark) or at a space, never inside a Latin word."""
    if not HAN.search(text):
        return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text
    # a Latin word, a space or one Han character, with any opening mark before it (never at a line's end)
    tokens = re.findall(rf"\s+|[{NO_LINE_END}]*(?:[^\s{WIDE}]+|.)", text)
    sizes = [sum(2 if HAN.match(c) else 1 for c in token) for token in tokens]
    count = max(min(math.ceil(sum(sizes) / width), most_lines), 1)
    room = math.ceil(sum(sizes) / count)
    while True:
        lines, line, used = [], "", 0
        for token, size in zip(tokens, sizes):
            if line.strip() and used + size > room and token[0] not in NO_LINE_START and not token.isspace():
                lines.append(line.strip())
                line, used = "", 0
            line, used = line + token, used + size
        lines.append(line.strip())
        if len(lines) <= count:
            return "\n".join(lines)
        room += 1


WIDE = "\u2e80-\u9fff\uff00-\uffef\u2018\u2019\u201c\u201d"  # Han characters, Chinese punctuation and quotes
HAN = re.compile(f"[{WIDE}]")
NO_LINE_START = "，。、；：！？）》」”’"
NO_LINE_END = "（《「“‘"


def wrap(text: str, width: int) -> str:
    """Break a long label into lines (an axis shows them with LINES as its labelExpr). A label
    whose Chinese is known is a Said, its Chinese on lines too (_wrap_zh), so the Chinese edition
    shows it (book.i18n)."""
    lines = "\n".join(textwrap.wrap(str(text), width, break_on_hyphens=False)) or str(text)
    zh_text = i18n.chinese(text)
    if zh_text == str(text):
        return lines
    return i18n.Said(lines, _wrap_zh(zh_text, width, lines.count("\n") + 1))


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


def line_count(label) -> int:
    """How many lines a label made by wrap() takes, in whichever language has more."""
    return max(str(label).count("\n"), i18n.chinese(label).count("\n")) + 1


def band_height(labels, step: int = 26, line: int = 15) -> int:
    """The height in pixels of a band axis with these labels (made by wrap()), a step per label,
    each step tall enough for its longest label's lines."""
    labels = list(dict.fromkeys(labels))
    lines = max(line_count(label) for label in labels)
    return len(labels) * max(step, lines * line + 8)


LEVEL_LABELS = {
    0: _("0 not involved"),
    1: _("1 informed or consulted"),
    2: _("2 contributes"),
    3: _("3 leads"),
}
# Sequential blues (ColorBrewer), light to dark, readable in grey and for colour-blind readers.
LEVEL_COLOURS = ["#f7fbff", "#9ecae1", "#4292c6", "#08306b"]


def cited(sources) -> str:
    """Citation keys ('lbbd2017launch; nesta2018newradicals') as a reader's names for them."""
    if sources is None or str(sources) in ("", "nan", "<NA>"):
        return ""
    labels = [bib.citation_label(key.strip()) for key in str(sources).split(";") if key.strip()]
    return "; ".join(dict.fromkeys(labels))


def short_actor_names(actors) -> list:
    """Each actor's name up to any bracket, with its Chinese name (actors.csv's name_zh) where
    it has one: 'Clover Nature School (...)' -> Said('Clover Nature School', '四叶草堂')."""
    return [
        i18n.Said(short, zh) if isinstance(zh, str) and zh else short
        for short, zh in zip(actors.name_en.str.split("(").str[0].str.strip(), actors.name_zh)
    ]


def stage_heatmap(stages, actors, title: str, description: str, width="container"):
    """Actor × stage-of-production heatmap on the shared 0–3 scale (the book's coding).

    As wide as the text column by default; inside a concatenation give a step, e.g. alt.Step(30).
    """
    names = dict(zip(actors.actor_id, short_actor_names(actors)))
    frame = stages.assign(
        actor=stages.actor_id.map(names).fillna(stages.actor_id),
        involvement=stages.level.map(LEVEL_LABELS),
        cited=stages.source.map(cited),
    )
    frame["actor_label"] = frame.actor.map(lambda name: wrap(name, 19))
    height = band_height(frame.actor_label, step=40)
    base = alt.Chart(frame).encode(
        x=alt.X("stage:N", sort=schema.stage_order(), title=_("Stage of production"), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y(
            "actor_label:N", title=None, sort=list(dict.fromkeys(frame.actor_label)), axis=alt.Axis(labelExpr=LINES)
        ),
    )
    return described(involvement_cells(base).properties(width=width, height=height), title, description)


def involvement_cells(base: alt.Chart) -> alt.LayerChart:
    """An actor × stage grid on `base`: cells coloured by the book's involvement level, each
    with its level written in it and its evidence and sources on hover."""
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color(
            "involvement:N",
            title=_("Involvement (book's coding)"),
            scale=alt.Scale(domain=list(LEVEL_LABELS.values()), range=LEVEL_COLOURS),
            legend=alt.Legend(columns=1),
        ),
        tooltip=[
            alt.Tooltip("actor:N", title=_("Actor")),
            alt.Tooltip("stage:N", title=_("Stage")),
            alt.Tooltip("level:Q", title=_("Level (0–3)")),
            alt.Tooltip("evidence:N", title=_("Evidence")),
            alt.Tooltip("cited:N", title=_("Sources")),
        ],
    )
    labels = base.mark_text(fontSize=12).encode(
        text="level:Q",
        color=alt.condition(alt.datum.level >= 2, alt.value("#ffffff"), alt.value("#222222")),
    )
    return cells + labels


# ---------------------------------------------------------------- the comparison at any size

STATUS_COLOURS = {"active": PALETTE[2], "ended": PALETTE[0], "unknown": GREY}
FOCUS_SHAPES = {"soft services": "circle", "physical space": "square", "both": "triangle-up"}
ASSESSMENT_COLOURS = {"shown": "#08306b", "partly shown": "#4292c6", "not shown": "#c6dbef", "unknown": "#dddddd"}
# Sequential blues for shares and counts (light = few cases, dark = many).
SHARE_SCHEME = "blues"


def control_name(label: str) -> i18n.Said:
    """A control's name as the page shows it, a space before the control, in both languages."""
    return i18n.said("{label} ", "{label} ", label=label)


def _select(name: str, label: str, options: list[str], any_label: str) -> alt.Parameter:
    """A drop-down list of `options` with a first entry for all of them (its value is null)."""
    return alt.param(
        name=name,
        value=None,
        bind=alt.binding_select(options=[None, *options], labels=[any_label, *options], name=control_name(label)),
    )


def case_filters(cases) -> tuple[list, str]:
    """Controls that choose cases by country, status, service focus, earliest start and part of
    a name, and the Vega expression that holds for a case (`datum`) matching all of them."""
    first, last = int(cases.start.min()), int(cases.start.max())
    params = [
        _select("country", _("Country"), sorted(cases.country.unique()), _("All countries")),
        _select("status", _("Status"), list(STATUS_COLOURS), _("Any status")),
        _select("focus", _("Service focus"), list(FOCUS_SHAPES), _("Any focus")),
        alt.param(
            name="since",
            value=first,
            bind=alt.binding_range(
                min=first, max=max(last, first + 1), step=1, name=control_name(_("Started in or after"))
            ),
        ),
        alt.param(
            name="search",
            value="",
            bind=alt.binding(input="search", placeholder=_("part of a name"), name=control_name(_("Find a case"))),
        ),
    ]
    match = (
        "(country == null || datum.country == country) && (status == null || datum.status == status)"
        " && (focus == null || datum.focus == focus) && datum.start >= since"
        " && (search == '' || indexof(lower(datum.case), lower(search)) >= 0)"
    )
    return params, match


# The line above the controls' charts, a template each language fills in its own order: the
# Chinese variant of the chart swaps the quoted template for its Chinese (book.i18n).
MATCH_COUNT = i18n.Said(
    "{matched} of {total} cases match the choices below", "{total}个案例中有{matched}个符合下方的选择"
)


def _match_count(frame, match: str, width, what: str = MATCH_COUNT):
    """A line that counts the cases matching the controls: 'n of N cases match ...'."""
    return (
        alt.Chart(frame)
        .transform_calculate(matched=f"({match}) ? 1 : 0")
        .transform_aggregate(matched="sum(matched)", total="count()")
        .transform_calculate(
            label=f"replace(replace('{what}', '{{matched}}', '' + datum.matched), '{{total}}', '' + datum.total)"
        )
        .mark_text(align="left", baseline="middle", fontSize=12)
        .encode(x=alt.value(0), y=alt.value(8), text="label:N")
        .properties(width=width, height=16)
    )


WORLD_MAP = paths.PACKAGE_DIR / "maps" / "world-atlas-land-110m.json"


def case_tooltip() -> list[alt.Tooltip]:
    """What hovering over a case shows first, in every chart that marks cases."""
    return [
        alt.Tooltip("case:N", title=_("Case")),
        alt.Tooltip("place:N", title=_("Place")),
        alt.Tooltip("period:N", title=_("Period")),
        alt.Tooltip("status:N", title=_("Status")),
    ]


def status_colour() -> alt.Color:
    return alt.Color(
        "status:N", title=_("Status"), scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))
    )


def case_map(cases, title: str, description: str, width: int = 320):
    """Where the cases are: each case a dot at its city on a world map (Natural Earth's land at
    1:110 million, from the world-atlas package, shipped with the site), with the overview's
    controls; below, the matching cases listed, each name a link to its chapter."""
    import json

    params, match = case_filters(cases)
    world = alt.NamedData(name="world-atlas-land-110m", format=alt.DataFormat(type="topojson", feature="land"))
    # The land is background: hidden from screen readers, which the dots' descriptions serve.
    land = alt.Chart(world).mark_geoshape(fill="#dddddd", stroke=None, aria=False).project(type="equalEarth")
    located = cases.dropna(subset=["latitude", "longitude"]).assign(cited=lambda d: d.location_source.map(cited))
    dots = (
        alt.Chart(located)
        .mark_circle(size=70, stroke="#ffffff", strokeWidth=1, cursor="pointer")
        .encode(
            longitude="longitude:Q",
            latitude="latitude:Q",
            color=status_colour(),
            opacity=alt.condition(match, alt.value(0.9), alt.value(0.1)),
            href=alt.Href("chapter:N"),
            tooltip=[
                *case_tooltip(),
                alt.Tooltip("cited:N", title=_("Location from")),
            ],
        )
        .project(type="equalEarth")
    )
    world_map = (land + dots).properties(width=width, height=round(width * 0.49))
    listing = (
        # `listed`, not `name`, which the Chinese variant keeps as code (book.i18n.CODE_KEYS)
        alt.Chart(cases.assign(listed=cases.case.map(lambda name: wrap(name, 40))))
        .transform_filter(match)
        .transform_window(row="row_number()", sort=[alt.SortField("case")])
        .mark_text(align="left", baseline="middle", fontSize=12, cursor="pointer", color=PALETTE[0], lineBreak="\n")
        .encode(
            x=alt.value(0),
            y=alt.Y("row:O", axis=None),
            text="listed:N",
            href=alt.Href("chapter:N"),
            tooltip=case_tooltip(),
        )
        .properties(
            width=width,
            height=alt.Step(20 * max(line_count(n) for n in cases.case.map(lambda n: wrap(n, 40)))),
        )
    )
    chart = alt.vconcat(_match_count(cases, match, width), world_map, listing, spacing=8).add_params(*params)
    chart = chart.properties(datasets={"world-atlas-land-110m": json.loads(WORLD_MAP.read_text(encoding="utf-8"))})
    return described(chart, title, description)


def case_overview(cases, title: str, description: str, width: int = 260):
    """Every case as one mark: start of co-production against the depth of co-production (the
    book's scores), coloured by status and shaped by service focus; hover for its profile, click
    for its chapter. Controls below fade the cases that do not match a country, status, focus,
    earliest start or part of a name, and a line above counts the cases shown."""
    frame = cases.assign(start_date=cases.start.map(lambda year: f"{int(year)}-01-01"))
    first, last = int(frame.start.min()), int(frame.start.max())
    params, match = case_filters(frame)
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=110, strokeWidth=1, stroke="#ffffff", cursor="pointer")
        .encode(
            x=alt.X(
                "start_date:T",
                title=_("Year co-production began"),
                # A tick a year over a few years, every five years over more.
                axis=alt.Axis(
                    format="%Y", tickCount=alt.TickCount(interval="year", step=1 if last - first <= 8 else 5)
                ),
                scale=alt.Scale(padding=14),
            ),
            y=alt.Y(
                "depth_total:Q",
                title=_("Depth of co-production (0–12)"),
                scale=alt.Scale(domain=[0, 12]),
                axis=alt.Axis(tickCount=4),
            ),
            color=status_colour(),
            shape=alt.Shape(
                "focus:N",
                title=_("Service focus"),
                scale=alt.Scale(domain=list(FOCUS_SHAPES), range=list(FOCUS_SHAPES.values())),
            ),
            opacity=alt.condition(match, alt.value(0.9), alt.value(0.1)),
            href=alt.Href("chapter:N"),
            tooltip=[
                *case_tooltip(),
                alt.Tooltip("focus:N", title=_("Service focus")),
                alt.Tooltip("population:N", title=_("Population")),
                alt.Tooltip("depth_total:Q", title=_("Depth (0–12)")),
                alt.Tooltip("depth:N", title=_("Depth by dimension")),
            ],
        )
        .properties(width=width, height=220)
    )
    chart = alt.vconcat(_match_count(frame, match, width), points, spacing=6).add_params(*params)
    return described(chart, title, description)


def scale_strip(scales, chosen: list[str], title: str, description: str, width: int = 250):
    """Population, area and density on logarithmic axes. The cases shown in detail each get a
    bar from the lowest to the highest figure any source gives (dots at its ends), in their own
    colour; every other case is a grey tick at the middle of its range, all on one line."""
    names = {row.case_id: row.case for row in scales.drop_duplicates("case_id").itertuples()}
    others = _("other cases")
    order = [names[c] for c in chosen] + [others]
    frame = scales.dropna(subset=["low"]).assign(
        measure=lambda d: d.measure.map(lambda m: i18n.Said(m.capitalize(), i18n.chinese(m))),
        middle=lambda d: (d.low * d.high) ** 0.5,
        group=lambda d: d.case_id.map(lambda c: names[c] if c in chosen else others),
        row=lambda d: d.case_id.map(lambda c: chosen.index(c) if c in chosen else len(chosen)),
    )
    log_x = dict(scale=alt.Scale(type="log"), axis=alt.Axis(format=",~g", tickCount=4, title=None))
    base = alt.Chart(frame).encode(
        y=alt.Y("row:O", axis=None, scale=alt.Scale(domain=list(range(len(order))))),
        color=alt.Color(
            "group:N", title=_("Case"), scale=alt.Scale(domain=order, range=PALETTE[: len(chosen)] + [GREY])
        ),
        tooltip=[
            alt.Tooltip("case:N", title=_("Case")),
            alt.Tooltip("measure:N", title=_("Measure")),
            alt.Tooltip("low:Q", title=_("Lowest figure"), format=",.3~f"),
            alt.Tooltip("high:Q", title=_("Highest figure"), format=",.3~f"),
        ],
    )
    mine = base.transform_filter(f"datum.row < {len(chosen)}")
    ranges = mine.mark_rule(strokeWidth=5).encode(x=alt.X("low:Q", **log_x), x2="high:Q")
    starts = mine.mark_point(filled=True, size=60, opacity=0.9).encode(x=alt.X("low:Q", **log_x))
    ends = mine.mark_point(filled=True, size=60, opacity=0.9).encode(x=alt.X("high:Q", **log_x))
    layers = [ranges, starts, ends]
    if (frame.row == len(chosen)).any():  # an empty layer would have no extent
        others = base.transform_filter(f"datum.row == {len(chosen)}").mark_tick(thickness=1.5, size=12, opacity=0.6)
        layers.append(others.encode(x=alt.X("middle:Q", **log_x)))
    chart = (
        alt.layer(*layers, data=frame)
        .properties(width=width, height=alt.Step(16))
        .facet(row=alt.Row("measure:N", title=None, sort=list(dict.fromkeys(frame.measure))))
        .resolve_scale(x="independent")
    )
    return described(chart, title, description)


def stage_share_heatmap(shares, title: str, description: str):
    """For each of the article's four participant types and each stage, the share of all cases in
    which the type contributes or leads (level 2 or 3 of the book's coding)."""
    # The counts, not the lists; a field is not called `type`, which the Chinese variant keeps as
    # code (book.i18n.CODE_KEYS), so that its values are translated.
    frame = (
        shares.drop(columns="case_ids")
        .assign(
            percent=(shares.share * 100).round().astype(int).astype(str) + "%",
            type_label=shares.type.map(lambda t: wrap(t, 12)),
        )
        .rename(columns={"type": "actor_type"})
    )
    base = alt.Chart(frame).encode(
        x=alt.X("stage:N", title=_("Stage of production"), sort=schema.stage_order(), axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("type_label:N", title=None, sort=list(dict.fromkeys(frame.type_label)), axis=alt.Axis(labelExpr=LINES)),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color(
            "share:Q",
            title=_("Share of cases"),
            scale=alt.Scale(scheme=SHARE_SCHEME, domain=[0, 1]),
            legend=alt.Legend(format=".0%", direction="horizontal", gradientLength=160),
        ),
        tooltip=[
            alt.Tooltip("actor_type:N", title=_("Actor type")),
            alt.Tooltip("stage:N", title=_("Stage")),
            alt.Tooltip("cases:Q", title=_("Cases")),
            alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
            alt.Tooltip("which:N", title=_("Which")),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text="percent:N", color=alt.condition(alt.datum.share >= 0.5, alt.value("#ffffff"), alt.value("#222222"))
    )
    height = band_height(frame.type_label, step=34)
    return described(
        (cells + labels).properties(width=alt.Step(32), height=alt.Step(max(34, height // 4))), title, description
    )


def count_bars(
    counts,
    category: str,
    category_title: str,
    order: list[str],
    colours: list[str],
    by: str,
    by_title: str,
    title: str,
    description: str,
):
    """Stacked bars of how many cases fall in each `category` (one bar per `by`)."""
    frame = (
        counts[counts.cases > 0]
        .drop(columns="case_ids")
        .assign(by_label=lambda d: d[by].map(lambda v: wrap(v, 16)), position=lambda d: d[category].map(order.index))
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="#ffffff", strokeWidth=1)
        .encode(
            x=alt.X("cases:Q", title=_("Cases"), stack="zero", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y(
                "by_label:N",
                title=None,
                sort=list(dict.fromkeys(counts[by].map(lambda v: wrap(v, 16)))),
                axis=alt.Axis(labelExpr=LINES),
            ),
            color=alt.Color(
                f"{category}:N",
                title=category_title,
                scale=alt.Scale(domain=order, range=colours),
                legend=alt.Legend(columns=2),
            ),
            order=alt.Order("position:Q"),
            tooltip=[
                alt.Tooltip(f"{by}:N", title=by_title),
                alt.Tooltip(f"{category}:N", title=category_title),
                alt.Tooltip("cases:Q", title=_("Cases")),
                alt.Tooltip("share:Q", title=_("Share"), format=".0%"),
                alt.Tooltip("which:N", title=_("Which")),
            ],
        )
    )
    height = band_height(frame.by_label, step=30)
    return described(bars.properties(width="container", height=height), title, description)


def _item_list(frame, mine: str, label: str, order: list[str], value: str, fill, tooltip, dark: str = "false"):
    """A short list drawn as a chart: one row per item (labels on the left, as the heatmap's
    actors), its value written in a cell; `fill` colours the cells (or a fixed colour), and the
    text is white where the expression `dark` holds."""
    base = (
        alt.Chart(frame)
        .transform_filter(mine)
        .encode(y=alt.Y(f"{label}:N", title=None, sort=order, axis=alt.Axis(labelExpr=LINES)))
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(fill=fill, tooltip=tooltip)
    text = base.mark_text(fontSize=12).encode(
        text=f"{value}:N", color=alt.condition(dark, alt.value("#ffffff"), alt.value("#222222"))
    )
    return (cells + text).properties(width=110, height=band_height(order, step=30))


def chosen_cases_detail(matrix, actors, bottlenecks, depth, cases, chosen: list[str], title: str, description: str):
    """The cases a reader chooses, one below the other: for each, its actor × stage heatmap, its
    three bottleneck assessments and its four depth scores, evidence and sources on hover. A
    drop-down list per place picks its case; `chosen` are shown until the reader picks others."""
    names = dict(zip(cases.case_id, cases.case))
    ids = list(cases.case_id)
    actor_names = actors.assign(short=short_actor_names(actors))
    short = dict(zip(zip(actor_names.case_id, actor_names.actor_id), actor_names.short))
    stages = matrix.assign(
        actor=[short.get(key, key[1]) for key in zip(matrix.case_id, matrix.actor_id)],
        involvement=matrix.level.map(LEVEL_LABELS),
        cited=matrix.source.map(cited),
    )[["case_id", "actor", "stage", "level", "involvement", "evidence", "cited"]]
    stages["actor_label"] = stages.actor.map(lambda name: wrap(name, 17))
    # One step for every case's heatmap: tall enough for the longest actor's name in any case.
    lines = max((line_count(label) for label in stages.actor_label), default=1)
    step = max(40, lines * 15 + 8)
    bottleneck_order = list(dict.fromkeys(bottlenecks.name_en.map(lambda n: wrap(n, 22))))
    judged = bottlenecks.assign(
        bottleneck=bottlenecks.name_en.map(lambda n: wrap(n, 22)),
        cited=bottlenecks.source.map(cited),
        evidence=bottlenecks.evidence.fillna(_("No source reports what the rule needs.")),
    )[["case_id", "bottleneck", "name_en", "assessment", "evidence", "cited"]]
    from book.compare import DEPTH_DIMENSIONS  # here: book.compare imports nothing of the charts

    dimension_order = [wrap(d, 22) for d in DEPTH_DIMENSIONS]
    scored = depth.assign(
        dimension_label=depth.dimension.map(lambda d: wrap(d, 22)),
        score_text=depth.score.map(lambda n: i18n.said("{n} of 3", "{n}分（满分3分）", n=int(n))),
        basis=depth.basis.str.replace(r"\[([^\]]+)\]$", lambda m: f"({cited(m.group(1))})", regex=True),
    )[["case_id", "dimension", "dimension_label", "score", "score_text", "basis", "coded_by"]]
    slots, params = [], []
    for index, default in enumerate(chosen):
        name = f"case_{index + 1}"
        params.append(
            alt.param(
                name=name,
                value=default,
                bind=alt.binding_select(
                    options=ids,
                    labels=[names[c] for c in ids],
                    name=i18n.said("Case {n} ", "案例{n} ", n=index + 1),
                ),
            )
        )
        mine = f"datum.case_id == {name}"
        # The case's name, on two lines where long, so that it fits a phone's column.
        heading = (
            alt.Chart(cases[["case_id", "case"]].assign(heading=cases.case.map(lambda n: wrap(n, 20))))
            .transform_filter(mine)
            .mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold", lineBreak="\n")
            .encode(x=alt.value(0), y=alt.value(0), text="heading:N")
            .properties(width=150, height=34)
            # Its control, on this one view: Altair copies a parameter into every view it is
            # added to, and the list of a hundred cases with it.
            .add_params(params[-1])
        )
        base = (
            alt.Chart(stages)
            .transform_filter(mine)
            .encode(
                x=alt.X("stage:N", title=None, sort=schema.stage_order(), axis=alt.Axis(labelAngle=-45)),
                y=alt.Y("actor_label:N", title=None, axis=alt.Axis(labelExpr=LINES)),
            )
        )
        heatmap = involvement_cells(base).properties(width=alt.Step(24), height=alt.Step(step))
        verdicts = _item_list(
            judged,
            mine,
            "bottleneck",
            bottleneck_order,
            "assessment",
            # fill, not colour: a scale and legend of their own beside the heatmaps' colours
            alt.Fill(
                "assessment:N",
                title=_("Bottleneck (book's reading)"),
                scale=alt.Scale(domain=list(ASSESSMENT_COLOURS), range=list(ASSESSMENT_COLOURS.values())),
                legend=None,  # each cell says its assessment
            ),
            [
                alt.Tooltip("name_en:N", title=_("Bottleneck")),
                alt.Tooltip("assessment:N", title=_("Assessment")),
                alt.Tooltip("evidence:N", title=_("Evidence")),
                alt.Tooltip("cited:N", title=_("Sources")),
            ],
            dark="datum.assessment == 'shown' || datum.assessment == 'partly shown'",
        )
        scores = _item_list(
            scored,
            mine,
            "dimension_label",
            dimension_order,
            "score_text",
            alt.value("#eeeeee"),
            [
                alt.Tooltip("dimension:N", title=_("Dimension")),
                alt.Tooltip("score:Q", title=_("Score (0–3)")),
                alt.Tooltip("basis:N", title=_("Basis")),
                alt.Tooltip("coded_by:N", title=_("Coded by")),
            ],
        )
        slots.append(alt.vconcat(heading, heatmap, verdicts, scores, spacing=10))
    return described(alt.vconcat(*slots, spacing=30), title, description)

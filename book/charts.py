"""The chart vocabulary: one Altair theme, a colour-blind-safe palette, SVG output, text alternatives.

Importing this module is enough: charts in chapters stay plain Altair. Every chart must carry a
title and a description; the description becomes the SVG's accessible name.
"""

from __future__ import annotations

import json

import altair as alt

from book import schema

# Okabe & Ito's palette, safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', sans-serif"


@alt.theme.register("casebook", enable=True)
def casebook_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "range": {"category": PALETTE},
            "view": {"stroke": None},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#333", "titleColor": "#333"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12},
            "title": {"fontSize": 14, "anchor": "start", "color": "#222"},
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


# One call: set_embed_options would reset the renderer's other options.
alt.renderers.enable("html", json_kwds={"cls": HtmlSafeJSONEncoder},
                     embed_options={"renderer": "svg", "actions": False})


def described(chart: alt.TopLevelMixin, title: str, description: str) -> alt.TopLevelMixin:
    """Give a chart its visible title and its text alternative (required for every chart)."""
    if not title.strip() or not description.strip():
        raise ValueError("every chart needs a title and a text description")
    return chart.properties(title=title, description=description)


STAGE_ORDER = schema.stage_order()
LEVEL_LABELS = {0: "0 not involved", 1: "1 informed or consulted", 2: "2 contributes", 3: "3 leads"}
# Sequential blues (ColorBrewer), light to dark, readable in grey and for colour-blind readers.
LEVEL_COLOURS = ["#f7fbff", "#9ecae1", "#4292c6", "#08306b"]


def stage_heatmap(stages, actors, title: str, description: str, width=360):
    """Actor × stage-of-production heatmap on the shared 0–3 scale (the book's coding)."""
    names = dict(zip(actors.actor_id, actors.name_en.str.split("(").str[0].str.strip()))
    frame = stages.assign(
        actor=stages.actor_id.map(names).fillna(stages.actor_id),
        involvement=stages.level.map(LEVEL_LABELS),
    )
    base = alt.Chart(frame).encode(
        x=alt.X("stage:N", sort=STAGE_ORDER, title="Stage of production", axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("actor:N", title=None, sort=list(dict.fromkeys(frame.actor))),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=2).encode(
        color=alt.Color("involvement:N", title="Involvement (book's coding)",
                        scale=alt.Scale(domain=list(LEVEL_LABELS.values()), range=LEVEL_COLOURS),
                        legend=alt.Legend(orient="bottom", columns=2, titleLimit=400)),
        tooltip=["actor:N", "stage:N", "level:Q", "evidence:N", "source:N"],
    )
    labels = base.mark_text(fontSize=12).encode(
        text="level:Q",
        color=alt.condition(alt.datum.level >= 2, alt.value("#ffffff"), alt.value("#222222")),
    )
    return described((cells + labels).properties(width=width, height=alt.Step(34)), title, description)

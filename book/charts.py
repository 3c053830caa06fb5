"""The chart vocabulary: one Altair theme, a colour-blind-safe palette, SVG output, text alternatives.

Importing this module is enough: charts in chapters stay plain Altair. Every chart must carry a
title and a description; the description becomes the SVG's accessible name.
"""

from __future__ import annotations

import altair as alt

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


alt.renderers.set_embed_options(renderer="svg", actions=False)


def described(chart: alt.TopLevelMixin, title: str, description: str) -> alt.TopLevelMixin:
    """Give a chart its visible title and its text alternative (required for every chart)."""
    if not title.strip() or not description.strip():
        raise ValueError("every chart needs a title and a text description")
    return chart.properties(title=title, description=description)

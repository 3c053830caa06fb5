"""What every case chapter shows the same way: the actors table and the timeline of events.

case = data.case("kic-garden")
casepage.actor_table(case, caption="Actors in KIC Garden and their roles (...).")
casepage.timeline(case.events, title="KIC Garden in time", description="Dot chart of ...")
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from book import charts, tables

ACTOR_COLUMNS = {"name_en": "Actor", "name_zh": "中文", "type": "Type", "role": "Role", "source": "Source"}
TRACKS = ["case", "city policy", "research"]


def actor_table(case, caption: str):
    """The case's actors.csv as a table: actor, Chinese name, type, role and source."""
    return tables.show_table(case.actors, caption=caption, columns=ACTOR_COLUMNS)


def timeline(events: pd.DataFrame, title: str, description: str):
    """Dated events as dots by year, one row per track (the case, city policy, research);
    hover for the event, its month where known, and its source."""
    tooltip = ["year:O", *(["month:Q"] if events.month.notna().any() else []), "event:N", "source:N"]
    dots = (
        alt.Chart(events)
        .mark_point(filled=True, size=150)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("track:N", title=None, sort=TRACKS),
            color=alt.Color("track:N", title="Track", sort=TRACKS),
            shape=alt.Shape("track:N", sort=TRACKS, legend=None),
            tooltip=tooltip,
        )
    )
    return charts.described(dots.properties(width="container", height=150), title=title, description=description)

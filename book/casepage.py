"""What every case chapter shows the same way: the actors table and the timeline of events.

case = data.case("kic-garden")
casepage.actor_table(case, caption="Actors in KIC Garden and their roles (...).")
casepage.timeline(case.events, title="KIC Garden in time", description="Dot chart of ...")
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from book import charts, tables
from book.i18n import _

ACTOR_COLUMNS = {
    "name_en": _("Actor"),
    "name_zh": _("中文"),
    "type": _("Type"),
    "role": _("Role"),
    "source": _("Source"),
}
TRACKS = [_("case"), _("city policy"), _("research")]


def actor_table(case, caption: str):
    """The case's actors.csv as a table: actor, Chinese name, type, role and source."""
    return tables.show_table(case.actors, caption=caption, columns=ACTOR_COLUMNS)


def timeline(events: pd.DataFrame, title: str, description: str):
    """Dated events on a time scale, by month where the source gives one (else at the start of the
    year), one row per track (the case, city policy, research); hover for the event and its source."""
    tooltip = [
        alt.Tooltip("year:Q", title=_("Year"), format="d"),
        *([alt.Tooltip("month:Q", title=_("Month"))] if events.month.notna().any() else []),
        alt.Tooltip("event:N", title=_("Event")),
        alt.Tooltip("cited:N", title=_("Source")),
    ]
    dots = (
        alt.Chart(events.assign(cited=events.source.map(charts.cited)))
        .transform_calculate(date="datetime(datum.year, datum.month ? datum.month - 1 : 0, 1)")
        .mark_point(filled=True, size=150, opacity=0.8)
        .encode(
            x=alt.X("date:T", title=_("Year"), scale=alt.Scale(padding=12), axis=alt.Axis(format="%Y")),
            y=alt.Y("track:N", title=None, sort=TRACKS),
            color=alt.Color("track:N", title=_("Track"), sort=TRACKS, legend=None),
            shape=alt.Shape("track:N", sort=TRACKS, legend=None),
            tooltip=tooltip,
        )
    )
    return charts.described(dots.properties(width="container", height=150), title=title, description=description)

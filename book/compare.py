"""Cross-case comparison: every table here is built from all cases under data/cases/.

Nothing names a case: a new case folder that validates appears in every output.
"""

from __future__ import annotations

import pandas as pd

from book import data
from book.charts import STAGE_ORDER

# The four kinds of participant the article names (policy makers, administrators,
# third-party professional teams, residents).
PARTICIPANT_TYPES = ["policy maker", "administrator", "professional team", "residents"]
NOT_TARGET = ["reported", "estimate", "census"]
# Areas are compared in km²; rows in other units are converted, rows in unknown units are ignored.
AREA_TO_KM2 = {"km²": 1.0, "ha": 0.01, "m²": 1e-6}


def short_name(case_id: str) -> str:
    """The case's English name up to any colon: 'Barking and Dagenham'."""
    return data.case_profile(case_id)["name"]["en"].split(":")[0]


def _span(values: pd.Series) -> tuple[float, float]:
    values = values.dropna()
    return (float(values.min()), float(values.max())) if len(values) else (float("nan"), float("nan"))


def _format_span(low: float, high: float, digits: int = 0) -> str:
    if pd.isna(low):
        return "unknown"
    fmt = f"{{:,.{digits}f}}"
    return fmt.format(low) if low == high else f"{fmt.format(low)}–{fmt.format(high)}"


def scales() -> pd.DataFrame:
    """Population, area and density per case as (low, high) spans over every source's figure."""
    metrics = data.cases_table("metrics")
    metrics = metrics[metrics.kind.isin(NOT_TARGET)]
    rows = []
    for case_id in data.case_ids():
        own = metrics[metrics.case_id == case_id]
        pop = _span(own[own.indicator == "population"].value)
        areas = own[own.indicator == "area"]
        area = _span(areas.value * areas.unit.map(AREA_TO_KM2).astype("Float64"))
        known = not pd.isna(pop[0]) and not pd.isna(area[0])
        density = (pop[0] / area[1], pop[1] / area[0]) if known else (float("nan"),) * 2
        for measure, (low, high) in (("population", pop), ("area (km²)", area), ("density (people per km²)", density)):
            rows.append({"case_id": case_id, "measure": measure, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["case_id", "measure", "low", "high"])


def profiles() -> pd.DataFrame:
    """One row per case: place, period, population, area, density, actors, status, sources."""
    spans = scales()
    actors = data.cases_table("actors")
    rows = []
    for case_id in data.case_ids():
        profile = data.case_profile(case_id)
        place = profile["place"]
        period = profile["period"]
        span = spans[spans.case_id == case_id].set_index("measure")
        rows.append({
            "case_id": case_id,
            "case": short_name(case_id),
            "place": ", ".join(p for p in (place.get("area_name"), place.get("city"), place.get("country")) if p),
            "period": f"{period['start']}–{period.get('end') or 'ongoing or unknown'}",
            "focus": profile.get("service_focus", "unknown"),
            "population": _format_span(*span.loc["population", ["low", "high"]]),
            "area_km2": _format_span(*span.loc["area (km²)", ["low", "high"]], digits=4),
            "density": _format_span(*span.loc["density (people per km²)", ["low", "high"]]),
            "actors": int((actors.case_id == case_id).sum()),
            "status": profile["status"],
            "sources": "; ".join(profile["sources"]),
        })
    return pd.DataFrame(rows)


def stage_matrix() -> pd.DataFrame:
    """Every case's actor × stage coding, with actor names and case names."""
    stages = data.cases_table("stages")
    actors = data.cases_table("actors")[["case_id", "actor_id", "name_en", "type"]]
    names = {case_id: short_name(case_id) for case_id in data.case_ids()}
    merged = stages.merge(actors, on=["case_id", "actor_id"], how="left")
    return merged.assign(case=merged.case_id.map(names))


def bottleneck_table() -> pd.DataFrame:
    """Bottleneck × case: each cell the case's assessment, evidence and sources."""
    theory = data.theory_table("bottlenecks")[["bottleneck_id", "name_en", "name_zh"]]
    evidence = data.cases_table("bottleneck_evidence")
    cell = evidence.assessment + ": " + evidence.evidence + " [" + evidence.source + "]"
    wide = evidence.assign(cell=cell).pivot(index="bottleneck_id", columns="case_id", values="cell")
    wide = wide.reindex(columns=data.case_ids())
    table = theory.merge(wide, left_on="bottleneck_id", right_index=True, how="left")
    return table.drop(columns="bottleneck_id")


def depth_scores() -> pd.DataFrame:
    """Depth of co-production on four dimensions, each 0–3 (rules in the comparison chapter).

    Computed from the data: who takes part (the article's four participant types present, minus
    one) and which stages residents share (share of the seven stages where residents' level is
    at least 2, times 3, rounded). Scored by the book: institutionalisation and value integration.
    """
    actors = data.cases_table("actors")
    stages = data.cases_table("stages").merge(actors[["case_id", "actor_id", "type"]], on=["case_id", "actor_id"])
    depth = data.cases_table("depth")
    rows = []
    for case_id in data.case_ids():
        types = set(actors[actors.case_id == case_id].type)
        present = sum(t in types for t in PARTICIPANT_TYPES)
        residents = stages[(stages.case_id == case_id) & (stages.type == "residents") & (stages.level >= 2)]
        shared = residents.stage.nunique()
        rows.append({"case_id": case_id, "dimension": "who takes part", "score": max(present - 1, 0),
                     "basis": f"{present} of the article's 4 participant types", "coded_by": "book (computed)"})
        rows.append({"case_id": case_id, "dimension": "stages residents share", "score": round(3 * shared / len(STAGE_ORDER)),
                     "basis": f"residents at level 2 or 3 in {shared} of {len(STAGE_ORDER)} stages",
                     "coded_by": "book (computed)"})
        for row in depth[depth.case_id == case_id].itertuples():
            rows.append({"case_id": case_id, "dimension": row.dimension, "score": int(row.score),
                         "basis": f"{row.evidence} [{row.source}]", "coded_by": "book (scored)"})
    return pd.DataFrame(rows, columns=["case_id", "dimension", "score", "basis", "coded_by"])

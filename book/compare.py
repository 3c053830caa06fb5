"""Cross-case comparison: every table here is built from all cases under data/cases/.

Nothing names a case: a new case folder that validates appears in every output.
"""

from __future__ import annotations

import pandas as pd

from book import data, schema

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
        rows.append(
            {
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
            }
        )
    return pd.DataFrame(rows)


def stage_matrix() -> pd.DataFrame:
    """Every case's actor × stage coding, with actor names and case names."""
    stages = data.cases_table("stages")
    actors = data.cases_table("actors")[["case_id", "actor_id", "name_en", "type"]]
    names = {case_id: short_name(case_id) for case_id in data.case_ids()}
    merged = stages.merge(actors, on=["case_id", "actor_id"], how="left")
    return merged.assign(case=merged.case_id.map(names))


def bottleneck_table() -> pd.DataFrame:
    """One row per bottleneck and case (long, so it stays readable at any number of cases)."""
    theory = data.theory_table("bottlenecks")[["bottleneck_id", "name_en", "name_zh"]]
    evidence = data.cases_table("bottleneck_evidence")[["case_id", "bottleneck_id", "assessment", "evidence", "source"]]
    table = theory.merge(evidence, on="bottleneck_id", how="left")
    order = {b: i for i, b in enumerate(theory.bottleneck_id)}
    table = table.assign(case=table.case_id.map(short_name), _order=table.bottleneck_id.map(order))
    return table.sort_values(["_order", "case_id"]).drop(columns="_order").reset_index(drop=True)


ASSESSMENTS = ["shown", "partly shown", "not shown", "unknown"]


def bottleneck_findings(bottleneck_id: str, table: pd.DataFrame | None = None) -> str:
    """'shown in A; partly shown in B and C (two of three cases)': the cases under each assessment.

    `table` is bottleneck_table(), when the caller already has it.
    """
    table = bottleneck_table() if table is None else table
    rows = table[table.bottleneck_id == bottleneck_id]
    parts = [
        f"{assessment} in {which_cases(list(rows[rows.assessment == assessment].case_id))}"
        for assessment in ASSESSMENTS
        if (rows.assessment == assessment).any()
    ]
    return "; ".join(parts)


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
        rows.append(
            {
                "case_id": case_id,
                "dimension": "who takes part",
                "score": max(present - 1, 0),
                "basis": f"{present} of the article's 4 participant types",
                "coded_by": "book (computed)",
            }
        )
        stages_total = len(schema.stage_order())
        rows.append(
            {
                "case_id": case_id,
                "dimension": "stages residents share",
                "score": round(3 * shared / stages_total),
                "basis": f"residents at level 2 or 3 in {shared} of {stages_total} stages",
                "coded_by": "book (computed)",
            }
        )
        for row in depth[depth.case_id == case_id].itertuples():
            rows.append(
                {
                    "case_id": case_id,
                    "dimension": row.dimension,
                    "score": int(row.score),
                    "basis": f"{row.evidence} [{row.source}]",
                    "coded_by": "book (scored)",
                }
            )
    return pd.DataFrame(rows, columns=["case_id", "dimension", "score", "basis", "coded_by"])


def _best_levels() -> pd.DataFrame:
    """The highest level of each actor type in each stage, per case (0 where a type is absent).

    Two actors of one type in the same stage count once: the stage is reached by the type.
    """
    matrix = stage_matrix()
    best = matrix.groupby(["case_id", "type", "stage"], as_index=False)["level"].max()
    return best.astype({"level": "int64"})


def stage_reach() -> pd.DataFrame:
    """Per case and actor type: how many distinct stages the type leads (3) and reaches (2 or 3)."""
    best = _best_levels().assign(leads=lambda d: d.level == 3, shares=lambda d: d.level >= 2)
    reach = best.groupby(["case_id", "type"], as_index=False)[["leads", "shares"]].sum()
    names = {case_id: short_name(case_id) for case_id in data.case_ids()}
    reach.insert(1, "case", reach.case_id.map(names))
    return reach


def _level(best: pd.DataFrame, case_id: str, actor_type: str, stage: str) -> int:
    rows = best[(best.case_id == case_id) & (best.type == actor_type) & (best.stage == stage)]
    return int(rows.level.max()) if len(rows) else 0


def _reached(best: pd.DataFrame, case_id: str, actor_type: str) -> int:
    return int(((best.case_id == case_id) & (best.type == actor_type) & (best.level >= 2)).sum())


# The cross-case patterns the comparison states, each as a rule on the book's stage coding.
# Sentences about "the cases" are built from which cases a rule holds for, never written by hand.
PATTERNS = {
    "residents make": (
        "residents at level 2 or 3 in both design and implementation",
        lambda best, c: (
            min(_level(best, c, "residents", "design"), _level(best, c, "residents", "implementation")) >= 2
        ),
    ),
    "professionals run": (
        "a professional team at level 2 or 3 in more stages than residents",
        lambda best, c: _reached(best, c, "professional team") > _reached(best, c, "residents"),
    ),
    "residents do not supervise": (
        "residents at level 0 in supervision",
        lambda best, c: _level(best, c, "residents", "supervision") == 0,
    ),
    "nobody supervises": (
        "no actor of any type at level 2 or 3 in supervision",
        lambda best, c: not ((best.case_id == c) & (best.stage == "supervision") & (best.level >= 2)).any(),
    ),
}


def patterns() -> pd.DataFrame:
    """For each cross-case pattern: its rule, the cases it holds for and the cases it does not."""
    best = _best_levels()
    rows = []
    for name, (rule, holds) in PATTERNS.items():
        yes = [c for c in data.case_ids() if holds(best, c)]
        no = [c for c in data.case_ids() if c not in yes]
        rows.append({"pattern": name, "rule": rule, "holds": yes, "fails": no})
    return pd.DataFrame(rows, columns=["pattern", "rule", "holds", "fails"])


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count_words(n: int) -> str:
    """3 -> 'three'; numbers above ten stay digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def join_names(names: list[str]) -> str:
    """['A', 'B', 'C'] -> 'A, B and C'; semicolons when a name has a comma of its own."""
    if len(names) <= 2:
        return " and ".join(names)
    separator = "; " if any("," in name for name in names) else ", "
    last = "; and " if separator == "; " else " and "
    return separator.join(names[:-1]) + last + names[-1]


def which_cases(case_ids: list[str], listed: int = 4) -> str:
    """A phrase naming which cases of the book a finding covers, true at any number of cases.

    'all three cases', 'none of the cases', 'KIC Garden, Shanghai', 'Barking and Dagenham and
    KIC Garden, Shanghai (two of three cases)'; beyond `listed` cases only the count is given.
    """
    total = len(data.case_ids())
    n = len(case_ids)
    if n == 0:
        return "none of the cases"
    if n == total:
        return "the one case" if n == 1 else ("both cases" if n == 2 else f"all {count_words(n)} cases")
    count = f"{count_words(n)} of {count_words(total)} cases"
    if n == 1:
        return short_name(case_ids[0])
    if n > listed:
        return count
    return f"{join_names([short_name(c) for c in case_ids])} ({count})"


def residents_by_phase() -> pd.DataFrame:
    """Residents' highest level in each of Nabatchi, Sancino and Sicilia's four phases, per case.

    The seven stages map to the four phases as production_stages.csv records (the book's mapping).
    """
    phases = data.theory_table("production_stages")[["stage", "nabatchi_phase"]]
    best = _best_levels()
    residents = best[best.type == "residents"].merge(phases, on="stage")
    grid = pd.MultiIndex.from_product(
        [data.case_ids(), phases.nabatchi_phase.unique()], names=["case_id", "nabatchi_phase"]
    )
    level = residents.groupby(["case_id", "nabatchi_phase"])["level"].max().reindex(grid, fill_value=0)
    return level.rename("level").reset_index()

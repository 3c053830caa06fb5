"""Cross-case comparison: every table here is built from all cases under data/cases/.

Nothing names a case: a new case folder that validates appears in every output.
"""

from __future__ import annotations

import pandas as pd

from book import data, schema
from book.i18n import Said, _, chinese, count_zh_before, join_said, join_zh, said

# The four kinds of participant the article names (policy makers, administrators,
# third-party professional teams, residents).
PARTICIPANT_TYPES = ["policy maker", "administrator", "professional team", "residents"]
NOT_TARGET = ["reported", "estimate", "census"]
# Areas are compared in km²; rows in other units are converted, rows in unknown units are ignored.
AREA_TO_KM2 = {"km²": 1.0, "ha": 0.01, "m²": 1e-6}


# The words of the book's coding and data that computed outputs show, in both languages. Calling
# _() here puts them in the code's catalogue and lets a chart's or table's Chinese find them.
VOCABULARY = [
    # the actor types of actors.csv (the first four are the article's participant types)
    _("policy maker"), _("administrator"), _("professional team"), _("residents"), _("funder"), _("school"),
    _("business"),
    # bottleneck assessments, case status and service focus
    _("shown"), _("partly shown"), _("not shown"), _("unknown"), _("active"), _("ended"), _("soft services"),
    _("physical space"), _("both"),
    # depth dimensions
    _("who takes part"), _("stages residents share"), _("institutionalisation"), _("value integration"),
    # the seven stages of production (as production_stages.csv names them; see stage_names())
    _("planning"), _("design"), _("funding"), _("management"), _("implementation"), _("supervision"),
    _("evaluation"),
    # Nabatchi, Sancino and Sicilia's four phases, and co- each
    _("commissioning"), _("delivery"), _("assessment"),
    _("co-commissioning"), _("co-design"), _("co-delivery"), _("co-assessment"),
    # the measures of scale
    _("population"), _("area (km²)"), _("density (people per km²)"),
    # the countries and cities of the cases so far (another stays in English until added here)
    _("China"), _("United Kingdom"), _("London"), _("Changsha"), _("Shanghai"),
    # who coded a depth score, and the tracks of the cases' timelines
    _("book (computed)"), _("book (scored)"), _("case"), _("city policy"), _("research"),
    # the strands of the concept's milestones (data/theory/milestones.csv)
    _("participation"), _("coproduction"), _("governance"), _("community planning"),
    # who gave the money for a total, and how exact a funding figure is (funding.csv)
    _("all funders"), _("exact"), _("at least"), _("about"),
    # the kinds of a figure (metrics.csv), of a platform's element (platform.csv) and of a project
    # (projects.csv, the kinds so far)
    _("reported"), _("target"), _("estimate"), _("census"), _("ranking"),
    _("team"), _("space"), _("ideas"), _("money"), _("rules"), _("data"), _("tools"),
    _("event"), _("programme"), _("policy"), _("service"),
    # the relationship each definition of co-production requires (definitions.csv)
    _("any joint input"), _("active involvement"), _("regular and long-term"), _("equal and reciprocal"),
    _("umbrella concept"),
]  # fmt: skip


def stage_names() -> dict[str, Said]:
    """The seven stages of production with their Chinese (production_stages.csv): 'design' -> 设计."""
    stages = data.theory_table("production_stages")
    return {stage: Said(stage, zh) for stage, zh in zip(stages.stage, stages.stage_zh)}


def bottleneck_names() -> dict[str, Said]:
    """Each bottleneck's name in both languages (bottlenecks.csv), by its id."""
    theory = data.theory_table("bottlenecks")
    return {b: Said(en, zh) for b, en, zh in zip(theory.bottleneck_id, theory.name_en, theory.name_zh)}


# A Chinese case name is shortened as the prose names the case: up to a delimiter, without its
# city in front and without the neighbourhood's 社区 where more follows it:
# 伦敦巴金-达格纳姆区“每人每天行动” -> 巴金-达格纳姆区, 长沙市丰泉古井社区儿童友好共建 -> 丰泉古井,
# 上海创智农园 -> 创智农园.
ZH_NAME_ENDS = ("“", "：", ":", "（", "(", "—")
ZH_PLACE_ENDS = ("社区",)


def _short_zh(name: str, city: str = "") -> str:
    for end in ZH_NAME_ENDS:
        if end in name[1:]:
            name = name[: name.index(end, 1)]
    for prefix in (f"{city}市", city) if city else ():
        if name.startswith(prefix) and len(name) - len(prefix) >= 2:
            name = name[len(prefix) :]
            break
    for end in ZH_PLACE_ENDS:
        where = name.find(end)
        if where >= 2 and len(name) - where - len(end) >= 2:  # a place with more after it
            name = name[:where]
    return name.strip()


def short_name(case_id: str) -> Said:
    """The case's English name up to any colon: 'Barking and Dagenham'; in Chinese, its Chinese
    name shortened as the prose has it (_short_zh), or the English where the case has no Chinese name."""
    profile = data.case_profile(case_id)
    name = profile["name"]
    en = name["en"].split(":")[0]
    city = chinese(profile["place"].get("city") or "")
    return Said(en, _short_zh(name.get("zh") or "", "" if city == profile["place"].get("city") else city) or en)


def place_name(place: dict) -> Said:
    """'London Borough of Barking and Dagenham, London, United Kingdom'; in Chinese country and city
    (英国伦敦), as far as their Chinese is known."""
    parts = [place.get("area_name"), place.get("city"), place.get("country")]
    zh = "".join(chinese(p) for p in (place.get("country"), place.get("city")) if p)
    return Said(", ".join(p for p in parts if p), zh)


def _span(values: pd.Series) -> tuple[float, float]:
    values = values.dropna()
    return (float(values.min()), float(values.max())) if len(values) else (float("nan"), float("nan"))


def _format_span(low: float, high: float, digits: int = 0) -> str:
    if pd.isna(low):
        return _("unknown")
    fmt = f"{{:,.{digits}f}}"
    return fmt.format(low) if low == high else f"{fmt.format(low)}–{fmt.format(high)}"


def scales() -> pd.DataFrame:
    """Population, area and density per case as (low, high) spans over every source's figure."""
    metrics = data.cases_table("metrics")
    metrics = metrics[metrics.kind.isin(NOT_TARGET)]
    areas = metrics[metrics.indicator == "area"]
    own = {
        "population": dict(tuple(metrics[metrics.indicator == "population"].groupby("case_id").value)),
        "area": dict(tuple((areas.value * areas.unit.map(AREA_TO_KM2).astype("Float64")).groupby(areas.case_id))),
    }
    empty = pd.Series(dtype="Float64")
    rows = []
    for case_id in data.case_ids():
        pop = _span(own["population"].get(case_id, empty))
        area = _span(own["area"].get(case_id, empty))
        known = not pd.isna(pop[0]) and not pd.isna(area[0])
        density = (pop[0] / area[1], pop[1] / area[0]) if known else (float("nan"),) * 2
        for measure, (low, high) in (("population", pop), ("area (km²)", area), ("density (people per km²)", density)):
            rows.append({"case_id": case_id, "measure": measure, "low": low, "high": high})
    return pd.DataFrame(rows, columns=["case_id", "measure", "low", "high"])


def profiles() -> pd.DataFrame:
    """One row per case: place, period, population, area, density, actors, status, sources."""
    spans = {(row.case_id, row.measure): (row.low, row.high) for row in scales().itertuples()}
    actor_counts = data.cases_table("actors").case_id.value_counts()
    rows = []
    for case_id in data.case_ids():
        profile = data.case_profile(case_id)
        place = profile["place"]
        period = profile["period"]
        rows.append(
            {
                "case_id": case_id,
                "case": short_name(case_id),
                "place": place_name(place),
                "period": said(
                    "{start}–{end}", "{start}–{end}", start=period["start"], end=period.get("end") or ONGOING
                ),
                "focus": profile.get("service_focus", "unknown"),
                "population": _format_span(*spans[case_id, "population"]),
                "area_km2": _format_span(*spans[case_id, "area (km²)"], digits=4),
                "density": _format_span(*spans[case_id, "density (people per km²)"]),
                "actors": int(actor_counts.get(case_id, 0)),
                "status": profile["status"],
                "sources": "; ".join(profile["sources"]),
            }
        )
    return pd.DataFrame(rows)


ONGOING = _("ongoing or unknown")


def stage_matrix() -> pd.DataFrame:
    """Every case's actor × stage coding, with actor names and case names."""
    stages = data.cases_table("stages")
    actors = data.cases_table("actors")[["case_id", "actor_id", "name_en", "type"]]
    names = {case_id: short_name(case_id) for case_id in data.case_ids()}
    merged = stages.merge(actors, on=["case_id", "actor_id"], how="left")
    return merged.assign(case=merged.case_id.map(names))


def bottleneck_table() -> pd.DataFrame:
    """One row per bottleneck and case (long, so it stays readable at any number of cases).

    A case with no row for a bottleneck is assessed 'unknown': no source reports what the rule needs.
    """
    theory = data.theory_table("bottlenecks")[["bottleneck_id", "name_en", "name_zh"]]
    evidence = data.cases_table("bottleneck_evidence")[["case_id", "bottleneck_id", "assessment", "evidence", "source"]]
    grid = pd.MultiIndex.from_product([theory.bottleneck_id, data.case_ids()], names=["bottleneck_id", "case_id"])
    table = grid.to_frame(index=False).merge(evidence, on=["bottleneck_id", "case_id"], how="left")
    table = table.assign(assessment=table.assessment.fillna("unknown")).merge(theory, on="bottleneck_id")
    order = {b: i for i, b in enumerate(theory.bottleneck_id)}
    table = table.assign(case=table.case_id.map(short_name), _order=table.bottleneck_id.map(order))
    table = table.sort_values(["_order", "case_id"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return table[["bottleneck_id", "name_en", "name_zh", "case_id", "case", "assessment", "evidence", "source"]]


ASSESSMENTS = ["shown", "partly shown", "not shown", "unknown"]


# Where each assessment holds, in Chinese: '在A中存在'.
FOUND_IN_ZH = {
    "shown": "在{cases}中存在",
    "partly shown": "在{cases}中部分存在",
    "not shown": "在{cases}中不存在",
    "unknown": "在{cases}中情况未知",
}


def bottleneck_findings(bottleneck_id: str, table: pd.DataFrame | None = None) -> Said:
    """'shown in A; partly shown in B and C (two of three cases)': the cases under each assessment.

    In Chinese '在A中存在；在B和C（三个案例中的两个）中部分存在'. `table` is bottleneck_table(),
    when the caller already has it.
    """
    table = bottleneck_table() if table is None else table
    rows = table[table.bottleneck_id == bottleneck_id]
    parts = [
        said(
            "{assessment} in {cases}",
            FOUND_IN_ZH[assessment],
            assessment=assessment,
            cases=which_cases(list(rows[rows.assessment == assessment].case_id)),
        )
        for assessment in ASSESSMENTS
        if (rows.assessment == assessment).any()
    ]
    return join_said(parts, "; ", "；")


def depth_scores() -> pd.DataFrame:
    """Depth of co-production on four dimensions, each 0–3 (rules in the comparison chapter).

    Computed from the data: who takes part (the article's four participant types present, minus
    one) and which stages residents share (share of the seven stages where residents' level is
    at least 2, times 3, rounded). Scored by the book: institutionalisation and value integration.
    """
    actors = data.cases_table("actors")
    stages = data.cases_table("stages").merge(actors[["case_id", "actor_id", "type"]], on=["case_id", "actor_id"])
    depth = data.cases_table("depth")
    types = actors.groupby("case_id").type.agg(set)
    residents = stages[(stages.type == "residents") & (stages.level >= 2)].groupby("case_id").stage.nunique()
    scored: dict[str, list[dict]] = {}
    scored_by = _("book (scored)")
    for row in depth.itertuples():
        scored.setdefault(row.case_id, []).append(
            {
                "case_id": row.case_id,
                "dimension": row.dimension,
                "score": int(row.score),
                "basis": f"{row.evidence} [{row.source}]",
                "coded_by": scored_by,
            }
        )
    computed = _("book (computed)")
    stages_total = len(schema.stage_order())
    rows = []
    for case_id in data.case_ids():
        present = sum(t in types.get(case_id, set()) for t in PARTICIPANT_TYPES)
        shared = int(residents.get(case_id, 0))
        rows.append(
            {
                "case_id": case_id,
                "dimension": "who takes part",
                "score": max(present - 1, 0),
                "basis": said(
                    "{present} of the article's 4 participant types",
                    "文章所列4类参与者中的{present}类",
                    present=present,
                ),
                "coded_by": computed,
            }
        )
        rows.append(
            {
                "case_id": case_id,
                "dimension": "stages residents share",
                "score": round(3 * shared / stages_total),
                "basis": said(
                    "residents at level 2 or 3 in {shared} of {total} stages",
                    "居民在{total}个阶段中的{shared}个处于2级或3级",
                    shared=shared,
                    total=stages_total,
                ),
                "coded_by": computed,
            }
        )
        rows.extend(scored.get(case_id, []))
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


class _Levels:
    """_best_levels() looked up by case: each type's level in a stage, and the stages it reaches."""

    def __init__(self, best: pd.DataFrame):
        self.levels = {(row.case_id, row.type, row.stage): row.level for row in best.itertuples()}
        reached = best[best.level >= 2]
        self.reached = reached.groupby(["case_id", "type"]).size().to_dict()
        self.supervised = set(reached[reached.stage == "supervision"].case_id)


def _level(best: _Levels, case_id: str, actor_type: str, stage: str) -> int:
    return int(best.levels.get((case_id, actor_type, stage), 0))


def _reached(best: _Levels, case_id: str, actor_type: str) -> int:
    return int(best.reached.get((case_id, actor_type), 0))


# The cross-case patterns the comparison states, each as a rule on the book's stage coding.
# Sentences about "the cases" are built from which cases a rule holds for, never written by hand.
PATTERNS = {
    _("residents make"): (
        _("residents at level 2 or 3 in both design and implementation"),
        lambda best, c: (
            min(_level(best, c, "residents", "design"), _level(best, c, "residents", "implementation")) >= 2
        ),
    ),
    _("professionals run"): (
        _("a professional team at level 2 or 3 in more stages than residents"),
        lambda best, c: _reached(best, c, "professional team") > _reached(best, c, "residents"),
    ),
    _("residents do not supervise"): (
        _("residents at level 0 in supervision"),
        lambda best, c: _level(best, c, "residents", "supervision") == 0,
    ),
    _("nobody supervises"): (
        _("no actor of any type at level 2 or 3 in supervision"),
        lambda best, c: c not in best.supervised,
    ),
}


def patterns() -> pd.DataFrame:
    """For each cross-case pattern: its rule, the cases it holds for and the cases it does not."""
    best = _Levels(_best_levels())
    case_ids = data.case_ids()
    rows = []
    for name, (rule, holds) in PATTERNS.items():
        yes = [c for c in case_ids if holds(best, c)]
        no = [c for c in case_ids if c not in yes]
        rows.append({"pattern": name, "rule": rule, "holds": yes, "fails": no})
    return pd.DataFrame(rows, columns=["pattern", "rule", "holds", "fails"])


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count_words(n: int) -> Said:
    """3 -> 'three' (三); numbers above ten stay digits. The Chinese stands before a measure word,
    so 2 is 两 ('两个国家')."""
    n = int(n)
    return Said(NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}", count_zh_before(n))


def join_names(names: list[str]) -> Said:
    """['A', 'B', 'C'] -> 'A, B and C'; semicolons when a name has a comma of its own.
    In Chinese 'A、B和C' (join_zh)."""
    if len(names) <= 2:
        en = " and ".join(names)
    else:
        separator = "; " if any("," in name for name in names) else ", "
        last = "; and " if separator == "; " else " and "
        en = separator.join(names[:-1]) + last + names[-1]
    return Said(en, join_zh(list(names)))


def which_cases(case_ids: list[str], listed: int = 4) -> Said:
    """A phrase naming which cases of the book a finding covers, true at any number of cases.

    'all three cases' (全部三个案例), 'none of the cases' (没有任何案例), 'KIC Garden, Shanghai'
    (创智农园), 'Barking and Dagenham and KIC Garden, Shanghai (two of three cases)'
    (巴金-达格纳姆区和创智农园（三个案例中的两个）); beyond `listed` cases only the count.
    """
    total = len(data.case_ids())
    n = len(case_ids)
    if n == 0:
        return _("none of the cases")
    if n == total:
        if n == 1:
            return _("the one case")
        if n == 2:
            return _("both cases")
        return said("all {n} cases", "全部{n}个案例", n=count_words(n))
    count = said("{n} of {total} cases", "{total}个案例中的{n}个", n=count_words(n), total=count_words(total))
    if n == 1:
        return short_name(case_ids[0])
    if n > listed:
        return count
    return said(
        "{names} ({count})", "{names}（{count}）", names=join_names([short_name(c) for c in case_ids]), count=count
    )


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


# ---------------------------------------------------------------- every case at once, at any size

# How many cases the comparison shows in detail side by side; the reader chooses which.
DETAIL_CASES = 3
STATUSES = ["active", "ended", "unknown"]
FOCUSES = ["soft services", "physical space", "both"]
DEPTH_DIMENSIONS = ["who takes part", "stages residents share", "institutionalisation", "value integration"]


def depth_totals() -> pd.Series:
    """Per case, the sum of its four depth scores (0–12); a dimension the book has not scored adds nothing."""
    return _totals(depth_scores())


def _totals(depth: pd.DataFrame) -> pd.Series:
    return depth.groupby("case_id")["score"].sum().reindex(data.case_ids(), fill_value=0).astype(int)


def overview() -> pd.DataFrame:
    """One row per case: what the overview marks and its tooltips show (place, period, status,
    focus, population, depth) and the address of its chapter from a page one folder deep."""
    found = profiles().set_index("case_id").to_dict("index")
    depth = depth_scores()
    totals = _totals(depth)
    scored = {(row.case_id, row.dimension): row.score for row in depth.itertuples()}
    rows = []
    for case_id in data.case_ids():
        profile = data.case_profile(case_id)
        period = profile["period"]
        location = profile["place"].get("location") or {}
        rows.append(
            {
                "case_id": case_id,
                "case": short_name(case_id),
                "place": found[case_id]["place"],
                "country": profile["place"]["country"],
                "status": profile["status"],
                "focus": profile.get("service_focus", "unknown"),
                "start": int(period["start"]),
                "end": period.get("end"),
                "period": found[case_id]["period"],
                "population": found[case_id]["population"],
                "depth_total": int(totals[case_id]),
                "depth": join_said(
                    [
                        said(
                            "{dimension} {score}",
                            "{dimension}{score}",
                            dimension=_(dimension),
                            score=int(scored[case_id, dimension]) if (case_id, dimension) in scored else _("unknown"),
                        )
                        for dimension in DEPTH_DIMENSIONS
                    ],
                    "; ",
                    "；",
                ),
                "chapter": f"../cases/{case_id}.html",
                "latitude": location.get("latitude"),
                "longitude": location.get("longitude"),
                "location_source": location.get("source"),
            }
        )
    return pd.DataFrame(rows)


def chosen_cases(count: int = DETAIL_CASES) -> list[str]:
    """The cases shown in detail until the reader chooses others, by the book's rule: the deepest,
    the median and the shallowest case by total depth score, ties broken by name."""
    totals = depth_totals()
    names = {case_id: short_name(case_id) for case_id in totals.index}
    ranked = sorted(totals.index, key=lambda c: (-totals[c], names[c]))
    if len(ranked) <= count:
        return ranked
    picks = [round(i * (len(ranked) - 1) / (count - 1)) for i in range(count)] if count > 1 else [0]
    return [ranked[i] for i in picks]


def shares(case_sets: pd.Series) -> pd.DataFrame:
    """From a series of case-id lists: how many cases each holds, and their share of all cases."""
    total = len(data.case_ids())
    frame = case_sets.rename("case_ids").reset_index()
    frame["cases"] = frame.case_ids.map(len)
    frame["share"] = frame.cases / total if total else 0.0
    frame["percent"] = frame.share.map(lambda share: f"{share:.0%}")
    frame["which"] = frame.case_ids.map(which_cases)
    return frame


def stage_shares(level: int = 2) -> pd.DataFrame:
    """For each of the article's four participant types and each stage: the cases in which the
    type is at `level` or above, their number and share of all cases."""
    best = _best_levels()
    reached = best[best.level >= level]
    grid = pd.MultiIndex.from_product([PARTICIPANT_TYPES, schema.stage_order()], names=["type", "stage"])
    sets = reached.groupby(["type", "stage"])["case_id"].agg(lambda ids: sorted(set(ids)))
    sets = sets.reindex(grid).map(lambda ids: ids if isinstance(ids, list) else [])
    return shares(sets)


def bottleneck_counts(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """For each bottleneck and assessment: the cases so assessed, their number and share."""
    table = bottleneck_table() if table is None else table
    names = table.drop_duplicates("bottleneck_id").set_index("bottleneck_id")["name_en"]
    grid = pd.MultiIndex.from_product([names.index, ASSESSMENTS], names=["bottleneck_id", "assessment"])
    sets = table.groupby(["bottleneck_id", "assessment"])["case_id"].agg(lambda ids: sorted(set(ids)))
    sets = sets.reindex(grid).map(lambda ids: ids if isinstance(ids, list) else [])
    counted = shares(sets)
    counted.insert(1, "name_en", counted.bottleneck_id.map(names))
    return counted


def depth_counts() -> pd.DataFrame:
    """For each depth dimension and score 0–3: the cases with that score, their number and share."""
    depth = depth_scores()
    grid = pd.MultiIndex.from_product([DEPTH_DIMENSIONS, range(4)], names=["dimension", "score"])
    sets = depth.groupby(["dimension", "score"])["case_id"].agg(lambda ids: sorted(set(ids)))
    sets = sets.reindex(grid).map(lambda ids: ids if isinstance(ids, list) else [])
    return shares(sets)


def phase_counts(level: int = 2) -> pd.DataFrame:
    """For each of Nabatchi, Sancino and Sicilia's four phases: the cases in which residents reach `level`."""
    phases = residents_by_phase()
    order = list(dict.fromkeys(data.theory_table("production_stages").nabatchi_phase))
    sets = phases[phases.level >= level].groupby("nabatchi_phase")["case_id"].agg(sorted)
    sets = sets.reindex(order).map(lambda ids: ids if isinstance(ids, list) else [])
    return shares(sets.rename_axis("nabatchi_phase"))


def type_summary() -> pd.DataFrame:
    """For each of the article's four participant types: in how many cases it takes part, and the
    median number of stages it leads and contributes to or leads, over the cases where it takes part."""
    reach = stage_reach()
    rows = []
    for actor_type in PARTICIPANT_TYPES:
        present = reach[reach.type == actor_type]
        rows.append(
            {
                "type": actor_type,
                "cases": which_cases(sorted(present.case_id.unique())),
                "leads": float(present.leads.median()) if len(present) else float("nan"),
                "shares": float(present.shares.median()) if len(present) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def pattern_table(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """patterns() for reading: each rule, the cases it holds for (named while they are few) and their share."""
    table = patterns() if table is None else table.reset_index()
    total = len(data.case_ids())
    return table.assign(
        which=table.holds.map(which_cases),
        percent=table.holds.map(lambda ids: f"{len(ids) / total:.0%}" if total else "0%"),
    )[["pattern", "rule", "which", "percent"]]


# ---------------------------------------------------------------- text alternatives of the charts
# A chart's description names each case while the cases are few (as which_cases does), and
# summarises them otherwise: a hundred cases are counted, not enumerated.

LISTED = 4


def _few() -> bool:
    return len(data.case_ids()) <= LISTED


def _tally(values: pd.Series, order: list[str]) -> Said:
    """'2 active, 1 unknown' (进行中2个，未知1个)."""
    counts = values.value_counts()
    return join_said(
        [said("{n} {value}", "{value}{n}个", n=int(counts[v]), value=v) for v in order if v in counts], ", ", "，"
    )


def _spread(values: pd.Series, unit: str = "", unit_zh: str = "") -> Said:
    values = values.dropna()
    if not len(values):
        return _("unknown")
    low, high, middle = values.min(), values.max(), values.median()
    return said(
        "from {low}{unit} to {high}{unit}, median {middle}{unit}",
        "从{low}{unit_zh}到{high}{unit_zh}，中位数为{middle}{unit_zh}",
        low=f"{low:,.4g}",
        high=f"{high:,.4g}",
        middle=f"{middle:,.4g}",
        unit=unit,
        unit_zh=unit_zh,
    )


def _sentences(parts: list, en_end: str = ".", zh_end: str = "。") -> Said:
    """Phrases as one sentence each language: 'a; b.' and 'a；b。'."""
    joined = join_said(parts, "; ", "；")
    return Said(joined.en + en_end, joined.zh + zh_end)


def _text(*parts) -> Said:
    """Sentences run together: with a space in English, without one in Chinese."""
    parts = [p for p in parts if str(p)]
    return Said(" ".join(str(p) for p in parts), "".join(chinese(p) for p in parts))


def describe_overview(cases: pd.DataFrame) -> Said:
    text = said(
        "Scatter plot of {n} cases by the year co-production began ({first} to {last}) and the book's total "
        "depth score out of 12 ({spread}). Status: {status}. Service focus: {focus}.",
        "散点图：按合作生产开始的年份（{first}年至{last}年）和本书的深度总分（满分12分；{spread}）展示{n}个案例。"
        "状态：{status}。服务重点：{focus}。",
        n=len(cases),
        first=int(cases.start.min()),
        last=int(cases.start.max()),
        spread=_spread(cases.depth_total),
        status=_tally(cases.status, STATUSES),
        focus=_tally(cases.focus, FOCUSES),
    )
    if _few():
        each = [
            said(
                "{case}: began {start}, depth {depth}, {status}, {focus}",
                "{case}：{start}年开始，深度{depth}分，{status}，{focus}",
                case=row.case,
                start=row.start,
                depth=row.depth_total,
                status=row.status,
                focus=row.focus,
            )
            for row in cases.itertuples()
        ]
        text = _text(text, _sentences(each))
    return text


def describe_map(cases: pd.DataFrame) -> Said:
    located = cases.dropna(subset=["latitude", "longitude"])
    countries = join_said(
        [
            said("{country} {n}", "{country}{n}个", country=country, n=count)
            for country, count in located.country.value_counts().sort_index().items()
        ],
        ", ",
        "，",
    )
    text = said(
        "World map with {located} of {n} cases as dots at their cities, in {countries} countries: {each}. "
        "Status: {status}. Below the map, the cases' names, each a link to its chapter.",
        "世界地图：{n}个案例中的{located}个以圆点标在其所在城市，分布于{countries}个国家：{each}。"
        "状态：{status}。地图下方列出各案例的名称，每个名称都链接到该案例的章节。",
        located=len(located),
        n=len(cases),
        countries=located.country.nunique(),
        each=countries,
        status=_tally(cases.status, STATUSES),
    )
    if _few():
        text = _text(
            text,
            _sentences(
                [
                    said("{case}: {place}", "{case}：{place}", case=row.case, place=row.place)
                    for row in cases.itertuples()
                ]
            ),
        )
    return text


def describe_scales(scales: pd.DataFrame) -> Said:
    total = scales.case_id.nunique()
    parts = []
    for measure, rows in scales.groupby("measure", sort=False):
        known = rows.dropna(subset=["low"])
        parts.append(
            said(
                "{measure} known for {known} of {total} cases, {spread}",
                "{measure}：{total}个案例中的{known}个已知，{spread}",
                measure=measure,
                known=len(known),
                total=total,
                spread=_spread(pd.concat([known.low, known.high])),
            )
        )
    text = said(
        "Three panels, one bar per case on logarithmic axes: {parts}",
        "三个分图，每个案例一条横条，坐标轴为对数刻度：{parts}",
        parts=_sentences(parts),
    )
    if _few():
        spans = scales.assign(span=[_format_span(low, high, 4) for low, high in zip(scales.low, scales.high)])
        each = [
            said(
                "{case}: {measures}",
                "{case}：{measures}",
                case=case,
                measures=join_said(
                    [
                        said("{measure} {span}", "{measure}{span}", measure=row.measure, span=row.span)
                        for row in rows.itertuples()
                    ],
                    ", ",
                    "，",
                ),
            )
            for case, rows in spans.groupby("case", sort=False)
        ]
        text = _text(text, _sentences(each))
    return text


def describe_shares(stage_share: pd.DataFrame, reach: pd.DataFrame) -> Said:
    total = len(data.case_ids())
    stages = stage_names()
    by_type = [
        said(
            "{type}: {shares}.",
            "{type}：{shares}。",
            type=Said(actor_type.capitalize(), chinese(actor_type)),
            shares=join_said(
                [
                    said(
                        "{stage} {percent}",
                        "{stage}{percent}",
                        stage=stages.get(row.stage, row.stage),
                        percent=row.percent,
                    )
                    for row in rows.itertuples()
                ],
                ", ",
                "，",
            ),
        )
        for actor_type, rows in stage_share.groupby("type", sort=False)
    ]
    text = _text(
        said(
            "Heatmap of the share of the {total} cases in which each of the article's four participant types "
            "contributes to or leads each of seven stages.",
            "热力图：文章所列四类参与者分别在七个阶段中作出贡献或发挥主导作用的案例占全部{total}个案例的比例。",
            total=total,
        ),
        *by_type,
    )
    residents = reach[reach.type == "residents"]
    if _few():
        each = [
            said(
                "{case}: residents at level 2 or 3 in {n} of 7 stages",
                "{case}：居民在7个阶段中的{n}个处于2级或3级",
                case=row.case,
                n=row.shares,
            )
            for row in residents.itertuples()
        ]
        text = _text(text, _sentences(each))
    return text


# What a count chart counts, and by what, in Chinese.
COUNTED_ZH = {"assessment": "评估结果", "score": "得分", "bottleneck": "瓶颈", "dimension": "维度"}


def describe_counts(counts: pd.DataFrame, by: str, category: str) -> Said:
    total = len(data.case_ids())
    by_word = by.replace("name_en", "bottleneck")
    names = {**bottleneck_names(), **{b.en: b for b in bottleneck_names().values()}}
    unit_zh = "分" if category == "score" else ""
    each = [
        said(
            "{name}: {counts}",
            "{name}：{counts}",
            name=names.get(name, name),
            counts=join_said(
                [
                    said(
                        "{n} {value}",
                        "{value}" + unit_zh + "{n}个",
                        n=row.cases,
                        value=str(getattr(row, category)),
                    )
                    for row in rows.itertuples()
                    if row.cases
                ],
                ", ",
                "，",
            ),
        )
        for name, rows in counts.groupby(by, sort=False)
    ]
    return _text(
        said(
            "Stacked bars of the {total} cases by {category}, one bar per {by}.",
            "堆积条形图：按{category}统计全部{total}个案例，每个{by}一条。",
            total=total,
            category=Said(category, COUNTED_ZH.get(category, category)),
            by=Said(by_word, COUNTED_ZH.get(by_word, by_word)),
        ),
        _sentences(each),
    )


def describe_detail(chosen: list[str], reach: pd.DataFrame, bottlenecks: pd.DataFrame, depth: pd.DataFrame) -> Said:
    residents = reach[reach.type == "residents"].set_index("case_id")["shares"]
    totals = depth.groupby("case_id")["score"].sum()
    names = bottleneck_names()
    panels = []
    for case_id in chosen:
        verdicts = bottlenecks[bottlenecks.case_id == case_id]
        panels.append(
            said(
                "{case}: residents at level 2 or 3 in {n} of 7 stages; {verdicts}; depth {depth} of 12",
                "{case}：居民在7个阶段中的{n}个处于2级或3级；{verdicts}；深度{depth}分（满分12分）",
                case=short_name(case_id),
                n=int(residents.get(case_id, 0)),
                verdicts=join_said(
                    [
                        said(
                            "{bottleneck} {assessment}",
                            "{bottleneck}：{assessment}",
                            bottleneck=Said(row.name_en.lower(), chinese(names.get(row.bottleneck_id, row.name_en))),
                            assessment=row.assessment,
                        )
                        for row in verdicts.itertuples()
                    ],
                    ", ",
                    "，",
                ),
                depth=int(totals.get(case_id, 0)),
            )
        )
    return _text(
        said(
            "{n} panels, one per chosen case, each a heatmap of involvement levels 0 to 3 by actor and stage, the "
            "case's bottleneck assessments and its depth scores.",
            "{n}个分图，每个所选案例一个，依次为按参与主体和阶段展示参与程度（0至3级）的热力图、该案例的瓶颈评估和深度得分。",
            n=len(chosen),
        ),
        _sentences(panels),
    )

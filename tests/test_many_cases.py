"""The book at many cases: synthetic copies of the fixture case (book.build.synthetic), as
`make bench BENCH='--cases N'` adds them, validate; and the comparison's tables and charts stay
readable and bounded however many cases there are. Data only: nothing here builds the book."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from book import compare, data
from book.build import review, synthetic

# Tens of cases take tens of seconds to compare: `make test` runs these, `make check` does not.
pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
MANY = 60


def copy_sources(target: Path) -> Path:
    """What validation and the comparison read: data, chapters, bibliography, contents, fixtures."""
    for name in ("data", "chapters", "tests/fixtures"):
        shutil.copytree(ROOT / name, target / name)
    for name in ("references.bib", "_toc.yml"):
        shutil.copy(ROOT / name, target / name)
    return target


@pytest.fixture(scope="module")
def many_cases(tmp_path_factory) -> Path:
    """A copy of the book's data holding MANY cases: the book's own and synthetic ones (data only)."""
    root = copy_sources(tmp_path_factory.mktemp("many") / "book")
    own = len(list((root / "data" / "cases").glob("*/case.yaml")))
    synthetic.add_cases(root, range(1, MANY - own + 1), with_chapters=False)
    return root


@pytest.fixture
def at_many(many_cases, monkeypatch) -> Path:
    monkeypatch.setenv("CASEBOOK_ROOT", str(many_cases))
    return many_cases


def test_synthetic_cases_are_added_as_a_contributor_adds_them(tmp_path, monkeypatch):
    """Scaffolded, filled from the fixture, varied by rule: `make validate` finds nothing to fix."""
    root = copy_sources(tmp_path)
    added = synthetic.add_cases(root, range(1, 4))
    assert added == ["fixture-village-001", "fixture-village-002", "fixture-village-003"]
    monkeypatch.setenv("CASEBOOK_ROOT", str(root))
    assert [str(p) for p in review.validate_book()] == []
    assert {data.case_profile(c)["status"] for c in added} == set(synthetic.STATUSES)
    assert "# Fixture Village 002\n" in (root / "chapters" / "cases" / "fixture-village-002.md").read_text()
    assert "chapters/cases/fixture-village-003" in (root / "_toc.yml").read_text()


def test_synthetic_cases_refuse_a_template_they_cannot_fill(tmp_path):
    root = copy_sources(tmp_path)
    answers = root / "tests" / "fixtures" / f"{synthetic.FIXTURE_CASE}-chapter.yaml"
    answers.write_text(answers.read_text().replace('"# TODO: title of the case"', '"# TODO: a title"'))
    with pytest.raises(ValueError, match="TODO: title of the case"):
        synthetic.add_cases(root, [1])


def test_the_many_cases_are_all_compared(at_many):
    assert len(data.case_ids()) == MANY
    assert len(compare.overview()) == MANY
    assert set(compare.overview().case_id) == set(data.case_ids())


def test_detail_shows_the_deepest_median_and_shallowest_case(at_many):
    totals = compare.depth_totals()
    chosen = compare.chosen_cases()
    assert len(chosen) == compare.DETAIL_CASES
    ranked = sorted(totals.index, key=lambda c: (-totals[c], compare.short_name(c)))
    assert chosen == [ranked[0], ranked[(len(ranked) - 1) // 2 + (len(ranked) - 1) % 2], ranked[-1]]
    assert totals[chosen[0]] == totals.max() and totals[chosen[-1]] == totals.min()


def test_tables_stay_long_and_short_at_any_size(at_many):
    """One row per pattern, phase, actor type, bottleneck × assessment, dimension × score: the
    number of cases changes the counts, never the number of rows or columns."""
    assert len(compare.pattern_table()) == len(compare.PATTERNS)
    assert len(compare.phase_counts()) == 4
    assert len(compare.type_summary()) == len(compare.PARTICIPANT_TYPES)
    assert len(compare.bottleneck_counts()) == 3 * len(compare.ASSESSMENTS)
    assert len(compare.depth_counts()) == 4 * 4
    for table in (compare.pattern_table(), compare.phase_counts(), compare.bottleneck_counts()):
        assert len(table.columns) <= 8
        longest = table.filter(items=["which"]).squeeze().map(len).max()
        assert longest < 120, "a cell enumerates the cases instead of counting them"


def test_counts_and_shares_add_up(at_many):
    total = len(data.case_ids())
    counts = compare.bottleneck_counts()
    per_bottleneck = counts.groupby("bottleneck_id").cases.sum()
    assert (per_bottleneck == total).all(), "every case has one assessment per bottleneck (unknown when none)"
    shares = compare.stage_shares()
    reach = compare.stage_reach().query("type == 'residents'")
    residents = shares[shares.type == "residents"]
    assert residents.cases.sum() == reach.shares.sum()
    assert shares.share.between(0, 1).all() and (shares.cases == shares.case_ids.map(len)).all()
    assert compare.depth_counts().groupby("dimension").cases.sum().max() <= total


def test_sentences_count_many_cases_and_name_a_few(at_many, monkeypatch):
    total = len(data.case_ids())
    holds = compare.patterns().set_index("pattern").holds
    assert compare.which_cases(holds["residents do not supervise"]).endswith("(three of 60 cases)")
    assert compare.which_cases(holds["residents make"]) == f"all {total} cases"
    synthetic_cases = total - 3  # their evidence reads 'not shown' for fading
    assert f"not shown in {synthetic_cases} of {total} cases" in compare.bottleneck_findings("fading")
    descriptions = {
        "overview": compare.describe_overview(compare.overview()),
        "map": compare.describe_map(compare.overview()),
        "scales": compare.describe_scales(compare.scales().merge(compare.overview()[["case_id", "case"]])),
        "shares": compare.describe_shares(compare.stage_shares(), compare.stage_reach()),
    }
    for name, text in descriptions.items():
        assert 40 < len(text) < 1500, f"{name}: {len(text)} characters"
        assert "Fixture Village 010" not in text, f"{name} enumerates the cases"
    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))  # the book's own three cases are named
    assert "KIC Garden, Shanghai: began 2016" in compare.describe_overview(compare.overview())


# ---------------------------------------------------------------- the charts at many cases


def rendered(chart) -> tuple[dict, str]:
    import altair as alt

    spec = chart.to_dict()
    return spec, alt.renderers.get()(spec)["text/html"]


def test_the_overview_draws_one_mark_per_case_with_filters(at_many):
    from book import charts

    cases = compare.overview()
    spec, page = rendered(charts.case_overview(cases, "Every case", "A description of every case."))
    (rows,) = [rows for rows in spec["datasets"].values() if len(rows) == len(cases)]
    assert sorted(row["case_id"] for row in rows) == sorted(cases.case_id)
    bound = {param["name"]: param["bind"] for param in spec["params"] if "bind" in param}
    assert set(bound) == {"country", "status", "focus", "since", "search"}
    assert bound["search"]["input"] == "search"
    assert sorted(bound["country"]["options"][1:]) == sorted(cases.country.unique())
    static = page.split('<div class="casebook-chart-static">', 1)[1]
    assert static.count("<path transform=") >= len(cases), "the static picture lacks a mark per case"
    assert "://" not in static.split("</svg>", 1)[0].replace("http://www.w3.org", ""), "links to another host"


def test_comparison_charts_stay_light_at_many_cases(at_many):
    """The static pictures of the comparison's charts, which the page carries, do not grow with the
    number of cases beyond one small mark each; the details show three cases, not all."""
    from book import charts

    cases = compare.overview()
    chosen = compare.chosen_cases()
    scales = compare.scales().merge(cases[["case_id", "case"]], on="case_id")
    made = [
        charts.case_overview(cases, "t", "a description"),
        charts.scale_strip(scales, chosen, "t", "a description"),
        charts.stage_share_heatmap(compare.stage_shares(), "t", "a description"),
        charts.chosen_cases_detail(
            compare.stage_matrix(),
            data.cases_table("actors"),
            compare.bottleneck_table(),
            compare.depth_scores(),
            cases,
            chosen,
            "t",
            "a description",
        ),
    ]
    pictures = [charts.static_svg(chart.to_dict()) for chart in made]
    assert sum(map(len, pictures)) < 130_000, [len(p) for p in pictures]
    # A text's lines are tspans: each text is read whole, its lines joined by a space.
    texts = {
        " ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in re.findall(r"<text[^>]*>(.*?)</text>", pictures[-1])
    }
    shown = [name for name in cases.case if name in texts]
    assert shown == [] or len(shown) <= compare.DETAIL_CASES
    assert all(compare.short_name(c) in texts for c in chosen), (chosen, sorted(texts)[:20])

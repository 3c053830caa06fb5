"""What the code computes for a reader carries English and Chinese, with the same numbers (book.i18n)."""

from __future__ import annotations

import html
import re
from collections import Counter

import pandas as pd
import pytest

from book import casepage, charts, compare, data, i18n, tables
from book.build import translations
from book.i18n import Said, _

ZH = i18n.zh


# ------------------------------------------------------------------ numbers in both languages

EN_WORDS = {w: i for i, w in enumerate(compare.NUMBER_WORDS) if i}  # 'no' is not counted
ZH_WORDS = {**{c: i for i, c in enumerate(i18n.ZH_DIGITS) if i}, "两": 2}


def numbers(text: str, words: dict[str, int]) -> Counter:
    """The numbers of a text: digits as written, and number words (1–10) as digits."""
    found = Counter(re.findall(r"\d[\d,.]*\d|\d", text))
    if not words:
        return found
    pattern = r"\b(" + "|".join(words) + r")\b" if "one" in words else "(" + "|".join(words) + ")"
    for word in re.findall(pattern, text, flags=re.IGNORECASE):
        found[str(words[word.lower()])] += 1
    return found


def same_numbers(said: Said) -> bool:
    return numbers(said.en, EN_WORDS) == numbers(said.zh, ZH_WORDS)


# ------------------------------------------------------------------ which cases, in both languages


@pytest.fixture
def cases(monkeypatch):
    """A book of `n` cases named Case 1 … (案例1 …), without reading any data."""

    def book(n: int) -> list[str]:
        ids = [f"case-{i}" for i in range(1, n + 1)]
        monkeypatch.setattr(compare.data, "case_ids", lambda: ids)
        monkeypatch.setattr(compare, "short_name", lambda c: Said(f"Case {c[5:]}", f"案例{c[5:]}"))
        return ids

    return book


@pytest.mark.parametrize(
    ("total", "covered", "en", "zh"),
    [
        (3, 0, "none of the cases", "没有任何案例"),
        (3, 1, "Case 1", "案例1"),
        (3, 2, "Case 1 and Case 2 (two of three cases)", "案例1和案例2（三个案例中的两个）"),
        (3, 3, "all three cases", "全部三个案例"),
        (1, 1, "the one case", "唯一的案例"),
        (
            5,
            4,
            "Case 1, Case 2, Case 3 and Case 4 (four of five cases)",
            "案例1、案例2、案例3和案例4（五个案例中的四个）",
        ),
        (60, 5, "five of 60 cases", "60个案例中的五个"),
        (60, 60, "all 60 cases", "全部60个案例"),
        (12, 11, "11 of 12 cases", "12个案例中的11个"),
    ],
)
def test_which_cases_in_both_languages(cases, total, covered, en, zh):
    ids = cases(total)
    phrase = compare.which_cases(ids[:covered])
    assert (phrase.en, phrase.zh) == (en, zh)
    assert same_numbers(phrase)


@pytest.mark.parametrize(("n", "en", "zh"), [(0, "no", "零"), (1, "one", "一"), (2, "two", "两"), (10, "ten", "十"),
                                             (11, "11", "11"), (1234, "1,234", "1,234")])  # fmt: skip
def test_counts_in_both_languages(n, en, zh):
    count = compare.count_words(n)
    assert (str(count), count.zh) == (en, zh)


def test_names_are_joined_in_each_language():
    names = [Said("A, Shanghai", "上海甲"), Said("B", "乙"), Said("C", "丙")]
    joined = compare.join_names(names)
    assert (joined.en, joined.zh) == ("A, Shanghai; B; and C", "上海甲、乙和丙")
    assert compare.join_names(names[1:]).zh == "乙和丙"


def test_short_names_in_chinese():
    names = {c: compare.short_name(c) for c in data.case_ids()}
    assert names["barking-dagenham"] == "Barking and Dagenham"
    assert names["barking-dagenham"].zh == "巴金-达格纳姆区"
    assert names["fengquan-gujing"].zh == "丰泉古井"
    assert names["kic-garden"].zh == "创智农园"
    assert compare._short_zh("某村：一个试点") == "某村"


def test_bottleneck_findings_in_both_languages():
    table = compare.bottleneck_table()
    for bottleneck_id in table.bottleneck_id.unique():
        findings = compare.bottleneck_findings(bottleneck_id, table)
        assert isinstance(findings, Said) and findings.zh != findings.en
        assert re.search("[\u4e00-\u9fff]", findings.zh)
        assert not re.search(r"\b(shown|unknown|cases)\b", findings.zh)
        assert same_numbers(findings)


def test_chart_descriptions_keep_their_numbers():
    cases = compare.overview()
    scales = compare.scales().merge(cases[["case_id", "case"]], on="case_id")
    reach = compare.stage_reach()
    bottlenecks = compare.bottleneck_table()
    depth = compare.depth_scores().merge(cases[["case_id", "case"]], on="case_id")
    counts = compare.bottleneck_counts(bottlenecks)
    descriptions = [
        compare.describe_overview(cases),
        compare.describe_map(cases),
        compare.describe_scales(scales),
        compare.describe_shares(compare.stage_shares(), reach),
        compare.describe_counts(counts, "name_en", "assessment"),
        compare.describe_counts(
            compare.depth_counts().assign(score=lambda d: d.score.astype(str)), "dimension", "score"
        ),
        compare.describe_detail(compare.chosen_cases(), reach, bottlenecks, depth),
    ]
    for description in descriptions:
        assert isinstance(description, Said)
        assert same_numbers(description), (description.en, description.zh)
        # the coding's words are in Chinese
        assert not re.search(r"\b(partly shown|residents|policy maker|active|ended)\b", description.zh), description.zh


# ------------------------------------------------------------------ glued values


def test_a_glued_said_carries_both_languages(monkeypatch):
    from myst_nb.ext import glue as glue_module

    shown = []
    monkeypatch.setattr(glue_module, "ipy_display", lambda bundle, **kwargs: shown.append(bundle))
    glue_module.glue("cases", compare.which_cases(list(data.case_ids())), display=False)
    bundle = {key.removeprefix(glue_module.GLUE_PREFIX): value for key, value in shown[0].items()}
    assert bundle["text/markdown"] == "all three cases"
    assert bundle["text/plain"] == "all three cases"
    assert bundle[ZH("text/markdown")] == "全部三个案例"
    assert bundle[ZH("text/plain")] == "全部三个案例"


# ------------------------------------------------------------------ charts


def without_words(spec):
    """The specification's code, its words taken out: what must not change in Chinese (keys,
    field and parameter names, types, numbers; strings only under the code's keys)."""
    if isinstance(spec, dict):
        return {
            k: v if k in i18n.CODE_KEYS and k != "bind" else without_words(v)
            for k, v in spec.items()
            if k not in i18n.TEXT_KEYS
        }
    if isinstance(spec, list):
        return [without_words(v) for v in spec]
    return "…" if isinstance(spec, str) else spec


def titles(spec) -> list:
    if isinstance(spec, dict):
        return [v for k, v in spec.items() if k == "title" and isinstance(v, str)] + [
            t for v in spec.values() for t in titles(v)
        ]
    if isinstance(spec, list):
        return [t for v in spec for t in titles(v)]
    return []


def test_a_chapter_chart_translates_its_words_and_not_its_fields():
    """The case chapter's heatmap and timeline, built as the chapters build them."""
    case = data.case("kic-garden")
    heatmap = charts.stage_heatmap(
        case.stages,
        case.actors,
        title=_("Who took part in which stage: KIC Garden"),
        description=_(
            "Heatmap of four actors by seven stages of production. The Clover Nature School leads planning, "
            "design, management and implementation; the developer leads funding; residents lead "
            "implementation and contribute to design and management; no actor is recorded in supervision."
        ),
    )
    timeline = casepage.timeline(
        case.events,
        title=_("KIC Garden in time"),
        description=i18n.said("Dot chart of {n} events.", "点图：{n}个事件。", n=len(case.events)),
    )
    for chart in (heatmap, timeline):
        spec = chart.to_dict()
        chinese = i18n.translated_spec(spec)
        assert without_words(chinese) == without_words(spec)  # fields, data, marks, params unchanged
        assert re.search("[\u4e00-\u9fff]", "".join(chinese["title"]))
        assert re.search("[\u4e00-\u9fff]", chinese["description"])
        assert all(re.search("[\u4e00-\u9fff]", t) for t in titles(chinese) if t != spec.get("title"))
    spec = heatmap.to_dict()
    chinese = i18n.translated_spec(spec)
    assert chinese["title"] == ["谁参与了哪个阶段：创智农园"]  # set on lines, as the English
    stages = ["规划", "设计", "资助", "管理", "实施", "监督", "评估"]  # the axis's categories, in order, in Chinese
    assert chinese["layer"][0]["encoding"]["x"] == {
        **spec["layer"][0]["encoding"]["x"],
        "title": "生产阶段",
        "sort": stages,
    }
    rows = next(iter(chinese["datasets"].values()))
    assert {row["stage"] for row in rows} <= set(stages), "the data's stages are not the axis's"
    tooltips = chinese["layer"][0]["encoding"]["tooltip"]
    assert [t["field"] for t in tooltips] == ["actor", "stage", "level", "evidence", "cited"]
    assert [t["title"] for t in tooltips] == ["参与主体", "阶段", "等级（0–3）", "证据", "来源"]


def test_a_chart_output_has_its_chinese_variant():
    chart = charts.described(
        charts.alt.Chart(pd.DataFrame({"stage": ["design"], "n": [2]}))
        .mark_bar()
        .encode(x=charts.alt.X("n:Q", title=_("Cases")), y=charts.alt.Y("stage:N", title=_("Stage"))),
        title=_("Where the cases are"),
        description=i18n.said("Bar chart of {n} cases.", "条形图：{n}个案例。", n=2),
    )
    outputs = charts.casebook_renderer(chart.to_dict())
    assert "Where the cases are" in outputs["text/html"]
    assert "各案例的位置" in outputs[ZH("text/html")] and "条形图：2个案例。" in outputs[ZH("text/html")]
    assert "Where the cases are" not in outputs[ZH("text/html")]


# ------------------------------------------------------------------ tables


def cells(text: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", text)


def words(text: str) -> str:
    """What a reader reads of a table: its text, without tags and escapes."""
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def test_a_table_has_a_chinese_variant_with_the_same_numbers():
    frame = compare.type_summary().assign(note=[None, "x", None, "y"], known=[True, False, True, True])
    table = tables.show_table(
        frame,
        caption=_("Each kind of participant across the cases: the cases in which it takes part, and the median "
                  "number of distinct stages (of 7) it leads (level 3) or at least contributes to (level 2 or 3) "
                  "there (computed from the book's coding by book.compare.type_summary)."),
        columns={"type": _("Actor type"), "cases": _("Takes part in"), "leads": _("Stages led (median)"),
                 "shares": "Stages contributed to or led (median)", "note": "Note", "known": "Known"},
    )  # fmt: skip
    bundle = table._repr_mimebundle_()
    english, chinese = bundle["text/html"], bundle[ZH("text/html")]
    assert english == table.data
    assert len(cells(english)) == len(cells(chinese)) == 4 * 6
    assert numbers(words(english), {}) == numbers(words(chinese), {})  # every digit of the cells and caption
    assert "<caption>各类参与者在各案例中的情况" in chinese
    assert '<th scope="col">参与主体类型</th>' in chinese and '<th scope="col">Actor type</th>' in english
    assert "全部三个案例" in chinese and "all three cases" in english
    assert "政策制定者" in chinese and "policy maker" not in chinese
    assert chinese.count(">未知</span>") == english.count(">unknown</span>") == 2
    assert "<td>是</td>" in chinese and "<td>yes</td>" in english


def test_a_table_in_english_only_says_so_once():
    table = tables.show_table(pd.DataFrame({"n": [1, 2]}), caption="Numbers, 1 and 2")
    assert table._repr_mimebundle_() == {"text/html": table.data}
    linked = table.replace('<td class="num">1</td>', '<td class="num"><a>1</a></td>')
    assert "<a>1</a>" in linked.data and "<a>1</a>" in linked.zh
    both = table.replace_each({'<td class="num">1</td>': "<td>one</td>", '<td class="num">2</td>': "<td>two</td>"})
    assert "<td>one</td>" in both.data and "<td>two</td>" in both.zh and '<td class="num">' not in both.data


# ------------------------------------------------------------------ the code's catalogue


def test_every_message_of_the_code_is_translated():
    catalogue = translations.read(translations.catalogue_path(i18n.CATALOGUE), i18n.CATALOGUE)
    assert catalogue.problems == []
    translated = i18n.catalogue()
    missing = [m.id for m in translations.code_messages() if m.id and m.id not in translated]
    assert missing == [], "run `python -m book translations` and translate the new messages of book.po"


def test_the_catalogue_names_the_stages_as_the_data_does():
    """A stage's Chinese in a table or description is production_stages.csv's stage_zh."""
    stages = data.theory_table("production_stages")
    assert {s: i18n.catalogue().get(s) for s in stages.stage} == dict(zip(stages.stage, stages.stage_zh))


# ------------------------------------------------------------------ the data's words in Chinese

HAN = re.compile("[\u4e00-\u9fff]")


def test_a_tables_chinese_columns_are_registered_when_read():
    """Reading a table with a Chinese column teaches the kernel its words (book.data)."""
    arnstein = data.theory_table("arnstein")
    assert data.chinese_columns(arnstein) == {"name_en": "name_zh", "group": "group_zh"}
    assert i18n.chinese("Manipulation") == "操纵" and i18n.chinese("nonparticipation") == "非参与"
    actors = data.case_table("kic-garden", "actors")
    assert i18n.chinese(actors.name_en.iloc[0]) == actors.name_zh.iloc[0]
    projects = data.case_table("kic-garden", "projects")
    assert data.chinese_columns(projects) == {"project": "name_zh"}
    # Across cases the table leads with case_id, which is not what its Chinese names translate.
    assert data.chinese_columns(data.cases_table("projects")) == {"project": "name_zh"}
    assert i18n.chinese("kic-garden") == "kic-garden"


def test_the_heatmaps_chinese_has_chinese_stages_and_actors_in_its_data():
    case = data.case("barking-dagenham")
    spec = charts.stage_heatmap(case.stages, case.actors, title=_("Stage"), description=_("Stage")).to_dict()
    chinese = i18n.translated_spec(spec)
    rows = next(iter(chinese["datasets"].values()))
    english_rows = next(iter(spec["datasets"].values()))
    assert {row["stage"] for row in rows} <= set(data.theory_table("production_stages").stage_zh)
    assert {row["actor"] for row in rows} <= set(case.actors.name_zh)
    assert all(HAN.search(row["actor_label"]) and HAN.search(row["involvement"]) for row in rows)
    assert [r["level"] for r in rows] == [r["level"] for r in english_rows]  # the same numbers
    # the axis's order lists the labels the data has
    assert set(chinese["layer"][0]["encoding"]["y"]["sort"]) == {row["actor_label"] for row in rows}
    assert spec["height"] == charts.band_height([r["actor_label"] for r in english_rows], step=40)


def test_a_chinese_label_wraps_within_the_english_lines():
    label = charts.wrap(
        i18n.Said("Child-Friendly City Research Lab of Hunan University", "湖南大学儿童友好城市研究室"), 17
    )
    assert str(label) == "Child-Friendly\nCity Research Lab\nof Hunan\nUniversity"
    assert label.zh.replace("\n", "") == "湖南大学儿童友好城市研究室"
    assert all(len(line) <= 9 for line in label.zh.split("\n"))
    assert charts.line_count(label) == 4
    short = charts.wrap(i18n.Said("A long name in English words", "一个非常非常非常长的中文名字没有空格"), 30)
    assert "\n" not in short.zh  # never more lines than the English: the chart keeps its size
    assert charts.wrap("no Chinese known here", 8) == "no\nChinese\nknown\nhere"


def test_a_filters_options_and_the_data_it_filters_are_the_same_chinese():
    cases = compare.overview()
    spec = charts.case_overview(cases, title=_("Status"), description=_("Status")).to_dict()
    chinese = i18n.translated_spec(spec)
    params = {p["name"]: p for p in chinese["params"]}
    rows = next(iter(chinese["datasets"].values()))
    status = params["status"]["bind"]
    assert status["name"] == "状态 " and status["labels"][0] == "任何状态"
    assert status["options"][1:] == status["labels"][1:] == ["进行中", "已结束", "未知"]
    assert {row["status"] for row in rows} <= set(status["options"][1:])
    country = params["country"]["bind"]
    assert country["labels"][0] == "所有国家" and {row["country"] for row in rows} <= set(country["options"][1:])
    assert {row["focus"] for row in rows} <= set(params["focus"]["bind"]["options"][1:])
    assert params["search"]["bind"]["name"] == "查找案例 " and params["since"]["bind"]["name"] == "开始年份不早于 "
    assert {row["case"] for row in rows} == {"巴金-达格纳姆区", "丰泉古井", "创智农园"}
    assert all(HAN.search(row["place"]) and HAN.search(row["depth"]) for row in rows)
    count = chinese["vconcat"][0]["transform"][-1]["calculate"]
    assert "'{total}个案例中有{matched}个符合下方的选择'" in count
    assert "'{matched} of {total} cases match the choices below'" in spec["vconcat"][0]["transform"][-1]["calculate"]


def test_the_detail_views_words_are_chinese():
    cases = compare.overview()
    bottlenecks = compare.bottleneck_table()
    depth = compare.depth_scores().merge(cases[["case_id", "case"]], on="case_id")
    spec = charts.chosen_cases_detail(
        compare.stage_matrix(), data.cases_table("actors"), bottlenecks, depth, cases, compare.chosen_cases(),
        title=_("Case"), description=_("Case"),
    ).to_dict()  # fmt: skip
    chinese = i18n.translated_spec(spec)
    rows = [row for dataset in chinese["datasets"].values() for row in dataset]
    words = ["actor", "actor_label", "stage", "involvement", "bottleneck", "name_en", "assessment", "dimension"]
    words += ["dimension_label", "score_text", "coded_by", "heading"]
    for field in words:
        values = {row[field] for row in rows if field in row}
        assert values and all(HAN.search(value) for value in values), field
    assert {row["score_text"] for row in rows if "score_text" in row} <= {f"{n}分（满分3分）" for n in range(4)}
    assert {row["assessment"] for row in rows if "assessment" in row} <= {"已显现", "部分显现", "未显现", "未知"}
    bind = chinese["params"][0]["bind"]
    assert bind["name"] == "案例1 " and set(bind["labels"]) == {"巴金-达格纳姆区", "丰泉古井", "创智农园"}
    assert bind["options"] == spec["params"][0]["bind"]["options"]  # the values are ids, not words


def test_a_table_shows_data_words_in_chinese_and_an_english_name_beside_its_chinese_as_english():
    stages = data.theory_table("production_stages")
    both = tables.show_table(stages, caption=_("Stage"), columns={"stage": _("Stage"), "stage_zh": _("中文")})
    assert "<td>planning</td><td>规划</td>" in both.zh
    alone = tables.show_table(stages, caption=_("Stage"), columns={"order": _("Order"), "stage": _("Stage")})
    assert "<td>规划</td>" in alone.zh and "<td>planning</td>" in alone.data
    cases = compare.overview()
    table = tables.show_table(cases, caption=_("Case"), columns={"case": _("Case"), "status": _("Status"),
                                                                 "country": _("Country")})  # fmt: skip
    assert (
        "<td>创智农园</td>" in table.zh
        and "<td>中国</td>" in table.zh
        and "<td>KIC Garden, Shanghai</td>" in table.data
    )
    assert not re.search(r"<td>(active|ended|unknown)</td>", table.zh)


def test_a_chinese_label_breaks_between_characters_or_at_spaces_never_inside_a_latin_word():
    label = charts.wrap(
        i18n.said(
            "{basis} ({cited})",
            "{basis}（{cited}）",
            basis=Said("total funding", "资金总额"),
            cited="3D Printing Industry, 2019",
        ),
        24,
    )
    assert label.zh == "资金总额（3D Printing\nIndustry, 2019）"
    bracket = charts.wrap(
        Said("programme budget announced before launch (London)", "启动前公布的项目预算（London Borough）"), 24
    )
    assert not any(line.endswith("（") for line in bracket.zh.split("\n"))


def test_no_chart_data_field_is_named_as_code():
    """translated_spec keeps the values of keys such as `type` and `name` as code: a dataset's
    field so named would stay English in the Chinese edition."""
    cases = compare.overview()
    specs = [
        charts.case_map(cases, title=_("Case"), description=_("Case")).to_dict(),
        charts.stage_share_heatmap(compare.stage_shares(), title=_("Case"), description=_("Case")).to_dict(),
    ]
    for spec in specs:
        for rows in i18n.translated_spec(spec)["datasets"].values():
            if isinstance(rows, list):
                assert not {field for row in rows for field in row} & i18n.CODE_KEYS
    listed = [r for rows in i18n.translated_spec(specs[0])["datasets"].values() if isinstance(rows, list) for r in rows]
    assert {r["listed"] for r in listed if "listed" in r} == {"巴金-达格纳姆区", "丰泉古井", "创智农园"}


def test_a_notebook_that_uses_the_codes_catalogue_records_it(tmp_path, monkeypatch):
    """A changed translation re-runs the chapters that show it (book.reads)."""
    from book import reads

    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(reads.LOG_VARIABLE, str(log))
    _("Stage")
    _("Case")
    assert [e["path"] for e in reads.read_log(log)] == [str(i18n.catalogue_path().resolve())]

"""The Chinese edition's catalogues, and the edition's build rules, on small projects (fast)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from book.build import i18n, translations

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def write_po(path: Path, entries: list[tuple[str, str, bool]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(
        ("#, fuzzy\n" if fuzzy else "") + f'msgid "{msgid}"\nmsgstr "{msgstr}"\n\n' for msgid, msgstr, fuzzy in entries
    )
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, entries) -> list[str]:
    return translations.read(write_po(tmp_path / "page.po", entries), "page").problems


def test_a_page_not_started_has_nothing_to_report(tmp_path):
    assert problems_of(tmp_path, [("Hello", "", False), ("World", "", False)]) == []


def test_a_started_page_must_be_translated_whole(tmp_path):
    found = problems_of(tmp_path, [("Hello", "你好", False), ("World", "", False)])
    assert len(found) == 1 and found[0].endswith('"World" has no translation yet')


def test_a_changed_english_message_is_reported_as_fuzzy(tmp_path):
    found = problems_of(tmp_path, [("Hello there", "你好", True)])
    assert len(found) == 1 and "fuzzy" in found[0] and "Hello there" in found[0]


@pytest.mark.parametrize(
    "msgid, msgstr, lost",
    [
        ("As {cite:p}`zhao2020coproduction` says", "如文章所说", "{cite:p}`zhao2020coproduction`"),
        ("{glue:md}`case_count` cases", "若干案例", "{glue:md}`case_count`"),
        ("See {ref}`comparison-pattern`.", "见比较。", "{ref}`comparison-pattern`"),
        ("A [map](https://example.org/m)", "一张地图", "https://example.org/m"),
        ("{term}`co-production`", "{term}`合作生产 <production>`", "{term}`co-production`"),
    ],
)
def test_a_translation_keeps_every_citation_value_reference_and_link(tmp_path, msgid, msgstr, lost):
    found = problems_of(tmp_path, [(msgid, msgstr, False)])
    assert any(lost in problem for problem in found), found


def test_a_term_may_be_shown_in_chinese_while_it_links_to_the_english_entry(tmp_path):
    assert problems_of(tmp_path, [("{term}`co-production`", "{term}`合作生产 <co-production>`", False)]) == []


def test_a_numbered_heading_must_not_turn_into_a_list(tmp_path):
    found = problems_of(tmp_path, [("1. The idea", "1. 概念", False)])
    assert found and "backslash" in found[0]
    assert problems_of(tmp_path, [("1. The idea", "1\\\\. 概念", False)]) == []


def test_the_books_catalogues_are_complete_or_not_started():
    assert translations.problems() == []


def test_counterparts_lead_to_the_same_page_in_the_other_edition():
    assert i18n.counterpart("index", "en") == "zh/index.html"
    assert i18n.counterpart("chapters/theory/concept", "en") == "../../zh/chapters/theory/concept.html"
    assert i18n.counterpart("chapters/theory/concept", "zh_CN") == "../../../chapters/theory/concept.html"
    assert i18n.counterpart("index", "zh_CN") == "../index.html"


def test_the_chinese_edition_is_the_books_configuration_in_chinese(tmp_path):
    (tmp_path / "_config.yml").write_text("title: T\nsphinx:\n  config:\n    language: en\n", encoding="utf-8")
    config = i18n.edition_config(tmp_path)
    assert config["title"] == "T"
    assert config["sphinx"]["config"]["language"] == "zh_CN"


PAGE = """\
# Title

First paragraph.

Second paragraph.
"""


def sphinx_project(root: Path, po_entries) -> Path:
    (root / "conf.py").write_text(
        textwrap.dedent(
            """
            extensions = ["myst_nb", "book.build.i18n"]
            locale_dirs = ["locales"]
            gettext_compact = False
            nb_execution_mode = "off"
            """
        ),
        encoding="utf-8",
    )
    (root / "index.md").write_text(PAGE, encoding="utf-8")
    if po_entries is not None:
        write_po(root / "locales" / "zh_CN" / "LC_MESSAGES" / "index.po", po_entries)
    return root


def build_in_chinese(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "-W",
            "-D",
            "language=zh_CN",
            str(root),
            str(root / "out"),
        ],
        capture_output=True,
        text=True,
    )


TRANSLATED = [
    ("Title", "标题", False),
    ("First paragraph.", "第一段。", False),
    ("Second paragraph.", "第二段。", False),
]


@pytest.mark.slow  # a Sphinx build each
def test_a_translated_page_is_built_in_chinese_with_its_switch(tmp_path):
    result = build_in_chinese(sphinx_project(tmp_path, TRANSLATED))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "第二段。" in page and "Second paragraph." not in page
    assert 'lang="zh-Hans"' in page
    assert '<link rel="alternate" hreflang="en" href="../index.html" />' in page


@pytest.mark.slow  # a Sphinx build each
@pytest.mark.parametrize(
    "stale",
    [
        ("Second paragraph, as it was.", "第二段。", False),  # the English changed; the catalogue was not refreshed
        ("Second paragraph.", "第二段。", True),  # refreshed: the translation is marked to update
    ],
)
def test_a_paragraph_changed_in_english_fails_the_chinese_build_and_is_named(tmp_path, stale):
    result = build_in_chinese(sphinx_project(tmp_path, [*TRANSLATED[:2], stale]))
    assert result.returncode != 0
    assert '"Second paragraph." has no Chinese translation' in result.stderr
    assert "make translations" in result.stderr


@pytest.mark.slow  # a Sphinx build each
def test_a_page_not_yet_translated_is_shown_in_english_under_a_notice(tmp_path):
    result = build_in_chinese(sphinx_project(tmp_path, None))
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "本页尚未译成中文" in page and 'href="../index.html" hreflang="en"' in page
    assert '<div lang="en">' in page and "Second paragraph." in page


def test_a_downloaded_notebooks_markdown_is_translated_block_by_block():
    chinese = {
        "Title here": "标题",
        "Some *para* continues here.": "一段*文字*。",
        "item one wraps": "第一项",
        "In this chapter": "本章导读",
        "**Reading time:** about 20 minutes.": "**阅读时长**：约20分钟。",
    }
    source = textwrap.dedent(
        """\
        # Title here

        Some *para*
        continues here.

        - item one
          wraps
        - item two

        ```{admonition} In this chapter
        :class: tip
        **Reading time:** about 20 minutes.
        ```
        """
    )
    assert i18n.translated_markdown(source, lambda m: chinese.get(m, m)) == textwrap.dedent(
        """\
        # 标题

        一段*文字*。

        - 第一项
        - item two

        ```{admonition} 本章导读
        :class: tip
        **阅读时长**：约20分钟。
        ```
        """
    )


@pytest.mark.parametrize(
    "source, marked",
    [
        (
            "<p>埃莉诺·奥斯特罗姆（Elinor Ostrom）</p>",
            '<p>埃莉诺·奥斯特罗姆（<span lang="en">Elinor Ostrom</span>）</p>',
        ),
        ("<p>见Barking &amp; Dagenham。</p>", '<p>见<span lang="en">Barking &amp; Dagenham</span>。</p>'),
        ("<p>Ostrom&#8217;s 观点</p>", '<p><span lang="en">Ostrom&#8217;s</span> 观点</p>'),
        (
            '<span class="math notranslate">\\(Q = f(C)\\)</span>',
            '<span class="math notranslate">\\(Q = f(C)\\)</span>',
        ),
        ('<a lang="en">English</a><code>x y</code>', '<a lang="en">English</a><code>x y</code>'),
        ("<p>2020年</p>", "<p>2020年</p>"),
    ],
)
def test_the_chinese_edition_marks_english_runs(source, marked):
    from book.build import pages

    assert pages.mark_english(source) == marked
    assert pages.mark_english(marked) == marked


def test_an_entity_is_never_cut_by_a_mark():
    from book.build import pages

    assert pages.mark_english("<td>&#x27;book&#x27; 包</td>") == '<td>&#x27;<span lang="en">book&#x27;</span> 包</td>'
    assert pages.mark_english("<p>中文English</p>") == '<p>中文<span lang="en">English</span></p>'

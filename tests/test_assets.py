"""The theme's icon font and stylesheet, trimmed to the icons the site shows (book/build/assets.py)."""

from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont

from book.build import assets, pages


def test_trim_keeps_the_rules_of_named_icons_and_their_code_points():
    css = (
        '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}.fa-bug:before{content:"\\f188"}'
        '@font-face{src:url(a.woff2) format("woff2"),url(a.ttf) format("truetype")}'
    )
    trimmed, codepoints = assets.trim_stylesheet(css, {"fa-navicon"})
    assert '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}' in trimmed
    assert "fa-bug" not in trimmed
    assert codepoints == {0xF0C9}
    assert ".ttf" not in trimmed and "a.woff2" in trimmed


def test_steps_after_the_build_redo_only_the_pages_written_again(tmp_path, monkeypatch):
    """Marking the other language and finding icons read again only a page whose bytes changed,
    whatever its size and times say."""
    import os

    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    still, edited = site / "still.html", site / "edited.html"
    still.write_text("<p>合作生产</p>", encoding="utf-8")
    edited.write_text('<p>共建</p><i class="fa-bars"></i>', encoding="utf-8")
    assert pages.mark_other_language_in_site(site) == 2
    assert assets.icons_named(site) == {"fa-bars"}
    marked = still.read_text(encoding="utf-8")
    assert marked == '<p><span lang="zh-Hans">合作生产</span></p>'

    before = edited.stat()
    edited.write_text('<p>共享</p><i class="fa-bug"></i>', encoding="utf-8")  # same size, same times
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    read = []
    original = pages.mark_chinese
    monkeypatch.setattr(pages, "mark_chinese", lambda page: read.append(page) or original(page))
    assert pages.mark_other_language_in_site(site) == 1
    assert read == ['<p>共享</p><i class="fa-bug"></i>']  # the unchanged page is not read through
    assert still.read_text(encoding="utf-8") == marked
    assert edited.read_text(encoding="utf-8") == '<p><span lang="zh-Hans">共享</span></p><i class="fa-bug"></i>'
    assert assets.icons_named(site) == {"fa-bug"}
    assert not list(site.rglob("*.json")), "the record stays outside the published site"


@pytest.mark.build
def test_every_icon_the_site_names_keeps_its_rule_and_its_glyph(built_site):
    static = built_site / "_static"
    original = (assets.THEME_STATIC / assets.STYLESHEET).read_text(encoding="utf-8")
    icons = {
        name: int(codepoint, 16)
        for names, codepoint in assets.ICON_RULE.findall(original)
        for name in assets.RULE_NAMES.findall(names)
    }
    shown = assets.icons_named(built_site) & set(icons)
    assert {"fa-bars", "fa-magnifying-glass", "fa-download"} <= shown  # the header's buttons
    trimmed = (static / assets.STYLESHEET).read_text(encoding="utf-8")
    kept = {name for names, _ in assets.ICON_RULE.findall(trimmed) for name in assets.RULE_NAMES.findall(names)}
    assert shown <= kept, f"icons shown without their rule: {sorted(shown - kept)}"
    glyphs = set().union(*(TTFont(font).getBestCmap() or {} for font in (static / assets.FONTS).glob("*.woff2")))
    missing = sorted(name for name in shown if icons[name] not in glyphs)
    assert not missing, f"icons shown without a glyph in the site's fonts: {missing}"
    assert len(kept) < 100, "the stylesheet still carries the icons nobody shows"


@pytest.mark.build
@pytest.mark.parametrize("edition", ["", "zh"])
def test_the_first_paint_waits_on_one_small_stylesheet_and_a_small_font(built_site, edition):
    site = built_site / edition
    static = site / "_static"
    fonts = {font.name: font.stat().st_size for font in (static / assets.FONTS).iterdir()}
    assert all(name.endswith(".woff2") and size < 10_000 for name, size in fonts.items()), fonts
    theme = (static / "styles" / "theme.css").read_text(encoding="utf-8")
    assert "@import" not in theme and "div.clearer" in theme  # basic.css's rules, inline
    linked = set()
    for page in pages.site_pages(site):
        head = page.read_text(encoding="utf-8").partition("</head>")[0]
        if 'http-equiv="Refresh"' in head or page == built_site / "index.html":
            continue  # an edition's index.html redirects; the site's root chooses an edition
        sheets = re.findall(r'<link [^>]*rel="stylesheet"[^>]*>', head)
        assert len(sheets) == 1, f"{page.name} links {len(sheets)} stylesheets, not one: {sheets}"
        linked.add(re.search(r"_static/([^\"?]+)", sheets[0])[1])
    assert len(linked) == 1, f"pages link different stylesheets, so a reader downloads each: {linked}"
    bundle = (static / linked.pop()).read_text(encoding="utf-8")
    assert "@import" not in bundle
    for part in ("styles/pydata-sphinx-theme.css", "casebook.css", "casebook-charts.css", "styles/theme.css"):
        assert f"/* {part} */" in bundle, part
    for address in set(re.findall(r"url\(['\"]?([^'\")]+)", bundle)):
        if not address.startswith(("data:", "#")):
            assert (static / address.split("?")[0].split("#")[0]).resolve().exists(), (
                f"the bundle names a missing {address}"
            )

"""The theme's icon font and stylesheet, cut down to the icons the site shows.

pydata-sphinx-theme ships all of Font Awesome: about 2,000 icon rules in its stylesheet and a
156 KB solid font that every page downloads before it settles, for the twenty or so icons of the
header. On a phone over slow 4G that is most of a second. After each build the stylesheet keeps
only the rules of icons named in the site's pages or scripts, and the fonts only their glyphs
(fontTools' subsetter). Both are cut from the theme's own files, so an icon added later is found.

The rule format is pydata-sphinx-theme 0.17's (`.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}`);
requirements.lock pins the theme and tests/test_assets.py checks that every icon a page names
still has its rule and its glyph.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

import pydata_sphinx_theme

from book.build import pages

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
STYLESHEET = Path("styles") / "pydata-sphinx-theme.css"
FONTS = Path("vendor") / "fontawesome" / "webfonts"

ICON_NAME = re.compile(r"\bfa-[a-z0-9-]+")
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"\\([0-9a-f]+)"\}')
RULE_NAMES = re.compile(r"\.(fa-[a-z0-9-]+):before")
# Every browser the site serves reads WOFF2; the TrueType copies are never fetched.
TRUETYPE_SOURCE = re.compile(r',url\([^)]*\.ttf\) format\("truetype"\)')
SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")


def icons_named(site: Path) -> set[str]:
    """Every `fa-…` name in the site's pages and scripts (the theme's scripts add a few icons)."""
    record = pages.PageRecord(site, "icons", Path(__file__).read_bytes())  # files unchanged since: not searched
    names: set[str] = set()
    for path in [*pages.site_pages(site), *(site / "_static").rglob("*.js")]:
        raw = path.read_bytes()
        found = record.get(path, raw)
        if found is None:
            found = sorted(set(ICON_NAME.findall(raw.decode("utf-8", errors="ignore"))))
            record.put(path, raw, found)
        names.update(found)
    record.save()
    return names


def trim_stylesheet(css: str, used: set[str]) -> tuple[str, set[int]]:
    """The stylesheet without the rules of unused icons, and the code points of the used ones."""
    codepoints: set[int] = set()

    def keep_if_used(rule: re.Match) -> str:
        if used.isdisjoint(RULE_NAMES.findall(rule.group(1))):
            return ""
        codepoints.add(int(rule.group(2), 16))
        return rule.group(0)

    css = ICON_RULE.sub(keep_if_used, css)
    return SOURCE_MAP.sub("", TRUETYPE_SOURCE.sub("", css)), codepoints


def subset_font(source: Path, target: Path, codepoints: set[int]) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    wanted = sorted(codepoints & set(font.getBestCmap())) or [ord(" ")]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []  # icons are single glyphs: no ligatures or kerning to keep
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)


def trim_theme_assets(site: Path) -> None:
    static = site / "_static"
    if not (static / STYLESHEET).exists():
        return
    css, codepoints = trim_stylesheet((THEME_STATIC / STYLESHEET).read_text(encoding="utf-8"), icons_named(site))
    (static / STYLESHEET).write_text(css, encoding="utf-8")
    (static / STYLESHEET).with_suffix(".css.map").unlink(missing_ok=True)
    for font in (THEME_STATIC / FONTS).glob("*.woff2"):
        subset_font(font, static / FONTS / font.name, codepoints)
    for truetype in (static / FONTS).glob("*.ttf"):
        truetype.unlink()


def inline_basic_stylesheet(site: Path) -> None:
    """theme.css only @imports basic.css: a second round trip before the first paint. It gets
    basic.css's rules instead, their relative addresses rewritten for the folder below."""
    static = site / "_static"
    basic, theme = static / "basic.css", static / "styles" / "theme.css"
    if basic.exists() and theme.exists():
        css = re.sub(r"url\((['\"]?)(?![a-z]+:|/|\.\./)", r"url(\1../", basic.read_text(encoding="utf-8"))
        theme.write_text(css, encoding="utf-8")


# ------------------------------------------------------------ one stylesheet per page

STYLESHEET_LINK = re.compile(
    r'<link (?=[^>]*rel="stylesheet")(?![^>]*media=)[^>]*href="([^"]*?)_static/([^"?]+\.css)(?:\?[^"]*)?"[^>]*>\s*'
)
BUNDLE_LINK = re.compile(r"(_static/(casebook-styles-[0-9a-f]+\.css))\?v=[0-9a-f]+")
BUNDLES = "casebook-styles.json"  # bundle name -> the stylesheets it joins, kept across builds
RELATIVE_URL = re.compile(r"url\((['\"]?)(?![a-z]+:|/|#)([^'\")]+)")


def _joined(static: Path, names: list[str]) -> str:
    parts = []
    for name in names:
        css = (static / name).read_text(encoding="utf-8").replace('@charset "UTF-8";', "")
        if "@import" in css:
            raise ValueError(f"_static/{name} imports another stylesheet and cannot be joined to others")
        folder = posixpath.dirname(name)
        if folder:  # addresses were relative to the stylesheet's folder; the bundle sits in _static
            css = RELATIVE_URL.sub(
                lambda m, folder=folder: f"url({m[1]}{posixpath.normpath(posixpath.join(folder, m[2]))}", css
            )
        parts.append(f"/* {name} */\n{css}")
    return '@charset "UTF-8";\n' + "\n".join(parts)


def _bundle_name(names: list[str]) -> str:
    return f"casebook-styles-{hashlib.sha1(' '.join(names).encode()).hexdigest()[:10]}.css"


def bundle_stylesheets(site: Path) -> None:
    """Each page links one stylesheet that joins its dozen, in their order. Over a slow phone
    connection a dozen requests cost three round trips before the first paint; one costs one.
    The joined files stay in _static; every build rewrites the new pages and refreshes every bundle."""
    static = site / "_static"
    manifest_path = static / BUNDLES
    bundles: dict[str, list[str]] = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    texts = {p: p.read_text(encoding="utf-8") for p in pages.site_pages(site)}
    new_links: dict[Path, list[re.Match]] = {}  # pages that still link the stylesheets one by one
    for page, text in texts.items():
        links = list(STYLESHEET_LINK.finditer(text.partition("</head>")[0]))
        if len(links) > 1:
            new_links[page] = links
            bundles[_bundle_name([link[2] for link in links])] = [link[2] for link in links]
    versions = {}
    for bundle, names in bundles.items():
        css = _joined(static, names)
        (static / bundle).write_text(css, encoding="utf-8")
        versions[bundle] = hashlib.sha1(css.encode()).hexdigest()[:8]
    linked: set[str] = set()
    for page, text in texts.items():
        head, _, rest = text.partition("</head>")
        if page in new_links:
            links = new_links[page]
            bundle = _bundle_name([link[2] for link in links])
            for link in reversed(links):
                head = head[: link.start()] + head[link.end() :]
            head = (
                head[: links[0].start()]
                + f'<link rel="stylesheet" href="{links[0][1]}_static/{bundle}?v={versions[bundle]}" />\n'
                + head[links[0].start() :]
            )
        head = BUNDLE_LINK.sub(lambda m: f"{m[1]}?v={versions.get(m[2], '0')}", head)
        linked.update(m[2] for m in BUNDLE_LINK.finditer(head))
        if head + "</head>" + rest != text:
            page.write_text(head + "</head>" + rest, encoding="utf-8")
    for stale in set(bundles) - linked:  # no page links it any more
        (static / stale).unlink(missing_ok=True)
        del bundles[stale]
    manifest_path.write_text(json.dumps(bundles, indent=1), encoding="utf-8")

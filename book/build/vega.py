"""Vega, Vega-Lite and Vega-Embed served from the site itself.

Altair's HTML output loads these from a CDN unless `VEGA_DEBUG` already declares matching
versions and a global `vegaEmbed` exists. A small inline loader declares both before any chart
runs; its `vegaEmbed` waits until the chart is near the viewport, then loads the bundle (once)
and draws the chart, so text paints first and unseen charts cost nothing.
"""

from __future__ import annotations

import functools
import hashlib
import json
import shutil
from pathlib import Path

import altair as alt
import vl_convert

from book import paths

PAGE_STYLE = "casebook.css"  # every page: tables, fonts, print
STYLE = "casebook-charts.css"  # the charts' boxes
LOADER = "casebook-vega-loader.js"  # inlined into pages with charts
_CHART_MARKER = "vegaEmbed("
_BUNDLE_SNIPPET = "window.casebookVega.resolve(vegaEmbed);"


def versions() -> dict[str, str]:
    return {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.VEGALITE_VERSION,
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }


@functools.cache
def static_text(name: str) -> str:
    """A script from book/static/, read once per build (pages inline it)."""
    return (paths.STATIC_DIR / name).read_text(encoding="utf-8")


def loader_js() -> str:
    script = static_text(LOADER)
    return script.replace("__CASEBOOK_VEGA_VERSIONS__", json.dumps(versions())).replace(
        "__CASEBOOK_VEGA_BUNDLE__", bundle_name()
    )


def bundle_name() -> str:
    tag = hashlib.sha256(json.dumps([vl_convert.__version__, versions()]).encode()).hexdigest()[:10]
    return f"casebook-vega-{tag}.js"


def write_static(folder: Path) -> Path:
    """Write the stylesheets and the bundle into `folder` (the bundle only when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (STYLE, PAGE_STYLE):
        shutil.copyfile(paths.STATIC_DIR / name, folder / name)
    bundle = folder / bundle_name()
    if not bundle.exists():
        for stale in folder.glob("casebook-vega-*.js"):
            stale.unlink()
        code = vl_convert.javascript_bundle(snippet=_BUNDLE_SNIPPET)
        # A function scope keeps the bundle's top-level names from clashing with the theme's.
        bundle.write_text("(function () {\n" + code + "\n})();\n", encoding="utf-8")
    return folder


def page_has_chart(body: str) -> bool:
    return _CHART_MARKER in body

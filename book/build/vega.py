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
import re
import shutil
from pathlib import Path

import altair as alt
import vl_convert

from book import paths

PAGE_STYLE = "casebook.css"  # every page: tables, fonts, print
STYLE = "casebook-charts.css"  # the charts' boxes
LOADER = "casebook-vega-loader.js"  # inlined into pages with charts
_CHART_MARKER = "vegaEmbed("
# Altair's HTML calls its drawing function with the spec: `})({"config": ...}, {...embed options})`.
_SPEC_CALL = re.compile(r"\}\)\((?=\{\"config\")")
# A chart whose data take more than this (as JSON) keeps only its spec in the page; its data go
# to a file of the page's own that the loader fetches with the chart code, when a chart nears.
INLINE_DATA_LIMIT = 16_000
DATA_FOLDER = "casebook-data"
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


def data_file_name(docname: str) -> str:
    return docname.replace("/", "-") + ".js"


def move_chart_data(body: str, docname: str, static: Path) -> str:
    """Move the data of the page's large charts (more than INLINE_DATA_LIMIT as JSON) to
    _static/casebook-data/<page>.js and return the page without them.

    The file is a script, not JSON, so that the charts draw from a copy of the site opened
    without a server too; each spec names the file and its datasets in `usermeta`, and the loader
    (casebook-vega-loader.js) puts them back before the chart is drawn. The static SVG, drawn at
    build time, stays in the page.
    """
    from book.charts import HtmlSafeJSONEncoder

    decoder = json.JSONDecoder()
    moved: dict[str, list] = {}
    pieces, position = [], 0
    for call in _SPEC_CALL.finditer(body):
        spec, end = decoder.raw_decode(body, call.end())
        datasets = spec.get("datasets") or {}
        if len(json.dumps(datasets)) <= INLINE_DATA_LIMIT:
            continue
        moved.update(datasets)
        spec = {key: value for key, value in spec.items() if key != "datasets"}
        spec["usermeta"] = {**spec.get("usermeta", {}), "casebookData": {"datasets": sorted(datasets)}}
        pieces += [body[position : call.end()], json.dumps(spec, cls=HtmlSafeJSONEncoder)]
        position = end
    target = static / DATA_FOLDER / data_file_name(docname)
    if not moved:
        target.unlink(missing_ok=True)
        return body
    script = "window.casebookVega.addData(" + json.dumps(moved, cls=HtmlSafeJSONEncoder, separators=(",", ":")) + ");\n"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script, encoding="utf-8")
    version = hashlib.sha256(script.encode()).hexdigest()[:10]
    address = f"_static/{DATA_FOLDER}/{target.name}?v={version}"
    body = "".join(pieces) + body[position:]
    # Every moved chart names the same file, with its version, so a browser never mixes builds.
    return body.replace('"casebookData": {"datasets"', f'"casebookData": {{"src": "{address}", "datasets"')

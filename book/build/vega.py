"""Vega, Vega-Lite and Vega-Embed served from the site itself.

Altair's HTML output loads these from a CDN unless `VEGA_DEBUG` already declares matching
versions and a global `vegaEmbed` exists. A small inline loader declares both before any chart
runs; its `vegaEmbed` waits until the chart is near the viewport, then loads the bundle (once)
and draws the chart, so text paints first and unseen charts cost nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import altair as alt
import vl_convert

PAGE_STYLE = "casebook.css"
# Wide data tables scroll inside the text column instead of overflowing it.
_PAGE_CSS = """.casebook-table-scroll { max-width: 100%; overflow-x: auto; margin-bottom: 1rem; }
table.casebook-table caption { caption-side: top; text-align: left; }
"""
STYLE = "casebook-charts.css"
# Altair's output makes each chart a flex row, which squeezes a chart beside its controls.
_STYLE_CSS = """.vega-embed { flex-direction: column; align-items: flex-start; max-width: 100%; overflow-x: auto; }
.vega-embed svg { max-width: none; }
.vega-embed .vega-bindings { margin-top: 0.5rem; font-size: 0.9rem; }
.vega-embed .vega-bind { margin-bottom: 0.25rem; }
@media print {
  div[id^="altair-viz-"]:empty::after {
    content: "(This chart is drawn when it is scrolled into view on screen: scroll to it before printing.)";
    font-style: italic;
  }
}
"""
_CHART_MARKER = "vegaEmbed("

# Runs before any chart. A chart is drawn when it comes near the viewport, each in a task of its
# own, and the bundle loads when the first chart needs it: a page's text never waits for charts
# the reader has not reached. `casebookVega.resolve` is called by the bundle once it has loaded;
# `casebookVega.drawAll()` draws every chart now (for printing).
_LOADER_JS = """(function () {
  var bundle = null, waiting = [];
  window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {}, %(versions)s);
  window.casebookVega = {
    drawAll: function () { waiting.splice(0).forEach(function (draw) { draw(); }); }
  };
  window.addEventListener("beforeprint", window.casebookVega.drawAll);
  function loadBundle() {
    if (!bundle) {
      bundle = new Promise(function (resolve) { window.casebookVega.resolve = resolve; });
      var script = document.createElement("script");
      script.src = (document.documentElement.dataset.content_root || "") + "_static/%(bundle)s";
      document.head.appendChild(script);
    }
    return bundle;
  }
  function nearViewport(box) {
    return new Promise(function (resolve) {
      if (!("IntersectionObserver" in window)) { resolve(); return; }
      var watch = new IntersectionObserver(function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) { draw(); }
      }, { rootMargin: "50%% 0px" });
      function draw() { watch.disconnect(); resolve(); }
      waiting.push(draw);
      watch.observe(box);
    });
  }
  function ownTask(value) { return new Promise(function (resolve) { setTimeout(resolve, 0, value); }); }
  window.vegaEmbed = function (element, spec, options) {
    var box = typeof element === "string" ? document.querySelector(element) : element;
    return nearViewport(box).then(loadBundle).then(ownTask).then(function (embed) {
      return embed(box, spec, options).then(function (result) {
        // A chart wider than the text column scrolls; keyboard users must be able to reach it.
        if (box.scrollWidth > box.clientWidth) { box.tabIndex = 0; }
        // The chart's description also names the SVG itself, for tools that read the image.
        var svg = box.querySelector("svg");
        if (svg && box.getAttribute("aria-label")) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", box.getAttribute("aria-label"));
        }
        return result;
      });
    });
  };
})();
"""
_BUNDLE_SNIPPET = "window.casebookVega.resolve(vegaEmbed);"


def versions() -> dict[str, str]:
    return {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.VEGALITE_VERSION,
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }


def loader_js() -> str:
    return _LOADER_JS % {"versions": json.dumps(versions()), "bundle": bundle_name()}


def bundle_name() -> str:
    tag = hashlib.sha256(json.dumps([vl_convert.__version__, versions()]).encode()).hexdigest()[:10]
    return f"casebook-vega-{tag}.js"


def write_static(folder: Path) -> Path:
    """Write the stylesheets and the bundle into `folder` (the bundle only when missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / STYLE).write_text(_STYLE_CSS, encoding="utf-8")
    (folder / PAGE_STYLE).write_text(_PAGE_CSS, encoding="utf-8")
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

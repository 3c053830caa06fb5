"""Sphinx extension: validate data, execute stale notebooks in parallel, ship Vega offline.

- builder-inited: stale notebooks (code, data read, or `book` code changed) are found, and the
  warm kernels' imports start loading on another core. The data and references.bib are
  validated; any problem stops the build before a notebook runs. Then the stale notebooks start
  executing across the cores, while Sphinx carries on.
- env-get-outdated: their pages are re-read, even when only a CSV changed.
- source-read: a page waits for its own notebook, whose outputs go into myst-nb's jupyter-cache.
- html-page-context: pages that draw a chart get the Vega loader, which fetches the bundle from
  the site itself when the first chart nears the viewport.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from book import schema
from book.build import execution, pages, teaching, vega

logger = logging.getLogger(__name__)


def _set_root(app: Sphinx, config) -> None:
    # Pages are rewritten (not re-executed) when the build's own code changes.
    config.casebook_code = hashlib.sha256(
        b"".join(p.read_bytes() for p in sorted(Path(__file__).parent.rglob("*.py")))
    ).hexdigest()
    # Notebooks, the validator and the loader read the copy of the book being built.
    os.environ["CASEBOOK_ROOT"] = str(Path(app.srcdir).resolve())
    _static_dir(app).mkdir(parents=True, exist_ok=True)  # filled once execution has started
    app.config.html_static_path.append(str(_static_dir(app)))


def _static_dir(app: Sphinx) -> Path:
    return Path(app.outdir).parent / ".casebook-static"


def _single_page_handlers(app: Sphinx) -> None:
    # Sphinx uses only the handlers registered for "singlehtml" once any extension registers
    # one, so nodes registered for "html" (myst-nb's hidden-cell toggles) lose theirs; merge them.
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        handlers["singlehtml"] = {**handlers.get("html", {}), **handlers.get("singlehtml", {})}


def _validate(app: Sphinx) -> None:
    problems = schema.validate_all()
    if problems:
        listing = "\n".join(f"  {problem}" for problem in problems)
        raise ExtensionError(f"{len(problems)} problem(s) in the book's data; nothing was built:\n{listing}")


def _manifest(app: Sphinx) -> execution.Manifest:
    cache_path = Path(app.env.mystnb_config.execution_cache_path)
    return execution.Manifest(cache_path / execution.MANIFEST_NAME)


def _notebooks(app: Sphinx, env) -> dict[str, tuple[Path, object]]:
    found = {}
    for docname in sorted(env.found_docs):
        nb = execution.read_notebook(env, docname)
        if nb is not None:
            found[docname] = (Path(env.doc2path(docname)), nb)
    return found


class _Run:
    """Notebooks executing in worker processes while Sphinx gets on with the rest of the build."""

    def __init__(self, app: Sphinx, jobs, hashes, package: str):
        from jupyter_cache import get_cache

        self.app, self.hashes, self.package = app, hashes, package
        self.root = Path(app.srcdir).resolve()
        self.cache = get_cache(app.env.mystnb_config.execution_cache_path)
        self.manifest = _manifest(app)
        self.started = time.perf_counter()
        self.pool, self.futures = execution.submit_all(jobs, self.root, app.env.mystnb_config.execution_timeout)

    def collect(self, docname: str) -> None:
        """Wait for one notebook and put its outputs in the cache myst-nb reads."""
        from jupyter_cache.base import CacheBundleIn
        import nbformat

        future = self.futures.pop(docname, None)
        if future is None:
            return
        try:
            run = future.result()
        except execution.NotebookFailed as error:
            self.close(cancel=True)
            raise ExtensionError(str(error)) from None
        nb = nbformat.reads(run.notebook, as_version=4)
        self.cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(self.app.env.doc2path(docname)), data={"execution_seconds": run.seconds}),
            check_validity=False, overwrite=True,
        )
        self.manifest.record(docname, self.hashes[docname], self.package, run, self.root)
        self.manifest.save()

    def finish(self) -> None:
        for docname in sorted(self.futures):
            self.collect(docname)
        self.close()
        logger.info(f"[casebook] executed in {time.perf_counter() - self.started:.1f} s")

    def close(self, cancel: bool = False) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


def _plan_execution(app: Sphinx) -> None:
    """Find the stale notebooks; if there are any, start loading the warm kernels' imports
    on another core while the data are validated."""
    env = app.env
    app.casebook_run, app.casebook_jobs = None, []
    if env.mystnb_config.execution_mode != "cache" or app.builder.format != "html":
        return
    from jupyter_cache import get_cache
    import nbformat

    env.find_files(app.config, app.builder)
    cache = get_cache(env.mystnb_config.execution_cache_path)
    manifest = _manifest(app)
    root = Path(app.srcdir).resolve()
    app.casebook_package = package = execution.package_digest()
    jobs, hashes = [], {}
    for docname, (path, nb) in _notebooks(app, env).items():
        _, hashes[docname] = cache.create_hashed_notebook(nb)
        try:
            cached = cache.match_cache_notebook(nb)
        except KeyError:
            cached = None
        if cached is None or not manifest.is_fresh(docname, hashes[docname], package, root):
            jobs.append((docname, nbformat.writes(nb), str(path.parent)))
    app.casebook_hashes = hashes
    # Longest first, so no core is left with one long notebook at the end: the last run's time
    # where there is one, else the amount of code.
    jobs.sort(key=lambda job: (manifest.entries.get(job[0], {}).get("seconds", 0), len(job[1])), reverse=True)
    app.casebook_jobs = jobs
    if jobs:
        execution.warm_context()


def _start_execution(app: Sphinx) -> None:
    """Start executing the stale notebooks (the data are valid by now), before Sphinx reads any page."""
    jobs = app.casebook_jobs
    if jobs:
        logger.info(f"[casebook] executing {len(jobs)} notebook(s) in parallel: "
                    + ", ".join(docname for docname, _, _ in jobs))
        app.casebook_run = _Run(app, jobs, app.casebook_hashes, app.casebook_package)
    vega.write_static(_static_dir(app))  # meanwhile: the chart bundle, when missing


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Pages to re-read: those whose notebook is running, or ran since the page was last read."""
    run = app.casebook_run
    running = set(run.futures) if run else set()
    manifest = _manifest(app)
    seen = getattr(env, "casebook_exec_keys", {})
    stale = {doc for doc in getattr(app, "casebook_hashes", {}) if seen.get(doc) != manifest.key(doc)}
    return sorted((running | stale) - set(added))


def _await_notebook(app: Sphinx, docname: str, source) -> None:
    if app.casebook_run:
        app.casebook_run.collect(docname)


def _finish_execution(app: Sphinx, env) -> None:
    if app.casebook_run:
        app.casebook_run.finish()
        app.casebook_run = None


def _stop_execution(app: Sphinx, exception) -> None:
    if getattr(app, "casebook_run", None):
        app.casebook_run.close(cancel=True)


def _remember_key(app: Sphinx, doctree) -> None:
    docname = app.env.docname
    key = _manifest(app).key(docname)
    if key:
        if not hasattr(app.env, "casebook_exec_keys"):
            app.env.casebook_exec_keys = {}
        app.env.casebook_exec_keys[docname] = key


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "casebook_exec_keys", {}).pop(docname, None)


def _merge(app: Sphinx, env, docnames, other) -> None:
    env.casebook_exec_keys = {**getattr(env, "casebook_exec_keys", {}),
                              **{d: k for d, k in getattr(other, "casebook_exec_keys", {}).items() if d in docnames}}


def _is_thebe(script) -> bool:
    # Live code needs a remote kernel; the site is static and offline, so thebe is dropped.
    name = str(getattr(script, "filename", script) or "")
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in name or "THEBE_JS_URL" in body


# Inline scripts on every page assign to this file's global, so it must load before them.
RENDER_BLOCKING = ("documentation_options.js",)


def _deferred(script):
    """The same script, loaded without blocking the first paint."""
    from sphinx.builders.html._assets import _JavaScript

    name = str(getattr(script, "filename", "") or "")
    attributes = getattr(script, "attributes", {})
    if not name or name.endswith(RENDER_BLOCKING) or "defer" in attributes or "async" in attributes:
        return script
    return _JavaScript(script.filename, priority=script.priority, **{**attributes, "defer": "defer"})


def _page_scripts(app: Sphinx, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files", [])
    if doctree is not None and vega.page_has_chart(context.get("body", "")):
        app.add_css_file(vega.STYLE)
        # Inline, so the charts' own inline scripts find it; it loads the bundle when needed.
        app.add_js_file(None, body=vega.loader_js(), priority=400)
    # The builder reads this same list: edit it in place. The search page's own inline script
    # calls into Sphinx's scripts as it loads, so there they stay as they are.
    defer = _deferred if pagename != "search" else (lambda script: script)
    scripts[:] = [defer(s) for s in scripts if not _is_thebe(s)]


def _page_extras(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None:
        return
    context["body"] = pages.fix_theme_html(context.get("body", ""))
    entry = _manifest(app).entries.get(pagename)
    if entry is None or "pathto" not in context:
        return
    notebook = pages.write_executed_notebook(app, pagename)
    if notebook:
        context["ipynb_source"] = notebook  # the theme's download menu offers it too
    datasets = sorted(dep["path"] for dep in entry["reads"] if dep["path"].endswith(".csv"))
    context["body"] += pages.extras_html(context["pathto"], pagename, context.get("title", ""),
                                         notebook, datasets, app.config.version or "0.1.0")


def _forget_env_after_warnings(app: Sphinx, exception) -> None:
    # Sphinx reports a page's warnings only when it re-reads the page; after a build with
    # warnings, drop the saved environment so the next build re-reads every page and fails again.
    if exception is not None or getattr(app, "_warncount", 0):
        (Path(app.doctreedir) / "environment.pickle").unlink(missing_ok=True)


def _copy_data(app: Sphinx, exception) -> None:
    # The data catalogue and the chapters link to the datasets: publish them with the site.
    if exception is None and app.builder.format == "html":
        source = Path(app.srcdir) / "data"
        target = Path(app.outdir) / "data"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))


def setup(app: Sphinx) -> dict:
    app.add_config_value("casebook_code", "", "html")
    app.add_directive("casebook-syllabus", teaching.Syllabus)
    app.connect("config-inited", _set_root)
    app.add_css_file(vega.PAGE_STYLE)
    app.connect("builder-inited", _plan_execution)
    app.connect("builder-inited", _validate)
    app.connect("builder-inited", _single_page_handlers)
    app.connect("builder-inited", _start_execution)
    app.connect("env-get-outdated", _outdated)
    app.connect("source-read", _await_notebook)
    app.connect("env-updated", _finish_execution)
    app.connect("build-finished", _stop_execution)
    app.connect("doctree-read", _remember_key)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("html-page-context", _page_extras, priority=400)  # before the theme's buttons
    app.connect("html-page-context", _page_scripts)
    app.connect("build-finished", _forget_env_after_warnings)
    app.connect("build-finished", _copy_data)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}

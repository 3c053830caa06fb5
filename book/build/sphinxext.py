"""Sphinx extension: validate data, execute stale notebooks in parallel, ship Vega offline.

- builder-inited: stale notebooks (code, data read, or `book` code changed) are found, and the
  warm kernels' imports start loading on another core. The data and references.bib are
  validated; any problem stops the build before a notebook runs. Then the stale notebooks start
  executing across the cores, while Sphinx carries on.
- env-get-outdated: their pages are re-read, even when only a CSV changed.
- source-read: a page waits for its own notebook, whose outputs go into myst-nb's jupyter-cache.
  With `-j N`, Sphinx reads pages in forked processes that cannot wait on the pool, so every
  notebook is collected before reading starts (env-before-read-docs).
- html-page-context: pages that draw a chart get the Vega loader, which fetches the bundle from
  the site itself when the first chart nears the viewport.
- build-finished: Chinese text on every page is marked lang="zh-Hans" (book/build/pages.py); the
  theme's icon font and stylesheet keep only the icons the site shows (book/build/assets.py).

One CasebookBuild per Sphinx application holds the run's state.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import gc
import hashlib
import html
import logging as stdlib_logging
import os
import re
import shutil
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.logging import is_suppressed_warning

from book import csvfile, paths, schema
from book.build import assets, bundles, downloads, execution, i18n, metadata, pages, search, teaching, vega, web

logger = logging.getLogger(__name__)
MATH_LOADER = "casebook-math-loader.js"

# Inline scripts on every page assign to this file's global, so it must load before them.
RENDER_BLOCKING = ("documentation_options.js",)


def _is_thebe(script) -> bool:
    # Live code needs a remote kernel; the site is static and offline, so thebe is dropped.
    name = str(getattr(script, "filename", script) or "")
    body = getattr(script, "attributes", {}).get("body", "")
    return "thebe" in name or "THEBE_JS_URL" in body


def _deferrable(script) -> bool:
    name = str(getattr(script, "filename", "") or "")
    attributes = getattr(script, "attributes", {})
    return bool(name) and not name.endswith(RENDER_BLOCKING) and not {"defer", "async"} & set(attributes)


class _WarningCounter(stdlib_logging.Handler):
    """Counts the warnings Sphinx reports (those `suppress_warnings` does not silence)."""

    def __init__(self, app: Sphinx):
        super().__init__(stdlib_logging.WARNING)
        self.app, self.count = app, 0

    def emit(self, record) -> None:
        kind, subtype = getattr(record, "type", ""), getattr(record, "subtype", "")
        if not is_suppressed_warning(kind, subtype, self.app.config.suppress_warnings):
            self.count += 1


ANSI = re.compile(r"\x1b\[[0-9;]*m")
FAILED_CELL = re.compile(r"An error occurred while executing the following cell:\n-+\n(.*?)\n-+\n", re.S)


def failure_report(path: Path, root: Path, message: str) -> str:
    """A failed notebook as its author needs it: the chapter file and the line of the failing
    cell first, then the error as the cell raised it (not the executor's own frames)."""
    message = ANSI.sub("", message)
    found = FAILED_CELL.search(message)
    if not found:
        return message
    cell, raised = found.group(1), message[found.end() :].strip()
    text = path.read_text(encoding="utf-8")
    start = text.find(cell)
    line = text.count("\n", 0, start) + 1 if start >= 0 else 0
    where = path.relative_to(root).as_posix() + (f", line {line}" if line else "")
    last = raised.strip().splitlines()[-1] if raised.strip() else "an error"
    return f"{where}: the code cell starting here raised {last}\n\n{raised}"


class _Run:
    """Notebooks executing in worker processes while Sphinx gets on with the rest of the build."""

    def __init__(self, build: CasebookBuild, jobs):
        from jupyter_cache import get_cache

        self.build = build
        self.cache = get_cache(build.app.env.mystnb_config.execution_cache_path)
        self.started = time.perf_counter()
        self.pool, self.futures = execution.submit_all(jobs, build.root, build.app.env.mystnb_config.execution_timeout)

    def collect(self, docname: str) -> None:
        """Wait for one notebook and put its outputs in the cache myst-nb reads."""
        import nbformat
        from jupyter_cache.base import CacheBundleIn

        future = self.futures.pop(docname, None)
        if future is None:
            return
        try:
            run = future.result()
        except execution.NotebookFailed as error:
            self.close(cancel=True)
            raise ExtensionError(
                failure_report(Path(self.build.app.env.doc2path(docname)), self.build.root, str(error))
            ) from None
        except Exception as error:  # a worker died outright (killed, out of memory)
            self.close(cancel=True)
            raise ExtensionError(f"{docname}: notebook execution failed: {type(error).__name__}: {error}") from None
        nb = nbformat.reads(run.notebook, as_version=4)
        self.cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(self.build.app.env.doc2path(docname)), data={"execution_seconds": run.seconds}),
            check_validity=False,
            overwrite=True,
        )
        manifest = self.build.manifest
        manifest.record(docname, self.build.hashes[docname], self.build.package, run, self.build.root)
        manifest.save()

    def finish(self) -> None:
        for docname in sorted(self.futures):
            self.collect(docname)
        self.close()
        logger.info(f"[casebook] executed in {time.perf_counter() - self.started:.1f} s")

    def close(self, cancel: bool = False) -> None:
        """Wait for the pool to finish; with `cancel`, stop every notebook still running."""
        if cancel:
            self.pool.stop()
        else:
            self.pool.shutdown()


class CasebookBuild:
    """The state of one build: the manifest (read once), the notebooks' hashes, the run."""

    def __init__(self, app: Sphinx):
        self.app = app
        self.root = Path(app.srcdir).resolve()
        self.book: metadata.Metadata | None = None  # read once, when the configuration is
        self.manifest: execution.Manifest | None = None
        self.package = ""
        self.hashes: dict[str, str] = {}
        self.jobs: list[tuple[str, str, str]] = []
        self.run: _Run | None = None
        self.warnings = _WarningCounter(app)
        self.configured_excludes: set[str] = set()

    @property
    def static_dir(self) -> Path:
        return Path(self.app.outdir).parent / ".casebook-static"

    def connect(self) -> None:
        app = self.app
        app.connect("config-inited", self.set_root)
        app.connect("config-inited", self.set_metadata)
        # Around sphinx_external_toc's handler (priority 900), which excludes pages not in _toc.yml.
        app.connect("config-inited", self.remember_excludes, priority=100)
        app.connect("config-inited", self.refuse_pages_outside_toc, priority=950)
        app.connect("builder-inited", self.plan)
        app.connect("builder-inited", self.validate)
        # Once the data are valid: build-finished, which thaws, follows whatever happens after.
        app.connect("builder-inited", freeze_collections)
        app.connect("build-finished", thaw_collections, priority=900)
        app.connect("builder-inited", self.single_page_handlers)
        app.connect("builder-inited", self.start)
        app.connect("env-get-outdated", self.outdated)
        app.connect("env-before-read-docs", self.before_parallel_read)
        app.connect("source-read", self.await_notebook)
        app.connect("env-updated", self.finish)
        app.connect("build-finished", self.stop)
        app.connect("doctree-read", self.remember_key)
        app.connect("env-purge-doc", self.purge)
        app.connect("env-merge-info", self.merge)
        app.connect("html-page-context", self.page_extras, priority=400)  # before the theme's buttons
        app.connect("html-page-context", self.page_scripts)
        app.connect("build-finished", self.forget_env_after_warnings)
        app.connect("build-finished", self.copy_data)
        app.connect("build-finished", self.mark_chinese)
        app.connect("build-finished", self.trim_theme_assets, priority=600)  # after every page is final

    # ------------------------------------------------------------ setup

    def set_metadata(self, app: Sphinx, config) -> None:
        # One source for the version (pyproject.toml); the repository's buttons follow its address.
        self.book = book = metadata.load(self.root)
        if i18n.is_chinese(config) and book.url:  # the Chinese edition's pages are cited at their own address
            self.book = dataclasses.replace(book, url=f"{book.url.rstrip('/')}/{i18n.EDITION_DIR}/")
        config.version = config.version or book.version
        config.release = config.release or book.version
        options = config.html_theme_options
        # The sidebar lists pages, not their sections (titles_only), and no page has pages of its
        # own: one level is all it shows, and deeper levels were resolved for every page written.
        options.setdefault("max_navbar_depth", 1)
        for button in ("use_repository_button", "use_edit_page_button", "use_issues_button"):
            options[button] = bool(book.repository)
        if not book.repository:
            options["repository_url"] = ""  # Jupyter Book's default points at its own repository

    def set_root(self, app: Sphinx, config) -> None:
        # Pages are rewritten (not re-executed) when the build's own code or the pages' static
        # files change: Sphinx copies static files, and stamps their links with a checksum,
        # only when it writes pages.
        code = sorted(Path(__file__).parent.rglob("*.py")) + sorted(paths.STATIC_DIR.glob("*.*"))
        config.casebook_code = hashlib.sha256(b"".join(p.read_bytes() for p in code)).hexdigest()
        # Notebooks, the validator and the loader read the copy of the book being built.
        os.environ["CASEBOOK_ROOT"] = str(self.root)
        self.static_dir.mkdir(parents=True, exist_ok=True)  # filled once execution has started
        config.html_static_path.append(str(self.static_dir))
        stdlib_logging.getLogger("sphinx").addHandler(self.warnings)

    def remember_excludes(self, app: Sphinx, config) -> None:
        self.configured_excludes = set(config.exclude_patterns)

    def refuse_pages_outside_toc(self, app: Sphinx, config) -> None:
        # Jupyter Book only notes "Excluded N extra file(s) not in toc": a case whose entry is
        # forgotten would vanish from the site and the comparison's links while an old copy of its
        # page stayed in _build. Here it is an error that names the pages.
        left_out = sorted(set(config.exclude_patterns) - self.configured_excludes)
        if left_out:
            listing = "\n".join(
                f"  {page}: add '- file: {Path(page).with_suffix('').as_posix()}' to _toc.yml, or delete the page"
                for page in left_out
            )
            raise ExtensionError(f"{len(left_out)} page(s) are not in _toc.yml, so they would not be built:\n{listing}")

    def single_page_handlers(self, app: Sphinx) -> None:
        # Sphinx uses only the handlers registered for "singlehtml" once any extension registers
        # one, so nodes registered for "html" (myst-nb's hidden-cell toggles) lose theirs; merge
        # them. The registry has no public accessor: tests/test_private_apis.py checks it.
        if app.builder.name == "singlehtml":
            handlers = app.registry.translation_handlers
            handlers["singlehtml"] = {**handlers.get("html", {}), **handlers.get("singlehtml", {})}

    def validate(self, app: Sphinx) -> None:
        problems = schema.validate_all()
        if problems:
            listing = "\n".join(f"  {problem}" for problem in problems)
            raise ExtensionError(f"{len(problems)} problem(s) in the book's data; nothing was built:\n{listing}")

    # ------------------------------------------------------------ execution

    def plan(self, app: Sphinx) -> None:
        """Find the stale notebooks; if there are any, start loading the warm kernels' imports
        on another core while the data are validated."""
        env = app.env
        self.manifest = execution.Manifest(Path(env.mystnb_config.execution_cache_path) / execution.MANIFEST_NAME)
        if env.mystnb_config.execution_mode != "cache" or app.builder.format != "html":
            return
        import nbformat
        from jupyter_cache import get_cache

        env.find_files(app.config, app.builder)
        cache = get_cache(env.mystnb_config.execution_cache_path)
        self.package = execution.package_digest()
        jobs = []
        for docname in sorted(env.found_docs):
            nb, hashkey = execution.kept_notebook(env, docname, cache)
            if nb is None:
                continue
            path = Path(env.doc2path(docname))
            self.hashes[docname] = hashkey
            fresh = self.manifest.is_fresh(docname, hashkey, self.package, self.root)
            if not (fresh and execution.is_cached(cache, hashkey)):
                jobs.append((docname, nbformat.writes(nbformat.from_dict(nb)), str(path.parent)))
        # Longest first, so no core is left with one long notebook at the end: the last run's
        # time where there is one, else the amount of code.
        entries = self.manifest.entries
        jobs.sort(key=lambda job: (entries.get(job[0], {}).get("seconds", 0), len(job[1])), reverse=True)
        self.jobs = jobs
        if jobs:
            execution.warm_context()

    def start(self, app: Sphinx) -> None:
        """Start executing the stale notebooks (the data are valid by now), before Sphinx reads any page."""
        if self.jobs:
            logger.info(
                f"[casebook] executing {len(self.jobs)} notebook(s) in parallel: "
                + ", ".join(docname for docname, _, _ in self.jobs)
            )
            self.run = _Run(self, self.jobs)
        vega.write_static(self.static_dir)  # meanwhile: the chart bundle, when missing
        pages.write_static(self.static_dir)

    def outdated(self, app: Sphinx, env, added, changed, removed) -> list[str]:
        """Pages to re-read: those whose notebook is running, or ran since the page was last read."""
        running = set(self.run.futures) if self.run else set()
        seen = getattr(env, "casebook_exec_keys", {})
        stale = {doc for doc in self.hashes if seen.get(doc) != self.manifest.key(doc)}
        return sorted((running | stale) - set(added))

    def before_parallel_read(self, app: Sphinx, env, docnames) -> None:
        # Forked readers cannot wait on this process's pool: collect every notebook first.
        if app.parallel > 1:
            self.finish(app, env)

    def await_notebook(self, app: Sphinx, docname: str, source) -> None:
        if self.run:
            self.run.collect(docname)

    def finish(self, app: Sphinx, env) -> None:
        if self.run:
            self.run.finish()
            self.run = None

    def stop(self, app: Sphinx, exception) -> None:
        if self.run:
            self.run.close(cancel=True)

    # ------------------------------------------------------------ environment

    def remember_key(self, app: Sphinx, doctree) -> None:
        docname = app.env.docname
        key = self.manifest.key(docname) if self.manifest else None
        if key:
            if not hasattr(app.env, "casebook_exec_keys"):
                app.env.casebook_exec_keys = {}
            app.env.casebook_exec_keys[docname] = key

    def purge(self, app: Sphinx, env, docname: str) -> None:
        getattr(env, "casebook_exec_keys", {}).pop(docname, None)

    def merge(self, app: Sphinx, env, docnames, other) -> None:
        env.casebook_exec_keys = {
            **getattr(env, "casebook_exec_keys", {}),
            **{d: k for d, k in getattr(other, "casebook_exec_keys", {}).items() if d in docnames},
        }

    # ------------------------------------------------------------ pages

    def page_scripts(self, app: Sphinx, pagename, templatename, context, doctree) -> None:
        scripts = context.get("script_files", [])
        # The builder reads this same list: edit it in place, then add through the public API.
        # The search page's own inline script calls into Sphinx's scripts as it loads, so there
        # they stay as they are.
        scripts[:] = [s for s in scripts if not _is_thebe(s)]
        styles = context.get("css_files", [])
        styles[:] = [s for s in styles if not _is_thebe(s)]  # its stylesheet goes with it
        # MathJax loads when a formula nears the viewport (book/static/casebook-math-loader.js).
        maths = [s for s in scripts if "mathjax/tex-" in str(getattr(s, "filename", "") or "")]
        if maths:
            scripts[:] = [s for s in scripts if s not in maths]
            loader = vega.static_text(MATH_LOADER)
            app.add_js_file(None, body=loader.replace("__CASEBOOK_MATHJAX__", str(maths[0].filename)), priority=400)
        if pagename != "search":
            deferred = [s for s in scripts if _deferrable(s)]
            scripts[:] = [s for s in scripts if not _deferrable(s)]
            for script in deferred:
                # The builder keeps names relative to the output folder; add_js_file takes them
                # relative to _static, as extensions register them.
                name = str(script.filename).removeprefix("_static/")
                app.add_js_file(name, priority=script.priority, loading_method="defer", **script.attributes)
        if doctree is not None and vega.page_has_chart(context.get("body", "")):
            # Inline, so the charts' own inline scripts find it; it loads the bundle when needed.
            app.add_js_file(None, body=vega.loader_js(), priority=400)

    def page_extras(self, app: Sphinx, pagename, templatename, context, doctree) -> None:
        if doctree is None:
            return
        context["body"] = pages.fix_theme_html(context.get("body", ""))
        if vega.page_has_chart(context["body"]):
            context["body"] = vega.move_chart_data(context["body"], pagename, Path(app.outdir) / "_static")
        entry = self.manifest.entries.get(pagename) if self.manifest else None
        if entry is None or "pathto" not in context:
            return
        written = pages.write_executed_notebook(app, pagename)
        notebook = bundle = None
        if written:
            notebook, executed = written
            context["ipynb_source"] = notebook  # the theme's download menu offers it too
            title = html.unescape(re.sub("<[^>]+>", "", context.get("title", "")))
            bundle = bundles.write_bundle(Path(app.outdir), pagename, title, executed, entry["reads"])
            context["casebook_bundle"] = bundle
        datasets = sorted(dep["path"] for dep in entry["reads"] if dep["path"].endswith(".csv"))
        context["body"] += pages.extras_html(
            context["pathto"],
            pagename,
            context.get("title", ""),
            notebook,
            datasets,
            self.book,
            bundle,
            chinese=i18n.is_chinese(app.config),
        )

    # ------------------------------------------------------------ end of build

    def forget_env_after_warnings(self, app: Sphinx, exception) -> None:
        # Sphinx reports a page's warnings only when it re-reads the page; after a build with
        # warnings, drop the saved environment so the next build re-reads every page and fails again.
        stdlib_logging.getLogger("sphinx").removeHandler(self.warnings)
        if exception is not None or self.warnings.count:
            (Path(app.doctreedir) / "environment.pickle").unlink(missing_ok=True)

    def mark_chinese(self, app: Sphinx, exception) -> None:
        # After the theme has rendered its navigation too, which holds Chinese titles (English
        # ones in the Chinese edition).
        if exception is None and app.builder.format == "html":
            pages.mark_other_language_in_site(Path(app.outdir), chinese_edition=i18n.is_chinese(app.config))

    def trim_theme_assets(self, app: Sphinx, exception) -> None:
        if exception is None and app.builder.format == "html":
            assets.trim_theme_assets(Path(app.outdir))
            assets.inline_basic_stylesheet(Path(app.outdir))
            assets.bundle_stylesheets(Path(app.outdir))

    def copy_data(self, app: Sphinx, exception) -> None:
        # The data catalogue and the chapters link to the datasets: publish them with the site.
        if exception is None and app.builder.format == "html":
            source = Path(app.srcdir) / "data"
            target = Path(app.outdir) / "data"
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
            # Published by the book's one rule (book.csvfile): UTF-8 without a mark, commas, LF.
            for csv in target.rglob("*.csv"):
                if not csvfile.is_normalised(csv):
                    csv.write_text(csvfile.read_text(csv), encoding="utf-8", newline="\n")
            # The Data Package sits beside data/ at the site's root, as in the repository.
            package = Path(app.srcdir) / "datapackage.json"
            if package.exists():
                shutil.copy(package, Path(app.outdir) / package.name)


def freeze_collections(app: Sphinx) -> None:
    """Leave what is loaded by now (the saved environment, the extensions) out of the garbage
    collector's rounds: it lives as long as the build, and each full round walked all of it,
    half a second at a time for a hundred cases."""
    gc.freeze()


def thaw_collections(app: Sphinx, exception) -> None:
    """After the build, a process that lives on (a test run, a second build) collects it again."""
    gc.unfreeze()


@functools.cache  # once a process, however many builds it runs
def exit_without_final_collection() -> None:
    """At exit, leave the build's objects to the operating system: the interpreter's last
    garbage collections walk every one of them (0.6 s for three cases, 1.5 s for a hundred)
    and free nothing the process still needs. Files are closed by then; atexit handlers still run."""
    atexit.register(gc.freeze)


def setup(app: Sphinx) -> dict:
    exit_without_final_collection()
    app.add_config_value("casebook_code", "", "html")
    app.add_directive("casebook-syllabus", teaching.Syllabus)
    # Every page, the charts' too: pages share one joined stylesheet (book/build/assets.py).
    app.add_css_file(vega.PAGE_STYLE)
    app.add_css_file(vega.STYLE)
    for script in pages.SCRIPTS:
        app.add_js_file(script, loading_method="defer")
    search.setup(app)  # Chinese terms found by a part of them
    i18n.setup(app)  # the Chinese edition
    CasebookBuild(app).connect()
    downloads.setup(app)
    web.setup(app)
    # Parallel reading is safe: notebooks are collected before Sphinx forks its readers.
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}

"""Shared fixtures: the book's root, a served copy of the built site, and headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from book.build.browser import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
# Where Chromium (or Chrome) usually is, when CASEBOOK_CHROMIUM does not name it.
CHROMIUM_PLACES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
INSTALL_CHROMIUM = {
    "darwin": "brew install --cask chromium",
    "linux": "sudo apt-get install -y chromium (on Ubuntu: sudo snap install chromium)",
}


IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", "__pycache__", "*.egg-info")
CACHE = Path("_build") / ".jupyter_cache"


def copy_book(target: Path, seed_from: Path | None = None) -> Path:
    """A copy of the book's sources at `target`. With `seed_from` (a built book), its execution
    cache too: the copy re-executes only the notebooks whose code or data differ, which also
    proves that the cache's keys hold in another folder."""
    shutil.copytree(ROOT, target, ignore=IGNORE)
    if seed_from is not None:
        shutil.copytree(seed_from / CACHE, target / CACHE)
    return target


def jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def build_book(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """Build the book at `root` as `make book` does: warnings are errors, references nitpicky."""
    env = {**os.environ, "CASEBOOK_ROOT": str(root)}
    return subprocess.run(
        [jupyter_book(), "build", str(root), "-W", "-n", "--keep-going", *extra],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
    )


def run_edition(root: Path) -> subprocess.CompletedProcess:
    """Build the Chinese edition of the book at `root` into its site's zh/, as `make book` does."""
    env = {**os.environ, "CASEBOOK_ROOT": str(root)}
    return subprocess.run(
        [sys.executable, "-m", "book", "chinese-edition"], capture_output=True, text=True, env=env, cwd=root
    )


def run_book(*args: str) -> subprocess.CompletedProcess:
    """`python -m book *args` run in this process, through the command line's own entry
    (book.build.cli.main) with what it prints captured: a second's start-up less than a real
    command. tests/test_data.py runs the real command once."""
    from book.build import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exit:  # argparse's refusals
            code = exit.code
    return subprocess.CompletedProcess(["python", "-m", "book", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def book_copy(tmp_path, monkeypatch) -> Path:
    """A copy of what `make validate` reads (data, chapters, bibliography, table of contents);
    the validator and the loader read it instead of the book."""
    for name in ("data", "chapters"):
        shutil.copytree(ROOT / name, tmp_path / name)
    for name in ("references.bib", "_toc.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setenv("CASEBOOK_ROOT", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="session")
def built_site() -> Path:
    """The book built in place (the same build `make book` makes), once per test run; fails with
    the build log. Whichever pytest-xdist worker asks first builds; the others wait on a lock and
    find the build done for this run."""
    import fcntl

    (ROOT / "_build").mkdir(exist_ok=True)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    marker = ROOT / "_build" / ".built-for-test-run"
    with open(ROOT / "_build" / ".test-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (marker.exists() and marker.read_text(encoding="utf-8") == run):
            marker.unlink(missing_ok=True)
            result = build_book(ROOT)
            if result.returncode == 0:  # then the Chinese edition, from the same execution
                result = run_edition(ROOT)
            if result.returncode != 0:
                warnings = [line for line in (result.stdout + result.stderr).splitlines() if "WARNING" in line]
                pytest.fail("book build failed:\n" + "\n".join(warnings) + f"\n{result.stderr[-3000:]}")
            marker.write_text(run, encoding="utf-8")
    return SITE


@pytest.fixture(scope="session")
def seeded_copy(built_site, tmp_path_factory):
    """A function that makes a copy of the book, its execution cache seeded from the built book."""
    return lambda name: copy_book(tmp_path_factory.mktemp(name) / "book", seed_from=ROOT)


EXECUTED = re.compile(r"\[casebook\] executing \d+ notebook\(s\) in parallel: (.*)")


def executed(output: str) -> set[str]:
    """The notebooks a build's output says it executed."""
    found = EXECUTED.search(output)
    return set(found.group(1).split(", ")) if found else set()


def readers_of(root: Path, *paths: str) -> set[str]:
    """The notebooks that read any of `paths` (files, or folders they listed) when the book at
    `root` was last built."""
    manifest = json.loads((root / CACHE / "casebook-executions.json").read_text(encoding="utf-8"))
    return {doc for doc, entry in manifest.items() if any(dep["path"] in paths for dep in entry["reads"])}


# ---------------------------------------------------------------- the contributor's path

NEW_CASE = "fixture-village"
FIXTURE = Path(__file__).parent / "fixtures"
STAMP = ".venv/.installed-from-lock"


@dataclass
class Contribution:
    """A copy of the book where a case was added as CONTRIBUTING.md says; what each step printed."""

    root: Path
    steps: dict[str, subprocess.CompletedProcess] = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.root / "_build" / "html"

    def page(self, name: str) -> str:
        return (self.site / name).read_text(encoding="utf-8")


def make(root: Path, chromium: str, *args: str) -> subprocess.CompletedProcess:
    # `-o` keeps make from reinstalling the shared environment from the copy.
    env = {**os.environ, "CASEBOOK_ROOT": str(root), "CASEBOOK_CHROMIUM": chromium}
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, *args], cwd=root, env=env, capture_output=True, text=True
    )


def fill_chapter(chapter: Path) -> None:
    """Replace each TODO line of the scaffolded chapter with the fixture's answer."""
    answers = yaml.safe_load((FIXTURE / f"{NEW_CASE}-chapter.yaml").read_text(encoding="utf-8"))
    lines = chapter.read_text(encoding="utf-8").split("\n")
    unanswered = [line for line in lines if "TODO" in line and line not in answers]
    assert not unanswered, f"the chapter template has TODOs the fixture does not fill: {unanswered}"
    chapter.write_text("\n".join(answers.get(line, line) for line in lines), encoding="utf-8")


def fill_data(folder: Path) -> None:
    """The fixture's tables over the scaffold's; the optional tables it does not use deleted."""
    source = FIXTURE / NEW_CASE
    for scaffolded in folder.iterdir():
        if not (source / scaffolded.name).exists():
            scaffolded.unlink()
    for filled in source.iterdir():
        shutil.copy(filled, folder / filled.name)


# The book once published: its public address and source repository set in _config.yml.
PUBLISHED_AT = "https://casebook.example.org/"
REPOSITORY = "https://github.com/example/casebook"


def publish(root: Path) -> None:
    config = (root / "_config.yml").read_text(encoding="utf-8")
    for old, new in (
        ('repository:\n  url: ""', f'repository:\n  url: "{REPOSITORY}"'),
        ('html:\n  baseurl: ""', f'html:\n  baseurl: "{PUBLISHED_AT}"'),
    ):
        assert old in config, f"_config.yml no longer has {old!r}"
        config = config.replace(old, new)
    (root / "_config.yml").write_text(config, encoding="utf-8")


@pytest.fixture(scope="session")
def contribution(seeded_copy, chromium) -> Contribution:
    """The contributor's path, walked on a seeded copy of the book as published (publish) exactly
    as CONTRIBUTING.md prints it: `make new-case ID=...`, fill in the data and the chapter (from
    tests/fixtures), `make validate`, `make book` (the site and the PDF).
    tests/test_contributor_path.py checks the steps and the site, tests/test_metadata.py the
    addresses, tests/test_pdf.py the PDF, tests/test_incremental.py rebuilds it: all in the
    pytest-xdist group "copies", so that one worker walks the path once."""
    root = seeded_copy("contribution")
    publish(root)
    os.symlink(ROOT / ".venv", root / ".venv")
    done = Contribution(root)
    done.steps["new-case"] = make(root, chromium, "new-case", f"ID={NEW_CASE}")
    done.steps["validate-unfilled"] = make(root, chromium, "validate")
    fill_data(root / "data" / "cases" / NEW_CASE)
    fill_chapter(root / "chapters" / "cases" / f"{NEW_CASE}.md")
    done.steps["validate"] = make(root, chromium, "validate")
    done.steps["book"] = make(root, chromium, "book")
    return done


def site_pages(site: Path) -> list[str]:
    """The HTML pages of the edition built at `site`, as paths relative to it (the English site's
    zh/ folder is the Chinese edition's)."""
    return sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not p.relative_to(site).as_posix().startswith(("_static/", "zh/"))
    )


EDITIONS = ("", "zh/")  # where each edition's pages are in the site


def in_both_editions(pages: list[str]) -> list[str]:
    return [edition + page for edition in EDITIONS for page in pages]


def book_pages() -> list[str]:
    """The pages the site will have, known before it is built, for tests that visit each page:
    the table of contents' and Sphinx's own. tests/test_site.py checks the site has exactly these."""
    from book.build import review

    chapters = [f"{name}.html" for name in review.toc_files(ROOT)]
    return sorted([*chapters, "404.html", "genindex.html", "index.html", "search.html"])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve `directory` on 127.0.0.1 (a free port); yield the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    with serve(built_site) as url:
        yield url


class Tab:
    """One browser tab that visits pages of the served site in turn, as a reader clicking through
    it. Requests to other hosts are blocked and recorded, requests naming a `block`ed file blocked;
    console messages and script errors are kept per visit. A tab keeps its renderer and cache from
    page to page, which makes a visit about three times cheaper than one in a fresh context."""

    def __init__(self, browser, block: tuple[str, ...] = (), **options):
        self.context = browser.new_context(**options)
        self.block = block
        self.external: list[str] = []
        self.messages: list[tuple[str, str]] = []  # (the console message's type or "pageerror", text)
        self.context.route("**/*", self._guard)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: self.messages.append((message.type, message.text)))
        self.page.on("pageerror", lambda error: self.messages.append(("pageerror", str(error))))

    def _guard(self, route) -> None:
        url = route.request.url
        if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
            self.external.append(url)
            route.abort()
        elif any(name in url for name in self.block):
            route.abort()
        else:
            route.continue_()

    def visit(self, url: str, idle: bool = False):
        """The page at `url` once loaded (and the network idle, with `idle`), on screen."""
        self.external.clear()
        self.messages.clear()
        self.page.emulate_media(media="null")  # a previous visit may have emulated print
        self.page.goto(url, wait_until="load")
        if idle:
            self.page.wait_for_load_state("networkidle")
        return self.page

    def said(self, *kinds: str) -> list[str]:
        """This visit's messages of the given kinds (console types such as "error", or "pageerror")."""
        return [f"{kind}: {text}" for kind, text in self.messages if kind in kinds]

    def __enter__(self) -> Tab:
        return self

    def __exit__(self, *exc) -> None:
        self.context.close()


def find_chromium() -> str | None:
    """CASEBOOK_CHROMIUM when set, else the first Chromium or Chrome found; None when there is none."""
    named = os.environ.get("CASEBOOK_CHROMIUM")
    places = [named] if named else [*CHROMIUM_PLACES, shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((place for place in places if place and Path(place).is_file()), None)


def chromium_or_skip() -> str:
    """Chromium's path. Without one the browser tests are skipped with how to install it, except
    when CI is set (.ci/run and GitHub Actions): there a missing browser is an error."""
    path = find_chromium()
    if path:
        return path
    where = os.environ.get("CASEBOOK_CHROMIUM") or ", ".join(CHROMIUM_PLACES[:2])
    how = INSTALL_CHROMIUM.get(sys.platform, "install Chromium")
    message = f"Chromium not found ({where}): the browser tests need it. Install it ({how}) or set CASEBOOK_CHROMIUM."
    if os.environ.get("CI"):
        pytest.fail(f"{message} CI is set, so a missing browser is an error.", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (`make test`): one worker more than there are cores. Build, browser and kernel
    tests spend nearly a third of their time waiting (kernels starting, pages settling, the failure
    tests' timeouts); the spare worker fills it."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


# Kernels and a wheel take seconds each: `make test` runs them, `make check` leaves them out.
SLOW_MODULES = {"test_warmkernel.py", "test_packaging.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
    # Builds, browsers and kernels first: pytest-xdist hands out tests in this order, so the
    # quick tests come last and keep every worker busy until the end.
    items.sort(key=lambda item: not any(item.get_closest_marker(name) for name in ("build", "browser", "slow")))

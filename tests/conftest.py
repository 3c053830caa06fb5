"""Shared fixtures: the book's root, a served copy of the built site, and headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from book.build.pdf import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")


def jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def build_book(root: Path, *extra: str) -> subprocess.CompletedProcess:
    """Build the book at `root` as `make book` does: warnings are errors, references nitpicky."""
    env = {**os.environ, "CASEBOOK_ROOT": str(root)}
    return subprocess.run(
        [jupyter_book(), "build", str(root), "-W", "-n", "--keep-going", *extra],
        capture_output=True, text=True, env=env, cwd=root,
    )


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
    """The book built in place (the same build `make book` makes); fails with the build log."""
    result = build_book(ROOT)
    if result.returncode != 0:
        pytest.fail(f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return SITE


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


@pytest.fixture(scope="session")
def browser():
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium. "
            "Install it with `sudo apt-get install -y chromium` (or set CASEBOOK_CHROMIUM)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()

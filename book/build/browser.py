"""Debian's Chromium, as the PDF, the bench and the browser tests start it.

Never a downloaded browser: the path is /usr/bin/chromium unless CASEBOOK_CHROMIUM names another.
"""

from __future__ import annotations

import os
from pathlib import Path

from book import paths

# Without the background-networking flags Chromium tries hosts this machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "install Debian's chromium (`sudo apt-get install -y chromium`) or set CASEBOOK_CHROMIUM"
# Asks for every chart and formula to be drawn now; true once all are (polled before printing).
DRAW_EVERYTHING = (paths.STATIC_DIR / "casebook-draw-everything.js").read_text(encoding="utf-8")


def chromium_path() -> Path:
    return Path(os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium"))


def chromium() -> str:
    """The browser's path; a clear message, not a traceback, when it is missing."""
    path = chromium_path()
    if not path.exists():
        raise SystemExit(f"Chromium not found at {path}: {INSTALL_HINT}.")
    return str(path)

"""A notebook whose kernel dies or whose cell runs too long fails the build with the chapter
named and what happened said, and stops the other notebooks; a build killed outright leaves no
execution process behind (forkserver, worker or kernel).

Each test builds a two-chapter book in a temporary folder: the chapter under test, and a
sibling that is still executing when the first fails (a build that waited for it would hang).
Every process the build starts inherits CASEBOOK_ROOT=<that folder>, which is how the tests
find them in /proc."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import ROOT, jupyter_book

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("failures")]

CHAPTER = "chapters/failing"
SIBLING = "chapters/sibling"
BUILD_TIMEOUT = 150  # seconds: a build of this book takes about 20 s on a loaded machine
TIMEOUT = 10  # execute.timeout in the temporary book

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# {title}

"""

# Each chapter's kernel writes its process id to a file named after the chapter when it starts.
STARTED = """\
import os, pathlib, time
root = pathlib.Path(os.environ["CASEBOOK_ROOT"])
(root / "{name}.pid").write_text(str(os.getpid()))
"""

# The chapter under test waits (a little) for its sibling's kernel, so that one is running
# when this one fails.
WAIT_FOR_SIBLING = """\
deadline = time.monotonic() + 8
while not (root / "sibling.pid").exists() and time.monotonic() < deadline:
    time.sleep(0.1)
"""

# Runs for longer than a test may take, then writes more than a pipe holds.
SIBLING_CODE = "time.sleep(600)\nprint('x' * 1_000_000)"


def cell(code: str) -> str:
    return f"```{{code-cell}} ipython3\n{code}\n```\n\n"


def small_book(tmp_path: Path, code: str, wait: bool = True) -> Path:
    """The book's configuration with one chapter running `code` and its sibling."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("references.bib",):
        shutil.copy(ROOT / name, book / name)
    for folder in ("book/static", "book/templates"):
        shutil.copytree(ROOT / folder, book / folder)
    config = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "timeout: 180" in config
    (book / "_config.yml").write_text(config.replace("timeout: 180", f"timeout: {TIMEOUT}"), encoding="utf-8")
    (book / "_toc.yml").write_text(
        f"format: jb-book\nroot: {CHAPTER}\nchapters:\n- file: {SIBLING}\n", encoding="utf-8"
    )
    first = STARTED.format(name="failing") + (WAIT_FOR_SIBLING if wait else "")
    (book / f"{CHAPTER}.md").write_text(HEADER.format(title="Failing") + cell(first) + cell(code), encoding="utf-8")
    sibling = HEADER.format(title="Sibling") + cell(STARTED.format(name="sibling")) + cell(SIBLING_CODE)
    (book / f"{SIBLING}.md").write_text(sibling, encoding="utf-8")
    return book


def build_env(book: Path) -> dict:
    # Two workers wherever the tests run, so the sibling executes alongside the failing chapter.
    return {**os.environ, "CASEBOOK_ROOT": str(book), "CASEBOOK_WORKERS": "2"}


def processes_of(book: Path) -> dict[int, str]:
    """Processes of the build of `book`: all inherit CASEBOOK_ROOT=<book> in their environment."""
    marker = f"CASEBOOK_ROOT={book}".encode()
    found = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if marker in Path(entry.path, "environ").read_bytes().split(b"\0"):
                    command = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ")
                    found[int(entry.name)] = command[:120].decode(errors="replace")
            except OSError:  # gone meanwhile, or a zombie
                pass
    return found


def left_behind(book: Path, within: float = 10.0) -> dict[int, str]:
    """Processes of the build still running after `within` seconds (they die just after it)."""
    deadline = time.monotonic() + within
    while (left := processes_of(book)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def kill_all(book: Path) -> None:
    """Never leave a stray process to the other tests."""
    for pid in processes_of(book):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def kernel_pid(book: Path, name: str) -> int | None:
    path = book / f"{name}.pid"
    return int(path.read_text()) if path.exists() and path.read_text() else None


def build(book: Path) -> tuple[int, str]:
    """Build as `make book` does; fail the test, with the output, if the build hangs."""
    command = [jupyter_book(), "build", str(book), "-W", "-n", "--keep-going"]
    process = subprocess.Popen(
        command, cwd=book, env=build_env(book), text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        output, _ = process.communicate(timeout=BUILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate(timeout=30)
    if process.returncode == -signal.SIGKILL:
        kill_all(book)
        pytest.fail(f"the build did not finish within {BUILD_TIMEOUT} s:\n{output[-4000:]}")
    return process.returncode, output


@pytest.mark.parametrize(
    "code, what",
    [
        ("os._exit(1)", "the kernel died (it exited with status 1)"),
        ("os.kill(os.getpid(), 9)", "the kernel died (it was killed by SIGKILL"),
        (
            "time.sleep(600)",
            f"a cell ran longer than the execution timeout ({TIMEOUT} s, execute.timeout in _config.yml)",
        ),
    ],
    ids=["kernel-exits", "kernel-killed", "cell-times-out"],
)
def test_failed_notebook_fails_the_build_and_leaves_nothing(tmp_path, code, what):
    book = small_book(tmp_path, code)
    try:
        returncode, output = build(book)
        kernels = {name: kernel_pid(book, name) for name in ("failing", "sibling")}
        left = left_behind(book)
    finally:
        kill_all(book)
    assert returncode != 0, output[-4000:]
    message = f"{CHAPTER}: notebook execution failed: {what}"
    assert message in output, output[-4000:]
    if what.startswith("a cell ran longer"):
        assert "time.sleep(600)" in output, "the message should show the cell that timed out"
    # The message comes first; no traceback from a thread of the build, or from a kernel.
    assert "Traceback" not in output[: output.index(message)], output[-6000:]
    for noise in ("Exception in thread", "[IPKernelApp] ERROR", "TypeError"):
        assert noise not in output, output[-6000:]
    assert SIBLING not in output.partition(message)[2], "only the first failure is reported"
    assert kernels["failing"] and kernels["sibling"], f"both kernels should have started: {kernels}"
    assert not left, f"still running after the build failed: {left}"


def test_killed_build_leaves_no_process(tmp_path):
    book = small_book(tmp_path, "time.sleep(600)", wait=False)
    with open(tmp_path / "build.log", "w") as log:
        process = subprocess.Popen(
            [jupyter_book(), "build", str(book)], cwd=book, env=build_env(book), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        # Wait until both chapters' kernels run.
        deadline = time.monotonic() + BUILD_TIMEOUT
        while not (kernel_pid(book, "failing") and kernel_pid(book, "sibling")):
            assert process.poll() is None, (tmp_path / "build.log").read_text()[-4000:]
            assert time.monotonic() < deadline, "the chapters' kernels never started"
            time.sleep(0.2)
        running = processes_of(book)
        kernels = {kernel_pid(book, "failing"), kernel_pid(book, "sibling")}
        assert kernels <= set(running), f"the kernels should be found: {running}"
        assert any("forkserver" in command for command in running.values()), running
        # The build, the forkserver, two workers and their kernels.
        assert len(running) >= 6, running

        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        left = left_behind(book)
        assert not left, f"still running after the build was killed: {left}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        kill_all(book)

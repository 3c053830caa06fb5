"""Data-aware, parallel notebook execution for the build.

Jupyter Book's cache keys a notebook on its code alone, so an edited CSV would leave old
outputs in place, and it executes notebooks one after another. Before Sphinx reads any page,
this module works out which notebooks are stale -- their code, a data file they read, or the
`book` package changed -- executes just those across all cores, each in a warm kernel
(book.build.warmkernel), and stores the results in the same jupyter-cache that myst-nb reads. Sphinx
then finds every notebook in the cache.

Which data a notebook reads is recorded while it runs (book.reads), so dependencies are never
declared by hand.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import sys
import tempfile
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import nbformat

from book import paths, reads
from book.build import lifeline

MANIFEST_NAME = "casebook-executions.json"

# What a chapter's kernel imports anyway, loaded once in the server the workers fork from; the
# chapter modules are added by chapter_modules(). Named here so that the build's own process
# never imports book.build.warmkernel.
KERNEL_PRELOAD = [
    "book.build.lifeline",
    "__main__",
    "book.build.warmkernel",
    "ipykernel.kernelapp",
    "IPython",
    "pandas",
    "numpy",
    "altair",
    "yaml",
    "myst_nb",
    "nbclient",
    "jupyter_cache.executors.utils",
]


def chapter_sources() -> list[Path]:
    """The code chapters can import: every module of `book` outside book/build/."""
    build = paths.PACKAGE_DIR / "build"
    return sorted(
        p for p in paths.PACKAGE_DIR.rglob("*.py") if not p.is_relative_to(build) and "__pycache__" not in p.parts
    )


def chapter_modules() -> list[str]:
    names = [".".join(("book", *p.relative_to(paths.PACKAGE_DIR).with_suffix("").parts)) for p in chapter_sources()]
    return [name.removesuffix(".__init__") for name in names if not name.endswith("__main__")]


def preload() -> list[str]:
    return KERNEL_PRELOAD + chapter_modules()


def warm_kernels() -> bool:
    """Whether kernels are forked warm. Forking a process that has loaded numpy and friends is
    safe on Linux; elsewhere, or with CASEBOOK_WARM_KERNELS=0, kernels start the usual way."""
    return sys.platform == "linux" and os.environ.get("CASEBOOK_WARM_KERNELS", "1") != "0"


# The kernel provisioner book.build.warmkernel registers (an entry point in pyproject.toml).
PROVISIONER = "casebook-warm"
PROVISIONER_GROUP = "jupyter_client.kernel_provisioners"


class NotebookFailed(RuntimeError):
    """A notebook failed: a cell raised an error or ran too long, or the kernel died. The message
    names the notebook and says what happened."""


@dataclass
class Executed:
    docname: str
    notebook: str
    reads: list[dict]
    seconds: float


NOTEBOOKS_DIR = "casebook-notebooks"
# What myst-nb's reading of a page depends on besides the page and the configuration.
# jupyter-cache: the notebook's hash is kept with it (kept_notebook).
READER_PACKAGES = ("myst-nb", "myst-parser", "markdown-it-py", "mdit-py-plugins", "nbformat", "jupyter-cache")


@functools.cache
def _versions(packages: tuple[str, ...]) -> tuple[str, ...]:
    from importlib.metadata import version

    return tuple(version(package) for package in packages)


def _reader_digest(path: Path, text: str, env) -> str:
    """A digest of the page's text, its name, the MyST and myst-nb settings and the readers'
    versions: everything myst-nb's reading of it depends on."""
    from dataclasses import asdict

    def plain(value):  # sets in a stable order; anything else JSON lacks as its repr
        return sorted(map(repr, value)) if isinstance(value, (set, frozenset)) else repr(value)

    settings = [asdict(env.myst_config), asdict(env.mystnb_config), _versions(READER_PACKAGES)]
    described = json.dumps([str(path), settings], sort_keys=True, default=plain)
    return hashlib.sha256(described.encode() + b"\0" + text.encode()).hexdigest()


def read_notebook(env, docname: str):
    """A page's notebook exactly as myst-nb reads it (so its hash matches the cache), or None."""
    kept = kept_notebook(env, docname)[0]
    return None if kept is None else nbformat.from_dict(kept)


def kept_notebook(env, docname: str, cache=None) -> tuple[dict | None, str | None]:
    """A page's notebook as myst-nb reads it, as plain JSON (None for a page that is not a
    notebook), and its hash in jupyter-cache (None unless `cache` is given).

    Reading a page with MyST takes a few hundredths of a second, and every build looks at every
    page: what was read, and its hash, are kept in the execution cache's folder, one file per
    page, under a digest of all they depend on (_reader_digest), and made again only when that
    differs. Plain JSON, as a build looks at a hundred pages and executes a few."""
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    text = path.read_text(encoding="utf-8")
    key = _reader_digest(path, text, env)
    name = hashlib.sha256(docname.encode()).hexdigest()
    store = Path(env.mystnb_config.execution_cache_path) / NOTEBOOKS_DIR / f"{name}.json"
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
        if kept["key"] != key or "notebook" not in kept:
            kept = {}
    except (OSError, ValueError, KeyError, TypeError):
        kept = {}
    if kept:
        nb = kept["notebook"]
    else:
        reader = create_nb_reader(str(path), env.myst_config, env.mystnb_config, text)
        nb = json.loads(json.dumps(reader.read(text))) if reader is not None else None
    hashkey = kept.get("hash")
    if cache is not None and nb is not None and hashkey is None:
        _, hashkey = cache.create_hashed_notebook(nbformat.from_dict(nb))
    if not kept or hashkey != kept.get("hash"):
        paths.keep(store, json.dumps({"key": key, "notebook": nb, "hash": hashkey}).encode())
    return nb, (hashkey if cache is not None else None)


def is_cached(cache, hashkey: str) -> bool:
    """Whether jupyter-cache holds an execution of the notebook with this hash (what
    cache.match_cache_notebook looks up, without hashing the notebook again)."""
    from jupyter_cache.cache.db import NbCacheRecord

    try:
        NbCacheRecord.record_from_hashkey(hashkey, cache.db)
    except KeyError:
        return False
    return True


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dependency_digest(entry: dict, root: Path) -> str | None:
    """Current digest of a recorded read: file contents, or a folder's list of names."""
    path = root / entry["path"]
    if entry["kind"] == "dir":
        return hashlib.sha256("\n".join(sorted(os.listdir(path))).encode()).hexdigest() if path.is_dir() else None
    return file_digest(path) if path.is_file() else None


LOCK_FILE = "requirements.lock"


def package_digest() -> str:
    """The `book` code notebooks can use (everything outside book/build/) and the locked versions
    of every package: a change to a chart style, a loader or a pinned version (Altair and its Vega
    bundle, pandas) re-executes every notebook; a change to the build re-executes none."""
    digest = hashlib.sha256()
    for module in chapter_sources():
        digest.update(module.relative_to(paths.PACKAGE_DIR).as_posix().encode())
        digest.update(module.read_bytes())
    lock = paths.root() / LOCK_FILE
    digest.update(lock.read_bytes() if lock.is_file() else b"no lock")
    return digest.hexdigest()


class Manifest:
    """What each notebook last ran with: code hash, package digest, data read and their digests."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict] = json.loads(path.read_text()) if path.exists() else {}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.entries, indent=1, sort_keys=True))

    def key(self, docname: str) -> str | None:
        entry = self.entries.get(docname)
        return entry and entry["key"]

    def is_fresh(self, docname: str, code_hash: str, package: str, root: Path) -> bool:
        entry = self.entries.get(docname)
        if not entry or entry["code_hash"] != code_hash or entry["package"] != package:
            return False
        return all(dependency_digest(dep, root) == dep["digest"] for dep in entry["reads"])

    def record(self, docname: str, code_hash: str, package: str, run: Executed, root: Path) -> None:
        deps = []
        for read in run.reads:
            path = Path(read["path"])
            if path.is_relative_to(root):
                dep = {"path": path.relative_to(root).as_posix(), "kind": read["kind"]}
                deps.append({**dep, "digest": dependency_digest(dep, root)})
        key = hashlib.sha256(json.dumps([code_hash, package, deps], sort_keys=True).encode()).hexdigest()
        self.entries[docname] = {
            "key": key,
            "code_hash": code_hash,
            "package": package,
            "reads": deps,
            "seconds": round(run.seconds, 3),
            "executed": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }


def exit_description(status: int | None) -> str:
    """How a kernel ended, from its exit status as subprocess reports it (-N: killed by signal N)."""
    if status is None:
        return ""
    if status >= 0:
        return f" (it exited with status {status})"
    try:
        name = signal.Signals(-status).name
    except ValueError:
        name = f"signal {-status}"
    hint = ", as the system does when memory runs out" if -status == signal.SIGKILL else ""
    return f" (it was killed by {name}{hint})"


def failure_message(docname: str, error: BaseException, timeout: int | None) -> str:
    """What went wrong, for the person who wrote the notebook: no traceback of the build's own."""
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    if isinstance(error, CellTimeoutError):
        what = f"a cell ran longer than the execution timeout ({timeout} s, execute.timeout in _config.yml)"
        return f"{docname}: notebook execution failed: {what}\n{error}"
    if isinstance(error, CellExecutionError):
        return f"{docname}: notebook execution failed: a cell raised an error\n{error}"
    if isinstance(error, DeadKernelError):
        status = None
        if warm_kernels():
            from book.build import warmkernel

            status = warmkernel.last_exit_status()
        return f"{docname}: notebook execution failed: the kernel died{exit_description(status)}"
    return f"{docname}: notebook execution failed: {type(error).__name__}: {error}"


def _execute(docname: str, notebook: str, cwd: str, root: str, timeout: int) -> Executed:
    """Run in a worker process: execute one notebook, recording what it reads."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.reads(notebook, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "reads.jsonl"
        os.environ[reads.LOG_VARIABLE] = str(log)
        os.environ["CASEBOOK_ROOT"] = root
        warm = {}
        if warm_kernels():
            from book.build.warmkernel import WarmKernelManager

            os.environ["JUPYTER_DEFAULT_PROVISIONER_NAME"] = PROVISIONER
            warm["kernel_manager_class"] = WarmKernelManager
        try:
            # Outputs are all in by the time the kernel is shut down, so it is killed rather than
            # asked to stop: a kernel asked while a cell still runs (one that timed out) fails
            # to answer and prints that failure's traceback into the build's output.
            result = single_nb_execution(
                nb, cwd=cwd, timeout=timeout, allow_errors=False, shutdown_kernel="immediate", **warm
            )
        except Exception as error:  # the kernel died, or would not start
            raise NotebookFailed(failure_message(docname, error, timeout)) from None
        if result.err is not None:  # a cell raised an error, or timed out
            raise NotebookFailed(failure_message(docname, result.err, timeout))
        return Executed(docname, nbformat.writes(nb), reads.read_log(log), result.time)


def _check_provisioner() -> None:
    from importlib.metadata import entry_points

    if not entry_points(group=PROVISIONER_GROUP, name=PROVISIONER):
        raise RuntimeError(
            f"the kernel provisioner '{PROVISIONER}' is not registered: reinstall the package "
            "(`make` does it; or `pip install -e .`), or set CASEBOOK_WARM_KERNELS=0"
        )


def warm_context():
    """The multiprocessing context whose workers fork from a server with the kernels' imports
    loaded (book.build.warmkernel). Asking for it early starts that server loading in the background."""
    if not warm_kernels():
        return get_context("spawn")
    _check_provisioner()
    context = get_context("forkserver")
    context.set_forkserver_preload(preload())
    # The forkserver binds itself to this process as it imports book.build.lifeline.
    os.environ[lifeline.PARENT_VARIABLE] = str(os.getpid())
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


class _RecordingContext:
    """A multiprocessing context that remembers the worker processes the pool starts through it."""

    def __init__(self, context):
        self._context = context
        self.processes = []

    def __getattr__(self, name: str):
        return getattr(self._context, name)

    def Process(self, *args, **kwargs):
        process = self._context.Process(*args, **kwargs)
        self.processes.append(process)
        return process


def _stat(pid: int) -> tuple[int, int] | None:
    """(parent, session) of a process, from /proc; None when it is gone or there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()  # after the command, which may hold spaces
    except (OSError, IndexError):
        return None
    return int(fields[1]), int(fields[3])


def kernels_of(workers: set[int]) -> list[int]:
    """The kernels the given worker processes run: their children that lead a session of their
    own, as both jupyter_client and book.build.warmkernel start kernels. Empty without /proc."""
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []
    return [pid for pid in pids if (stat := _stat(pid)) and stat[0] in workers and stat[1] == pid]


def _is_descendant(pid: int, levels: int = 2) -> bool:
    """Whether `pid` is this process's child or grandchild (a worker forked by the forkserver), so
    that a number reused by another process is never signalled. True where there is no /proc."""
    if not os.path.isdir("/proc"):
        return True
    for _ in range(levels):
        stat = _stat(pid)
        if stat is None:
            return False
        if stat[0] == os.getpid():
            return True
        pid = stat[0]
    return False


class Pool:
    """The worker processes that execute a build's notebooks, one notebook per warm worker."""

    def __init__(self, workers: int):
        self._context = _RecordingContext(warm_context())
        # Warm: one notebook per worker, as a fresh worker has a single thread and can fork its kernel.
        self._executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            max_tasks_per_child=1 if warm_kernels() else None,
            initializer=lifeline.die_with_parent,
        )
        self._stopped = False

    def submit(self, *args) -> Future:
        return self._executor.submit(_execute, *args)

    def worker_pids(self) -> set[int]:
        return {process.pid for process in self._context.processes if process.pid}

    def shutdown(self) -> None:
        """Wait for every notebook, then let the workers go."""
        self._executor.shutdown(wait=True)

    def stop(self, grace: float = 10.0, within: float = 60.0) -> None:
        """Stop now, after a notebook failed: notebooks not yet started never start, and the
        running ones' kernels are killed, so that their workers report it and exit; workers
        still running after `grace` seconds are killed too.

        ProcessPoolExecutor.shutdown(wait=False) would leave the running notebooks running and,
        with one task per worker, break the pool's own thread as their workers exit (Python 3.11
        then prints its TypeError); a worker finishing later blocks for ever writing its result,
        and the build with it as it exits. A worker is never killed first, as one killed while
        writing its result would leave the pool's thread waiting for the rest of it."""
        if self._stopped:
            return
        self._stopped = True
        closer = threading.Thread(
            target=self._executor.shutdown, kwargs={"cancel_futures": True}, name="casebook-pool-stop", daemon=True
        )
        closer.start()
        start = time.monotonic()
        while closer.is_alive() and time.monotonic() - start < within:
            workers = {pid for pid in self.worker_pids() if _is_descendant(pid)}
            doomed = kernels_of(workers) + (sorted(workers) if time.monotonic() - start > grace else [])
            for pid in doomed:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            closer.join(0.2)


def submit_all(jobs: list[tuple[str, str, str]], root: Path, timeout: int, workers: int | None = None):
    """Start executing (docname, notebook JSON, cwd) jobs across the cores.

    Returns the pool and a future per docname; the caller collects results as it needs them.
    """
    workers = workers or int(os.environ.get("CASEBOOK_WORKERS", 0)) or os.cpu_count() or 1
    pool = Pool(max(1, min(len(jobs), workers)))
    futures = {docname: pool.submit(docname, nb, cwd, str(root), timeout) for docname, nb, cwd in jobs}
    return pool, futures

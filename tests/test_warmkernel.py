"""Warm kernels behave like kernels started the usual way, and leave nothing running."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from book.build import execution

ROOT = Path(__file__).resolve().parent.parent

PROBE = """\
import os, sys, json, __main__
print(json.dumps({
    "cwd": os.getcwd(),
    "path": sys.path,
    "argv0": os.path.basename(sys.argv[0]),
    "main_is_user_namespace": __main__.__dict__ is globals(),
    "pid": os.getpid(),
    "parent": int(os.environ["JPY_PARENT_PID"]) == os.getppid(),
}))
"""


def _cold(nb, cwd: Path):
    """Execute as Jupyter does by default: a new interpreter per kernel."""
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def _warm(nb, cwd: Path, docname: str = "probe"):
    """Execute through the build's pool, as the build does."""
    pool, futures = execution.submit_all([(docname, nbformat.writes(nb), str(cwd))], ROOT, 300)
    try:
        return nbformat.reads(futures[docname].result().notebook, as_version=4)
    finally:
        pool.shutdown()


def _one_cell(code: str):
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(code)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def _probe(nb) -> dict:
    return json.loads(nb.cells[0].outputs[0]["text"])


def _running(pid: int) -> bool:
    """Whether the process runs (a zombie has ended; whoever reaps it is another matter)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _comparable(nb) -> list:
    """Outputs, with the random ids Altair gives each chart's element set to one value."""
    cells = [{"source": c.source, "outputs": c.get("outputs", [])} for c in nb.cells if c.cell_type == "code"]
    return json.loads(re.sub(r"altair-viz-[0-9a-f]{32}", "altair-viz-ID", json.dumps(cells)))


def test_warm_kernel_starts_like_a_new_interpreter(monkeypatch):
    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))
    cwd = ROOT / "chapters" / "theory"
    cold, warm = _probe(_cold(_one_cell(PROBE), cwd)), _probe(_warm(_one_cell(PROBE), cwd))
    for key in ("cwd", "path", "argv0", "main_is_user_namespace", "parent"):
        assert warm[key] == cold[key], key
    assert warm["cwd"] == str(cwd)
    with pytest.raises(ProcessLookupError):  # the kernel has exited
        os.kill(warm["pid"], 0)


@pytest.mark.parametrize("warm, loaded", [("1", "['altair', 'book.charts', 'pandas']"), ("0", "[]")])
def test_warm_kernel_has_the_imports_loaded(monkeypatch, warm, loaded):
    # CASEBOOK_WARM_KERNELS=0 (and any system but Linux) starts kernels the usual way.
    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))
    monkeypatch.setenv("CASEBOOK_WARM_KERNELS", warm)
    code = "import sys\nprint(sorted(m for m in ('pandas', 'altair', 'book.charts') if m in sys.modules))"
    assert _warm(_one_cell(code), ROOT).cells[0].outputs[0]["text"].strip() == loaded


def test_warm_and_cold_kernels_give_the_same_outputs(monkeypatch):
    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))
    path = ROOT / "chapters" / "synthesis" / "comparison.md"  # tables, charts and glued values
    nb = jupytext.read(path)
    cold = _cold(nbformat.reads(nbformat.writes(nb), as_version=4), path.parent)
    warm = _warm(nbformat.reads(nbformat.writes(nb), as_version=4), path.parent, "comparison")
    assert _comparable(warm) == _comparable(cold)
    assert any("vega" in json.dumps(c["outputs"]) for c in _comparable(warm))


def test_forked_kernel_wait_honours_its_timeout():
    import subprocess
    import time

    from book.build.warmkernel import ForkedKernel

    kernel = ForkedKernel(os.posix_spawn("/bin/sleep", ["sleep", "30"], os.environ))
    start = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired):
        kernel.wait(0.3)
    assert 0.3 <= time.monotonic() - start < 2
    kernel.kill()
    assert kernel.wait(5) == -9
    assert kernel.poll() == -9


def test_fork_refuses_a_process_with_threads():
    import threading

    from book.build.warmkernel import check_single_thread

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with pytest.raises(RuntimeError, match="single-threaded"):
            check_single_thread()
    finally:
        stop.set()
        thread.join()


def test_provisioner_is_registered_the_documented_way():
    from jupyter_client.provisioning import KernelProvisionerFactory

    from book.build.warmkernel import WarmProvisioner

    assert KernelProvisionerFactory.instance()._check_availability(execution.PROVISIONER)
    (entry,) = __import__("importlib.metadata").metadata.entry_points(
        group=execution.PROVISIONER_GROUP, name=execution.PROVISIONER
    )
    assert entry.load() is WarmProvisioner


def test_jupyter_client_and_ipykernel_keep_what_the_fork_uses():
    # Pinned below their next major versions; these fail first if an upgrade drops them.
    from ipykernel.kernelapp import IPKernelApp
    from jupyter_client.provisioning import LocalProvisioner

    assert {"process", "pid", "pgid", "connection_info"} <= set(dir(LocalProvisioner))
    assert "parent_handle" in IPKernelApp.class_trait_names()


def test_warm_kernel_inherits_no_pipe_or_socket_from_its_worker(monkeypatch):
    # Popen closes what a new kernel would inherit; a forked kernel must hold no more.
    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))
    code = (
        "import os\nkinds = []\nfor fd in os.listdir('/proc/self/fd'):\n    try:\n"
        "        kinds.append(os.readlink(f'/proc/self/fd/{fd}').split(':')[0])\n"
        "    except OSError:\n        pass\nprint(sum(k in ('pipe', 'socket') for k in kinds))"
    )
    cold = int(_cold(_one_cell(code), ROOT).cells[0].outputs[0]["text"])
    warm = int(_warm(_one_cell(code), ROOT).cells[0].outputs[0]["text"])
    assert warm <= cold, f"the warm kernel holds {warm} pipes and sockets, a new one {cold}"


def test_stop_kills_running_notebooks_and_cancels_the_rest(monkeypatch, tmp_path):
    # After a notebook fails, the build stops the others at once rather than waiting for them.
    import time

    monkeypatch.setenv("CASEBOOK_ROOT", str(ROOT))

    def sleeper(name: str) -> str:
        code = f"import os, pathlib, time\npathlib.Path('{name}.pid').write_text(str(os.getpid()))\ntime.sleep(600)"
        return nbformat.writes(_one_cell(code))

    # One worker: it runs the first notebook, the pool queues the second, the third waits.
    jobs = [(name, sleeper(name), str(tmp_path)) for name in ("running", "queued", "waiting")]
    pool, futures = execution.submit_all(jobs, ROOT, 900, workers=1)
    marker = tmp_path / "running.pid"
    deadline = time.monotonic() + 120
    while not marker.exists() or not marker.read_text():
        assert time.monotonic() < deadline, "the kernel never started"
        time.sleep(0.1)
    start = time.monotonic()
    pool.stop()
    assert time.monotonic() - start < 10
    with pytest.raises(
        execution.NotebookFailed,
        match="running: notebook execution failed: the kernel died "
        r"\(it was killed by SIGKILL",
    ):
        futures["running"].result(timeout=0)
    # The pool may already have handed a waiting notebook to its call queue: either way it never runs.
    for name in ("queued", "waiting"):
        assert futures[name].cancelled() or isinstance(futures[name].exception(timeout=0), execution.NotebookFailed)
    assert not (tmp_path / "waiting.pid").exists(), "a notebook after the failure still ran"
    kernels = [int(marker.read_text()) for marker in tmp_path.glob("*.pid") if marker.read_text()]
    assert kernels and not [pid for pid in kernels if _running(pid)]
    assert not execution.kernels_of(pool.worker_pids())


@pytest.mark.parametrize(
    "status, said",
    [
        (1, " (it exited with status 1)"),
        (-9, " (it was killed by SIGKILL, as the system does when memory runs out)"),
        (-11, " (it was killed by SIGSEGV)"),
        (None, ""),
    ],
)
def test_kernel_exit_is_described(status, said):
    assert execution.exit_description(status) == said

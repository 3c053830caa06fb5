"""Warm kernels: every notebook still runs in a fresh IPython kernel process of its own, but
that process is forked from one that has already imported IPython, pandas, altair and `book`.

Starting a kernel the usual way costs a new interpreter plus those imports, about two seconds
per notebook here, which is most of what a short chapter costs to execute. The execution pool's
workers are forked from a server that preloads the modules once (multiprocessing's
"forkserver", see book.build.execution); a worker forks its notebook's kernel while it still
has a single thread.

WarmProvisioner is registered as the jupyter_client kernel provisioner "casebook-warm" (an
entry point in pyproject.toml) and chosen with JUPYTER_DEFAULT_PROVISIONER_NAME. Kernels whose
command is not this interpreter's ipykernel start the usual way.

The fork relies on jupyter_client's LocalProvisioner attributes (process, pid, pgid) and on
ipykernel's IPKernelApp; both are pinned below their next major version, and
tests/test_warmkernel.py checks them.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

from book.build import lifeline

PROVISIONER_NAME = "casebook-warm"


def _fresh_path() -> list[str]:
    """sys.path as a new interpreter has it, less the script folder ipykernel_launcher removes."""
    probe = "import json, sys; print(json.dumps(sys.path[1:]))"
    return json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)


FRESH_PATH = _fresh_path()
LAUNCHER = importlib.util.find_spec("ipykernel_launcher").origin
_exit_statuses: dict[int, int] = {}


def last_exit_status() -> int | None:
    """How the kernel this process forked last ended (as Popen.returncode has it), once known."""
    return next(reversed(_exit_statuses.values()), None)


class ForkedKernel:
    """The part of subprocess.Popen that jupyter_client uses, for a forked kernel."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self._exited(status)
        return self.returncode

    def _exited(self, status: int) -> None:
        self.returncode = _exit_statuses[self.pid] = os.waitstatus_to_exitcode(status)

    def wait(self, timeout: float | None = None) -> int:
        """Like Popen.wait: raises subprocess.TimeoutExpired if the kernel outlives `timeout`."""
        if timeout is None:
            if self.returncode is None:
                _, status = os.waitpid(self.pid, 0)
                self._exited(status)
            return self.returncode
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while self.poll() is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            delay = min(delay * 2, remaining, 0.05)
            time.sleep(delay)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _is_this_ipykernel(cmd: list[str]) -> bool:
    return (
        len(cmd) >= 3
        and cmd[1:3] == ["-m", "ipykernel_launcher"]
        and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
    )


def thread_count() -> int:
    """Threads of this process, native ones included (numpy's, zmq's)."""
    return len(os.listdir("/proc/self/task"))


def check_single_thread() -> None:
    # Only the forking thread survives a fork: a lock another thread held stays locked forever.
    threads = thread_count()
    if threads != 1:
        raise RuntimeError(
            f"a warm kernel must be forked from a single-threaded process, but this one "
            f"runs {threads} threads; set CASEBOOK_WARM_KERNELS=0 to start kernels the usual way"
        )


def _close_inherited_files() -> None:
    """What Popen(close_fds=True) does, without reusing numbers the worker's objects still name:
    every descriptor above 2 becomes /dev/null, so the worker's pipes and sockets are released."""
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in sorted(int(name) for name in os.listdir("/proc/self/fd")):
        if fd > 2 and fd != devnull:
            try:
                os.dup2(devnull, fd, inheritable=False)
            except OSError:  # the descriptor listdir itself used, closed by now
                pass
    os.close(devnull)


def _run_kernel(cmd: list[str], env: dict, cwd: str, worker: int) -> None:
    """In the forked child: become what `python -m ipykernel_launcher ...` would have been."""
    code = 1
    try:
        lifeline.die_with_parent(worker)
        os.setsid()  # its own process group, as jupyter_client starts kernels
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        os.close(stdin)
        _close_inherited_files()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [LAUNCHER, *cmd[3:]]
        sys.path[:] = FRESH_PATH
        # The worker forked from inside its event loop; the kernel starts its own. Python 3.12
        # clears the running loop in a forked child itself; 3.11 has no public way to.
        if sys.version_info < (3, 12):
            asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(asyncio.new_event_loop())
        from ipykernel.kernelapp import IPKernelApp

        # parent_handle's default was read from the environment when the module was preloaded.
        IPKernelApp.launch_instance(argv=cmd[3:], parent_handle=int(env["JPY_PARENT_PID"]))
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc(file=sys.__stderr__)
    finally:
        # Never return into the worker's code, nor run its exit handlers.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


class WarmProvisioner(LocalProvisioner):
    """Forks this interpreter's ipykernel from the (warm) worker; other kernels start as usual."""

    async def launch_kernel(self, cmd: list[str], **kwargs):
        if not _is_this_ipykernel(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        check_single_thread()
        worker = os.getpid()
        env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(worker)}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = os.fork()
        if pid == 0:
            _run_kernel(cmd, env, cwd, worker)
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid
        self.cwd = cwd
        return self.connection_info


class WarmKernelManager(AsyncKernelManager):
    @default("transport")
    def _local_sockets(self) -> str:
        # Nothing listens on the network, so the kernel has no reason to warn that it does.
        return "ipc"

    @default("ip")
    def _socket_prefix(self) -> str:
        # An absolute path: the kernel works in its notebook's folder, the client does not.
        return os.path.join(tempfile.gettempdir(), f"casebook-kernel-{uuid.uuid4().hex}")

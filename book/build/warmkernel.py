"""Warm kernels: every notebook still runs in a fresh IPython kernel process of its own, but
that process is forked from one that has already imported IPython, pandas, altair and `book`.

Starting a kernel the usual way costs a new interpreter plus those imports, about two seconds
per notebook here, which is most of what a short chapter costs to execute. The execution pool's
workers are forked from a server that preloads the modules once (multiprocessing's
"forkserver", see book.execution); a worker forks its notebook's kernel while it still has a
single thread.
Kernels whose command is not this interpreter's ipykernel start the usual way.
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
import uuid

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

def _fresh_path() -> list[str]:
    """sys.path as a new interpreter has it, less the script folder ipykernel_launcher removes."""
    probe = "import json, sys; print(json.dumps(sys.path[1:]))"
    return json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                     check=True).stdout)


FRESH_PATH = _fresh_path()
LAUNCHER = importlib.util.find_spec("ipykernel_launcher").origin


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
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _is_this_ipykernel(cmd: list[str]) -> bool:
    return (len(cmd) >= 3 and cmd[1:3] == ["-m", "ipykernel_launcher"]
            and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable))


def _run_kernel(cmd: list[str], env: dict, cwd: str) -> None:
    """In the forked child: become what `python -m ipykernel_launcher ...` would have been."""
    code = 1
    try:
        os.setsid()  # its own process group, as jupyter_client starts kernels
        stdin = os.open(os.devnull, os.O_RDONLY)
        os.dup2(stdin, 0)
        os.close(stdin)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [LAUNCHER, *cmd[3:]]
        sys.path[:] = FRESH_PATH
        # The worker forked from inside its event loop; the kernel starts its own.
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
    async def launch_kernel(self, cmd: list[str], **kwargs):
        if not _is_this_ipykernel(cmd):
            return await super().launch_kernel(cmd, **kwargs)
        env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = os.fork()
        if pid == 0:
            _run_kernel(cmd, env, cwd)
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

    async def _async_pre_start_kernel(self, **kw):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = WarmProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

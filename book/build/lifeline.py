"""Execution processes die with the process that started them.

A build killed outright (SIGKILL from a CI timeout or the out-of-memory killer) runs no clean-up,
so each process asks Linux to kill it when its parent dies (PR_SET_PDEATHSIG): the forkserver
when the build dies, a worker when the forkserver dies, a kernel when its worker dies.

The forkserver preloads this module: importing it binds the importing process to its parent
only when CASEBOOK_LIFELINE_PID names that parent (book.build.execution sets it just before
starting the forkserver), so importing it anywhere else does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PARENT_VARIABLE = "CASEBOOK_LIFELINE_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Be killed when the parent process dies; exit now if it already has. False where the
    system cannot do this (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    parent = parent or os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    return True


if os.environ.get(PARENT_VARIABLE) == str(os.getppid()):
    die_with_parent()

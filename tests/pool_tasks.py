"""Work functions for the pool tests: a task that sleeps, one whose worker is killed, a hog.

A module of its own, importing nothing heavy, so that a worker process started for these tasks
is up in a fraction of a second (a worker imports the module of its work function).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path


def work(arg: tuple[str, str]) -> dict:
    """One task ``(what, marker_dir)``: sleep, kill the worker (once), allocate 4 GB, or return."""
    what, marker_dir = arg
    if what == "sleep":
        time.sleep(60)
    elif what == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    elif what == "kill-once":
        marker = Path(marker_dir) / "killed-once"
        if not marker.exists():
            marker.write_text("x")
            os.kill(os.getpid(), signal.SIGKILL)
    elif what == "hog":
        return {"what": what, "size": len(bytearray(4 * 1024**3))}
    return {"what": what, "pid": os.getpid()}


def failed(arg: tuple[str, str], failure) -> dict:
    """The result of a task that timed out, ran out of memory, or whose worker died twice."""
    return {"what": arg[0], "failed": failure.kind, "message": failure.message()}


def never(arg) -> dict:
    """A work function for runs whose results must all come from the cache."""
    raise AssertionError("a cached result was computed again")

"""Starting a build from the review page, under the home's build lock.

The page never writes the warehouse: it starts ``gongkai build`` as a background process of
the same home (which takes ``build.lock`` itself, :mod:`pipelines.runlock`) and watches the
published file. A build already running is named instead of starting a second one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class StartedBuild:
    """A build this page started: its process, log and the warehouse it replaces."""

    proc: subprocess.Popen
    log: Path
    before: tuple[int, int, int] | None
    started: float


def running_holder(home: Path):
    """The live holder of the home's build lock, or None."""
    from pipelines import runlock

    holder = runlock.read_holder(home)
    return holder if holder is not None and holder.is_alive() else None


def start(home: Path, before: tuple[int, int, int] | None) -> StartedBuild:
    """Start ``gongkai build`` for ``home`` in the background (its output to a log file)."""
    log = home / "corrections" / f"build-{time.strftime('%Y%m%d-%H%M%S')}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GONGKAI_HOME": str(home)}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "build"], cwd=REPO, env=env, stdout=out,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    return StartedBuild(proc, log, before, time.monotonic())


def tail(log: Path, lines: int = 6) -> str:
    """The last lines of a build's log."""
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""

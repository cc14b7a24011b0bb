"""One build at a time: the build lock between real processes, and orphaned workers of dead
builds found and stopped (real ``multiprocessing`` spawn pools, real SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import housekeeping, runlock

pytestmark = [pytest.mark.hostile, pytest.mark.serial]

REPO = Path(__file__).resolve().parents[1]

HOLDER = """
import sys, time
from pathlib import Path
from pipelines import runlock
with runlock.hold(Path(sys.argv[1]), "test holder"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""

# A run worker whose step (a multiprocessing child) takes a lease, like the multiprocess
# executor of `gongkai dev`; the worker then stays alive until killed.
RUN_WORKER = """
import multiprocessing, sys, time
from pathlib import Path

def step(home, run_id):
    from pipelines import runlock
    got = runlock.lease(Path(home), run_id, "dagster run test")
    print("lease", got.fresh, got.holder.pid, flush=True)

if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    for run_id in sys.argv[2:]:
        p = ctx.Process(target=step, args=(sys.argv[1], run_id))
        p.start()
        p.join()
    print("done", flush=True)
    time.sleep(60)
"""

# A build that extracts with a spawn pool: the workers inherit the lock's environment marks.
POOL_OWNER = """
import sys, time
from concurrent.futures import ProcessPoolExecutor
import multiprocessing
from pathlib import Path
from pipelines import runlock

if __name__ == "__main__":
    runlock.mark_environment(Path(sys.argv[1]))
    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"))
    list(pool.map(abs, range(4)))
    print(" ".join(str(p) for p in pool._processes), flush=True)
    time.sleep(120)
"""


def _python(code: str, *args: str, where: Path) -> subprocess.Popen:
    """Run ``code`` as a script file (spawn children must be able to import its functions)."""
    where.mkdir(parents=True, exist_ok=True)
    script = where / f"script_{abs(hash((code, args)))}.py"
    script.write_text(code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True, cwd=REPO, env=env
    )


def _gongkai(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "GONGKAI_HOME": str(home), "LANG": "C.UTF-8"}
    env.pop("DAGSTER_HOME", None)
    env.pop("GONGKAI_LANG", None)
    exe = Path(sys.executable).with_name("gongkai")
    return subprocess.run(
        [str(exe), "--lang", "en", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=REPO,
    )


def _flat(text: str) -> str:
    """Rich wraps long lines at 80 columns when not on a terminal."""
    return " ".join(text.split())


def _kill(p: subprocess.Popen) -> None:
    if p.poll() is None:
        p.send_signal(signal.SIGKILL)
    p.wait(10)


def test_a_second_build_is_refused_while_one_runs_and_says_who(tmp_path: Path) -> None:
    holder = _python(HOLDER, str(tmp_path), "60", where=tmp_path / "scripts")
    try:
        assert holder.stdout.readline().strip() == "held"
        refused = _gongkai(tmp_path, "build")
        assert refused.returncode == 75
        msg = _flat(refused.stderr)
        assert f"another build is running (pid {holder.pid} on" in msg
        assert "test holder" in msg and "use --wait" in msg
        start = time.monotonic()
        waited = _gongkai(tmp_path, "build", "--wait", "1")
        assert waited.returncode == 75
        assert time.monotonic() - start >= 1
        assert f"waiting for another build to finish (pid {holder.pid}" in _flat(waited.stderr)
    finally:
        _kill(holder)
    # The kernel dropped the flock of the killed holder; its record says who died.
    with runlock.hold(tmp_path, "after") as got:
        assert got.fresh and got.previous is not None
        assert got.previous.pid == holder.pid and not got.previous.is_alive()
    assert runlock.read_holder(tmp_path) is None  # a clean release empties the record


def test_wait_builds_once_the_other_build_ends(tmp_path: Path) -> None:
    holder = _python(HOLDER, str(tmp_path), "2", where=tmp_path / "scripts")
    try:
        assert holder.stdout.readline().strip() == "held"
        # The inbox is empty: once it has the lock the build stops with that message.
        done = _gongkai(tmp_path, "build", "--wait")
    finally:
        _kill(holder)
    assert "waiting for another build" in _flat(done.stderr)
    assert done.returncode == 1 and "the inbox is empty" in _flat(done.stderr)


def test_the_lock_is_reentrant_within_one_process(tmp_path: Path) -> None:
    with runlock.hold(tmp_path, "outer") as outer:
        assert outer.fresh
        assert os.environ[runlock.ENV_OWNER_PID] == str(os.getpid())
        with runlock.hold(tmp_path, "inner", run_id="r1") as inner:
            assert not inner.fresh
            assert runlock.read_holder(tmp_path).run_id == "r1"
        assert runlock.read_holder(tmp_path).command == "outer"
    assert runlock.read_holder(tmp_path) is None
    assert runlock.ENV_OWNER_PID not in os.environ or os.environ[runlock.ENV_OWNER_PID] != str(
        os.getpid()
    )


def test_a_run_lease_keeps_other_builds_out_until_its_worker_dies(tmp_path: Path) -> None:
    worker = _python(
        RUN_WORKER, str(tmp_path), "run-a", "run-a", "run-b", where=tmp_path / "scripts"
    )
    try:
        first, again = (worker.stdout.readline().split() for _ in range(2))
        assert first == ["lease", "True", str(worker.pid)]  # owner: the run worker
        assert again == ["lease", "False", str(worker.pid)]  # a later step of the same run
        # The step of run-b raised BuildBusy and printed no lease line.
        assert worker.stdout.readline().strip() == "done"
        with pytest.raises(runlock.BuildBusy) as busy, runlock.hold(tmp_path, "gongkai build"):
            pass
        assert busy.value.holder.run_id == "run-a"
    finally:
        _kill(worker)
    with runlock.hold(tmp_path, "gongkai build") as got:
        assert got.previous is not None and got.previous.run_id == "run-a"


def test_orphaned_pool_workers_of_a_dead_build_are_stopped_and_no_others(
    tmp_path: Path,
) -> None:
    home, other_home = tmp_path / "home", tmp_path / "other"
    dead = _python(POOL_OWNER, str(home), where=tmp_path / "scripts")
    # A build still running: its workers are not orphans.
    live = _python(POOL_OWNER, str(home), where=tmp_path / "scripts")
    elsewhere = _python(POOL_OWNER, str(other_home), where=tmp_path / "scripts")
    try:
        orphans = {int(p) for p in dead.stdout.readline().split()}
        kept = {int(p) for p in live.stdout.readline().split()}
        foreign = {int(p) for p in elsewhere.stdout.readline().split()}
        assert len(orphans) == 2 and len(kept) == 2
        assert housekeeping.orphan_workers(home) == []
        _kill(dead)
        _kill(elsewhere)
        time.sleep(0.5)
        # Without a parent the workers block on their queue for ever.
        assert all(runlock.alive(p, None) for p in orphans | foreign)
        found = {pid for pid, _ in housekeeping.orphan_workers(home)}
        assert orphans <= found and not (found & (kept | foreign))
        stopped = set(housekeeping.stop_orphan_workers(home))
        assert orphans <= stopped
        assert not any(runlock.alive(p, None) for p in orphans)
        assert all(runlock.alive(p, None) for p in kept | foreign)
    finally:
        for p in (dead, live, elsewhere):
            _kill(p)
        for pid in foreign | kept:
            if runlock.alive(pid, None):
                os.kill(pid, signal.SIGKILL)

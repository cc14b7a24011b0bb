"""What a build cleans up when it starts: the leftovers of builds that died.

A build killed by ``kill -9`` (or the OOM killer, or a power cut) leaves behind its staging
DuckDB file in ``build/``, half-written export and publish files, a Dagster run that stays
STARTED for ever, per-run folders in Dagster's storage, and — the nastiest — extraction pool
workers blocked on a queue whose other end died. Nothing else removes them, so the next build
does, right after it has taken the build lock (``runlock``): holding the lock proves that no
other build of this home is running, so everything of this kind that is not ours is stale.

Processes are killed only when provably ours: a ``multiprocessing`` spawn child, of this user,
whose environment names this home and a build process (pid + start time) that no longer runs.
The other half of the job — workers dying with their parent (``PR_SET_PDEATHSIG``) — belongs in
the pool itself (``pipelines/batch.py``).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.paths import Paths
from pipelines.runlock import ENV_OWNER_HOME, ENV_OWNER_PID, ENV_OWNER_START, Holder, alive

if TYPE_CHECKING:
    import dagster as dg

# Dagster run tags that tie a run to the process executing it.
TAG_PID = "gongkai/pid"
TAG_PID_START = "gongkai/pid_start"
TAG_HOST = "gongkai/host"
# Per-run folders of Dagster's storage (compute logs, op outputs) kept for the latest runs.
KEEP_RUN_STORAGE = 5

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TMP_PID = re.compile(r"\.(\d+)\.(tmp|incoming)$")


@dataclass
class Cleanup:
    """What was cleaned, for the build's log and the tests."""

    staging: list[Path] = field(default_factory=list)
    partial: list[Path] = field(default_factory=list)
    runs_failed: list[str] = field(default_factory=list)
    storage: list[Path] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.staging or self.partial or self.runs_failed or self.storage or self.orphans
        )


def run_tags(pid: int | None = None) -> dict[str, str]:
    """Tags naming the process that executes a run, so a dead run can be told from a live one."""
    from pipelines.runlock import process_start

    me = Holder.me("", pid=pid)
    return {
        TAG_PID: str(me.pid),
        TAG_PID_START: str(process_start(me.pid) or ""),
        TAG_HOST: me.host,
    }


def clean_start(
    paths: Paths,
    instance: dg.DagsterInstance | None,
    current_run: str | None = None,
    previous: Holder | None = None,
) -> Cleanup:
    """Remove what dead builds left; call only while holding the build lock."""
    out = Cleanup()
    out.orphans = stop_orphan_workers(paths.home)
    out.staging = remove_stale_staging(paths, keep=current_run)
    out.partial = remove_partial_files(paths)
    if instance is not None:
        dead_run = previous.run_id if previous is not None and not previous.is_alive() else None
        out.runs_failed = fail_dead_runs(instance, also=dead_run, current_run=current_run)
        out.storage = prune_run_storage(instance, current_run=current_run)
    return out


def remove_stale_staging(paths: Paths, keep: str | None = None) -> list[Path]:
    """Every entry of ``build/`` but the current run's: staging DuckDB files, GE projects.

    The standby copy of the published warehouse (``warehouse.delta.keep_standby``) stays while
    it is complete and of the file now published; a half-made or outdated one goes.
    """
    from warehouse.delta import PREFETCH, prefetched

    removed = []
    if not paths.builds.is_dir():
        return removed
    for entry in sorted(paths.builds.iterdir()):
        if keep and entry.name == keep:
            continue
        if entry.name == PREFETCH and prefetched(paths.warehouse, paths.builds):
            continue
        _remove(entry)
        removed.append(entry)
    return removed


def remove_partial_files(paths: Paths) -> list[Path]:
    """Half-written publish files, export folders and cache entries of processes now dead."""
    removed = []
    candidates: list[Path] = []
    if paths.warehouse.parent.is_dir():
        candidates += paths.warehouse.parent.glob(f".{paths.warehouse.name}.*.incoming")
    if paths.export.is_dir():
        candidates += paths.export.glob(".gongkai-*.partial")
    cache = paths.home / "cache"
    if cache.is_dir():
        candidates += (p for p in cache.glob("*/*/.*.tmp") if _writer_dead(p))
        candidates += (p for p in cache.glob("*/.*.tmp") if _writer_dead(p))
    for p in sorted(set(candidates)):
        if p.name.endswith(".incoming") and not _writer_dead(p):
            continue
        _remove(p)
        removed.append(p)
    return removed


def _writer_dead(p: Path) -> bool:
    m = _TMP_PID.search(p.name)
    return m is None or not alive(int(m.group(1)), None)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def fail_dead_runs(
    instance: dg.DagsterInstance, also: str | None = None, current_run: str | None = None
) -> list[str]:
    """Mark runs still STARTING/STARTED/CANCELING whose process is provably dead as FAILURE.

    Provably dead: the run carries our pid tags and that process (pid + start time) is gone on
    this host, or it is the run of a lease whose owner died. Runs without that proof (launched
    by another tool, on another host) are left alone; QUEUED runs have no process yet.
    """
    import dagster as dg

    from pipelines.runlock import process_start

    statuses = [
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
        dg.DagsterRunStatus.CANCELING,
    ]
    host = Holder.me("").host
    failed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=statuses)):
        if run.run_id == current_run:
            continue
        tags = run.tags
        dead = run.run_id == also
        if not dead and TAG_PID in tags and tags.get(TAG_HOST) == host:
            start = tags.get(TAG_PID_START)
            pid = int(tags[TAG_PID])
            dead = not alive(pid, int(start) if start else process_start(pid))
        if dead:
            instance.report_run_failed(
                run,
                message="进程已终止，运行未完成（由下一次构建标记）/ the process running this "
                "build died; marked failed by the next build",
            )
            failed.append(run.run_id)
    return failed


def prune_run_storage(
    instance: dg.DagsterInstance, current_run: str | None = None, keep: int = KEEP_RUN_STORAGE
) -> list[Path]:
    """Remove per-run folders of Dagster's storage but those of the latest ``keep`` runs.

    Asset outputs are stored per asset key and overwritten by each run (the next run needs
    them); per-run folders (compute logs, op outputs) are only ever added to.
    """
    import dagster as dg

    storage = Path(instance.storage_directory())
    if not storage.is_dir():
        return []
    latest = {r.run_id for r in instance.get_runs(limit=keep)}
    in_progress = dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED]
    )
    latest |= {r.run_id for r in instance.get_runs(filters=in_progress)}
    if current_run:
        latest.add(current_run)
    removed = []
    for entry in sorted(storage.iterdir()):
        if entry.is_dir() and _UUID.match(entry.name) and entry.name not in latest:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    out = {}
    for item in raw.split(b"\0"):
        k, sep, v = item.partition(b"=")
        if sep:
            out[k.decode("utf-8", "replace")] = v.decode("utf-8", "replace")
    return out


def _is_spawn_child(cmdline: bytes) -> bool:
    return b"multiprocessing" in cmdline and (
        b"spawn_main" in cmdline
        or b"--multiprocessing-fork" in cmdline
        or b"resource_tracker" in cmdline
    )


def orphan_workers(home: Path) -> list[tuple[int, int | None]]:
    """``multiprocessing`` children of a dead build of ``home``: (pid, start time) pairs.

    All of: same user; command line of a ``multiprocessing`` spawn child (or its resource
    tracker); environment naming this home and a build process, and that process gone.
    """
    from pipelines.runlock import process_start

    home = home.resolve()
    uid = os.getuid()
    found = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit() or int(d.name) == os.getpid():
            continue
        pid = int(d.name)
        try:
            if d.stat().st_uid != uid or not _is_spawn_child((d / "cmdline").read_bytes()):
                continue
            env = _environ(pid)
        except OSError:
            continue
        if env.get(ENV_OWNER_HOME) != str(home) or not env.get(ENV_OWNER_PID, "").isdigit():
            continue
        owner = int(env[ENV_OWNER_PID])
        start = env.get(ENV_OWNER_START, "")
        if alive(owner, int(start) if start.isdigit() else None):
            continue
        found.append((pid, process_start(pid)))
    return found


def stop_orphan_workers(home: Path, grace: float = 3.0) -> list[int]:
    """Terminate the orphaned workers of dead builds of ``home`` (SIGTERM, then SIGKILL)."""
    orphans = orphan_workers(home)
    for pid, start in orphans:
        if alive(pid, start):
            _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p, s) for p, s in orphans):
        time.sleep(0.1)
    for pid, start in orphans:
        if alive(pid, start):
            _signal(pid, signal.SIGKILL)
    # SIGKILL is delivered asynchronously: return once they are gone, so the caller (and the
    # line saying what was cleaned) never sees one still running.
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and any(alive(p, s) for p, s in orphans):
        time.sleep(0.02)
    return [pid for pid, _ in orphans]


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)

"""Run the ``build_warehouse`` job on Dagster's celery executor with worker processes here.

分布式构建（issue 13）：本机启动 Redis（仅 127.0.0.1、空闲端口、不持久化）与两个
``dagster-celery worker``，用 celery 执行器运行 ``build_warehouse``，打印运行状态与每个步骤的
耗时和所在 worker，退出时（含失败、Ctrl-C、SIGTERM）停止 Redis 与 worker。

    GONGKAI_HOME=/tmp/home .venv/bin/python scripts/celery_build.py --demo 0.1

What every process must share, and is therefore written here rather than assumed:

* the Dagster instance: ``<dagster-home>/dagster.yaml`` names sqlite run/event/schedule storage in
  a folder the launcher and both workers see (one machine; a cluster uses postgres, README);
* the step outputs: ``GONGKAI_IO_DIR`` (``<home>/dagster-io``) for the celery variant's
  ``FilesystemIOManager`` (``pipelines/executors.py``);
* the Gongkai home itself (inbox, cache, staging, warehouse): ``GONGKAI_HOME``.

Nothing is installed at run time: a missing ``redis-server`` is reported with the command that
installs it (exit 3). Exit 0 when the run succeeded and the warehouse was published, else 1.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
JOB = "build_warehouse"
EXIT_MISSING = 3


def say(zh: str, en: str) -> None:
    """One progress line, Chinese / English, flushed (the test reads it through a pipe)."""
    print(f"[celery_build] {zh} / {en}", flush=True)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (redis binds it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    # PR_SET_PDEATHSIG: redis goes too when this script is killed with -9 (no trap runs then).
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


def write_instance(dagster_home: Path) -> Path:
    """Write ``dagster.yaml``: explicit sqlite storage in a folder all processes share."""
    storage = dagster_home / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    config = dagster_home / "dagster.yaml"
    config.write_text(
        "# Written by scripts/celery_build.py: the launcher and every celery worker open this\n"
        "# instance, so runs, events and schedules live in one shared folder (one machine).\n"
        "storage:\n"
        "  sqlite:\n"
        f"    base_dir: {json.dumps(str(storage))}\n"
        "local_artifact_storage:\n"
        "  module: dagster._core.storage.root\n"
        "  class: LocalArtifactStorage\n"
        "  config:\n"
        f"    base_dir: {json.dumps(str(dagster_home))}\n"
        "telemetry:\n"
        "  enabled: false\n",
        encoding="utf-8",
    )
    return config


def create_storage() -> None:
    """Create the instance's tables now: workers starting together would race to create them."""
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        instance.get_runs(limit=1)
        instance.event_log_storage.get_asset_records()
        if instance.schedule_storage is not None:
            instance.schedule_storage.all_instigator_state()


def write_worker_config(dagster_home: Path, broker: str) -> Path:
    """The ``-y`` file of ``dagster-celery worker start``: the executor's broker and backend."""
    path = dagster_home / "celery-worker.yaml"
    path.write_text(
        "execution:\n"
        "  config:\n"
        f"    broker: {json.dumps(broker)}\n"
        f"    backend: {json.dumps(broker)}\n",
        encoding="utf-8",
    )
    return path


def stage_demo(home: Path, scale: float, seed: int) -> None:
    """Generate the demo province and put it in the inbox, without building (the run does)."""
    from pipelines import runlock
    from pipelines.demo import generate
    from pipelines.inbox import LEDGER_SUFFIXES, Inbox
    from pipelines.paths import Paths

    paths = Paths(home)
    with runlock.hold(home, "scripts/celery_build.py --demo"):
        summary = generate(paths.demo, seed=seed, scale=scale)
        Inbox(paths.inbox).ingest([paths.demo / "docs"])
        ledgers = paths.demo / "ledgers"
        if ledgers.is_dir():
            files = sorted(ledgers.iterdir())
            Inbox(paths.inbox).ingest(p for p in files if p.suffix in LEDGER_SUFFIXES)
    n = summary.get("documents", "?")
    say(f"演示数据已放入收件箱：{n} 份文件", f"demo staged in the inbox: {n} documents")


class Services:
    """Redis and the workers, stopped on exit whatever the reason (the script's trap).

    ``<logs>/services.json`` names the running ones (pid = process group, start time): after a
    ``kill -9`` of the script no trap runs, and the next start stops what that file still names.
    """

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.record = logs / "services.json"
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def stop_leftovers(self) -> list[str]:
        """Kill the process groups a killed earlier run of this script left (pid + start time)."""
        from pipelines.runlock import alive

        try:
            left = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        stopped = []
        for name, (pid, start) in left.items():
            if alive(pid, start):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                stopped.append(name)
        self.record.unlink(missing_ok=True)
        return stopped

    def _save(self) -> None:
        from pipelines.runlock import process_start

        names = {name: (p.pid, process_start(p.pid)) for name, p in self.procs}
        self.record.write_text(json.dumps(names), encoding="utf-8")

    def start(self, name: str, cmd: list[str], env: Mapping[str, str], **kw: Any) -> None:
        """Start ``cmd`` in its own process group, output to ``<logs>/<name>.log``."""
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 (closed by the child's exit)
        proc = subprocess.Popen(
            cmd,
            env=dict(env),
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            **kw,
        )
        log.close()
        self.procs.append((name, proc))
        self._save()

    def dead(self) -> list[str]:
        """Names of the services that have exited."""
        return [name for name, p in self.procs if p.poll() is not None]

    def stop(self, grace: float = 15.0) -> None:
        """SIGTERM each process group (workers finish or drop their task), SIGKILL stragglers."""
        for _, p in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _, p in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(max(0.1, deadline - time.monotonic()))
        for _, p in self.procs:
            # The group, not only the leader: dagster-celery's wrapper leaves celery's own
            # processes behind when it dies alone.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(p.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(5)
        self.procs.clear()
        self.record.unlink(missing_ok=True)


def start_redis(services: Services, work: Path) -> str:
    """Start a private redis-server: 127.0.0.1 only, a free port, no RDB/AOF persistence."""
    port = free_port()
    cmd = [
        "redis-server",
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--protected-mode",
        "yes",
        "--dir",
        str(work),
    ]
    services.start("redis", cmd, os.environ, preexec_fn=_die_with_parent)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 30
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if services.dead() or time.monotonic() > deadline:
                raise RuntimeError(
                    f"redis-server 未能启动，见 {services.logs}/redis.log / "
                    f"redis-server did not start, see {services.logs}/redis.log"
                ) from None
            time.sleep(0.2)
    say(f"Redis 已启动：127.0.0.1:{port}", f"redis started on 127.0.0.1:{port}")
    return f"redis://127.0.0.1:{port}/0"


def start_workers(
    services: Services, n: int, config: Path, env: Mapping[str, str], broker: str
) -> list[str]:
    """Start ``n`` ``dagster-celery worker`` processes (concurrency 1); wait until they answer."""
    names = [f"gongkai-w{i}" for i in range(1, n + 1)]
    for name in names:
        cmd = [
            str(BIN / "dagster-celery"),
            "worker",
            "start",
            "-A",
            "dagster_celery.app",
            "-y",
            str(config),
            "-n",
            name,
            "-l",
            "INFO",
            "--",
            # The solo pool runs the step in the worker process itself, one at a time: a
            # prefork child is daemonic and may not start the extraction pool's processes.
            "--pool=solo",
            "--concurrency=1",
            # No gossip/mingle/heartbeat: two local workers need not sync state, start faster.
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        services.start(name, cmd, env)
    from dagster_celery.executor import CeleryExecutor
    from dagster_celery.make_app import make_app

    app = make_app(CeleryExecutor.for_cli(broker=broker, backend=broker).app_args())
    wanted = {f"{name}@{socket.gethostname()}" for name in names}
    deadline = time.monotonic() + 180
    seen: set[str] = set()
    while seen < wanted:
        if services.dead():
            raise RuntimeError(
                f"worker 已退出：{services.dead()}，见 {services.logs} / "
                f"workers exited: {services.dead()}, see {services.logs}"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(f"worker 未就绪 / workers not ready: {sorted(wanted - seen)}")
        for reply in app.control.ping(timeout=1.0) or []:
            seen |= set(reply)
    say(f"worker 已就绪：{', '.join(sorted(seen))}", f"workers ready: {', '.join(sorted(seen))}")
    return sorted(seen)


def run_job(timeout: float) -> tuple[str, str]:
    """Execute the job from this process (the run's coordinator); (run id, status)."""
    import dagster as dg
    from dagster._core.definitions.reconstruct import ReconstructableRepository

    from pipelines import housekeeping

    repo = ReconstructableRepository.for_module(
        "pipelines.definitions", "defs", working_directory=str(REPO)
    )
    # A wall-clock limit: SIGINT to ourselves, which the celery executor turns into revoking
    # its tasks and ending the run; the cleanup below then stops the services.
    timer = threading.Timer(timeout, os.kill, (os.getpid(), signal.SIGINT))
    timer.daemon = True
    timer.start()
    try:
        with dg.DagsterInstance.get() as instance:
            result = dg.execute_job(
                repo.get_reconstructable_job(JOB),
                instance=instance,
                tags=housekeeping.run_tags(),
                raise_on_error=False,
                # Step events at INFO (DEBUG adds a line per submitted task).
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            )
            run = instance.get_run_by_id(result.run_id)
            return result.run_id, run.status.value if run else "UNKNOWN"
    finally:
        timer.cancel()


def step_report(run_id: str) -> list[dict[str, Any]]:
    """Per step, from the run's event log: worker, pid, start/end, seconds, outcome."""
    import dagster as dg

    steps: dict[str, dict[str, Any]] = {}
    with dg.DagsterInstance.get() as instance:
        for entry in instance.all_logs(run_id):
            ev = entry.dagster_event
            if ev is None or not ev.step_key:
                continue
            s = steps.setdefault(ev.step_key, {"step": ev.step_key, "status": "NOT_FINISHED"})
            kind = ev.event_type_value
            if kind == "ENGINE_EVENT":
                meta = getattr(ev.event_specific_data, "metadata", None) or {}
                worker = meta.get("Celery worker")
                if worker is not None:
                    s["worker"] = getattr(worker, "value", str(worker))
            elif kind == "STEP_START":
                s["start"] = entry.timestamp
                s["pid"] = ev.pid
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
                s["end"] = entry.timestamp
                s["status"] = kind.removeprefix("STEP_")
    for s in steps.values():
        if "start" in s and "end" in s:
            s["seconds"] = round(s["end"] - s["start"], 2)
    return sorted(steps.values(), key=lambda s: s.get("start", float("inf")))


def print_report(steps: list[dict[str, Any]]) -> dict[str, int]:
    """Print the step table; steps per worker."""
    print(f"{'step 步骤':48} {'worker':28} {'pid':>7} {'秒/s':>8}  status", flush=True)
    for s in steps:
        print(
            f"{s['step'][:48]:48} {s.get('worker', '-')[:28]:28} {s.get('pid') or '-':>7} "
            f"{s.get('seconds', '-'):>8}  {s['status']}",
            flush=True,
        )
    per_worker = Counter(s["worker"] for s in steps if "worker" in s)
    for worker, n in sorted(per_worker.items()):
        say(f"{worker} 执行了 {n} 个步骤", f"{worker} ran {n} steps")
    return dict(per_worker)


def published_rows(warehouse: Path, before: float | None) -> int | None:
    """``meta_build`` rows of a warehouse published by this run (None: not published by it)."""
    if not warehouse.exists() or (before is not None and warehouse.stat().st_mtime <= before):
        return None
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM meta_build").fetchone()[0])
    finally:
        con.close()


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM/SIGHUP take the Ctrl-C path, so the run is cancelled and the services stopped."""

    def forward(_sig: int, _frame: object) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    old = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--home", type=Path, default=None, help="Gongkai home (default $GONGKAI_HOME)")
    p.add_argument(
        "--dagster-home",
        type=Path,
        default=None,
        help="shared Dagster instance folder (default <home>/dagster-celery; dagster.yaml is "
        "written there)",
    )
    p.add_argument("--workers", type=int, default=2, help="celery worker processes (default 2)")
    p.add_argument("--demo", type=float, default=None, metavar="SCALE", help="stage a demo first")
    p.add_argument("--seed", type=int, default=20240201)
    p.add_argument("--timeout", type=float, default=3600, help="seconds before the run is stopped")
    p.add_argument("--json", type=Path, default=None, help="write a summary (run, steps) here")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Stage, start the services, run, report, stop."""
    args = parse_args(argv)
    if shutil.which("redis-server") is None:
        say(
            "找不到 redis-server，请先安装：sudo apt-get install -y redis-server",
            "redis-server not found; install it: sudo apt-get install -y redis-server",
        )
        return EXIT_MISSING
    home = (args.home or Path(os.environ.get("GONGKAI_HOME", "data"))).resolve()
    dagster_home = (args.dagster_home or home / "dagster-celery").resolve()
    logs = dagster_home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    # Everything the coordinator (this process) and the workers must agree on, set explicitly.
    os.environ.update(
        GONGKAI_HOME=str(home),
        DAGSTER_HOME=str(dagster_home),
        GONGKAI_EXECUTOR="celery",
        GONGKAI_IO_DIR=str(home / "dagster-io"),
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # the wrapper runs `celery`
    )
    write_instance(dagster_home)
    create_storage()
    if args.demo is not None:
        stage_demo(home, args.demo, args.seed)

    from pipelines.paths import Paths

    warehouse = Paths(home).warehouse
    before = warehouse.stat().st_mtime if warehouse.exists() else None
    services = Services(logs)
    if left := services.stop_leftovers():
        say(f"已停止上次被强杀时遗留的进程：{left}", f"stopped services a killed run left: {left}")
    summary: dict[str, Any] = {"home": str(home), "dagster_home": str(dagster_home)}
    started = time.monotonic()
    try:
        with sigterm_as_interrupt():
            broker = start_redis(services, logs)
            os.environ["GONGKAI_CELERY_BROKER"] = broker
            os.environ["GONGKAI_CELERY_BACKEND"] = broker
            config = write_worker_config(dagster_home, broker)
            summary["workers"] = start_workers(services, args.workers, config, os.environ, broker)
            summary["services"] = {name: p.pid for name, p in services.procs}
            say(f"运行 {JOB}（celery 执行器）", f"running {JOB} on the celery executor")
            t0 = time.monotonic()
            run_id, status = run_job(args.timeout)
            summary.update(run_id=run_id, status=status, run_seconds=time.monotonic() - t0)
    except KeyboardInterrupt:
        say("已中断，正在停止 Redis 与 worker", "interrupted; stopping redis and the workers")
        summary.setdefault("status", "INTERRUPTED")
    finally:
        services.stop()
    summary["wall_seconds"] = round(time.monotonic() - started, 1)
    if "run_id" in summary:
        say(
            f"运行 {summary['run_id']}：{summary['status']}，{summary['run_seconds']:.1f} 秒",
            f"run {summary['run_id']}: {summary['status']} in {summary['run_seconds']:.1f} s",
        )
        summary["steps"] = step_report(summary["run_id"])
        summary["steps_per_worker"] = print_report(summary["steps"])
    rows = published_rows(warehouse, before)
    summary["meta_build_rows"] = rows
    if rows:
        say(f"数据仓库已发布：{warehouse}（meta_build {rows} 行）", f"published {warehouse}")
    else:
        say("本次运行没有发布数据仓库", "this run did not publish the warehouse")
    if args.json:
        args.json.write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if summary.get("status") == "SUCCESS" and rows else 1


if __name__ == "__main__":
    sys.exit(main())

"""Which Dagster executor runs a job's steps: ``GONGKAI_EXECUTOR`` (issue 13).

* ``multiprocess`` (default): steps in child processes of the run worker, two at a time — what
  ``gongkai dev``, the schedules and the sensor have always used.
* ``celery``: steps sent as Celery tasks through a broker (Redis by default) to
  ``dagster-celery worker`` processes, on this machine (``scripts/celery_build.py``) or others.

Steps in other processes, possibly on other machines, see nothing of the run worker but what is
stored, so the celery variant configures its storage instead of assuming it: outputs passed
between steps go through a :class:`dagster.FilesystemIOManager` on a folder under the Gongkai
home (unless the definitions bring their own ``io_manager``), and the run and event storage are
the Dagster instance's (``$DAGSTER_HOME/dagster.yaml``, which every worker must share).

``dagster_celery`` is imported only when celery is chosen: it lives in the optional
``distributed`` extra, and the default install must load the definitions without it.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.paths import default_paths

ENV_EXECUTOR = "GONGKAI_EXECUTOR"
ENV_BROKER = "GONGKAI_CELERY_BROKER"
ENV_BACKEND = "GONGKAI_CELERY_BACKEND"
ENV_IO_DIR = "GONGKAI_IO_DIR"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
EXECUTORS = ("multiprocess", "celery")
# Run tag written by the celery executor in the process orchestrating the run: the steps, in
# worker processes that are not its children, lease the build lock on its behalf (runlock).
TAG_COORDINATOR = "gongkai/coordinator"
# Steps at a time under the multiprocess executor (the machine has few cores).
MULTIPROCESS_MAX = 2


def executor_name(environ: Mapping[str, str] | None = None) -> str:
    """The chosen executor; an unknown name is an error, not a silent fallback."""
    env = os.environ if environ is None else environ
    name = (env.get(ENV_EXECUTOR) or "multiprocess").strip().lower()
    if name not in EXECUTORS:
        raise ValueError(
            f"{ENV_EXECUTOR}={name!r} 无效，可选 {'/'.join(EXECUTORS)} / "
            f"invalid {ENV_EXECUTOR}={name!r}, choose one of {', '.join(EXECUTORS)}"
        )
    return name


def from_env(environ: Mapping[str, str] | None = None) -> dg.ExecutorDefinition:
    """The executor definition for ``Definitions(executor=...)``."""
    if executor_name(environ) == "celery":
        return celery_executor(environ)
    return dg.multiprocess_executor.configured({"max_concurrent": MULTIPROCESS_MAX})


def _url(env: Mapping[str, str], var: str, default: str) -> str | dict[str, str]:
    # A URL set in the environment is passed as {"env": VAR}: resolved in each process and
    # never shown in the Dagster UI (a broker URL may carry a password).
    return {"env": var} if env.get(var) else default


def celery_config(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Executor config: broker and result backend (default: the broker's Redis)."""
    env = os.environ if environ is None else environ
    broker = env.get(ENV_BROKER) or DEFAULT_BROKER
    return {
        "broker": _url(env, ENV_BROKER, DEFAULT_BROKER),
        # rpc:// (dagster-celery's default) needs an AMQP broker; Redis stores results itself.
        "backend": _url(env, ENV_BACKEND, broker),
    }


def celery_executor(environ: Mapping[str, str] | None = None) -> dg.ExecutorDefinition:
    """dagster-celery's executor, configured from the environment, tagging its coordinator."""
    try:
        from dagster_celery.executor import CELERY_CONFIG, CeleryExecutor
    except ImportError as e:
        raise ImportError(
            "GONGKAI_EXECUTOR=celery 需要 dagster-celery：uv sync --extra distributed / "
            "GONGKAI_EXECUTOR=celery needs dagster-celery: uv sync --extra distributed"
        ) from e
    from dagster._core.execution.retries import RetryMode

    class CoordinatedCeleryExecutor(CeleryExecutor):
        """Celery executor that names the orchestrating process in the run's tags first."""

        def execute(self, plan_context, execution_plan):  # type: ignore[override]
            plan_context.instance.add_run_tags(
                plan_context.run_id, {TAG_COORDINATOR: Coordinator.me().to_tag()}
            )
            return super().execute(plan_context, execution_plan)

    @dg.executor(
        name="celery",
        config_schema=CELERY_CONFIG,
        requirements=dg.multiple_process_executor_requirements(),
    )
    def gongkai_celery(init_context: dg.InitExecutorContext) -> CeleryExecutor:
        cfg = init_context.executor_config
        return CoordinatedCeleryExecutor(
            broker=cfg.get("broker"),
            backend=cfg.get("backend"),
            config_source=cfg.get("config_source"),
            include=cfg.get("include"),
            retries=RetryMode.from_config(cfg["retries"]),
        )

    return gongkai_celery.configured(celery_config(environ))


def io_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where step outputs go under celery: ``$GONGKAI_IO_DIR`` or ``<home>/dagster-io``."""
    env = os.environ if environ is None else environ
    if env.get(ENV_IO_DIR):
        return Path(env[ENV_IO_DIR]).resolve()
    return default_paths().home / "dagster-io"


def shared_resources(
    resources: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``resources`` plus, under celery, an ``io_manager`` on a folder every worker sees.

    Dagster's default io manager writes under the instance's storage folder, which is shared
    only if every worker happens to use the same ``$DAGSTER_HOME`` on the same disk; the base
    folder is made explicit instead. An ``io_manager`` the definitions already have is kept.
    """
    out = dict(resources)
    if executor_name(environ) == "celery" and "io_manager" not in out:
        out["io_manager"] = dg.FilesystemIOManager(base_dir=str(io_dir(environ)))
    return out


@dataclass(frozen=True)
class Coordinator:
    """The process orchestrating a celery run (it submits the steps and waits for them)."""

    pid: int
    host: str
    pid_start: int | None = None

    @classmethod
    def me(cls) -> Coordinator:
        """This process."""
        from pipelines.runlock import process_start

        return cls(pid=os.getpid(), host=socket.gethostname(), pid_start=process_start(os.getpid()))

    def to_tag(self) -> str:
        """The run tag value."""
        return json.dumps({"pid": self.pid, "host": self.host, "pid_start": self.pid_start})

    @classmethod
    def of_run(cls, tags: Mapping[str, str]) -> Coordinator | None:
        """The coordinator named in a run's tags (None: not a celery run, or unreadable)."""
        raw = tags.get(TAG_COORDINATOR)
        if not raw:
            return None
        try:
            d = json.loads(raw)
            start = d.get("pid_start")
            return cls(
                pid=int(d["pid"]),
                host=str(d["host"]),
                pid_start=None if start is None else int(start),
            )
        except (ValueError, TypeError, KeyError):
            return None

    def is_alive(self) -> bool:
        """Whether it still runs; one on another host counts as alive (cannot be checked)."""
        from pipelines.runlock import alive

        return self.host != socket.gethostname() or alive(self.pid, self.pid_start)

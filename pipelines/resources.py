"""Dagster resources: where the data lives and how much parallelism a run may use."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.paths import Paths

if TYPE_CHECKING:
    from pipelines.executors import Coordinator


class GongkaiHome(dg.ConfigurableResource):
    """The Gongkai home folder (``$GONGKAI_HOME`` or ``./data``) and the extraction workers.

    Inside a run the resource also claims the home's build lock (``pipelines.runlock``), so a
    run launched from ``gongkai dev``, a schedule or the sensor never overlaps another build;
    ``gongkai build`` already holds the lock in the same process and the claim re-enters it.
    """

    home: str = ""
    workers: int = 0  # 0 = one process per core

    @property
    def paths(self) -> Paths:
        """The folders of this home."""
        return Paths(Path(self.home or os.environ.get("GONGKAI_HOME", "data")).resolve())

    @property
    def worker_count(self) -> int:
        """Processes used to extract documents in parallel."""
        return self.workers or max(1, os.cpu_count() or 1)

    @contextlib.contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[GongkaiHome]:
        """Claim the build lock for the run (not for a sensor, which only reads the inbox)."""
        run = context.run
        if run is None:
            yield self
            return
        from pipelines.executors import Coordinator

        coordinator = Coordinator.of_run(run.tags)
        with claim_for_run(
            self.paths, context.instance, run.run_id, run.job_name, coordinator=coordinator
        ):
            yield self


@contextlib.contextmanager
def claim_for_run(
    paths: Paths,
    instance: dg.DagsterInstance | None,
    run_id: str,
    job: str,
    coordinator: Coordinator | None = None,
) -> Iterator[None]:
    """Own ``paths.home`` for the run ``run_id``; the first claim cleans up after dead builds.

    In one process (``gongkai build``, an in-process run) the lock is held for the whole run;
    in a step process of the multiprocess executor the run worker gets a lease (see runlock);
    in a celery worker (``coordinator``: the live process orchestrating the run, not this one)
    the lease names that coordinator — a long-lived worker must neither hold the lock past its
    step (the other worker's steps would find the home busy) nor own it (it outlives the run).
    """
    from pipelines import runlock

    command = f"dagster run {job} {run_id}"
    remote = (
        coordinator is not None
        and (coordinator.pid, coordinator.host) != (os.getpid(), socket.gethostname())
        and coordinator.is_alive()
    )
    if remote or runlock.in_step_process():
        owner = None
        if remote:
            owner = runlock.Holder(
                pid=coordinator.pid,
                host=coordinator.host,
                started="",
                command=command,
                pid_start=coordinator.pid_start,
            )
        acquired = runlock.lease(paths.home, run_id, command, owner=owner)
        runlock.mark_environment(paths.home)
        if acquired.fresh:
            _start(paths, instance, run_id, acquired, pid=acquired.holder.pid)
        yield
        return
    with runlock.hold(paths.home, command, run_id=run_id) as acquired:
        if acquired.fresh:
            _start(paths, instance, run_id, acquired, pid=os.getpid())
        yield


def _start(
    paths: Paths, instance: dg.DagsterInstance | None, run_id: str, acquired, pid: int
) -> None:
    from pipelines import housekeeping

    if instance is not None:
        instance.add_run_tags(run_id, housekeeping.run_tags(pid))
    housekeeping.clean_start(paths, instance, current_run=run_id, previous=acquired.previous)

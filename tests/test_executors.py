"""Executor selection (issue 13) and the build lock held for a celery run's coordinator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines import executors, runlock
from pipelines.executors import Coordinator
from pipelines.paths import Paths
from pipelines.resources import claim_for_run

REPO = Path(__file__).resolve().parents[1]


def test_the_default_executor_is_unchanged_and_a_typo_is_an_error() -> None:
    assert executors.executor_name({}) == "multiprocess"
    assert executors.from_env({}).name == "multiprocess"
    assert executors.executor_name({"GONGKAI_EXECUTOR": " Celery "}) == "celery"
    with pytest.raises(ValueError, match="GONGKAI_EXECUTOR"):
        executors.executor_name({"GONGKAI_EXECUTOR": "k8s"})


def test_celery_urls_come_from_the_environment_and_stay_out_of_the_ui() -> None:
    assert executors.celery_config({}) == {
        "broker": executors.DEFAULT_BROKER,
        "backend": executors.DEFAULT_BROKER,
    }
    env = {"GONGKAI_CELERY_BROKER": "redis://:secret@broker:6379/1"}
    assert executors.celery_config(env) == {
        "broker": {"env": "GONGKAI_CELERY_BROKER"},
        "backend": "redis://:secret@broker:6379/1",
    }
    assert executors.celery_executor(env).name == "celery"


def test_celery_gets_a_shared_io_manager_unless_the_definitions_have_one(tmp_path: Path) -> None:
    celery = {"GONGKAI_EXECUTOR": "celery", "GONGKAI_IO_DIR": str(tmp_path / "io")}
    res = executors.shared_resources({"gongkai": object()}, celery)
    assert isinstance(res["io_manager"], dg.FilesystemIOManager)
    assert res["io_manager"].base_dir == str((tmp_path / "io").resolve())
    own = object()
    assert executors.shared_resources({"io_manager": own}, celery)["io_manager"] is own
    assert "io_manager" not in executors.shared_resources({"gongkai": object()}, {})


def test_the_definitions_load_with_the_celery_executor(tmp_path: Path) -> None:
    code = (
        "import json\n"
        "from pipelines.definitions import defs\n"
        "job = defs.resolve_job_def('build_warehouse')\n"
        "print(json.dumps([job.executor_def.name, sorted(job.resource_defs)]))\n"
    )
    env = {
        **os.environ,
        "GONGKAI_EXECUTOR": "celery",
        "GONGKAI_HOME": str(tmp_path),
        "DAGSTER_HOME": str(tmp_path),
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    name, resources = json.loads(out.stdout.strip().splitlines()[-1])
    assert name == "celery" and {"gongkai", "io_manager"} <= set(resources)


def test_the_coordinator_tag_round_trips_and_garbage_is_ignored() -> None:
    me = Coordinator.me()
    assert Coordinator.of_run({executors.TAG_COORDINATOR: me.to_tag()}) == me
    assert me.is_alive()
    assert Coordinator.of_run({}) is None
    assert Coordinator.of_run({executors.TAG_COORDINATOR: "{not json"}) is None


def test_celery_steps_lease_the_home_for_the_coordinator_not_the_worker(tmp_path: Path) -> None:
    """Two workers' steps of one run go on in turn; other builds wait until the coordinator ends."""
    coordinator = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        c = Coordinator(
            pid=coordinator.pid,
            host=Coordinator.me().host,
            pid_start=runlock.process_start(coordinator.pid),
        )
        paths = Paths(tmp_path)
        with claim_for_run(paths, None, "run-a", "build_warehouse", coordinator=c):
            holder = runlock.read_holder(tmp_path)
            assert (holder.pid, holder.mode, holder.run_id) == (c.pid, "lease", "run-a")
        # The next step, in the other worker: not busy, the lease is the run's own.
        with claim_for_run(paths, None, "run-a", "build_warehouse", coordinator=c):
            pass
        with pytest.raises(runlock.BuildBusy) as busy, runlock.hold(tmp_path, "gongkai build"):
            pass
        assert busy.value.holder.pid == coordinator.pid
    finally:
        coordinator.kill()
        coordinator.wait()
    with runlock.hold(tmp_path, "gongkai build") as got:
        assert got.previous is not None and got.previous.run_id == "run-a"


def test_step_outputs_live_in_the_home_of_the_runs_gongkai_resource(tmp_path: Path) -> None:
    """Two runs given two homes (two tests on two xdist workers) must not share ./data/io."""
    from pipelines.io import gongkai_io_manager
    from pipelines.resources import GongkaiHome

    home = tmp_path / "province"
    with dg.build_init_resource_context(
        resources={"gongkai": GongkaiHome(home=str(home))}
    ) as context:
        manager = gongkai_io_manager(context)
    assert manager._base(dg.AssetKey("core_report")) == home.resolve() / "io" / "core_report"

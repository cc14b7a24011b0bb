"""The build on Dagster's celery executor with two local workers (issue 13), end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import runlock

REPO = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.serial]


def test_the_build_runs_through_celery_on_two_workers(tmp_path: Path) -> None:
    if shutil.which("redis-server") is None:
        pytest.skip(
            "redis-server 未安装，无法启动 celery 的 broker（.ci/run 以 root 身份会用 apt 安装）"
            " / redis-server is not installed, no celery broker (.ci/run installs it via apt "
            "as root): apt-get install -y redis-server"
        )
    summary_path = tmp_path / "summary.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGKAI_", "DAGSTER_"))}
    env["GONGKAI_HOME"] = str(tmp_path / "home")
    cmd = [sys.executable, "scripts/celery_build.py", "--demo", "0.05", "--json", str(summary_path)]
    proc = subprocess.run(
        [*cmd, "--timeout", "900"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["status"] == "SUCCESS"
    assert summary["meta_build_rows"] >= 1  # the warehouse was published by this run
    steps = summary["steps"]
    assert steps and all(s["status"] == "SUCCESS" for s in steps)
    # Every step ran in a celery worker, and both workers (two processes) took some.
    assert all("worker" in s for s in steps)
    assert len({s["worker"] for s in steps}) == 2
    assert len({s["pid"] for s in steps}) == 2
    assert summary["steps_per_worker"] and sum(summary["steps_per_worker"].values()) == len(steps)
    # Redis and the workers were stopped on exit.
    pids = {s["pid"] for s in steps} | set(summary["services"].values())
    assert not [p for p in pids if runlock.alive(p, None)]

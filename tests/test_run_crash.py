"""A real ``gongkai build`` killed with SIGKILL in the middle of its Dagster run, then the next
build: what the dead one left is cleaned, its run is marked failed, the published warehouse was
never touched, and the next build says exactly what happened (published, export stale) and lists
each quarantined file on one line."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import housekeeping, runlock
from pipelines.inbox import Inbox
from pipelines.paths import Paths
from warehouse import delta

pytestmark = [pytest.mark.hostile, pytest.mark.serial]

REPO = Path(__file__).resolve().parents[1]


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "GONGKAI_HOME": str(home), "LANG": "C.UTF-8"}
    for k in ("DAGSTER_HOME", "GONGKAI_LANG"):
        env.pop(k, None)
    return env


def _gongkai() -> str:
    return str(Path(sys.executable).with_name("gongkai"))


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _small_home(tmp_path: Path) -> Paths:
    """Three demo reports, a broken PDF, a demo ledger and a CSV that is no ledger."""
    from pipelines.demo import generate

    paths = Paths(tmp_path / "home")
    gen = tmp_path / "gen"
    generate(gen, seed=7, scale=0.05)
    pick = tmp_path / "pick"
    pick.mkdir()
    for p in sorted((gen / "docs").iterdir())[:3]:
        (pick / p.name).write_bytes(p.read_bytes())
    ledger = sorted((gen / "ledgers").glob("*.csv"))[0]
    (pick / ledger.name).write_bytes(ledger.read_bytes())
    (pick / "broken.pdf").write_bytes(b"%PDF-1.7\n not really a pdf")
    (pick / "台账_乱.csv").write_bytes(b"a,b\n1,2\n")
    Inbox(paths.inbox).ingest([pick])
    # A published warehouse from an earlier build (a stand-in: only its bytes are compared).
    paths.warehouse.parent.mkdir(parents=True)
    con = duckdb.connect(str(paths.warehouse))
    con.execute("CREATE TABLE meta_build AS SELECT 'earlier' AS dataset_version")
    con.close()
    return paths


def _run_status(home: Path, run_id: str) -> str:
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home / "dagster")) as instance:
        return instance.get_run_by_id(run_id).status.value


@pytest.mark.slow
def test_a_build_killed_mid_run_is_cleaned_up_by_the_next_one(tmp_path: Path) -> None:
    paths = _small_home(tmp_path)
    published = _sha(paths.warehouse)
    build = subprocess.Popen(
        [_gongkai(), "--lang", "en", "build", "--workers", "2"],
        env=_env(paths.home),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    staging: list[Path] = []
    while not staging and build.poll() is None and time.monotonic() < deadline:
        staging = list(paths.builds.glob("*/gongkai.duckdb")) if paths.builds.is_dir() else []
        time.sleep(0.1)
    assert staging, "the build never reached its staging database"
    build.send_signal(signal.SIGKILL)
    build.wait(10)
    # A copy of the published warehouse for an incremental build (warehouse/delta.py) that
    # is still being made is the dead build's; a complete one of the published file is not.
    half_copied = ((paths.builds / ".prefetch").exists()
                   and not delta.prefetched(paths.warehouse, paths.builds))

    # What the dead build left behind.
    run_id = staging[0].parent.name
    assert staging[0].parent.is_dir()
    assert _run_status(paths.home, run_id) == "STARTED"
    dead = runlock.read_holder(paths.home)
    assert dead is not None and dead.pid == build.pid and not dead.is_alive()
    assert _sha(paths.warehouse) == published  # never touched before its checks passed
    assert housekeeping.orphan_workers(paths.home) == []

    # The next build, with the export folder blocked by a file: published, export stale.
    paths.export.write_text("a file where the export folder should be", encoding="utf-8")
    done = subprocess.run(
        [_gongkai(), "--lang", "en", "build"],
        env=_env(paths.home),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=400,
    )
    out, err = " ".join(done.stdout.split()), " ".join(done.stderr.split())
    assert done.returncode == 2, (out, err)
    # The dead build's staging folder, and the copy it was making when it is still there.
    left = 2 if half_copied else 1
    assert f"cleaned up after interrupted builds: {left} staging entries" in out
    assert "1 runs marked failed" in out
    # Only the standby copy of what this build published, for the next one.
    assert [p.name for p in paths.builds.iterdir()] == [".prefetch"]
    assert delta.prefetched(paths.warehouse, paths.builds)
    assert _run_status(paths.home, run_id) == "FAILURE"
    assert "the published warehouse is unchanged" not in err
    assert f"the new warehouse was published ({paths.warehouse})" in err
    assert "open-data export failed" in err and "stale" in err
    assert f"retry with: gongkai export {paths.export}" in err
    assert _sha(paths.warehouse) != published
    con = duckdb.connect(str(paths.warehouse), read_only=True)
    assert con.execute("SELECT reports_published FROM meta_build").fetchone()[0] == 3
    con.close()
    # One line per quarantined file, the ledger's rows counted on its line.
    lines = [line.strip() for line in done.stdout.splitlines()]
    assert "quarantined files (2):" in lines or "quarantined files (3):" in lines
    assert any(line.startswith("broken.pdf: unreadable") for line in lines)
    assert any(line.startswith("台账_乱.csv: ") for line in lines)
    assert runlock.read_holder(paths.home) is None
    assert (paths.home / "quality" / "data_docs" / "local_site" / "index.html").exists()

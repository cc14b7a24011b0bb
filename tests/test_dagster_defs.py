"""The Dagster definitions: graph snapshot, schedules, sensor, and `dagster dev` itself."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from datetime import date
from pathlib import Path

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.jobs import rollup_year

SNAPSHOT = Path(__file__).parent / "snapshots" / "asset_graph.json"
REPO = Path(__file__).resolve().parents[1]


def graph_snapshot() -> dict:
    """Assets with their upstream keys and the checks on each: what a review should see change."""
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "deps": sorted(k.to_user_string() for k in node.parent_keys),
            "partitioned": node.partitions_def is not None,
            "checks": sorted(c.name for c in node.check_keys),
        }
    return assets


def test_asset_graph_matches_snapshot() -> None:
    """An accidental change to the graph shows here; regenerate with UPDATE_SNAPSHOTS=1."""
    current = graph_snapshot()
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_every_consistency_rule_is_an_asset_check() -> None:
    from schemas.rules import RULES

    checks = {c for node in graph_snapshot().values() for c in node["checks"]}
    assert {f"rule_{r['id']}" for r in RULES} <= checks


def test_definitions_load_as_dagster_dev_loads_them() -> None:
    """Name clashes (a job named like an asset) only fail when the repository is built."""
    dg.Definitions.validate_loadable(defs)


def test_schedules_sensor_and_jobs_are_defined() -> None:
    assert {s.name for s in defs.schedules} == {
        "monthly_build", "annual_province_rollup", "february_collect"}
    assert {s.name for s in defs.sensors} == {"inbox_sensor", "build_after_collect"}
    assert defs.resolve_job_def("build_warehouse") and defs.resolve_job_def("province_year_rollup")
    # A build never crawls: collecting is its own job, whose success starts a build.
    build = defs.resolve_job_def("build_warehouse").asset_layer.executable_asset_keys
    assert dg.AssetKey("collect_reports") not in build
    assert dg.AssetKey("raw_documents") in build


@pytest.mark.parametrize(
    ("today", "year"),
    [(date(2025, 2, 1), 2024), (date(2025, 12, 1), 2024), (date(2026, 1, 1), 2024)],
)
def test_rollup_year_follows_the_31_january_deadline(today: date, year: int) -> None:
    assert rollup_year(today) == year


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())


@pytest.mark.slow
def test_dagster_dev_starts_headless_and_serves_every_asset_and_check(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path), "GONGKAI_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "dagster"),
            "dev",
            "-w",
            str(REPO / "workspace.yaml"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        nodes = None
        while time.monotonic() < deadline:
            try:
                data = _graphql(
                    port,
                    "{ assetNodes { assetKey { path } assetChecksOrError { "
                    "... on AssetChecks { checks { name } } } } }",
                )
                nodes = data["data"]["assetNodes"]
                if nodes:
                    break
            except (OSError, KeyError, TypeError):
                pass
            time.sleep(2)
        assert nodes, "dagster dev did not serve the asset graph in time"
        served = {
            "/".join(n["assetKey"]["path"]): sorted(
                c["name"] for c in n["assetChecksOrError"].get("checks", [])
            )
            for n in nodes
        }
        expected = {k: v["checks"] for k, v in graph_snapshot().items()}
        assert served == expected
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_every_check_of_the_warehouse_gate_blocks_publication() -> None:
    """The gate's checks are blocking specs of one multi-check: a failed one must stop
    ``out_warehouse`` the way a failed single blocking check did."""
    from pipelines.assets.checks import warehouse_gate

    specs = list(warehouse_gate.check_specs)
    assert {s.name for s in specs} == {
        "warehouse_schemas", "warehouse_expectations", "no_reading_errors_published",
        "no_personal_data_published", "collect_tables_consistent"}
    assert all(s.blocking for s in specs)

    # The same construction in miniature, with one check failing: downstream never runs.
    @dg.asset
    def staged() -> str:
        return "x"

    @dg.multi_asset_check(specs=[dg.AssetCheckSpec(n, asset="staged", blocking=True)
                                 for n in ("fine", "broken")])
    def gate(staged: str):
        yield dg.AssetCheckResult(check_name="fine", passed=True)
        yield dg.AssetCheckResult(check_name="broken", passed=False)

    @dg.asset
    def published(staged: str) -> str:
        return staged

    result = dg.materialize([staged, published, gate], raise_on_error=False)
    done = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert done == {"staged"}

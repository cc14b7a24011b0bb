"""``collect_reports`` in Dagster: the collect job on the fixture sites, its February schedule,
and the sensor that starts a build when a collect run succeeds."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.assets.collect import CollectSettings, missing_table
from pipelines.definitions import defs
from pipelines.inbox import Inbox
from pipelines.jobs import build_after_collect, february_collect
from pipelines.paths import Paths
from pipelines.resources import GongkaiHome
from tests.collect_sites import EXPECTED, PUBLISHED, Sites

pytestmark = pytest.mark.slow


def test_collect_job_fills_the_inbox_and_its_success_starts_a_build(tmp_path: Path) -> None:
    home = Paths(tmp_path / "home")
    sites = Sites()
    try:
        sites.delays.clear()  # the slow site's case belongs to the crawler's own tests
        sources = sites.sources_yaml(tmp_path / "sources.yaml")
        settings = CollectSettings(home=str(home.home), sources=str(sources), polite=False,
                                   time_cap=2.0, retries=1)
        instance = dg.DagsterInstance.ephemeral()
        result = defs.resolve_job_def("collect").execute_in_process(
            partition_key="2024", instance=instance,
            resources={"collect_settings": settings},
        )
    finally:
        sites.close()
    assert result.success
    (mat,) = result.asset_materializations_for_node("collect_reports")
    meta = {k: v.value for k, v in mat.metadata.items()}
    assert meta["found"] == len(PUBLISHED)
    assert meta["files_new"] >= len(PUBLISHED)
    not_found = [b for b, status in EXPECTED.items() if status != "found"]
    for body in not_found:  # every source without a report is named in the run's page
        assert body in meta["not_found"]
    shas = {e.sha256 for e in Inbox(home.inbox).entries()}
    assert len(shas) == meta["files_new"]

    with dg.build_run_status_sensor_context(
        sensor_name="build_after_collect", dagster_instance=instance,
        dagster_run=result.dagster_run, dagster_event=result.get_run_success_event(),
        resources={"gongkai": GongkaiHome(home=str(home.home))},
    ) as context:
        request = build_after_collect(context)
    assert isinstance(request, dg.RunRequest)
    assert request.run_key == f"after-collect-{result.run_id}"
    assert build_after_collect.job_name == "build_warehouse"

    # Once a build has published from exactly these inputs, the same success starts nothing.
    from pipelines import build_inputs

    home.warehouse.parent.mkdir(parents=True, exist_ok=True)
    home.warehouse.touch()
    (home.export / "gongkai-x").mkdir(parents=True)
    build_inputs.record(home, home.export / "gongkai-x")
    with dg.build_run_status_sensor_context(
        sensor_name="build_after_collect", dagster_instance=instance,
        dagster_run=result.dagster_run, dagster_event=result.get_run_success_event(),
        resources={"gongkai": GongkaiHome(home=str(home.home))},
    ) as context:
        assert isinstance(build_after_collect(context), dg.SkipReason)


def test_a_missing_sources_file_fails_the_run_naming_it(tmp_path: Path) -> None:
    settings = CollectSettings(home=str(tmp_path / "home"), sources=str(tmp_path / "none.yaml"))
    result = defs.resolve_job_def("collect").execute_in_process(
        partition_key="2024", resources={"collect_settings": settings}, raise_on_error=False)
    assert not result.success
    failure = result.get_step_failure_events()[0]
    assert "none.yaml" in failure.step_failure_data.error.message


@pytest.mark.parametrize(("day", "year"), [(datetime(2025, 2, 1, 7), "2024"),
                                           (datetime(2025, 2, 27, 7), "2024")])
def test_the_february_schedule_collects_last_year(day: datetime, year: str) -> None:
    request = february_collect(dg.build_schedule_context(scheduled_execution_time=day))
    assert request.partition_key == year
    assert request.run_key == f"collect-{year}-{day.date().isoformat()}"
    assert february_collect.cron_schedule == "0 7 * 2 *"


def test_the_not_found_table_orders_failures_first() -> None:
    records = [
        {"body_name": "乙", "status": "not_published", "reason": "未找到", "listing_url": "u"},
        {"body_name": "甲", "status": "found"},
        {"body_name": "丙", "status": "failed", "reason": "404 | x", "listing_url": "v"},
    ]
    table = missing_table(records)
    lines = table.splitlines()
    assert "丙" in lines[2] and "404 / x" in lines[2]  # a | inside a cell cannot break the row
    assert "乙" in lines[3] and "甲" not in table
    assert "every source" in missing_table(records[1:2])

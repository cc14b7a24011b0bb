"""Jobs, the annual schedule and the inbox sensor.

Reports are due on 31 January for the year before (条例 第五十条). The province-wide run
builds everything on 1 February and then on the first of every month, so late reports are
picked up; its year-partitioned rollup targets the year just ended (in January, the year
before that, whose late reports may still arrive).
"""

from datetime import date

import dagster as dg

from pipelines.inbox import Inbox
from pipelines.resources import GongkaiHome

build_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.assets("out_province_year", "collect_reports"),
    description="Extract the inbox, validate, build and publish the warehouse, export.",
)
collect_job = dg.define_asset_job(
    "collect",
    selection=dg.AssetSelection.assets("collect_reports"),  # partitioned by report year
    description="Fetch the year's reports from the bodies' sites into the inbox (gongkai collect).",
)
province_year_job = dg.define_asset_job(
    "province_year_rollup",
    selection=dg.AssetSelection.assets("out_province_year"),
    description="Province-wide rollup of one report year with coverage.",
)


def rollup_year(today: date) -> int:
    """The report year the monthly run rolls up: last year from February on."""
    return today.year - 1 if today.month >= 2 else today.year - 2


@dg.schedule(job=build_job, cron_schedule="0 6 1 * *", execution_timezone="Asia/Shanghai")
def monthly_build(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Rebuild the warehouse on the 1st of every month (1 February is the annual run)."""
    day = context.scheduled_execution_time.date()
    return dg.RunRequest(
        run_key=f"build-{day.isoformat()}",
        tags={"gongkai/run": "annual" if day.month == 2 else "monthly"},
    )


@dg.schedule(job=province_year_job, cron_schedule="0 9 1 * *", execution_timezone="Asia/Shanghai")
def annual_province_rollup(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Roll up the year just ended, three hours after the monthly build."""
    day = context.scheduled_execution_time.date()
    year = str(rollup_year(day))
    return dg.RunRequest(run_key=f"rollup-{year}-{day.isoformat()}", partition_key=year)


@dg.sensor(job=build_job, minimum_interval_seconds=60)
def inbox_sensor(context: dg.SensorEvaluationContext, gongkai: GongkaiHome):
    """Start a build when the inbox changes: documents arrive, are retired or restored.

    The cursor is :meth:`Inbox.version` (ingestions + retirement records), which only grows.
    """
    inbox = Inbox(gongkai.paths.inbox)
    version = inbox.version()
    seen = int(context.cursor or 0)
    if version > seen:
        context.update_cursor(str(version))
        yield dg.RunRequest(run_key=f"inbox-{version}")
    else:
        yield dg.SkipReason(f"no new documents ({len(inbox.entries())} in the inbox)")


@dg.schedule(job=collect_job, cron_schedule="0 7 * 2 *", execution_timezone="Asia/Shanghai")
def february_collect(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Collect last year's reports every morning of February.

    Reports are due on 31 January; the first days of February find the punctual ones, the rest
    of the month the late ones (each rerun downloads only what is new or changed).
    """
    day = context.scheduled_execution_time.date()
    year = str(day.year - 1)
    return dg.RunRequest(run_key=f"collect-{year}-{day.isoformat()}", partition_key=year)


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[collect_job],
    request_job=build_job,
    minimum_interval_seconds=60,
)
def build_after_collect(context: dg.RunStatusSensorContext, gongkai: GongkaiHome):
    """Build once a collect run succeeds: its new documents and its status records.

    A run that found nothing new still changed the status records (a source checked again,
    still not published), which the warehouse's collect tables and on-time check read. When
    neither the inbox nor the store changed since the published build
    (:func:`pipelines.build_inputs.unchanged`, what ``gongkai build`` checks), no run starts.
    """
    from pipelines import build_inputs

    run = context.dagster_run
    if build_inputs.unchanged(gongkai.paths):
        return dg.SkipReason(f"collect run {run.run_id} changed no build input")
    return dg.RunRequest(run_key=f"after-collect-{run.run_id}",
                         tags={"gongkai/run": "after-collect"})

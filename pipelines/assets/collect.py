"""``collect_reports``: ``gongkai collect`` as a Dagster asset, one partition per report year.

The crawl fetches every source's report for the partition's year into the inbox and records
each source's status in ``<home>/collect`` (:mod:`pipelines.collect`). It is not part of the
build job: a polite crawl of a province takes hours and must not hold the build lock, and a
build must not wait for the web. The February schedule (:mod:`pipelines.jobs`) runs it daily
while reports are due and late ones appear; when a run succeeds, a sensor starts the build,
which reads the new inbox documents and the status records (``core_collect``).
"""

import os
from pathlib import Path

import dagster as dg

from pipelines.partitions import report_year_partitions
from pipelines.paths import Paths

# Sources whose status is not "found" listed in the run's metadata, most important first.
_SHOWN = 200


class CollectSettings(dg.ConfigurableResource):
    """Where a collect run reads its sources file and writes, and how politely it fetches.

    No build lock (unlike :class:`~pipelines.resources.GongkaiHome`): the crawler has its own
    one-run-per-home lock, and writing to the append-only inbox while a build reads it is safe.
    """

    home: str = ""  # default $GONGKAI_HOME or ./data
    sources: str = ""  # default $GONGKAI_SOURCES or <home>/sources.yaml
    polite: bool = True
    time_cap: float = 0.0  # seconds one response may take; 0: the crawler's default
    retries: int = -1  # retries on timeouts, 5xx and 429; -1: the crawler's default

    @property
    def paths(self) -> Paths:
        """The folders of this home."""
        return Paths(Path(self.home or os.environ.get("GONGKAI_HOME", "data")).resolve())

    def sources_file(self) -> Path:
        """The sources file this run reads."""
        named = self.sources or os.environ.get("GONGKAI_SOURCES", "")
        return Path(named) if named else self.paths.home / "sources.yaml"


def missing_table(records: list[dict]) -> str:
    """Markdown table of the sources not found: what the Dagster UI shows for a run."""
    order = {"failed": 0, "unresolved_body": 1, "not_published": 2}
    rows = sorted((r for r in records if r.get("status") != "found"),
                  key=lambda r: (order.get(r.get("status"), 3), r.get("body_name") or ""))
    lines = ["| 机关 body | 结果 status | 原因 reason | 列表页 listing |", "|---|---|---|---|"]
    for r in rows[:_SHOWN]:
        cells = [r.get("body_name") or r.get("source_id") or "", r.get("status") or "",
                 r.get("reason") or "", r.get("listing_url") or ""]
        lines.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells)
                     + " |")
    if len(rows) > _SHOWN:
        lines.append(f"| … {len(rows) - _SHOWN} more | | | |")
    return "\n".join(lines) if rows else "所有来源均已找到年报 / every source's report was found"


# Its own io manager key: the build's io manager lives in the ``gongkai`` resource's home, and
# initialising that resource would take the build lock for the whole crawl. The asset hands on
# no value (its product is the inbox and the collect store), so nothing is ever stored there.
@dg.asset(partitions_def=report_year_partitions, group_name="collect", kinds={"http"},
          io_manager_key="collect_io_manager")
def collect_reports(
    context: dg.AssetExecutionContext, collect_settings: CollectSettings
) -> dg.MaterializeResult:
    """The year's reports fetched from the bodies' own sites into the inbox, with provenance."""
    from pipelines.collect.run import CollectBusy, collect, limits_for
    from pipelines.collect.sources import SourcesError
    from pipelines.collect.store import latest_status

    year = int(context.partition_key)
    sources = collect_settings.sources_file()
    if not sources.exists():
        raise dg.Failure(
            f"来源文件不存在：{sources}（见 pipelines/collect/sources.example.yaml）/ "
            f"sources file not found: {sources}"
        )
    overrides: dict[str, float] = {}
    if collect_settings.time_cap > 0:
        overrides["time_cap"] = collect_settings.time_cap
    if collect_settings.retries >= 0:
        overrides["retries"] = collect_settings.retries
    limits = limits_for(collect_settings.polite, **overrides)
    paths = collect_settings.paths

    def progress(rec: dict) -> None:
        if rec["status"] != "found":
            context.log.warning(f"{rec['body_name']}: {rec['status']} {rec['reason'] or ''}")

    try:
        result = collect(sources, year, paths, limits=limits, on_progress=progress)
    except SourcesError as exc:
        raise dg.Failure(f"{sources}: {exc}") from exc
    except CollectBusy as exc:
        raise dg.Failure(f"另一个采集任务正在运行 / another collect run holds {paths.collect}: "
                         f"{exc}") from exc
    records = [r for r in latest_status(paths.collect) if r.get("year") == year]
    return dg.MaterializeResult(metadata={
        **result.as_metadata(),
        "sources_file": dg.MetadataValue.path(str(sources)),
        "not_found": dg.MetadataValue.md(missing_table(records)),
    })

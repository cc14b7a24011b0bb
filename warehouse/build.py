"""Build the DuckDB warehouse into a staging file and publish it atomically.

A build writes a brand-new DuckDB file next to the published one; only when every table is
loaded, validated and checked does :func:`publish` switch it in with one ``os.replace``. Readers
holding the old file keep reading it, a reader opening the path afterwards sees the new one, and
a failed build leaves the last good warehouse in place.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.extract.model import Extraction
from pipelines.inbox import InboxEntry
from pipelines.review.store import Correction
from schemas.models import conform, empty_frame, validate
from schemas.profile import check_table
from schemas.registry import measures
from schemas.sql import literal_list
from schemas.tables import comments, tables
from warehouse import frames, mart_delta
from warehouse.collect_store import CollectTables, empty_store
from warehouse.ledgers import LedgerTables, load_ledgers
from warehouse.loading import load_table
from warehouse.marts import (
    body_year_sql,
    cross_year_findings_sql,
    government_year_sql,
    region_rate_sql,
    region_year_sql,
    yoy_findings_sql,
)
from warehouse.publication import (
    collected_dates,
    load_collect,
    load_publication_timeliness,
)
from warehouse.review import load_review_items, load_reviewed
from warehouse.scorecard import build_scorecard
from warehouse.segments import TableFiles


@dataclass(frozen=True)
class CoreTables:
    """The validated core tables of one build, before they are loaded.

    The big tables may be given as the Parquet segments that hold them
    (:class:`~pipelines.io.TableFiles`, written and validated per segment); DuckDB then
    reads them straight from disk.
    """

    raw_document: pl.DataFrame
    core_report: pl.DataFrame
    core_value: pl.DataFrame | TableFiles
    core_finding: pl.DataFrame | TableFiles
    core_quarantine: pl.DataFrame
    dim_body: pl.DataFrame
    # One row per problem of the report checker (``out_report_check`` asset); None: no checks.
    out_report_check: pl.DataFrame | TableFiles | None = None
    # Application ledgers (``core_application`` asset); None: none ingested.
    ledgers: LedgerTables | None = None
    # Corrections in force (pipelines.review.store.effective): item_id → Correction.
    corrections: Mapping[str, Correction] | None = None
    # The crawler's store (``core_collect`` asset, ``<home>/collect``); None: no store.
    collect: CollectTables | None = None


def template_expected(year: int) -> str:
    """The national template a report on ``year`` should use."""
    if year >= 2021:
        return "2021"
    return "2019" if year >= 2019 else "pre2019"


def core_tables(
    entries: Sequence[InboxEntry], extractions: Sequence[Extraction], demo: set[str] | bool
) -> CoreTables:
    """Turn extraction records into the validated core tables (``demo``: sha256s or a flag)."""
    reports = frames.report_frame(extractions, demo)
    published = set(reports.filter(pl.col("status") == "published")["report_id"].to_list())
    keys = reports.select("report_id", "body_id", "year")
    values = frames.value_frame(extractions, published)
    values = values.drop([c for c in ("body_id", "year") if c in values.columns]).join(
        keys, on="report_id", how="left"
    )
    findings = frames.finding_frame(extractions)
    findings = findings.drop([c for c in ("body_id", "year") if c in findings.columns]).join(
        keys, on="report_id", how="left"
    )
    bodies = (
        reports.filter(pl.col("status") == "published")
        .select(
            "body_id",
            pl.col("body_name").alias("name"),
            "region_code",
            "level",
            "body_type",
        )
        .unique("body_id", keep="first")
        .sort("body_id")
    )
    return CoreTables(
        raw_document=validate("raw_document", frames.raw_document_frame(entries)),
        core_report=validate("core_report", conform("core_report", reports)),
        core_value=validate("core_value", conform("core_value", values)),
        core_finding=validate("core_finding", conform("core_finding", findings)),
        core_quarantine=validate("core_quarantine", frames.quarantine_frame(reports)),
        dim_body=validate("dim_body", conform("dim_body", bodies)),
    )


def _ledger_ids(ledgers: LedgerTables | None) -> dict[str, str]:
    """Ledger file name → its sha256, for review items about a ledger's columns."""
    if ledgers is None or not ledgers.accounting.height:
        return {}
    return dict(ledgers.accounting.select("source", "ledger_id").iter_rows())


def _divisions() -> pl.DataFrame:
    """The division data (read once per process); only a build with a settled body needs it."""
    from pipelines.bodies.divisions import divisions

    return divisions()


def with_reviewed_bodies(dim_body: pl.DataFrame, bodies: Sequence[Mapping]) -> pl.DataFrame:
    """``dim_body`` with the bodies people placed (``core_body_reviewed`` rows) added once each.

    The engine's unplaced body stays: ``core_report`` still names it (the reading as
    published), and another report of the same name may still be unsettled.
    """
    rows = pl.DataFrame(
        [{"body_id": b["body_id"], "name": b["body_name"], "region_code": b["region_code"],
          "level": b["level"], "body_type": b["body_type"]} for b in bodies],
        schema={"body_id": pl.Utf8, "name": pl.Utf8, "region_code": pl.Utf8, "level": pl.Utf8,
                "body_type": pl.Utf8}, orient="row")
    known = dim_body["body_id"].to_list()
    added = conform("dim_body", rows).filter(~pl.col("body_id").is_in(known))
    out = pl.concat([dim_body, added]).unique("body_id", keep="first").sort("body_id")
    return validate("dim_body", out)


def region_frame(codes: Sequence[str], divisions: pl.DataFrame) -> pl.DataFrame:
    """The regions the bodies sit in, with every ancestor up to the province."""
    wanted = {c for c in codes if c}
    if "current_code" in divisions.columns:
        # A retired code (洪泽县 320829) rolls up through its successor (320813): load it too.
        current = dict(zip(divisions["region_code"], divisions["current_code"], strict=True))
        wanted |= {current[c] for c in list(wanted) if current.get(c)}
    parents = dict(zip(divisions["region_code"], divisions["parent_code"], strict=True))
    frontier = set(wanted)
    while frontier:
        nxt = {parents.get(c) for c in frontier} - {None} - wanted
        wanted |= nxt
        frontier = nxt
    out = divisions.filter(pl.col("region_code").is_in(sorted(wanted))).unique(
        "region_code", keep="first"
    )
    return validate("dim_region", conform("dim_region", out.sort("region_code")))


def measure_frame() -> pl.DataFrame:
    """``dim_measure`` straight from the registry."""
    ms = measures()
    return validate(
        "dim_measure",
        pl.DataFrame(
            {
                "key": [m.key for m in ms],
                "table_name": [m.table for m in ms],
                "row_key": [m.row for m in ms],
                "column_key": [m.column for m in ms],
                "label_zh": [m.label_zh for m in ms],
                "label_en": [m.label_en for m in ms],
                "unit": [m.unit for m in ms],
            }
        ),
    )


def year_frame(years: Sequence[int]) -> pl.DataFrame:
    """``dim_year`` for the years present."""
    ys = sorted({int(y) for y in years if y is not None})
    return validate(
        "dim_year",
        pl.DataFrame(
            {"year": ys, "template_expected": [template_expected(y) for y in ys]},
            schema={"year": pl.Int64, "template_expected": pl.Utf8},
        ),
    )


def scan_frame(core: CoreTables) -> pl.DataFrame:
    """``meta_scan``: every column of the tables loaded from segments, with its hits.

    Those rows were searched for personal data as each segment was written; recording it
    lets the publish check and the export search only the other tables.
    """
    rows = []
    for data in (core.core_value, core.core_finding, core.out_report_check):
        if isinstance(data, TableFiles):
            for c in tables()[data.table].column_names:
                rows.append((data.table, c, int(data.personal_data.get(c, 0))))
    return validate("meta_scan", pl.DataFrame(
        rows, schema={"table_name": pl.Utf8, "column_name": pl.Utf8, "hits": pl.Int64},
        orient="row"))


def _load_mart(con: duckdb.DuckDBPyConnection, name: str, sql: str) -> None:
    """Create a mart from SQL, validate it against its generated schema, add comments."""
    con.execute(sql)
    _check_mart(con, name)


def _check_mart(con: duckdb.DuckDBPyConnection, name: str, where: str = "TRUE") -> None:
    """Validate a created mart (the rows ``where`` selects) and add its comments."""
    why = check_table(con, tables()[name], where)
    if why:
        raise ValueError(f"{name}: {why}")
    for stmt in comments(tables()[name]):
        con.execute(stmt)


def duckdb_config(spill: Path) -> dict[str, str]:
    """DuckDB settings of a build: bounded memory, spilling to the staging folder.

    DuckDB takes 80 % of the machine by default, on top of the Python process holding the
    run; a national load then meets the kernel's OOM killer. ``GONGKAI_DUCKDB_MEMORY`` (default
    4GB) bounds it; what does not fit spills to disk.
    """
    return {
        "memory_limit": os.environ.get("GONGKAI_DUCKDB_MEMORY", "4GB"),
        "temp_directory": str(spill / "duckdb.tmp"),
    }


def build_database(
    path: Path,
    core: CoreTables,
    regions: pl.DataFrame,
    *,
    is_demo: bool,
    engine_version: str,
    dataset_version: str,
    base: Path | None = None,
    basis: str = "",
    seconds: dict[str, float] | None = None,
) -> dict[str, int]:
    """Write every table into a new DuckDB file at ``path``; return row counts per table.

    With ``base`` (the published warehouse) and ``basis`` (:func:`warehouse.delta.table_basis`),
    the file starts as a copy of the base when that is cheaper (:mod:`warehouse.delta`).
    ``seconds``, when given, receives the wall time of each phase (the run's metadata shows
    where a build's time went).
    """
    from warehouse import delta as deltas

    plan = None
    if base is not None and basis and isinstance(core.core_value, TableFiles):
        plan = deltas.plan(base, core.core_value, basis)
    try:
        return _build(path, core, regions, plan, is_demo=is_demo, engine_version=engine_version,
                      dataset_version=dataset_version, basis=basis, seconds=seconds)
    except deltas.DeltaMismatch:
        return _build(path, core, regions, None, is_demo=is_demo,
                      engine_version=engine_version, dataset_version=dataset_version,
                      basis=basis, seconds=seconds)


class _Laps:
    """Wall seconds per phase, each lap timed from the end of the one before."""

    def __init__(self, into: dict[str, float] | None) -> None:
        self.into = into if into is not None else {}
        self.last = time.monotonic()

    def __call__(self, phase: str) -> None:
        now = time.monotonic()
        self.into[phase] = round(self.into.get(phase, 0.0) + now - self.last, 3)
        self.last = now


def _build(path: Path, core: CoreTables, regions: pl.DataFrame, plan, *, is_demo: bool,
           engine_version: str, dataset_version: str, basis: str,
           seconds: dict[str, float] | None = None) -> dict[str, int]:
    """:func:`build_database`, clean (``plan`` None) or from a copy of the base."""
    from warehouse import delta as deltas

    lap = _Laps(seconds)
    if path.exists():
        path.unlink()
    (path.parent / deltas.DELTA_FILE).unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    prefetched = deltas.start_from(plan, path) if plan is not None else False
    lap("start")
    con = duckdb.connect(str(path), config=duckdb_config(path.parent))
    try:
        years = core.core_report["year"].drop_nulls().to_list()
        load_table(con, "dim_year", year_frame(years))
        load_table(con, "dim_measure", measure_frame())
        load_table(con, "raw_document", core.raw_document)
        load_table(con, "core_report", core.core_report)
        lap("load_small")
        if plan is not None:
            deltas.apply(con, plan, core.core_value)
        else:
            load_table(con, "core_value", core.core_value)
        if isinstance(core.core_value, TableFiles) and basis:
            load_table(con, deltas.PART_TABLE, pl.DataFrame(
                deltas.part_rows(core.core_value, basis),
                schema={"table_name": pl.Utf8, "part": pl.Utf8, "rows": pl.Int64,
                        "basis": pl.Utf8}, orient="row"))
        else:
            load_table(con, deltas.PART_TABLE, empty_frame(deltas.PART_TABLE))
        lap("core_value")
        load_table(con, "core_finding", core.core_finding)
        load_table(con, "meta_scan", scan_frame(core))
        load_table(con, "core_quarantine", core.core_quarantine)
        corrections = core.corrections or {}
        ledger_ids = _ledger_ids(core.ledgers)
        divisions = _divisions() if any(c.kind == "ambiguous_body"
                                        for c in corrections.values()) else None
        reviewed = load_reviewed(
            con, corrections, frozenset(ledger_ids.values()),
            dict(zip(divisions["region_code"], divisions["level"], strict=True))
            if divisions is not None else None, core.dim_body)
        # A body a person placed (core_body_reviewed) joins the dimension, and its region with
        # its ancestors joins dim_region, so the marts and the region totals take it in.
        dim_body = core.dim_body
        if reviewed.bodies and divisions is not None:
            dim_body = with_reviewed_bodies(dim_body, reviewed.bodies)
            regions = region_frame(
                regions["region_code"].to_list() + [b["region_code"] for b in reviewed.bodies],
                divisions)
        load_table(con, "dim_region", regions)
        load_table(con, "dim_body", dim_body)
        lap("findings_reviewed_dims")
        wide = None
        if isinstance(core.core_value, TableFiles) and core.core_value.wide:
            wide = "_report_wide"
            listed = literal_list(core.core_value.wide)
            con.execute(f"CREATE TEMP VIEW {wide} AS SELECT * FROM read_parquet([{listed}])")
        kept = _body_year(con, plan, wide)
        lap("out_body_year")
        con.execute(cross_year_findings_sql())
        con.execute(yoy_findings_sql())
        _load_mart(con, "out_region_year", region_year_sql())
        _load_mart(con, "out_government_year", government_year_sql())
        _load_mart(con, "out_region_rate", region_rate_sql())
        lap("region_marts")
        checks = core.out_report_check
        if isinstance(checks, TableFiles):
            checks = (pl.read_parquet(list(checks.files)) if checks.files
                      else None)
        collect = core.collect or empty_store()
        load_collect(con, collect)
        dates = collected_dates(collect)
        load_publication_timeliness(con, dates)
        build_scorecard(con, checks, collected=dates)
        lap("collect_scorecard")
        load_ledgers(con, core.ledgers)
        load_review_items(con, corrections, reviewed.status,
                          core.ledgers.quarantine if core.ledgers else None, ledger_ids)
        lap("ledgers_review")
        status = core.core_report["status"]
        published = int((status == "published").sum())
        meta = pl.DataFrame(
            {
                "dataset_version": [dataset_version],
                "built_at": [datetime.now(UTC).replace(tzinfo=None, microsecond=0)],
                "is_demo": [is_demo],
                "documents": [core.raw_document.height],
                "reports_published": [published],
                "reports_quarantined": [int((status == "quarantined").sum())],
                "documents_not_report": [int((status == "not_report").sum())],
                "engine_version": [engine_version],
            }
        )
        load_table(con, "meta_build", validate("meta_build", conform("meta_build", meta)))
        mart_delta.drop_kept(con)
        counts = {
            name: con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] for name in tables()
        }
        con.execute("CHECKPOINT")
    finally:
        con.close()
    lap("meta_checkpoint")
    if plan is not None:
        deltas.record(path, plan, prefetched, body_years_kept=kept)
    return counts


def _body_year(con: duckdb.DuckDBPyConnection, plan, wide: str | None) -> int | None:
    """Load ``out_body_year``; the base's rows kept, or None when it was built whole.

    An incremental build rebuilds only the bodies it touched (:mod:`warehouse.mart_delta`),
    and checks only those rows; it builds the mart whole when the base's tables do not fit.
    """
    if plan is not None and mart_delta.can_update(con):
        try:
            kept = mart_delta.update_body_year(con, plan.added)
        except duckdb.Error:
            con.execute("DROP TABLE IF EXISTS out_body_year")
        else:
            # The kept rows passed the same checks in the base (the mart's constraints are
            # part of the basis); the touched bodies' rows are checked here.
            _check_mart(con, "out_body_year",
                        f"body_id IN (SELECT body_id FROM {mart_delta.TOUCHED})")
            con.execute(f"DROP TABLE {mart_delta.TOUCHED}")
            return kept
    _load_mart(con, "out_body_year", body_year_sql(wide))
    return None


def publish(staging: Path, target: Path) -> Path:
    """Switch the published warehouse to ``staging`` by an atomic rename on the same disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.incoming")
    # Copy-free when staging is on the same filesystem: rename into the target's folder first.
    os.replace(staging, tmp)
    os.replace(tmp, target)
    return target

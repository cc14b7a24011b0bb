"""Application ledgers in the warehouse: ``core_application``, timeliness mart, reconciliation.

:func:`ledger_tables` turns the ledger files of the inbox into the validated
``core_application`` frame and the quarantine rows (unreadable files and rows, ledgers whose
body cannot be told). One file is read, checked and validated at a time: whatever goes wrong
with it (an exception nobody foresaw, rows that break the data contract) sets that file aside
in ``core_quarantine`` with the exception's type and the build goes on with the others. Every
row is accounted for (``accounting``: rows in = applications + rows set aside, per file),
which the asset check ``ledger_rows_accounted`` verifies. :func:`load_ledgers` loads them into
the staging DuckDB file and builds ``out_ledger_body_year`` (SQL) and ``out_reconciliation``
(ledger table 三 against the values of the body's published report for that year, the one
``out_body_year`` chose).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import polars as pl

from pipelines.extract.model import Body
from pipelines.inbox import Inbox, InboxEntry
from pipelines.ledgers import LedgerResult, process_ledger
from pipelines.ledgers.aggregate import table_three
from pipelines.ledgers.ledger_map import LedgerMap, LedgerMapError, merge_maps, parse_ledger_map
from pipelines.ledgers.privacy import DEMO_KEY, PII_KEY_ENV, pii_key, redact_quoted_columns
from pipelines.ledgers.reconcile import reconcile
from schemas.models import conform, empty_frame, validate
from schemas.tables import OUTCOME_SHARES
from warehouse.loading import load_table


@dataclass(frozen=True)
class LedgerTables:
    """Validated ledger frames of one build."""

    core_application: pl.DataFrame
    quarantine: pl.DataFrame  # in the core_quarantine schema
    body_years: pl.DataFrame  # (body_id, year) of every ledger with a body, rows or not
    accounting: pl.DataFrame = field(default_factory=lambda: _accounting([]))


_ACCOUNTING = {
    "ledger_id": pl.Utf8,
    "source": pl.Utf8,
    "rows_in": pl.Int64,
    "applications": pl.Int64,
    "quarantined": pl.Int64,
    "file_set_aside": pl.Boolean,
}


def _accounting(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=_ACCOUNTING, orient="row")


def accounting_gaps(accounting: pl.DataFrame) -> pl.DataFrame:
    """Files whose rows do not add up: rows in ≠ applications + rows set aside.

    A file set aside as a whole has no rows of its own to count (its one quarantine record
    says why). Any other gap is a row lost without a trace — a bug, never a property of a file.
    """
    return accounting.filter(
        ~pl.col("file_set_aside")
        & (pl.col("rows_in") != pl.col("applications") + pl.col("quarantined"))
    )


def empty_ledgers() -> LedgerTables:
    """No ledgers: the tables still exist, empty."""
    return LedgerTables(
        empty_frame("core_application"),
        empty_frame("core_quarantine"),
        pl.DataFrame(schema={"body_id": pl.Utf8, "year": pl.Int64}),
    )


def report_bodies(core_report: pl.DataFrame) -> dict[str, Body]:
    """Report file stem → body, for ledgers filed beside their report (published reports)."""
    pub = core_report.filter(pl.col("status") == "published")
    return {
        src.rsplit(".", 1)[0]: Body(name, region)
        for src, name, region in pub.select("source", "body_name", "region_code").iter_rows()
        if name
    }


def _application_frame(result: LedgerResult, sha256: str) -> pl.DataFrame:
    apps = result.applications
    return apps.select(
        pl.concat_str([pl.lit(sha256[:16] + ":"), pl.col("row").cast(pl.Utf8)]).alias(
            "application_id"
        ),
        pl.lit(sha256).alias("ledger_id"),
        pl.lit(result.source).alias("source"),
        "row",
        "sheet",
        "body_id",
        "body_name",
        "region_code",
        "year",
        "received",
        pl.col("start")
        .alias("correction_date")
        .pipe(lambda e: pl.when(e != pl.col("received")).then(e)),
        "deadline",
        "replied",
        "working_days",
        "overdue_days",
        "on_time",
        "extended",
        "third_party_days",
        "applicant_type",
        "channel",
        pl.when(pl.col("outcome") != "").then("outcome").alias("outcome"),
        pl.when(pl.col("outcome") != "").then("outcome_category").alias("outcome_category"),
        pl.col("carried_over").fill_null(False),
        "pending",
        "fee",
        "applicant_hash",
        pl.col("content").alias("request_text"),
        pl.col("findings").list.join(",").alias("findings"),
    )


def _quarantine_frame(result: LedgerResult, now: datetime) -> pl.DataFrame:
    if result.file_error:
        return _quarantine_rows([(result.source, "unreadable_file", result.file_error)], now)
    q = result.quarantined
    return _quarantine_rows(
        [
            (
                f"{result.source}#{sheet + '!' if sheet else ''}第{row}行",
                "unreadable_row" if reason else "unknown_body",
                reason
                or "无法确定台账所属机关（无机关列、文件名不含机关名、无同名报告）/ "
                "the ledger's body cannot be told",
            )
            for row, sheet, reason in q.select("row", "sheet", "quarantine_reason").iter_rows()
        ],
        now,
    )


def _quarantine_rows(rows: list[tuple[str, str, str]], now: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "item": [r[0] for r in rows],
            "stage": ["ledger"] * len(rows),
            "rule": [r[1] for r in rows],
            "reason": [r[2] for r in rows],
            "detected_at": [now] * len(rows),
        },
        schema={
            "item": pl.Utf8,
            "stage": pl.Utf8,
            "rule": pl.Utf8,
            "reason": pl.Utf8,
            "detected_at": pl.Datetime,
        },
    )


def _failed_file(entry: InboxEntry, exc: Exception, now: datetime) -> pl.DataFrame:
    """One record for a file that could not be processed; no message text: it may quote cells."""
    kind = type(exc.__cause__ or exc).__name__  # SchemaErrors rather than its ValueError wrapper
    reason = (
        f"处理台账 {entry.file_name} 时出错（{kind}），整份文件已隔离，其他文件照常处理 / "
        f"processing ledger {entry.file_name} failed ({kind}); the file is set aside, "
        "the other files go on"
    )
    return _quarantine_rows([(entry.file_name, "ledger_failed", reason)], now)


def _column_findings(result: LedgerResult, now: datetime) -> pl.DataFrame:
    """The file's column warnings as ``core_quarantine`` records, one per column.

    A column that is not read (ambiguous, or deadline-bearing and not understood) is data set
    aside; ``item`` is ``<file>#列<header>`` so it never reads as a row. Headers are titles;
    they are still redacted where the personal-data check would fire.
    """
    rows = [
        (f"{result.source}#列「{f['header']}」", f["rule"], f["message"])
        for f in result.file_findings
        if f["severity"] != "info"  # a column read (by the map, in 自然日) is not set aside
    ]
    frame = _quarantine_rows(rows, now)
    return redact_quoted_columns(frame, ["item", "reason"])


# How a ledger column settled in review is named where the reader says which map it used.
REVIEW_SOURCE = "复核更正 / review corrections"


def inbox_ledger_map(
    entries: Sequence[InboxEntry], inbox: Inbox, now: datetime | None = None
) -> tuple[LedgerMap, pl.DataFrame]:
    """The ledger maps of the inbox as one map (later ingested wins) and the ones refused.

    A map file that cannot be used is a quarantine record naming the file and the key; the
    ledgers are then read without it rather than with half of it.
    """
    now = now or datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    maps, refused = [], []
    for e in entries:
        try:
            text = inbox.object_path(e.sha256, e.suffix).read_text(encoding="utf-8")
            maps.append(parse_ledger_map(text, e.file_name))
        except (LedgerMapError, UnicodeDecodeError, OSError) as exc:
            refused.append((e.file_name, "ledger_map_invalid", str(exc)))
    q = redact_quoted_columns(_quarantine_rows(refused, now), ["reason"])
    return merge_maps(maps), q


@dataclass(frozen=True)
class _FileTables:
    applications: pl.DataFrame | None
    quarantine: pl.DataFrame
    pairs: list[tuple[str, int]]  # (body_id, year): one per year of a workbook of yearly sheets
    accounting: tuple
    columns: pl.DataFrame | None = None


def _one_ledger(
    e: InboxEntry,
    inbox: Inbox,
    reports: Mapping[str, Body],
    key: bytes,
    now: datetime,
    ledger_map: LedgerMap | None = None,
) -> _FileTables:
    """Read, check and validate one file; raises on anything unforeseen (the caller catches)."""
    data = inbox.object_path(e.sha256, e.suffix).read_bytes()
    result = process_ledger(
        data, e.file_name, reports=reports, hash_key=key or None, ledger_map=ledger_map
    )
    pairs = []
    if result.body is not None and result.body.name:
        body = f"{result.body.region_code or '000000'}|{result.body.name}"
        pairs = [(body, y) for y in result.years]
    apps = None
    if result.rows.height:
        frame = _application_frame(result, e.sha256)
        apps = validate("core_application", conform("core_application", frame))
    q = validate("core_quarantine", conform("core_quarantine", _quarantine_frame(result, now)))
    n_apps = apps.height if apps is not None else 0
    rows_q = 0 if result.file_error else q.height
    acct = (e.sha256, e.file_name, result.rows_in, n_apps, rows_q, bool(result.file_error))
    cols = validate("core_quarantine", conform("core_quarantine", _column_findings(result, now)))
    return _FileTables(apps, q, pairs, acct, cols)


def ledger_tables(
    entries: Sequence[InboxEntry],
    inbox: Inbox,
    reports: Mapping[str, Body],
    demo_root: str | None = None,
    maps: Sequence[InboxEntry] = (),
    fixes: Mapping[str, Mapping[str, str]] | None = None,
) -> LedgerTables:
    """Read every ledger of the inbox into validated frames; one bad file never stops the rest.

    The applicant hash uses ``GONGKAI_PII_KEY``; without one it is computed only for demo
    ledgers (under ``demo_root``): the public demo key must not protect real people.
    ``maps``: the inbox's ledger maps (``ledger-map.toml``), merged in ingest order and applied
    to every ledger; column findings and refused maps join the quarantine records.
    ``fixes``: ledger sha256 → {header: field}, the ledger columns people settled
    (:func:`pipelines.review.apply.ledger_fixes`), applied to that ledger only, over the maps.
    """
    key_set = PII_KEY_ENV in os.environ and pii_key() != DEMO_KEY.encode()
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    apps, quarantine, pairs, accounting = [], [], [], []
    ledger_map, refused = inbox_ledger_map(maps, inbox, now)
    if refused.height:
        quarantine.append(refused)
    for e in entries:
        is_demo = bool(demo_root) and e.origin.startswith(demo_root)
        key = pii_key() if key_set or is_demo else b""
        try:
            fix = (fixes or {}).get(e.sha256)
            one = _one_ledger(e, inbox, reports, key, now, merge_maps(
                [ledger_map, LedgerMap(REVIEW_SOURCE, dict(fix))]) if fix else ledger_map)
        except Exception as exc:  # any failure of one file sets that file aside
            quarantine.append(_failed_file(e, exc, now))
            accounting.append((e.sha256, e.file_name, None, 0, 0, True))
            continue
        pairs.extend(one.pairs)
        if one.applications is not None and one.applications.height:
            apps.append(one.applications)
        quarantine.append(one.quarantine)
        if one.columns is not None and one.columns.height:
            quarantine.append(one.columns)
        accounting.append(one.accounting)
    core = pl.concat(apps) if apps else empty_frame("core_application")
    q = pl.concat(quarantine) if quarantine else empty_frame("core_quarantine")
    return LedgerTables(
        validate("core_application", core),
        validate("core_quarantine", conform("core_quarantine", q)),
        pl.DataFrame(pairs, schema={"body_id": pl.Utf8, "year": pl.Int64}, orient="row"),
        _accounting(accounting),
    )


def body_year_sql() -> str:
    """``out_ledger_body_year`` from ``core_application``."""
    shares = ",\n".join(
        f"    count(*) FILTER (WHERE outcome_category = '{k}' OR outcome = '{k}')"
        f" / nullif(count(outcome), 0) AS share_{k}"
        for k, _, _ in OUTCOME_SHARES
    )
    return f"""
SELECT body_id, any_value(body_name) AS body_name, any_value(region_code) AS region_code, year,
    count(*) AS applications,
    count(replied) AS replied,
    count(*) FILTER (WHERE pending) AS pending,
    median(working_days) AS median_working_days,
    avg(CASE WHEN on_time THEN 1.0 ELSE 0.0 END) FILTER (WHERE on_time IS NOT NULL)
        AS on_time_share,
    count(*) FILTER (WHERE overdue_days > 0) AS overdue,
    count(*) FILTER (WHERE extended) AS extended,
    count(correction_date) AS corrections,
    count(*) FILTER (WHERE third_party_days > 0) AS third_party,
    count(*) FILTER (WHERE findings LIKE '%calendar_coverage%') AS calendar_errors,
{shares}
FROM core_application
GROUP BY body_id, year
ORDER BY body_id, year
"""


def load_ledgers(con: duckdb.DuckDBPyConnection, ledgers: LedgerTables | None) -> None:
    """Load the ledger tables into a staging warehouse that already has the report tables."""
    ledgers = ledgers or empty_ledgers()
    load_table(con, "core_application", ledgers.core_application)
    if ledgers.quarantine.height:
        con.register("_ledger_q", ledgers.quarantine)
        con.execute("INSERT INTO core_quarantine SELECT * FROM _ledger_q")
        con.unregister("_ledger_q")
    mart = con.sql(body_year_sql()).pl()
    load_table(
        con,
        "out_ledger_body_year",
        validate("out_ledger_body_year", conform("out_ledger_body_year", mart)),
    )
    long = table_three(ledgers.core_application, ledgers.body_years)
    # Only the body-years that have a ledger are reconciled: reading every report's values
    # (tens of millions in a national warehouse) into a frame would cost gigabytes for nothing.
    con.register("_ledger_body_years", long.select("body_id", "year").unique())
    report = con.sql(
        """
        SELECT b.body_id, b.year, v.key, v.value, b.report_id
        FROM out_body_year b
        SEMI JOIN _ledger_body_years l ON l.body_id = b.body_id AND l.year = b.year
        JOIN core_value v USING (report_id)
        WHERE v.key LIKE 'applications.%'
        """
    ).pl()
    con.unregister("_ledger_body_years")
    rec = reconcile(long, report.select("body_id", "year", "key", "value"))
    names = pl.concat(
        [
            ledgers.core_application.select("body_id", "body_name"),
            con.sql("SELECT body_id, name AS body_name FROM dim_body").pl(),
        ]
    ).unique("body_id", keep="first")
    rec = rec.join(names, on="body_id", how="left").join(
        report.select("body_id", pl.col("year").cast(pl.Int64), "report_id").unique(
            ["body_id", "year"]
        ),
        on=["body_id", "year"],
        how="left",
    )
    load_table(
        con,
        "out_reconciliation",
        validate("out_reconciliation", conform("out_reconciliation", rec)),
    )

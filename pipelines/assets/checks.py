"""Asset checks: the consistency rules of the data contract, schemas and Great Expectations.

Checks on the staging warehouse are blocking: if the schemas or the expectation suites fail, or
any table holds something shaped like personal data, the publish step does not run and readers
keep the last good warehouse. Rule checks report how many
reports break each 勾稽 rule; a publisher's inconsistent numbers are a warning (kept and shown),
a reading failure inside a published report is an error (it should have been quarantined).
"""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines.resources import GongkaiHome
from schemas.rules import RULES
from schemas.sql import literal
from schemas.tables import tables
from warehouse.personal_data import scan_warehouse

# Great Expectations evaluates each expectation of a whole frame at a fixed cost of tens of
# milliseconds in pandas; a table over this many rows goes to its suite as its profile (the same
# registry constraints, counted by DuckDB). National figures: 184 expectations on whole frames
# took 6.1 s, the same checks on profiles 1.8 s.
GE_FRAME_ROWS = 10_000

GE_TABLES = (
    "dim_region",
    "dim_body",
    "core_report",
    "core_value",
    "core_finding",
    "out_body_year",
    "out_region_year",
    "out_government_year",
    "out_region_rate",
    "core_application",
    "out_ledger_body_year",
    "out_reconciliation",
    "out_report_check",
    "out_scorecard",
    "core_collect_status",
    "core_collected_document",
    "out_publication_timeliness",
)


def _open(staging: str) -> duckdb.DuckDBPyConnection:
    """The staging warehouse, read-only, with the build's memory bound (warehouse.build)."""
    from warehouse.build import duckdb_config

    return duckdb.connect(staging, read_only=True, config=duckdb_config(Path(staging).parent))


def _scope(staging: str, table: str) -> str:
    """The rows of ``table`` a check must scan: all, or an incremental build's new ones.

    :func:`warehouse.delta.scope_sql` says why the new rows are enough.
    """
    from warehouse.delta import recorded, scope_sql

    delta = recorded(Path(staging))
    if delta is None or delta.get("table") != table:
        return "TRUE"
    return scope_sql(delta["added"])


def _rule_id(rule) -> str:
    return rule["id"] if isinstance(rule, dict) else rule.id


def _rule_text(rule) -> str:
    get = rule.get if isinstance(rule, dict) else lambda k, d="": getattr(rule, k, d)
    return f"{get('zh', '')} / {get('en', '')}".strip(" /")


RULE_IDS = tuple(_rule_id(r) for r in RULES)


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            name=f"rule_{_rule_id(r)}",
            asset="out_warehouse_staging",
            description=_rule_text(r),
        )
        for r in RULES
    ],
)
def consistency_rules(out_warehouse_staging: str):
    """One check per 勾稽 rule: reports breaking it, by blame, in the staging warehouse."""
    con = _open(out_warehouse_staging)
    try:
        counts = con.execute(
            """
            SELECT f.rule, f.blame, count(DISTINCT f.report_id), count(*)
            FROM core_finding f JOIN core_report r USING (report_id)
            WHERE r.status = 'published'
            GROUP BY ALL
            """
        ).fetchall()
    finally:
        con.close()
    by_rule: dict[str, dict[str, tuple[int, int]]] = {}
    for rule, blame, reports, findings in counts:
        by_rule.setdefault(rule, {})[blame] = (reports, findings)
    for rule in RULE_IDS:
        got = by_rule.get(rule, {})
        publisher = got.get("publisher", (0, 0))
        reading = got.get("reading", (0, 0))
        yield dg.AssetCheckResult(
            check_name=f"rule_{rule}",
            passed=publisher[0] == 0 and reading[0] == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "reports_publisher_error": publisher[0],
                "findings_publisher_error": publisher[1],
                "reports_reading_warning": reading[0],
            },
        )


def warehouse_schemas(staging: str) -> dg.AssetCheckResult:
    """Every table in the staging file conforms to its contract (generated metadata).

    Columns and types always; rows by the pandera model for tables that fit a frame, by
    constraint counts DuckDB computes for the big ones (``schemas.profile``), whose segments
    pandera already validated row by row.
    """
    from schemas.profile import check_table

    con = _open(staging)
    failures = {}
    try:
        for name, table in tables().items():
            why = check_table(con, table, _scope(staging, name))
            if why:
                failures[name] = why
    finally:
        con.close()
    return dg.AssetCheckResult(
        check_name="warehouse_schemas",
        passed=not failures,
        metadata={"tables": len(tables()), "failures": dg.MetadataValue.json(failures)},
    )


def warehouse_expectations(staging: str, quality: Path) -> dg.AssetCheckResult:
    """Great Expectations suites over the warehouse tables; Data Docs kept in the quality folder.

    The GE project is the run's own (``build/<run_id>/gx``, removed with the staging folder), so
    concurrent runs never share GE files; only the finished Data Docs are published.
    """
    import pandas as pd

    from schemas.expectations import PROFILE_SUFFIX, publish_data_docs, run_suites
    from schemas.profile import profile

    con = _open(staging)
    try:
        frames = {}
        for name in GE_TABLES:
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            if rows <= GE_FRAME_ROWS:
                frames[name] = con.sql(f"SELECT * FROM {name}").df()
            else:
                frames[name + PROFILE_SUFFIX] = pd.DataFrame(
                    profile(con, tables()[name], _scope(staging, name)),
                    columns=["column", "rule", "rows_breaking"],
                ).assign(table_rows=rows)
    finally:
        con.close()
    project = Path(staging).parent / "gx"
    results = run_suites(frames, project)
    failed = {r.table: list(r.failed) for r in results if not r.success}
    index = publish_data_docs(project, quality)
    docs = str(index) if index else None
    return dg.AssetCheckResult(
        check_name="warehouse_expectations",
        passed=not failed,
        metadata={
            "expectations": sum(r.evaluated for r in results),
            "failed": dg.MetadataValue.json(failed),
            "data_docs": dg.MetadataValue.path(docs or ""),
        },
    )


def no_reading_errors_published(staging: str) -> dg.AssetCheckResult:
    """A report with a reading-blamed error is never published (it must sit in quarantine)."""
    con = _open(staging)
    try:
        bad = con.execute(
            """
            SELECT count(DISTINCT r.report_id)
            FROM core_report r JOIN core_finding f USING (report_id)
            WHERE r.status = 'published' AND f.blame = 'reading' AND f.severity = 'error'
            """
        ).fetchall()[0][0]
    finally:
        con.close()
    return dg.AssetCheckResult(check_name="no_reading_errors_published", passed=bad == 0,
                              metadata={"reports": bad})


def no_personal_data_published(staging: str) -> dg.AssetCheckResult:
    """No column of any table of the staging warehouse looks like an ID number, phone or e-mail.

    Every table is published and most are exported, so every table is searched, not only the
    ledger ones (``warehouse.personal_data``). Metadata holds counts per column, never values.
    """
    con = _open(staging)
    known = None
    try:
        known = _attach_base(con, staging)
        hits = scan_warehouse(con, known)
    finally:
        # Connections to one file in one process share a DuckDB instance, and with it what is
        # attached: the other checks, running beside this one, must not see the base.
        if known is not None:
            con.execute(f"DETACH {known}")
        con.close()
    return dg.AssetCheckResult(check_name="no_personal_data_published", passed=not hits,
                              metadata={"hits": dg.MetadataValue.json(hits),
                                        "base_values_skipped": known is not None})


def _attach_base(con: duckdb.DuckDBPyConnection, staging: str) -> str | None:
    """Attach the published warehouse an incremental build started from; its alias or None.

    That file passed this check before it was published, with the same pattern (it is part of
    the delta's basis, :func:`warehouse.delta.table_basis`), so values it holds need no search.
    """
    from warehouse.delta import recorded

    delta = recorded(Path(staging))
    base = Path(delta["base"]) if delta and delta.get("base") else None
    if base is None or not base.is_file():
        return None
    try:
        con.execute(f"ATTACH {literal(str(base))} AS {_BASE} (READ_ONLY)")
    except duckdb.Error:
        return None
    return _BASE


_BASE = "_published"


# Rules across columns of the collect tables that the per-column contract cannot state: each
# SQL counts the rows breaking it. The store's reader sets such records aside
# (warehouse.collect_store), so a hit here is a bug in the build, not bad input.
COLLECT_RULES = {
    "found_without_url":
        "SELECT count(*) FROM core_collect_status WHERE status = 'found' AND report_url IS NULL",
    "date_before_year":
        "SELECT count(*) FROM core_collect_status WHERE published_date < make_date(year, 1, 1)",
    "date_after_check":
        "SELECT count(*) FROM core_collect_status "
        "WHERE published_date > CAST(checked_at AS DATE) + INTERVAL 1 DAY",
    "report_id_not_its_file":
        "SELECT count(*) FROM core_collected_document WHERE report_id <> sha256",
    "body_year_twice":
        "SELECT count(*) - count(DISTINCT (body_id, year)) FROM out_publication_timeliness "
        "WHERE body_id IS NOT NULL",
    "verdict_against_date":
        "SELECT count(*) FROM out_publication_timeliness WHERE "
        "(status = 'on_time' AND NOT published_date <= deadline) OR "
        "(status = 'late' AND NOT (published_date > deadline AND days_late = "
        "published_date - deadline))",
}


def collect_tables_consistent(staging: str) -> dg.AssetCheckResult:
    """The collect status, collected files and publication-timeliness mart agree with themselves.

    A found report has its URL; a publication date lies between 1 January of its year and
    the check; a file's report id is its own sha256; one row per body and year; on time and
    late agree with the date and the deadline.
    """
    con = _open(staging)
    try:
        broken = {rule: con.execute(sql).fetchall()[0][0] for rule, sql in COLLECT_RULES.items()}
    finally:
        con.close()
    return dg.AssetCheckResult(
        check_name="collect_tables_consistent", passed=not any(broken.values()),
        metadata={"rows_breaking": dg.MetadataValue.json(broken)})


def _gate_spec(check) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(check.__name__, asset="out_warehouse_staging", blocking=True,
                             description=(check.__doc__ or "").split("\n")[0])


# The blocking checks that are DuckDB queries, one after another in one lane; GE has the other.
_DUCKDB_LANE = (no_personal_data_published, warehouse_schemas, no_reading_errors_published,
                collect_tables_consistent)


@dg.multi_asset_check(specs=[_gate_spec(c) for c in (*_DUCKDB_LANE, warehouse_expectations)])
def warehouse_gate(gongkai: GongkaiHome, out_warehouse_staging: str):
    """The blocking checks of the staging warehouse; any failure keeps it from being published.

    One step runs them in two threads: Great Expectations is Python (its import alone takes
    seconds) while the other checks are DuckDB queries that release the GIL, so on two cores
    the gate takes about as long as its longest lane rather than the sum (national
    incremental build: 15.3 s for the five steps → 11.2 s for the gate). Each check keeps
    its own name and result.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="gongkai-gate") as pool:
        expectations = pool.submit(warehouse_expectations, out_warehouse_staging,
                                   gongkai.paths.quality)
        lane = pool.submit(lambda: [check(out_warehouse_staging) for check in _DUCKDB_LANE])
        yield from lane.result()
        yield expectations.result()


@dg.asset_check(asset="core_report")
def reports_have_year_and_body(core_report: pl.DataFrame) -> dg.AssetCheckResult:
    """Published reports all know their statistics year and body; share of regions resolved."""
    published = core_report.filter(pl.col("status") == "published")
    missing = published.filter(pl.col("year").is_null() | pl.col("body_id").is_null()).height
    no_region = published.filter(pl.col("region_code").is_null()).height
    return dg.AssetCheckResult(
        passed=missing == 0,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"published": published.height, "missing": missing, "no_region": no_region},
    )


def data_docs_path(home: Path) -> Path | None:
    """Where the Data Docs index of the last run is, if any."""
    from schemas.expectations import DOCS_DIR

    index = home / "quality" / DOCS_DIR / "local_site" / "index.html"
    return index if index.exists() else None

"""Pure queries over the published warehouse: a DuckDB connection in, polars frames out.

Nothing here knows about Streamlit, caching or the file on disk, so every function can be
tested against any DuckDB connection (the test fixture, an in-memory copy, the real file).
Aggregations run in SQL and select only the columns they need, because the wide marts carry
hundreds of measure columns. Measure columns are canonical keys with dots, so they are always
quoted with ``q``.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from schemas import registry
from schemas.sql import ident

LEVEL_ORDER = ("province", "city", "county", "township")
GRANTED_ROWS = ("granted", "partially_granted")
OUTCOME_ROWS = ("granted", "partially_granted", "denied", "unable", "not_processed", "other")
REASON_CATEGORIES = ("denied", "unable", "not_processed")
EXPORT_TABLES = (
    "out_body_year",
    "out_region_year",
    "out_region_rate",
    "out_ledger_body_year",
    "core_value",
    "core_value_reviewed",
    "core_body_reviewed",
    "core_correction",
    "out_review_item",
    "core_collect_status",
    "core_collected_document",
    "out_publication_timeliness",
    "core_report",
    "core_finding",
    "core_quarantine",
    "dim_region",
    "dim_body",
    "dim_measure",
)
APPLICATIONS = "applications.new_received.total"
TOTAL_PROCESSED = "applications.total_processed.total"
GRANTED = ("applications.granted.total", "applications.partially_granted.total")
# The region scope of a body: its own region or any region it lies in.
_IN_REGION = (
    "region_code IN (SELECT region_code FROM dim_region "
    "WHERE region_code = $region OR city_code = $region OR province_code = $region)"
)


q = ident  # column names quoted for SQL (canonical keys contain dots)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params or None).pl()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> Any:
    rows = con.execute(sql, params or {}).fetchall()
    return rows[0][0] if rows else None


def report_of(con: duckdb.DuckDBPyConnection, alias: str = "b") -> str:
    """SQL for the report behind an ``out_body_year`` row.

    Its ``report_id`` column where the mart has it (every build since the scorecard), else the
    body-year's published report.
    """
    if "report_id" in columns(con, "out_body_year"):
        return f"{alias}.report_id"
    return (
        f"(SELECT min(r.report_id) FROM core_report r WHERE r.body_id = {alias}.body_id "
        f"AND r.year = {alias}.year AND r.status = 'published')"
    )


def columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of ``table``, to offer only measures the mart really has."""
    if table not in (*EXPORT_TABLES, "meta_build"):
        raise ValueError(f"unknown table {table!r}")
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The latest ``meta_build`` row as a dict (empty when the table has no row)."""
    df = _frame(con, "SELECT * FROM meta_build ORDER BY built_at DESC LIMIT 1")
    return df.row(0, named=True) if df.height else {}


def years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Report years with at least one report (published or quarantined), ascending."""
    rows = con.execute("SELECT DISTINCT year FROM core_report WHERE year IS NOT NULL ORDER BY 1")
    return [int(r[0]) for r in rows.fetchall()]


def levels(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Region levels present in the region mart, from province down."""
    found = [r[0] for r in con.execute("SELECT DISTINCT level FROM out_region_year").fetchall()]
    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    return sorted((lv for lv in found if lv is not None), key=lambda lv: rank.get(lv, 99))


def regions(con: duckdb.DuckDBPyConnection, level: str) -> pl.DataFrame:
    """``region_code, region_name`` of one level that appear in the region mart."""
    return _frame(
        con,
        "SELECT region_code, any_value(region_name) AS region_name FROM out_region_year "
        "WHERE level = $level GROUP BY region_code ORDER BY region_code",
        {"level": level},
    )


def kpis(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, Any]:
    """Headline figures of one year: reports, bodies, applications, disclosure rate, findings.

    The rate is recomputed from sums ((granted + partially granted) / total processed) rather
    than averaged over bodies, so large bodies weigh as much as their caseload.
    """
    reports = con.execute(
        "SELECT count(*) FILTER (WHERE status = 'published'), "
        "count(DISTINCT body_id) FILTER (WHERE status = 'published'), "
        "count(*) FILTER (WHERE status = 'quarantined') FROM core_report WHERE year = $y",
        {"y": year},
    ).fetchall()[0]
    sums = con.execute(
        f"SELECT sum({q(APPLICATIONS)}), sum(coalesce({q(GRANTED[0])}, 0) "
        f"+ coalesce({q(GRANTED[1])}, 0)), sum({q(TOTAL_PROCESSED)}), count(*) "
        "FROM out_body_year WHERE year = $y",
        {"y": year},
    ).fetchall()[0]
    findings = _scalar(con, "SELECT count(*) FROM core_finding WHERE year = $y", {"y": year})
    expected = _scalar(
        con,
        "SELECT sum(bodies_expected) FROM out_region_year WHERE year = $y AND level = 'province'",
        {"y": year},
    )
    applications, granted, processed, rows = sums
    rate = granted / processed if processed else None
    return {
        "year": year,
        "reports": int(reports[0]),
        "bodies": int(reports[1]),
        "quarantined": int(reports[2]),
        "applications": applications,
        "disclosure_rate": rate,
        "findings": int(findings),
        "bodies_expected": None if expected is None else int(expected),
        "has_data": bool(reports[0] or reports[2] or rows),
    }


def level_totals(
    con: duckdb.DuckDBPyConnection, year: int, level: str, measure: str
) -> pl.DataFrame:
    """One measure for every region of a level in a year, unsorted (for small charts)."""
    return _frame(
        con,
        f"SELECT region_name, {q(measure)} AS value FROM out_region_year "
        "WHERE year = $y AND level = $level",
        {"y": year, "level": level},
    )


def ranking(con: duckdb.DuckDBPyConnection, year: int, level: str, measure: str) -> pl.DataFrame:
    """Regions of one level ranked by a measure in a year (largest first, missing last).

    Ties share a rank (SQL ``rank()``), and a region that reported nothing keeps a row with a
    null value, so a missing number is never shown as a 0 at the top or bottom of the list.
    """
    return _frame(
        con,
        f"SELECT rank() OVER (ORDER BY o.{q(measure)} DESC NULLS LAST) AS rank, o.region_code, "
        "o.region_name, CASE WHEN o.level = 'county' AND c.name IS NOT NULL "
        "THEN c.name || '·' || o.region_name ELSE o.region_name END AS display_name, "
        f"o.{q(measure)} AS value, o.reports, o.bodies, o.bodies_expected, o.coverage "
        "FROM out_region_year o LEFT JOIN dim_region d USING (region_code) "
        "LEFT JOIN dim_region c ON c.region_code = d.city_code "
        "WHERE o.year = $y AND o.level = $level ORDER BY rank, o.region_code",
        {"y": year, "level": level},
    )


def trend(
    con: duckdb.DuckDBPyConnection, region_codes: tuple[str, ...], measure: str
) -> pl.DataFrame:
    """``year, region_code, region_name, value`` of a measure for the chosen regions."""
    if not region_codes:
        return pl.DataFrame(
            schema={
                "year": pl.Int64,
                "region_code": pl.Utf8,
                "region_name": pl.Utf8,
                "value": pl.Float64,
            }
        )
    return _frame(
        con,
        f"SELECT year, region_code, region_name, {q(measure)} AS value FROM out_region_year "
        "WHERE list_contains($codes, region_code) ORDER BY region_code, year",
        {"codes": list(region_codes)},
    )


def _category_sum(category: str) -> str:
    """SQL for a category total: the printed subtotal, else the sum of its reason rows."""
    reasons = [r.key for r in registry.APPLICATION_ROWS if r.category == category]
    parts = " + ".join(f"coalesce({q(f'applications.{k}.total')}, 0)" for k in reasons)
    return f"coalesce({q(f'applications.{category}.total')}, {parts})"


def _scope(region: str | None) -> tuple[str, dict]:
    return ("WHERE " + _IN_REGION, {"region": region}) if region else ("WHERE TRUE", {})


def outcome_mix(con: duckdb.DuckDBPyConnection, region: str | None = None) -> pl.DataFrame:
    """``year, outcome, value``: 办理结果 summed over the bodies in scope, every year.

    One pass over ``out_body_year`` (all six sums at once, then unpivoted), not one per outcome:
    at national size every scan of the wide mart costs tens of milliseconds.
    """
    where, params = _scope(region)
    sums = ", ".join(
        f"sum({_category_sum(row) if row not in GRANTED_ROWS else q(f'applications.{row}.total')})"
        f" AS {q(row)}"
        for row in OUTCOME_ROWS
    )
    outcomes = ", ".join(q(row) for row in OUTCOME_ROWS)
    sql = (
        f"SELECT year, outcome, value FROM (SELECT year, {sums} FROM out_body_year {where} "
        f"GROUP BY year) UNPIVOT INCLUDE NULLS (value FOR outcome IN ({outcomes})) "
        "ORDER BY year, outcome"
    )
    return _frame(con, sql, params).with_columns(pl.col("value").cast(pl.Float64))


def reasons(con: duckdb.DuckDBPyConnection, year: int, region: str | None = None) -> pl.DataFrame:
    """``category, reason, value, share``: each 不予公开/无法提供/不予处理 reason in one year.

    ``share`` is the reason's part of its category total, so the bars of different categories
    are comparable whatever their size. All the sums come from one pass over the mart, in the
    registry's order.
    """
    where, params = _scope(region)
    params = {**params, "y": year}
    rows = [r for r in registry.APPLICATION_ROWS if r.category in REASON_CATEGORIES]
    sums = ", ".join(f"sum({q(f'applications.{r.key}.total')})" for r in rows)
    (values,) = con.execute(
        f"SELECT {sums} FROM out_body_year {where} AND year = $y", params
    ).fetchall()
    df = pl.DataFrame(
        {
            "category": [r.category for r in rows],
            "reason": [r.key for r in rows],
            "value": [None if v is None else float(v) for v in values],
        },
        schema={"category": pl.Utf8, "reason": pl.Utf8, "value": pl.Float64},
    )
    total = pl.col("value").sum().over("category")
    return df.with_columns(
        pl.when(total > 0).then(pl.col("value") / total).otherwise(None).alias("share")
    )


def finding_summary(con: duckdb.DuckDBPyConnection, year: int | None = None) -> pl.DataFrame:
    """``rule, blame, findings, reports``: how many findings and reports each rule hits."""
    return _frame(
        con,
        "SELECT rule, blame, count(*) AS findings, count(DISTINCT report_id) AS reports "
        "FROM core_finding WHERE $y IS NULL OR year = $y GROUP BY rule, blame "
        "ORDER BY findings DESC, rule, blame",
        {"y": year},
    )


def findings(
    con: duckdb.DuckDBPyConnection,
    year: int | None = None,
    rule: str | None = None,
    blame: str | None = None,
) -> pl.DataFrame:
    """Findings with the body's name, filtered by year, rule and blame (``None`` = all)."""
    return _frame(
        con,
        "SELECT coalesce(r.source, f.report_id) AS report_id, coalesce(b.name, f.body_id) AS body, "
        "f.year, f.rule, f.severity, "
        "f.blame, CAST(f.keys AS VARCHAR) AS keys, f.message FROM core_finding f "
        "LEFT JOIN dim_body b USING (body_id) LEFT JOIN core_report r USING (report_id) "
        "WHERE ($y IS NULL OR f.year = $y) AND ($rule IS NULL OR f.rule = $rule) "
        "AND ($blame IS NULL OR f.blame = $blame) ORDER BY f.year DESC, f.rule, f.report_id",
        {"y": year, "rule": rule, "blame": blame},
    )


def quarantine(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The quarantine list: every item held back, the stage, the rule and why."""
    return _frame(
        con,
        "SELECT item, stage, rule, reason, detected_at FROM core_quarantine "
        "ORDER BY detected_at DESC, item",
    )


def quarantined_reports(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Reports kept out of the marts, with the body's name and the quarantine reason."""
    return _frame(
        con,
        "SELECT r.report_id, coalesce(b.name, r.body_id) AS body, r.year, r.source, "
        "r.quarantine_reason FROM core_report r LEFT JOIN dim_body b USING (body_id) "
        "WHERE r.status = 'quarantined' ORDER BY r.year DESC, r.report_id",
    )


def row_count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    """Rows of an exportable table, without reading it (the downloads page's caption)."""
    if name not in EXPORT_TABLES:
        raise ValueError(f"not an exportable table: {name!r}")
    return int(_scalar(con, f"SELECT count(*) FROM {name}"))


def table(con: duckdb.DuckDBPyConnection, name: str) -> pl.DataFrame:
    """A whole warehouse table for download; only names in ``EXPORT_TABLES`` are allowed."""
    if name not in EXPORT_TABLES:
        raise ValueError(f"not an exportable table: {name!r}")
    return _frame(con, f"SELECT * FROM {name}")


# --- application ledgers (issue 6) -----------------------------------------------------------


def ledger_timeliness(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Timeliness and outcome mix per city (province bodies: the province) and year."""
    return _frame(
        con,
        """
        SELECT coalesce(r.city_code, r.province_code, a.region_code) AS region_code,
               any_value(coalesce(c.name, a.region_code)) AS region_name, a.year,
               count(*) AS applications,
               median(a.working_days) AS median_working_days,
               avg(CASE WHEN a.on_time THEN 1.0 ELSE 0.0 END)
                   FILTER (WHERE a.on_time IS NOT NULL) AS on_time_share,
               count(*) FILTER (WHERE a.overdue_days > 0) AS overdue,
               count(*) FILTER (WHERE a.outcome IN ('granted', 'partially_granted'))
                   / nullif(count(a.outcome), 0) AS disclosed_share,
               count(*) FILTER (WHERE a.outcome_category = 'denied')
                   / nullif(count(a.outcome), 0) AS denied_share
        FROM core_application a
        LEFT JOIN dim_region r ON r.region_code = a.region_code
        LEFT JOIN dim_region c
            ON c.region_code = coalesce(r.city_code, r.province_code, a.region_code)
        GROUP BY 1, a.year
        ORDER BY 1, a.year
        """,
    )


def ledger_bodies(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """``out_ledger_body_year``: one row per body and year with a ledger."""
    return _frame(con, "SELECT * FROM out_ledger_body_year ORDER BY body_name, year")


def reconciliation(con: duckdb.DuckDBPyConnection, body_id: str) -> pl.DataFrame:
    """Cells of one body's reconciliation that do not simply match, then the matching count."""
    return _frame(
        con,
        """
        SELECT year, key, ledger_value, report_value, difference, status
        FROM out_reconciliation WHERE body_id = $body
        ORDER BY year, status = 'match', key
        """,
        {"body": body_id},
    )


# --- report-quality scorecard (out_scorecard, out_report_check) ----------------------------


def scorecard_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with a scorecard, ascending."""
    rows = con.execute("SELECT DISTINCT year FROM out_scorecard ORDER BY 1").fetchall()
    return [int(r[0]) for r in rows]


def scorecard_regions(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Regions a ranking can be asked for: provinces and the regions bodies are ranked in."""
    return _frame(
        con,
        "SELECT region_code, name, level FROM dim_region WHERE level = 'province' "
        "OR region_code IN (SELECT rank_region_code FROM out_scorecard) "
        "ORDER BY region_code",
    )


def scorecard_ranking(con: duckdb.DuckDBPyConnection, region: str, year: int) -> pl.DataFrame:
    """Bodies of a region (and its sub-regions) in a year, ranked by score; worst listed first.

    Rank 1 is still the best score, but the list starts with the bodies that need fixing, so
    they are on screen without scrolling.
    """
    return _frame(
        con,
        f"""
        SELECT rank() OVER (ORDER BY score DESC) AS rank, body_id, body_name, region_code,
               score, errors, warnings, infos, problems_on_time, problems_sections,
               problems_template, problems_consistency, problems_text_vs_table,
               problems_continuity, problems_catalogue
        FROM out_scorecard WHERE year = $year AND {_IN_REGION}
        ORDER BY score ASC, body_name
        """,
        {"region": region, "year": year},
    )


def scorecard_problems(con: duckdb.DuckDBPyConnection, body_id: str, year: int) -> pl.DataFrame:
    """One body's problems in a year with their locations, errors first."""
    return _frame(
        con,
        """
        SELECT severity, "check", rule, location_text, message_zh, message_en, keys, deduction
        FROM out_report_check WHERE body_id = $body AND year = $year
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, "check"
        """,
        {"body": body_id, "year": year},
    )


def scorecard_trend(con: duckdb.DuckDBPyConnection, body_id: str) -> pl.DataFrame:
    """A body's score and rank across years."""
    return _frame(
        con,
        "SELECT year, score, rank, rank_of FROM out_scorecard WHERE body_id = $body ORDER BY year",
        {"body": body_id},
    )


def scorecard_xlsx(con: duckdb.DuckDBPyConnection, region: str, year: int) -> bytes:
    """The ranking and list of fixes of a region and year as XLSX (see warehouse.scorecard)."""
    from warehouse.scorecard import fixes_xlsx

    return fixes_xlsx(con, region, year)

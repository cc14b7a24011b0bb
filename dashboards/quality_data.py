"""Pure queries of the 数据质量 page: which reports are inconsistent, why, worst first.

The scorecard's checker already words every problem in Chinese (``out_report_check.message_zh``,
keys as 表三 labels, the rule spelled out), so the list reuses it rather than the raw
``core_finding`` messages. Only the checks about a report's own numbers count here:
``consistency`` (勾稽关系), ``text_vs_table`` and ``continuity`` (across years).
"""

from __future__ import annotations

import duckdb
import polars as pl

NUMBER_CHECKS = ("consistency", "text_vs_table", "continuity")


def inconsistent_reports(
    con: duckdb.DuckDBPyConnection, year: int | None, region: str | None = None
) -> pl.DataFrame:
    """One row per report with number problems: errors first, then most problems.

    ``rules`` lists the distinct rules hit; ``first_message`` is the message of the most severe
    problem (the one to fix first), ``first_keys`` its keys (for tracing the cell).
    """
    checks = ", ".join(f"'{c}'" for c in NUMBER_CHECKS)
    return con.sql(
        f"""
        WITH p AS (
            SELECT c.*, row_number() OVER (
                PARTITION BY c.report_id
                ORDER BY CASE c.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                    c.rule) AS n
            FROM out_report_check c
            WHERE c."check" IN ({checks}) AND ($y IS NULL OR c.year = $y)
        )
        SELECT p.report_id, p.body_id, any_value(b.name) AS body_name,
            any_value(CASE WHEN rg.level IN ('county', 'township') AND ci.name IS NOT NULL
                THEN ci.name || '·' || rg.name ELSE rg.name END) AS region_name,
            p.year,
            count(*) FILTER (WHERE p.severity = 'error')::INTEGER AS errors,
            count(*)::INTEGER AS problems,
            list_sort(list_distinct(list(p.rule))) AS rules,
            any_value(p.message_zh) FILTER (WHERE p.n = 1) AS first_message,
            any_value(p.message_en) FILTER (WHERE p.n = 1) AS first_message_en,
            any_value(p.location_text) FILTER (WHERE p.n = 1) AS location_text,
            any_value(p.keys) FILTER (WHERE p.n = 1) AS first_keys
        FROM p
        LEFT JOIN dim_body b ON b.body_id = p.body_id
        LEFT JOIN dim_region rg ON rg.region_code = b.region_code
        LEFT JOIN dim_region ci ON ci.region_code = rg.city_code
        WHERE $region IS NULL OR rg.region_code = $region OR rg.city_code = $region
            OR rg.province_code = $region OR rg.parent_code = $region
        GROUP BY p.report_id, p.body_id, p.year
        ORDER BY errors DESC, problems DESC, p.year DESC, body_name
        """,
        params={"y": year, "region": region},
    ).pl()


def report_problems(con: duckdb.DuckDBPyConnection, report_id: str) -> pl.DataFrame:
    """Every problem of one report with its location and Chinese message, errors first."""
    return con.sql(
        """
        SELECT "check", rule, severity, location_text, message_zh, message_en, keys
        FROM out_report_check WHERE report_id = $rid
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
            "check", rule
        """,
        params={"rid": report_id},
    ).pl()

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
    # One aggregation pass, no window over every problem: the most severe problem is the
    # arg_min of a sort key (severity, rule, location, message — the last two break ties, so the
    # first message is the same on every run). Names are joined to the reports only.
    return con.sql(
        f"""
        WITH p AS (
            SELECT report_id, body_id, year,
                count(*) FILTER (WHERE severity = 'error')::INTEGER AS errors,
                count(*)::INTEGER AS problems,
                list_sort(list_distinct(list(rule))) AS rules,
                arg_min({{'m': message_zh, 'e': message_en, 'l': location_text, 'k': keys}},
                    concat_ws(chr(1), CASE severity WHEN 'error' THEN '0'
                        WHEN 'warning' THEN '1' ELSE '2' END, rule,
                        coalesce(location_text, ''), coalesce(message_zh, ''))) AS first
            FROM out_report_check
            WHERE "check" IN ({checks}) AND ($y IS NULL OR year = $y)
            GROUP BY report_id, body_id, year
        )
        SELECT p.report_id, p.body_id, b.name AS body_name,
            CASE WHEN rg.level IN ('county', 'township') AND ci.name IS NOT NULL
                THEN ci.name || '·' || rg.name ELSE rg.name END AS region_name,
            p.year, p.errors, p.problems, p.rules,
            p.first.m AS first_message, p.first.e AS first_message_en,
            p.first.l AS location_text, p.first.k AS first_keys
        FROM p
        LEFT JOIN dim_body b ON b.body_id = p.body_id
        LEFT JOIN dim_region rg ON rg.region_code = b.region_code
        LEFT JOIN dim_region ci ON ci.region_code = rg.city_code
        WHERE $region IS NULL OR rg.region_code = $region OR rg.city_code = $region
            OR rg.province_code = $region OR rg.parent_code = $region
        ORDER BY p.errors DESC, p.problems DESC, p.year DESC, body_name, p.report_id
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

"""Pure queries of the 答复时效 page: late bodies first, with ledger coverage and sample size.

The page opens with the reports' own timeliness (``out_publication_timeliness``): whether each
body published its annual report by 31 January, by the date ``gongkai collect`` recorded on the
body's site where it has one, else by the date in the report's text.

The ledgers (``out_ledger_body_year``, one row per body and year with a ledger) are few beside
the reports, so every figure says how many bodies it rests on: ledger coverage is the bodies
with a ledger over the bodies that published a report that year, in the same scope.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

# Fewer replies than this and one late reply is over 5 % of the body's caseload.
SMALL_SAMPLE = 20
_SCOPE = (
    "($region IS NULL OR {col} IN (SELECT region_code FROM dim_region WHERE region_code = $region "
    "OR city_code = $region OR province_code = $region OR parent_code = $region))"
)


def ledger_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years with at least one ledger, ascending."""
    rows = con.execute("SELECT DISTINCT year FROM out_ledger_body_year ORDER BY 1").fetchall()
    return [int(r[0]) for r in rows]


def late_bodies(
    con: duckdb.DuckDBPyConnection, year: int, region: str | None = None
) -> pl.DataFrame:
    """Bodies with a ledger in a year: overdue count and share, median days; late first."""
    df = con.sql(
        f"""
        SELECT l.body_id, l.body_name,
            CASE WHEN rg.level IN ('county', 'township') AND ci.name IS NOT NULL
                THEN ci.name || '·' || rg.name ELSE rg.name END AS region_name,
            l.year, l.applications, l.replied, l.overdue,
            CASE WHEN l.replied > 0 THEN l.overdue / l.replied END AS overdue_share,
            l.median_working_days, l.on_time_share, l.pending
        FROM out_ledger_body_year l
        LEFT JOIN dim_region rg ON rg.region_code = l.region_code
        LEFT JOIN dim_region ci ON ci.region_code = rg.city_code
        WHERE l.year = $y AND {_SCOPE.format(col="l.region_code")}
        ORDER BY overdue_share DESC NULLS LAST, l.overdue DESC, l.body_name
        """,
        params={"y": year, "region": region},
    ).pl()
    return df.with_columns((pl.col("replied").fill_null(0) < SMALL_SAMPLE).alias("small_sample"))


def ledger_coverage(
    con: duckdb.DuckDBPyConnection, year: int, region: str | None = None
) -> dict[str, Any]:
    """Bodies with a ledger, bodies that published a report, and the overall overdue share.

    The overall share is summed over bodies (all late replies over all replies), never a mean
    of the bodies' shares.
    """
    (with_ledger, overdue, replied) = con.execute(
        f"""SELECT count(DISTINCT body_id), sum(overdue), sum(replied)
            FROM out_ledger_body_year WHERE year = $y AND {_SCOPE.format(col="region_code")}""",
        {"y": year, "region": region},
    ).fetchall()[0]
    (reporting,) = con.execute(
        f"""SELECT count(DISTINCT body_id) FROM out_body_year
            WHERE year = $y AND {_SCOPE.format(col="region_code")}""",
        {"y": year, "region": region},
    ).fetchall()[0]
    return {
        "bodies": int(with_ledger or 0),
        "expected": int(reporting or 0),
        "overdue": int(overdue or 0),
        "replied": int(replied or 0),
        "overdue_share": (overdue / replied) if replied else None,
    }


def publication_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years of the publication-timeliness mart, ascending (none in a warehouse without it)."""
    from dashboards.collect_data import MART, has_store

    if not has_store(con):
        return []
    return [int(y) for (y,) in con.execute(f"SELECT DISTINCT year FROM {MART} ORDER BY 1")
            .fetchall()]


def publication(
    con: duckdb.DuckDBPyConnection, year: int, region: str | None = None
) -> pl.DataFrame:
    """Every body's report of ``year``: on time or not, its date and where the date came from.

    Late and unpublished first (most days first); the collected date wins over the text's (the
    mart's rule), and ``date_source`` says which one a row rests on.
    """
    from dashboards.collect_data import IN_REGION, MART

    return con.sql(
        f"""
        SELECT m.body_id, m.body_name, coalesce(r.name, m.region_code) AS region_name,
            m.status, m.deadline, m.published_date, m.date_source, m.days_late,
            m.missed_deadline
        FROM {MART} m LEFT JOIN dim_region r ON r.region_code = m.region_code
        WHERE m.year = $y AND {IN_REGION.format(col="m.region_code")}
        ORDER BY m.missed_deadline DESC NULLS LAST, m.days_late DESC NULLS LAST, m.body_name
        """,
        params={"y": year, "region": region},
    ).pl()

"""Pure queries of the 采集情况 page: what ``gongkai collect`` found per source and year.

Reads ``core_collect_status`` (the current result per source and year) and
``out_publication_timeliness`` (per body and year: on time, late, or not published as of the
last check). A warehouse built before these tables existed answers as an empty store, so the
page can say how to collect instead of failing.

Regions are matched by their GB/T 2260 code prefix (province: 2 digits, city: 4), not through
``dim_region``: a body that has not published yet has no report, so its county need not be in
the warehouse's regions, and it is exactly the body this page must show.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from schemas.tables import COLLECT_STATUSES

STATUS_TABLE = "core_collect_status"
MART = "out_publication_timeliness"
# A URL is offered as a link only when it is a web address: the crawler copies what listing
# pages say, and a ``javascript:`` href must not become a clickable link on this page.
_LINK = "CASE WHEN regexp_matches({col}, '^https?://') THEN {col} END"
IN_REGION = (
    "($region IS NULL OR CASE WHEN right($region, 4) = '0000' "
    "THEN left({col}, 2) = left($region, 2) "
    "WHEN right($region, 2) = '00' THEN left({col}, 4) = left($region, 4) "
    "ELSE starts_with({col}, $region) END)"
)


def has_store(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse has the collect tables (every build since issue 15)."""
    n = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ($a, $b)",
        {"a": STATUS_TABLE, "b": MART},
    ).fetchall()[0][0]
    return n == 2


def collect_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Years some source was checked for, ascending (none without a store)."""
    if not has_store(con):
        return []
    rows = con.execute(f"SELECT DISTINCT year FROM {STATUS_TABLE} ORDER BY 1").fetchall()
    return [int(y) for (y,) in rows]


def region_options(con: duckdb.DuckDBPyConnection, year: int) -> pl.DataFrame:
    """``region_code, region_name``: the provinces and cities of the sources checked in ``year``.

    Named from ``dim_region`` where the warehouse has the region, else by the code.
    """
    return con.sql(
        f"""
        WITH codes AS (
            SELECT DISTINCT left(region_code, 2) || '0000' AS code FROM {STATUS_TABLE}
            WHERE year = $y AND length(region_code) >= 6
            UNION
            SELECT DISTINCT left(region_code, 4) || '00' FROM {STATUS_TABLE}
            WHERE year = $y AND length(region_code) >= 6
        )
        SELECT c.code AS region_code, coalesce(r.name, c.code) AS region_name
        FROM codes c LEFT JOIN dim_region r ON r.region_code = c.code
        ORDER BY c.code
        """,
        params={"y": year},
    ).pl()


def status_counts(con: duckdb.DuckDBPyConnection, year: int,
                  region: str | None = None) -> dict[str, int]:
    """Sources per status (every status present, 0 when none) and ``missed`` bodies.

    ``missed``: bodies of the mart that did not publish by the deadline (late, or still not
    published when checked after it).
    """
    rows = con.execute(
        f"SELECT status, count(*) FROM {STATUS_TABLE} WHERE year = $y AND "
        f"{IN_REGION.format(col='region_code')} GROUP BY status",
        {"y": year, "region": region},
    ).fetchall()
    counts = dict.fromkeys(COLLECT_STATUSES, 0) | {s: int(n) for s, n in rows}
    (missed,) = con.execute(
        f"SELECT count(*) FROM {MART} WHERE year = $y AND missed_deadline AND "
        f"{IN_REGION.format(col='region_code')}",
        {"y": year, "region": region},
    ).fetchall()[0]
    return counts | {"sources": sum(counts.values()), "missed": int(missed)}


def sources(con: duckdb.DuckDBPyConnection, year: int, statuses: tuple[str, ...] = (),
            region: str | None = None) -> pl.DataFrame:
    """One row per source checked for ``year``: status, reason, date and its source, links.

    Failures first, then not published, then found; within each by region and body.
    """
    return con.sql(
        f"""
        SELECT s.source_id, s.body_id, s.body_name, s.region_code,
            coalesce(r.name, s.region_code) AS region_name, s.status, s.reason,
            s.published_date, s.date_source, s.title,
            {_LINK.format(col='s.report_url')} AS report_link,
            {_LINK.format(col='s.listing_url')} AS listing_link,
            s.checked_at, s.checks
        FROM {STATUS_TABLE} s LEFT JOIN dim_region r ON r.region_code = s.region_code
        WHERE s.year = $y AND (len($statuses) = 0 OR list_contains($statuses, s.status))
            AND {IN_REGION.format(col='s.region_code')}
        ORDER BY CASE s.status WHEN 'failed' THEN 0 WHEN 'unresolved_body' THEN 1
                 WHEN 'not_published' THEN 2 ELSE 3 END,
            s.region_code NULLS LAST, s.body_name, s.source_id
        """,
        params={"y": year, "statuses": list(statuses), "region": region},
    ).pl()


def missed_deadline(con: duckdb.DuckDBPyConnection, year: int,
                    region: str | None = None) -> pl.DataFrame:
    """Bodies that did not publish their ``year`` report by the deadline, the longest wait first.

    Late ones with their date, its source and the days after the deadline; ones still missing
    with the time they were last checked (their wait counted to that day).
    """
    return con.sql(
        f"""
        SELECT m.body_id, m.body_name, coalesce(r.name, m.region_code) AS region_name,
            m.status, m.deadline, m.published_date, m.date_source, m.days_late,
            CAST(m.checked_at AS DATE) - m.deadline AS days_waited, m.checked_at,
            {_LINK.format(col='m.report_url')} AS report_link,
            {_LINK.format(col='m.listing_url')} AS listing_link
        FROM {MART} m LEFT JOIN dim_region r ON r.region_code = m.region_code
        WHERE m.year = $y AND m.missed_deadline AND {IN_REGION.format(col='m.region_code')}
        ORDER BY coalesce(m.days_late, CAST(m.checked_at AS DATE) - m.deadline) DESC NULLS LAST,
            m.body_name
        """,
        params={"y": year, "region": region},
    ).pl()


def failures(con: duckdb.DuckDBPyConnection, year: int,
             region: str | None = None) -> pl.DataFrame:
    """Sources that could not be checked (or whose body is unknown) for ``year``, with why."""
    return sources(con, year, ("failed", "unresolved_body"), region).select(
        "source_id", "body_name", "region_name", "status", "reason", "listing_link",
        "checked_at")


def publication_summary(con: duckdb.DuckDBPyConnection, year: int,
                        region: str | None = None) -> dict[str, Any]:
    """Counts of the timeliness mart for ``year``: per status and per date source."""
    if not has_store(con):
        return {"statuses": {}, "date_sources": {}}
    cond = f"year = $y AND {IN_REGION.format(col='region_code')}"
    params = {"y": year, "region": region}
    statuses = dict(con.execute(
        f"SELECT status, count(*) FROM {MART} WHERE {cond} GROUP BY 1", params).fetchall())
    sources_ = dict(con.execute(
        f"SELECT date_source, count(*) FROM {MART} WHERE {cond} AND date_source IS NOT NULL "
        "GROUP BY 1", params).fetchall())
    return {"statuses": statuses, "date_sources": sources_}

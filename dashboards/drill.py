"""Pure queries of the regions page: drill down province → city → county → body.

Kept apart from ``data.py`` (the other pages' queries) so the drill-down can grow without
touching them; same rules: a DuckDB connection in, polars frames out, measure columns quoted.
Coverage columns a warehouse does not have yet (``inconsistent_share`` arrived later) are
selected only when present, so an older published file still opens.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards.data import columns, q

# Cross-year findings shown per body (carried_forward vs carried_over, in_force, jumps).
CROSS_YEAR_RULES = ("carry_over_years", "in_force_continuity", "yoy_jump")
_COVERAGE = ("reports", "bodies", "bodies_expected", "coverage", "quarantined",
             "inconsistent_reports", "inconsistent_share")  # fmt: skip


def _present(con: duckdb.DuckDBPyConnection, table: str, wanted: tuple[str, ...]) -> list[str]:
    have = set(columns(con, table))
    return [c for c in wanted if c in have]


def children(
    con: duckdb.DuckDBPyConnection, year: int, parent: str | None, measure: str
) -> pl.DataFrame:
    """The regions one step below ``parent`` (provinces when None), ranked by ``measure``.

    Counties directly under a province (省直辖县级市) appear among its cities' level, as
    ``dim_region`` puts them under the province.
    """
    cols = ", ".join(f"o.{q(c)}" for c in _present(con, "out_region_year", _COVERAGE))
    where = (
        "o.level = 'province'"
        if parent is None
        else ("d.parent_code = $parent AND o.level IN ('city', 'county')")
    )
    params: dict = {"year": year}
    if parent is not None:
        params["parent"] = parent
    sql = f"""
        SELECT o.region_code, o.region_name, o.level, {cols}, o.{q(measure)} AS value
        FROM out_region_year o JOIN dim_region d USING (region_code)
        WHERE o.year = $year AND {where}
        ORDER BY value DESC NULLS LAST, o.region_code
    """
    return con.sql(sql, params=params).pl().with_row_index("rank", offset=1)


def bodies(con: duckdb.DuckDBPyConnection, year: int, region: str, measure: str) -> pl.DataFrame:
    """Bodies that sit at ``region`` itself (and its townships, for a county), with the measure.

    A city's own bodies (its government, office and departments) are listed at the city; its
    counties' bodies at each county.
    """
    sql = f"""
        SELECT b.body_id, b.body_name, b.body_type, b.region_code, b.template,
            b.{q(measure)} AS value,
            (SELECT count(*) FROM core_finding f
             WHERE f.body_id = b.body_id AND f.year = b.year AND f.blame = 'publisher')
                AS findings
        FROM out_body_year b LEFT JOIN dim_region d USING (region_code)
        WHERE b.year = $year AND (b.region_code = $region
            OR (d.level = 'township' AND d.parent_code = $region))
        ORDER BY value DESC NULLS LAST, b.body_name
    """
    return con.sql(sql, params={"year": year, "region": region}).pl()


def body_history(con: duckdb.DuckDBPyConnection, body_id: str, measure: str) -> pl.DataFrame:
    """One body's measure over the years, to read beside its cross-year findings."""
    sql = f"""
        SELECT year, template, {q(measure)} AS value FROM out_body_year
        WHERE body_id = $body ORDER BY year
    """
    return con.sql(sql, params={"body": body_id}).pl()


def cross_year_findings(con: duckdb.DuckDBPyConnection, body_id: str) -> pl.DataFrame:
    """The body's cross-year findings (carry-over, in-force continuity, year-over-year jumps)."""
    rules = ", ".join(f"'{r}'" for r in CROSS_YEAR_RULES)
    sql = f"""
        SELECT year, rule, severity, keys, message, blame FROM core_finding
        WHERE body_id = $body AND rule IN ({rules}) ORDER BY year, rule
    """
    return con.sql(sql, params={"body": body_id}).pl()

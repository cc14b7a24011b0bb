"""Pure shaping of the trends page: a measure by region and year, with coverage and change."""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards.data import q


def trend(
    con: duckdb.DuckDBPyConnection, region_codes: tuple[str, ...], measure: str
) -> pl.DataFrame:
    """``year, region_code, region_name, value, bodies, bodies_expected, coverage``.

    Coverage travels with every point, so a year where some bodies did not report can be told
    from a real drop.
    """
    return con.sql(
        f"""
        SELECT o.year, o.region_code,
            CASE WHEN o.level = 'county' AND c.name IS NOT NULL
                THEN c.name || '·' || o.region_name ELSE o.region_name END AS region_name,
            o.{q(measure)}::DOUBLE AS value, o.reports, o.bodies, o.bodies_expected, o.coverage
        FROM out_region_year o LEFT JOIN dim_region d USING (region_code)
        LEFT JOIN dim_region c ON c.region_code = d.city_code
        WHERE list_contains($codes, o.region_code) ORDER BY o.region_code, o.year
        """,
        params={"codes": list(region_codes)},
    ).pl()


def with_change(df: pl.DataFrame, is_rate: bool) -> pl.DataFrame:
    """Add ``change`` on the region's previous year (only when that year is the one before).

    Rates change in percentage points (0.685 → 0.708 gives 2.3); counts relatively (a fraction,
    shown as a percentage), since 100 more applications means little without the base.
    """
    prev_value = pl.col("value").shift(1).over("region_code", order_by="year")
    prev_year = pl.col("year").shift(1).over("region_code", order_by="year")
    consecutive = prev_year == pl.col("year") - 1
    if is_rate:
        change = ((pl.col("value") - prev_value) * 100).round(1)
    else:
        change = pl.when(prev_value > 0).then(pl.col("value") / prev_value - 1)
    return df.with_columns(
        pl.when(consecutive).then(change).otherwise(None).cast(pl.Float64).alias("change")
    )


def span_change(df: pl.DataFrame, is_rate: bool) -> pl.DataFrame:
    """Each region's first and last year with a value, and the change between them.

    ``region_name, first_year, first, last_year, last, change``: the answer to "how did it
    change 2019→2024" in one line, with the same units as ``with_change`` (points for rates, a
    fraction for counts; none when the first value is 0).
    """
    known = df.filter(pl.col("value").is_not_null()).sort("region_code", "year")
    spans = known.group_by("region_code", maintain_order=True).agg(
        pl.col("region_name").first(),
        pl.col("year").first().alias("first_year"),
        pl.col("value").first().alias("first"),
        pl.col("year").last().alias("last_year"),
        pl.col("value").last().alias("last"),
        pl.col("coverage").first().alias("first_coverage"),
        pl.col("coverage").last().alias("last_coverage"),
    )
    if is_rate:
        change = ((pl.col("last") - pl.col("first")) * 100).round(1)
    else:
        change = pl.when(pl.col("first") > 0).then(pl.col("last") / pl.col("first") - 1)
    return spans.filter(pl.col("last_year") > pl.col("first_year")).with_columns(
        change.cast(pl.Float64).alias("change")
    )

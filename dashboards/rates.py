"""Pure queries of the rates analysts compare: per region (from ``out_region_rate``) and per body.

A region's rate is the sum of its bodies' numerators over the sum of their denominators, built
in the warehouse (``warehouse.marts.region_rate_sql``); a body's rate uses the very same
numerator and denominator expressions on its own row of ``out_body_year``, so the two always
agree. Numerator, denominator, reports and coverage travel with every rate, and a rate over a
denominator below ``SMALL_SAMPLE`` is marked: one case more or less would move it by more than
five percentage points.
"""

from __future__ import annotations

import duckdb
import polars as pl

from dashboards.data import _IN_REGION, report_of
from warehouse.marts import REGION_RATES, _sum_of

# Below 20 cases one case moves a rate by more than 5 points: too few to rank a region on.
SMALL_SAMPLE = 20
RATE_IDS = tuple(REGION_RATES)
MEASURE_PREFIX = "rate."


def rate_id(measure: str) -> str | None:
    """``rate.review_correction`` → ``review_correction``; ``None`` for other measures."""
    if measure.startswith(MEASURE_PREFIX) and measure[len(MEASURE_PREFIX) :] in REGION_RATES:
        return measure[len(MEASURE_PREFIX) :]
    return None


def _marked(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        (pl.col("denominator").fill_null(0) < SMALL_SAMPLE).alias("small_sample")
    )


def region_rates(con: duckdb.DuckDBPyConnection, year: int, level: str, rate: str) -> pl.DataFrame:
    """Regions of one level ranked by a rate in a year (highest first, no rate last).

    ``display_name`` is 市·县 for a county, so two 城区 of different cities stay apart.
    """
    df = con.sql(
        """
        SELECT rank() OVER (ORDER BY value DESC NULLS LAST) AS rank, region_code, region_name,
            CASE WHEN city_name IS NOT NULL AND level = 'county'
                THEN city_name || '·' || region_name ELSE region_name END AS display_name,
            value, numerator, denominator, reports_with_data, reports, bodies, bodies_expected,
            coverage
        FROM out_region_rate WHERE year = $y AND level = $level AND rate = $rate
        ORDER BY rank, region_code
        """,
        params={"y": year, "level": level, "rate": rate},
    ).pl()
    return _marked(df)


def rate_trend(
    con: duckdb.DuckDBPyConnection, region_codes: tuple[str, ...], rate: str
) -> pl.DataFrame:
    """A rate of the chosen regions in every year, with its numerator, denominator, coverage."""
    df = con.sql(
        """
        SELECT year, region_code,
            CASE WHEN city_name IS NOT NULL AND level = 'county'
                THEN city_name || '·' || region_name ELSE region_name END AS region_name,
            value, numerator, denominator, reports, bodies, bodies_expected, coverage
        FROM out_region_rate WHERE list_contains($codes, region_code) AND rate = $rate
        ORDER BY region_code, year
        """,
        params={"codes": list(region_codes), "rate": rate},
    ).pl()
    return _marked(df)


def body_rates(
    con: duckdb.DuckDBPyConnection, year: int, region: str | None, rate: str
) -> pl.DataFrame:
    """Every body in scope with its rate, numerator and denominator in a year, highest first."""
    num, den = REGION_RATES[rate]
    scope = _IN_REGION.replace("region_code", "b.region_code", 1) if region else "TRUE"
    df = con.sql(
        f"""
        SELECT body_id, body_name, region_code, report_id, num AS numerator,
            den AS denominator, CASE WHEN den > 0 THEN num / den END AS value
        FROM (SELECT b.body_id, b.body_name, b.region_code, {report_of(con)} AS report_id,
                ({_sum_of(num)})::DOUBLE AS num, ({_sum_of(den)})::DOUBLE AS den
              FROM out_body_year b WHERE b.year = $y AND {scope})
        ORDER BY value DESC NULLS LAST, body_name
        """,
        params={"y": year, **({"region": region} if region else {})},
    ).pl()
    return _marked(df)

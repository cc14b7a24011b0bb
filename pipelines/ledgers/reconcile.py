"""Ledger aggregates against the same body's published report, cell by cell.

Both sides are long frames ``(body_id, year, key, value)``. Every ledger cell gets one row:
``match``, ``differs`` (with ``difference`` = ledger − report), ``not_in_report`` (the report
does not print that cell: a 2019 template has no ``other.no_correction`` row) or ``no_report``
(no published report of that body and year). Numbers are compared as printed; nothing is
"repaired" on either side.
"""

from __future__ import annotations

import polars as pl

STATUSES = ("match", "differs", "not_in_report", "no_report")


def reconcile(ledger: pl.DataFrame, report: pl.DataFrame) -> pl.DataFrame:
    """``(body_id, year, key, ledger_value, report_value, difference, status)``."""
    rep = report.select(
        "body_id", pl.col("year").cast(pl.Int64), "key", pl.col("value").alias("report_value")
    )
    have = rep.select("body_id", "year").unique().with_columns(has_report=pl.lit(True))
    out = (
        ledger.select(
            "body_id",
            pl.col("year").cast(pl.Int64),
            "key",
            pl.col("value").cast(pl.Float64).alias("ledger_value"),
        )
        .join(rep, on=["body_id", "year", "key"], how="left")
        .join(have, on=["body_id", "year"], how="left")
        .with_columns(difference=pl.col("ledger_value") - pl.col("report_value"))
    )
    status = (
        pl.when(pl.col("has_report").is_null())
        .then(pl.lit("no_report"))
        .when(pl.col("report_value").is_null())
        .then(pl.lit("not_in_report"))
        .when(pl.col("difference") == 0)
        .then(pl.lit("match"))
        .otherwise(pl.lit("differs"))
    )
    return out.with_columns(status=status).drop("has_report").sort("body_id", "year", "key")

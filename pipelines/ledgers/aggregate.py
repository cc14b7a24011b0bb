"""Applications → table 三 per body and year, under the canonical ``applications.*`` keys.

A ledger of year *Y* lists the applications handled in *Y*: received in *Y* (本年新收) or
before (上年结转); each with an outcome row, or still open at year end (结转下年度继续办理).
Category subtotals (``applications.denied.*`` …) are the sum of their reasons, plus rows whose
label named only the category; ``total`` columns sum the six applicant columns. Every key of
the grid is present (zeros included), so a reconciliation can say "the report prints 3, the
ledger has none".
"""

from __future__ import annotations

import polars as pl

from schemas.registry import APPLICANT_COLUMNS, APPLICATION_ROWS, OUTCOME_CATEGORIES

COLUMNS = tuple(c for c, _, _ in APPLICANT_COLUMNS if c != "total")
ROWS = (*(r.key for r in APPLICATION_ROWS), *(c for c, _, _ in OUTCOME_CATEGORIES))
KEYS = tuple(f"applications.{r}.{c}" for r in ROWS for c in (*COLUMNS, "total"))


def _row_items(apps: pl.DataFrame) -> pl.DataFrame:
    """One (body, year, row, column) item per count an application contributes."""
    # Pending is the ``pending`` flag: an outcome that could not be read is null too, but the
    # application was handled, so it counts as processed without an outcome row.
    if "pending" not in apps.columns:  # a frame of outcomes only: "" / null is open
        apps = apps.with_columns(pending=pl.col("outcome").fill_null("") == "")
    base = apps.select(
        "body_id",
        "year",
        pl.col("applicant_type").alias("column"),
        "received",
        pl.when(pl.col("pending")).then(pl.lit("")).otherwise(pl.col("outcome")).alias("outcome"),
    )
    received = base.select(
        "body_id",
        "year",
        "column",
        row=pl.when(pl.col("received").dt.year() < pl.col("year"))
        .then(pl.lit("carried_over"))
        .otherwise(pl.lit("new_received")),
    )
    done = base.filter((pl.col("outcome") != "").fill_null(True))
    outcome = done.drop_nulls("outcome").select("body_id", "year", "column", row=pl.col("outcome"))
    category = done.filter(pl.col("outcome").str.contains(r"\.")).select(
        "body_id", "year", "column", row=pl.col("outcome").str.split(".").list.first()
    )
    processed = done.select("body_id", "year", "column", row=pl.lit("total_processed"))
    forward = base.filter((pl.col("outcome") == "").fill_null(False)).select(
        "body_id", "year", "column", row=pl.lit("carried_forward")
    )
    return pl.concat([received, outcome, category, processed, forward])


def table_three(apps: pl.DataFrame, body_years: pl.DataFrame | None = None) -> pl.DataFrame:
    """Long frame ``(body_id, year, key, value)`` with every key of the grid per body-year.

    ``body_years`` adds body-years whose ledger has no rows (a body that received nothing).
    """
    apps = apps.filter(pl.col("body_id").is_not_null() & pl.col("year").is_not_null())
    pairs = apps.select("body_id", pl.col("year").cast(pl.Int64))
    if body_years is not None:
        pairs = pl.concat([pairs, body_years.select("body_id", pl.col("year").cast(pl.Int64))])
    pairs = pairs.drop_nulls().unique()
    if pairs.is_empty():
        return pl.DataFrame(
            schema={"body_id": pl.Utf8, "year": pl.Int64, "key": pl.Utf8, "value": pl.Int64}
        )
    counts = (
        _row_items(apps)
        .group_by("body_id", "year", "row", "column")
        .len("value")
        .with_columns(pl.col("year").cast(pl.Int64), pl.col("value").cast(pl.Int64))
    )
    totals = (
        counts.group_by("body_id", "year", "row")
        .agg(pl.col("value").sum())
        .with_columns(column=pl.lit("total"))
    )
    counts = pl.concat([counts, totals.select(counts.columns)]).with_columns(
        key=pl.concat_str([pl.lit("applications."), "row", pl.lit("."), "column"])
    )
    grid = pairs.join(pl.DataFrame({"key": list(KEYS)}), how="cross")
    return (
        grid.join(
            counts.select("body_id", "year", "key", "value"),
            on=["body_id", "year", "key"],
            how="left",
        )
        .with_columns(pl.col("value").fill_null(0).cast(pl.Int64), pl.col("year").cast(pl.Int64))
        .sort("body_id", "year", "key")
    )


def summary_json(long: pl.DataFrame) -> list[dict]:
    """The ``ledger --summary`` objects: one per body and year, keys in contract order."""
    order = {k: i for i, k in enumerate(KEYS)}
    out = []
    for (body, year), part in long.group_by("body_id", "year", maintain_order=True):
        values = dict(zip(part["key"].to_list(), part["value"].to_list(), strict=True))
        out.append(
            {
                "body_id": body,
                "year": year,
                "values": dict(sorted(values.items(), key=lambda kv: order[kv[0]])),
            }
        )
    return out

"""Pandera (polars backend) models for every table, generated from :mod:`schemas.tables`.

Nothing is typed twice: a column's dtype, nullability and constraints come from its
:class:`schemas.tables.Column`. The pipeline validates every frame it produces with
:func:`validate` before it reaches the warehouse; failures are raised with the table name so a
broken build stops before publishing.
"""

from __future__ import annotations

from functools import cache

import pandera.polars as pa
import polars as pl

from schemas.tables import Column, Table, tables

_DTYPES: dict[str, type[pl.DataType] | pl.DataType] = {
    "VARCHAR": pl.Utf8,
    "INTEGER": pl.Int64,
    "BIGINT": pl.Int64,
    "DOUBLE": pl.Float64,
    "BOOLEAN": pl.Boolean,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime,
}


def polars_dtype(column: Column) -> type[pl.DataType] | pl.DataType:
    """The polars dtype a column is stored with before loading into DuckDB."""
    return _DTYPES[column.type]


def _checks(column: Column) -> list[pa.Check]:
    checks = []
    if column.ge is not None:
        checks.append(pa.Check.ge(column.ge))
    if column.le is not None:
        checks.append(pa.Check.le(column.le))
    if column.isin is not None:
        checks.append(pa.Check.isin(list(column.isin)))
    return checks


def _schema(table: Table) -> pa.DataFrameSchema:
    columns = {
        c.name: pa.Column(
            polars_dtype(c),
            checks=_checks(c),
            nullable=c.nullable,
            coerce=c.type in ("DATE", "TIMESTAMP"),
            description=f"{c.zh} / {c.en}",
        )
        for c in table.columns
    }
    return pa.DataFrameSchema(
        columns,
        name=table.name,
        strict=True,
        unique=list(table.primary_key) or None,
        description=f"{table.zh} / {table.en}",
    )


@cache
def schema(table_name: str) -> pa.DataFrameSchema:
    """The pandera schema of one warehouse table."""
    return _schema(tables()[table_name])


def empty_frame(table_name: str) -> pl.DataFrame:
    """An empty frame with the table's columns and dtypes (for tables with no rows yet)."""
    t = tables()[table_name]
    return pl.DataFrame(schema={c.name: polars_dtype(c) for c in t.columns})


def conform(table_name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Select and cast ``frame`` to the table's column order and dtypes (missing → null)."""
    t = tables()[table_name]
    exprs = []
    for c in t.columns:
        if c.name in frame.columns:
            exprs.append(pl.col(c.name).cast(polars_dtype(c), strict=False))
        else:
            exprs.append(pl.lit(None, dtype=polars_dtype(c)).alias(c.name))
    return frame.select(exprs)


def validate(table_name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Validate lazily (all failures at once) and return the frame; raise naming the table."""
    try:
        return schema(table_name).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise ValueError(f"table {table_name} fails its schema:\n{exc}") from exc

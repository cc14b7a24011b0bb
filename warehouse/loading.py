"""Create a warehouse table from its generated DDL and load a validated frame or Parquet set."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from schemas.sql import ident
from schemas.tables import comments, ddl, tables

if TYPE_CHECKING:
    from warehouse.segments import TableFiles


def load_table(
    con: duckdb.DuckDBPyConnection, name: str, data: pl.DataFrame | TableFiles
) -> None:
    """``CREATE TABLE`` with comments from the metadata registry, then insert ``data``.

    A frame is inserted from memory; a :class:`~pipelines.io.TableFiles` (the segments of a
    big table) is streamed by DuckDB from its Parquet files, never held in Python.
    """
    table = tables()[name]
    con.execute(ddl(table))
    for stmt in comments(table):
        con.execute(stmt)
    if isinstance(data, pl.DataFrame):
        if data.height:
            view = f"_load_{name}"
            con.register(view, data)
            con.execute(f"INSERT INTO {name} SELECT * FROM {view}")
            con.unregister(view)
        return
    insert_files(con, name, data.files)


def insert_files(con: duckdb.DuckDBPyConnection, name: str, files: Sequence[str]) -> None:
    """Append the rows of Parquet ``files`` to table ``name``, in the contract's column order."""
    if files:
        cols = ", ".join(ident(c) for c in tables()[name].column_names)
        con.execute(
            f"INSERT INTO {name} SELECT {cols} FROM read_parquet($files, union_by_name = true)",
            {"files": list(files)},
        )

"""Create a warehouse table from its generated DDL and load a validated frame into it."""

from __future__ import annotations

import duckdb
import polars as pl

from schemas.tables import comments, ddl, tables


def load_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """``CREATE TABLE`` with comments from the metadata registry, then insert ``frame``."""
    table = tables()[name]
    con.execute(ddl(table))
    for stmt in comments(table):
        con.execute(stmt)
    if frame.height:
        view = f"_load_{name}"
        con.register(view, frame)
        con.execute(f"INSERT INTO {name} SELECT * FROM {view}")
        con.unregister(view)

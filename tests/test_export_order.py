"""Exported rows come in the table's key order, whatever order the build left them in.

An incremental build deletes the rows of the bodies it touched from the base's body-year mart
and appends them rebuilt (``warehouse.mart_delta``); the same rows must still give the same
files as a clean build's.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import polars as pl

from schemas.tables import ddl, tables
from warehouse import stream_out


def test_csv_and_parquet_follow_the_key_not_the_insertion_order(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute(ddl(tables()["meta_part"]).replace("PRIMARY KEY", "UNIQUE"))
    rows = [("core_value", "g/1/b.parquet", 3, "x"), ("core_value", "g/0/a.parquet", 5, "x"),
            ("alpha", "z.parquet", 1, "y")]
    for r in rows:
        con.execute("INSERT INTO meta_part VALUES (?, ?, ?, ?)", r)
    stream_out.copy_csv(con, "meta_part", tmp_path / "p.csv")
    stream_out.copy_parquet(con, "meta_part", tmp_path / "p.parquet")
    with (tmp_path / "p.csv").open(encoding="utf-8-sig") as f:
        got = [(r["table_name"], r["part"]) for r in csv.DictReader(f)]
    want = sorted((t, p) for t, p, _, _ in rows)
    assert got == want
    assert list(pl.read_parquet(tmp_path / "p.parquet").select("table_name", "part")
                .iter_rows()) == want


def test_a_table_without_its_key_columns_is_written_as_it_is(tmp_path: Path) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE meta_part (note VARCHAR)")
    con.execute("INSERT INTO meta_part VALUES ('b'), ('a')")
    stream_out.copy_csv(con, "meta_part", tmp_path / "p.csv")
    with (tmp_path / "p.csv").open(encoding="utf-8-sig") as f:
        assert [r["note"] for r in csv.DictReader(f)] == ["b", "a"]

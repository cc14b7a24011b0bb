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


def test_a_segment_is_written_in_its_file_order_every_time(tmp_path: Path) -> None:
    """A segment file of several row groups gives the same files, in its own row order.

    Read with a year filter, DuckDB's threads took the row groups in varying order: two
    exports of one national segment differed in every file.
    """
    n = 40_000
    rows = pl.DataFrame({
        "report_id": [f"r{i // 200:05d}" for i in range(n)],
        "year": [2019 + (i // 200) % 3 for i in range(n)],
        "key": [f"k{(n - i) % 997}" for i in range(n)],  # not in key order
        "value": [float(i) for i in range(n)],
    })
    segment = tmp_path / "seg.parquet"
    rows.write_parquet(segment, row_group_size=2_000)
    assert pq_row_groups(segment) > 1
    con = duckdb.connect()
    con.execute("SET threads = 4")
    con.execute("CREATE TABLE core_value (report_id VARCHAR, year BIGINT, key VARCHAR, "
                "value DOUBLE)")

    def export(folder: Path) -> dict[str, bytes]:
        source = stream_out.segment_rows(con, segment)
        for year in (2019, 2020, 2021):
            stream_out.copy_csv(con, "core_value", folder / f"{year}.csv", f"year = {year}",
                                source)
            stream_out.copy_parquet(con, "core_value", folder / f"{year}.parquet",
                                    f"year = {year}", source)
        return {p.name: p.read_bytes() for p in folder.iterdir()}

    first, second = export(tmp_path / "a"), export(tmp_path / "b")
    assert first == second
    for year in (2019, 2020, 2021):
        want = rows.filter(pl.col("year") == year)
        assert pl.read_parquet(tmp_path / "a" / f"{year}.parquet").equals(want)
        with (tmp_path / "a" / f"{year}.csv").open(encoding="utf-8-sig") as f:
            assert [r["key"] for r in csv.DictReader(f)] == want["key"].to_list()


def pq_row_groups(path: Path) -> int:
    return int(duckdb.sql(f"SELECT num_row_groups FROM parquet_file_metadata('{path}')")
               .fetchall()[0][0])

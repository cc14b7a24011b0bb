"""The dashboard's shared read-only connection: one per published file, a cursor per query."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from dashboard_fixture import make_fixture_warehouse

from dashboards import data, store


def _applications(path: Path) -> float:
    cur = store.cursor(path, store.stamp(path))
    try:
        return data.kpis(cur, 2023)["applications"]
    finally:
        cur.close()


def test_a_new_build_is_read_while_a_query_on_the_old_one_runs(tmp_path: Path) -> None:
    """A cursor held on the old file keeps working; the next query sees the renamed-in file.

    ``duckdb.connect(path)`` would return the instance still open on the old file; the store
    attaches each file into its own database instead.
    """
    published = make_fixture_warehouse(tmp_path / "gongkai.duckdb")
    assert _applications(published) == 540
    old = store.cursor(published, store.stamp(published))  # a query of another session
    staged = make_fixture_warehouse(tmp_path / "gongkai.duckdb.new")
    con = duckdb.connect(str(staged))
    con.execute(
        'UPDATE out_body_year SET "applications.new_received.total" = 1000 '
        "WHERE body_id = 'B1' AND year = 2023"
    )
    con.close()
    os.replace(staged, published)
    assert _applications(published) == 1420
    assert data.kpis(old, 2023)["applications"] == 540
    old.close()


def test_row_count_counts_without_reading_and_refuses_other_tables(tmp_path: Path) -> None:
    path = make_fixture_warehouse(tmp_path / "gongkai.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    try:
        for name in data.EXPORT_TABLES:
            assert data.row_count(con, name) == data.table(con, name).height
        with pytest.raises(ValueError):
            data.row_count(con, "meta_build; DROP TABLE x")
    finally:
        con.close()

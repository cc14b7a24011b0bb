"""Rollups and coverage in the warehouse the real Dagster job built from the tiny demo."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
from conftest import BuiltHome

from warehouse.rollups import write_province_rollups

NR = "applications.new_received.total"


def _con(home: BuiltHome) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(home.warehouse), read_only=True)


def test_every_aggregate_carries_its_coverage(built_home: BuiltHome) -> None:
    con = _con(built_home)
    for table in ("out_region_year", "out_government_year"):
        bad = con.execute(
            f"SELECT count(*) FROM {table} WHERE bodies > bodies_expected OR coverage IS NULL "
            "OR coverage <> bodies / bodies_expected OR inconsistent_reports > reports"
        ).fetchone()[0]
        assert bad == 0, table


def test_province_sum_is_the_sum_of_its_bodies(built_home: BuiltHome) -> None:
    con = _con(built_home)
    rows = con.execute(
        f'SELECT r.year, r."{NR}", r.reports, r.inconsistent_reports, r.inconsistent_share, '
        f'(SELECT sum("{NR}") FROM out_body_year b WHERE b.year = r.year), '
        "(SELECT count(*) FROM out_body_year b WHERE b.year = r.year), "
        f'(SELECT sum(b."{NR}") FROM out_body_year b WHERE b.year = r.year AND b.report_id IN '
        "(SELECT report_id FROM core_finding WHERE blame = 'publisher' "
        "AND severity IN ('error', 'warning'))) "
        "FROM out_region_year r WHERE r.level = 'province'"
    ).fetchall()
    assert rows
    for _, total, reports, _, share, body_sum, body_count, flagged in rows:
        assert total == body_sum and reports == body_count
        assert share == (flagged or 0) / body_sum


def test_departments_roll_up_to_their_government(built_home: BuiltHome) -> None:
    con = _con(built_home)
    bodies = con.execute("SELECT count(*) FROM out_body_year").fetchone()[0]
    assert con.execute("SELECT sum(reports) FROM out_government_year").fetchone()[0] == bodies
    mixed = con.execute(
        "SELECT count(*) FROM out_government_year WHERE departments > 0"
    ).fetchone()[0]
    assert mixed > 0


def test_township_rolls_up_to_its_county(built_home: BuiltHome) -> None:
    con = _con(built_home)
    nine = con.execute(
        "SELECT count(*) FROM out_region_year WHERE length(region_code) = 9"
    ).fetchone()[0]
    assert nine == 0  # a township is part of its county's row, never a county of its own


def test_province_year_files(built_home: BuiltHome, tmp_path: Path) -> None:
    year = _con(built_home).execute("SELECT max(year) FROM out_region_year").fetchone()[0]
    rollups = write_province_rollups(built_home.warehouse, tmp_path, year)
    assert [r.province_code for r in rollups] == ["320000"]
    folder = tmp_path / "rollups" / f"year={year}" / "province=320000"
    regions = pl.read_parquet(folder / "out_region_year.parquet")
    governments = pl.read_parquet(folder / "out_government_year.parquet")
    assert regions.filter(pl.col("level") == "province").height == 1
    assert governments.height > 0 and "coverage" in governments.columns
    assert 0 < rollups[0].coverage <= 1

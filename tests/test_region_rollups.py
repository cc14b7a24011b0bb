"""Rollups with coverage, retired codes rolled into their successors, and the yoy_jump rule.

A tiny hand-made warehouse (tables from the registry's DDL) so each number can be worked out:

* 淮安市 320800 with 洪泽区 320813 (current) and 洪泽县 320829 (retired 2015, successor 320813);
* bodies: 洪泽县人民政府 (filed under 320829, 2014–2015), 洪泽区人民政府 and 洪泽区财政局
  (320813, 2016–2017), 淮安市人民政府 (320800, 2016–2017);
* applications: the 洪泽区 government jumps 10 → 400 in 2017 (a yoy_jump), the others move
  little; the 2017 report of 洪泽区财政局 has a publisher-blamed error (inconsistent).
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from pipelines.bodies.divisions import divisions, successors
from schemas.tables import ddl, tables
from warehouse.build import region_frame
from warehouse.marts import government_year_sql, region_year_sql, yoy_findings_sql

NR = "applications.new_received.total"
BODIES = {  # body_id: (name, region_code, level, type)
    "hzx": ("洪泽县人民政府", "320829", "county", "government"),
    "hzq": ("淮安市洪泽区人民政府", "320813", "county", "government"),
    "hzq-cz": ("淮安市洪泽区财政局", "320813", "county", "department"),
    "ha": ("淮安市人民政府", "320800", "city", "government"),
}
VALUES = {  # (body, year): new applications
    ("hzx", 2014): 30, ("hzx", 2015): 32,
    ("hzq", 2016): 12, ("hzq", 2017): 400,
    ("hzq-cz", 2016): 40, ("hzq-cz", 2017): 44,
    ("ha", 2016): 100, ("ha", 2017): 110,
}  # fmt: skip


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    for name in ("dim_region", "core_report", "core_finding", "out_body_year"):
        c.execute(ddl(tables()[name]))
    regions = region_frame(["320829", "320813", "320800"], divisions())
    c.register("_r", regions)
    c.execute("INSERT INTO dim_region SELECT * FROM _r")
    for (body, year), value in VALUES.items():
        name, code, level, kind = BODIES[body]
        rid = f"{body}-{year}"
        c.execute(
            "INSERT INTO core_report (report_id, source, body_id, body_name, region_code, year, "
            "status, document_kind, is_demo) "
            "VALUES (?, 'x.pdf', ?, ?, ?, ?, 'published', 'annual_report', FALSE)",
            [rid, body, name, code, year],
        )
        c.execute(
            f"INSERT INTO out_body_year (body_id, body_name, region_code, level, body_type, year, "
            f'report_id, "{NR}") VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            [body, name, code, level, kind, year, rid, value],
        )
    c.execute(
        "INSERT INTO core_finding (report_id, body_id, year, rule, severity, keys, message, "
            "blame) VALUES ('hzq-cz-2017', 'hzq-cz', 2017, 'row_total', 'error', "
        f"'{NR}', 'x', 'publisher')"
    )
    c.execute(yoy_findings_sql())
    c.execute(region_year_sql())
    c.execute(government_year_sql())
    return c


def test_successor_of_a_retired_code() -> None:
    assert successors()["320829"] == "320813"
    frame = divisions().filter(pl.col("region_code").is_in(["320829", "320813"]))
    assert dict(frame.select("region_code", "current_code").iter_rows()) == {
        "320829": "320813",
        "320813": "320813",
    }


def test_region_frame_loads_the_successor_of_a_retired_code() -> None:
    codes = region_frame(["320829"], divisions())["region_code"].to_list()
    assert {"320829", "320813", "320800", "320000"} <= set(codes)


def test_retired_code_rolls_up_under_its_successor(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        f'SELECT region_code, year, bodies, bodies_expected, "{NR}" FROM out_region_year '
        "WHERE level = 'county' ORDER BY year"
    ).fetchall()
    # 洪泽县's reports of 2014-2015 appear as 洪泽区 320813; three bodies ever reported there.
    assert rows == [
        ("320813", 2014, 1, 3, 30.0),
        ("320813", 2015, 1, 3, 32.0),
        ("320813", 2016, 2, 3, 52.0),
        ("320813", 2017, 2, 3, 444.0),
    ]


def test_city_rollup_with_coverage_and_inconsistent_share(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT bodies, bodies_expected, coverage, inconsistent_reports, inconsistent_share, "
        f"\"{NR}\" FROM out_region_year WHERE region_code = '320800' AND year = 2017"
    ).fetchone()
    assert row[:2] == (3, 4) and row[2] == pytest.approx(0.75)
    assert row[3] == 1 and row[4] == pytest.approx(44 / 554) and row[5] == 554.0


def test_government_rollup_keeps_departments_with_their_government(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rows = con.execute(
        "SELECT region_code, year, government_body_id, government_reported, departments, "
        "departments_expected, bodies, bodies_expected FROM out_government_year "
        "WHERE region_code = '320813' ORDER BY year"
    ).fetchall()
    assert rows[-1] == ("320813", 2017, "hzq", True, 1, 1, 2, 3)
    assert rows[0][:5] == ("320813", 2014, "hzx", True, 0)  # the retired code's government


def test_yoy_jump_flags_only_the_outlier(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT body_id, year, severity, keys, blame FROM core_finding WHERE rule = 'yoy_jump'"
    ).fetchall()
    assert rows == [("hzq", 2017, "info", NR, "publisher")]


def test_yoy_jump_does_not_count_as_inconsistent(con: duckdb.DuckDBPyConnection) -> None:
    (n,) = con.execute(
        "SELECT inconsistent_reports FROM out_government_year "
        "WHERE region_code = '320813' AND year = 2017"
    ).fetchone()
    assert n == 1  # the finance bureau's error, not the government's jump

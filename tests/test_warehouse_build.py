"""The warehouse build on small inline extraction records: tables, marts, rules, publish, export."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.extract.model import Body, Extraction, Finding
from warehouse.build import build_database, core_tables, publish, region_frame
from warehouse.export import export_dataset

DIVISIONS = pl.DataFrame(
    {
        "region_code": ["320000", "320800", "320813", "320803"],
        "name": ["江苏省", "淮安市", "洪泽区", "淮安区"],
        "level": ["province", "city", "county", "county"],
        "parent_code": [None, "320800", "320800", "320800"],
        "province_code": ["320000"] * 4,
        "city_code": [None, "320800", "320800", "320800"],
    }
).with_columns(
    pl.when(pl.col("region_code") == "320800")
    .then(pl.lit("320000"))
    .otherwise(pl.col("parent_code"))
    .alias("parent_code")
)


def ex(
    sha: str, name: str, code: str, year: int, vals: dict, findings=(), cells=None
) -> Extraction:
    return Extraction(
        source=f"{sha[:1] * 4}.html",
        sha256=sha * 64 if len(sha) == 1 else sha,
        container="html",
        body=Body(name, code, "county", "government"),
        year=year,
        template="2021",
        values=vals,
        cells=cells or {},
        findings=list(findings),
        provenance={k: {"method": "table", "table": "三", "row": k} for k in vals},
    )


@pytest.fixture
def extractions() -> list[Extraction]:
    return [
        ex(
            "a",
            "淮安市洪泽区人民政府",
            "320813",
            2022,
            {
                "applications.new_received.total": 10,
                "applications.total_processed.total": 10,
                "applications.granted.total": 6,
                "applications.partially_granted.total": 2,
                "applications.denied.state_secret.total": 2,
                "applications.carried_forward.total": 3,
                "appeals.review.upheld": 3,
                "appeals.review.corrected": 1,
                "proactive.normative_docs.in_force": 5,
            },
            cells={"applications.denied.state_secret.total": "number"},
        ),
        ex(
            "b",
            "淮安市洪泽区人民政府",
            "320813",
            2023,
            {
                "applications.new_received.total": 20,
                "applications.total_processed.total": 20,
                "applications.granted.total": 10,
                "applications.carried_over.total": 2,
                "applications.other.other.total": 0,
                "proactive.normative_docs.in_force": 9,
                "proactive.normative_docs.issued": 3,
                "proactive.normative_docs.repealed": 0,
            },
            findings=[
                Finding(
                    "outcomes_sum",
                    "warning",
                    ("applications.total_processed.total",),
                    "总计不符",
                    "publisher",
                )
            ],
            cells={"applications.other.other.total": "dash"},
        ),
        ex(
            "c",
            "淮安市淮安区人民政府",
            "320803",
            2023,
            {"applications.new_received.total": 5},
            findings=[Finding("flattened_ambiguous", "error", (), "two readings", "reading")],
        ),
    ]


@pytest.fixture
def built(tmp_path: Path, extractions) -> Path:
    core = core_tables([], extractions, demo=True)
    regions = region_frame(core.core_report["region_code"].to_list(), DIVISIONS)
    staging = tmp_path / "build" / "gongkai.duckdb"
    build_database(
        staging, core, regions, is_demo=True, engine_version="t", dataset_version="2026.01.01"
    )
    return publish(staging, tmp_path / "warehouse" / "gongkai.duckdb")


def test_reading_error_quarantines_report_and_keeps_its_values_out(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    status = dict(con.execute("SELECT source, status FROM core_report").fetchall())
    assert status == {
        "aaaa.html": "published",
        "bbbb.html": "published",
        "cccc.html": "quarantined",
    }
    assert con.execute("SELECT count(*) FROM core_value WHERE report_id LIKE 'c%'").fetchall() == [
        (0,)
    ]
    q = con.execute("SELECT item, rule FROM core_quarantine").fetchall()
    assert q == [("cccc.html", "flattened_ambiguous")]


def test_values_keep_cell_kind_and_provenance(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    kind, prov = con.execute(
        "SELECT cell_kind, provenance FROM core_value WHERE key = 'applications.other.other.total'"
    ).fetchall()[0]
    assert kind == "dash"
    assert json.loads(prov) == {
        "source": "bbbb.html",
        "method": "table",
        "table": "三",
        "row": "applications.other.other.total",
    }


def test_body_year_mart_derives_rates_without_rewriting(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    rows = con.execute(
        'SELECT year, "applications.granted.total", "derived.disclosure_rate", '
        '"derived.review_correction_rate", "derived.yoy.applications.new_received.total", '
        '"derived.share.denied.state_secret" FROM out_body_year ORDER BY year'
    ).fetchall()
    assert rows == [(2022, 6.0, 0.8, 0.25, None, 1.0), (2023, 10.0, 0.5, None, 1.0, None)]


def test_region_rollup_has_coverage_and_quarantine_counts(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    rows = con.execute(
        "SELECT region_code, level, year, reports, bodies, bodies_expected, coverage, quarantined, "
        '"applications.denied.total" FROM out_region_year WHERE year = 2023 ORDER BY level'
    ).fetchall()
    assert rows == [
        ("320800", "city", 2023, 1, 1, 1, 1.0, 1, None),
        ("320813", "county", 2023, 1, 1, 1, 1.0, 0, None),
        ("320000", "province", 2023, 1, 1, 1, 1.0, 1, None),
    ]
    denied_2022 = con.execute(
        "SELECT \"applications.denied.total\" FROM out_region_year WHERE year=2022 AND level='city'"
    ).fetchall()
    assert denied_2022 == [(2.0,)]  # the category filled from its printed sub-rows


def test_cross_year_rules_become_findings(built: Path) -> None:
    con = duckdb.connect(str(built), read_only=True)
    rules = con.execute(
        "SELECT rule, year, blame FROM core_finding "
        "WHERE rule IN ('carry_over_years', 'in_force_continuity') ORDER BY rule"
    ).fetchall()
    assert rules == [
        ("carry_over_years", 2023, "publisher"),
        ("in_force_continuity", 2023, "publisher"),
    ]


def test_publish_replaces_atomically_and_old_readers_keep_reading(
    tmp_path: Path, extractions
) -> None:
    target = tmp_path / "w" / "gongkai.duckdb"
    for n, subset in enumerate((extractions[:1], extractions)):
        core = core_tables([], subset, demo=False)
        regions = region_frame(core.core_report["region_code"].to_list(), DIVISIONS)
        staging = tmp_path / f"s{n}" / "gongkai.duckdb"
        build_database(
            staging, core, regions, is_demo=False, engine_version="t", dataset_version="v"
        )
        if n == 0:
            publish(staging, target)
            reader = duckdb.connect(str(target), read_only=True)
        else:
            publish(staging, target)
    assert reader.execute("SELECT count(*) FROM core_report").fetchall() == [(1,)]
    # DuckDB shares one database instance per path inside a process: close it to see the new file.
    reader.close()
    fresh = duckdb.connect(str(target), read_only=True)
    assert fresh.execute("SELECT count(*) FROM core_report").fetchall() == [(3,)]
    assert sorted(p.name for p in target.parent.iterdir()) == ["gongkai.duckdb"]


def test_export_package_is_complete_and_checksummed(built: Path, tmp_path: Path) -> None:
    import hashlib

    folder = export_dataset(built, tmp_path / "export")
    assert folder.name == "gongkai-2026.01.01"
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["version"] == "2026.01.01" and package["demo"] is True
    csv = next(r for r in package["resources"] if r["name"] == "out_body_year-csv")
    field = next(f for f in csv["schema"]["fields"] if f["name"] == "applications.granted.total")
    assert field["zh"].startswith("予以公开") and field["en"].startswith("granted")
    data = (folder / csv["path"]).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert csv["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    back = pl.read_parquet(folder / "data" / "out_body_year.parquet")
    assert back.height == 2 and "derived.disclosure_rate" in back.columns
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert any(line.endswith("data/gongkai.xlsx") for line in sums)


def test_export_streams_the_fact_table_by_year_and_says_what_xlsx_leaves_out(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """core_value is one Parquet and one CSV per year; a table over the XLSX row limit is named.

    The limit is lowered so that the tiny build has tables over it (at national size none of
    the workbook's tables is, but a larger country's out_body_year would be).
    """
    import openpyxl

    from warehouse import export

    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 5)
    folder = export_dataset(built, tmp_path / "export")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(built), read_only=True)
    distinct = con.execute("SELECT DISTINCT year FROM core_value ORDER BY 1").fetchall()
    years = [y for (y,) in distinct]
    counts = {
        n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in export.EXPORT_TABLES
    }
    con.close()
    parts = [r for r in package["resources"] if r.get("partition", {}).get("table") == "core_value"]
    assert sorted(r["partition"]["year"] for r in parts if r["format"] == "csv") == years
    for r in parts:
        assert r["path"] == f"data/core_value/year={r['partition']['year']}/part.{r['format']}"
        assert [f["name"] for f in r["schema"]["fields"]][:2] == ["report_id", "body_id"]
    back = pl.concat(
        [pl.read_parquet(folder / r["path"]) for r in parts if r["format"] == "parquet"]
    )
    assert back.height == counts["core_value"]
    csv = (folder / next(r["path"] for r in parts if r["format"] == "csv")).read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfreport_id,")
    too_big = {n for n in export.XLSX_TABLES if counts[n] > 5}
    assert too_big  # the tiny build has dimensions and marts over the lowered limit
    assert {o["table"] for o in package["xlsx_omitted"]} == too_big
    assert all("1,048,576" in o["reason"] and "行" in o["reason"] for o in package["xlsx_omitted"])
    workbook = next(r for r in package["resources"] if r["name"] == "workbook-xlsx")
    sheets = openpyxl.load_workbook(folder / workbook["path"], read_only=True).sheetnames
    assert sheets == workbook["sheets"] == [n for n in export.XLSX_TABLES if n not in too_big]
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert len(sums) == sum(1 for p in folder.rglob("*") if p.is_file()) - 1


def test_tables_too_large_for_a_sheet_go_out_by_province_and_are_reused(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the cell budget a table gets one workbook per province; an unchanged one is linked.

    The budget is lowered so that the tiny build's tables are over it.
    """
    import openpyxl

    from warehouse import export

    monkeypatch.setattr(export, "XLSX_MAX_CELLS", 10)
    out = tmp_path / "export"
    first = export_dataset(built, out)
    package = json.loads((first / "datapackage.json").read_text(encoding="utf-8"))
    assert "out_body_year" in package["xlsx_by_province"]
    books = [r for r in package["resources"] if r.get("partition", {}).get("province")]
    con = duckdb.connect(str(built), read_only=True)
    provinces = {p for (p,) in con.execute(
        "SELECT DISTINCT coalesce(left(region_code, 2) || '0000', 'unknown') FROM out_body_year"
    ).fetchall()}
    rows = con.execute("SELECT count(*) FROM out_body_year").fetchone()[0]
    con.close()
    mine = [r for r in books if r["partition"]["table"] == "out_body_year"]
    assert {r["partition"]["province"] for r in mine} == provinces
    seen = 0
    for r in mine:
        sheet = openpyxl.load_workbook(first / r["path"], read_only=True)["out_body_year"]
        seen += sheet.max_row - 1  # the header
    assert seen == rows
    inodes = {r["path"]: (first / r["path"]).stat().st_ino for r in books}

    again = export_dataset(built, out)  # same warehouse: every province workbook is reused
    package = json.loads((again / "datapackage.json").read_text(encoding="utf-8"))
    books = [r for r in package["resources"] if r.get("partition", {}).get("province")]
    assert {r["path"]: (again / r["path"]).stat().st_ino for r in books} == inodes
    sums = (again / "SHA256SUMS").read_text().splitlines()
    assert all(any(line.endswith(r["path"]) and line.startswith(r["hash"][7:]) for line in sums)
               for r in books)


def test_many_workbooks_are_written_by_one_process_per_core_with_the_same_cells(
    built: Path, tmp_path: Path
) -> None:
    """The parallel workbook writer gives the cells the single-process writer gives."""
    from python_calamine import CalamineWorkbook

    from warehouse.export import _write_all

    con = duckdb.connect(str(built), read_only=True)
    try:
        # Three workbooks by the report id's first digit.
        parts = ["report_id < '5'", "report_id >= '5' AND report_id < 'a'", "report_id >= 'a'"]
        todo = {mode: [(tmp_path / mode / f"{i}.xlsx", "out_body_year", where)
                       for i, where in enumerate(parts)]
                for mode in ("one", "many")}
        for mode in todo:
            (tmp_path / mode).mkdir()
        total = con.execute("SELECT count(*) FROM out_body_year").fetchone()[0]
        one = _write_all(con, None, todo["one"])
        many = _write_all(con, built, todo["many"])
    finally:
        con.close()
    assert len(one) == len(many) == len(parts)
    rows = 0
    for (a, _, _), (b, _, _) in zip(todo["one"], todo["many"], strict=True):
        sheets = [CalamineWorkbook.from_path(str(p)).get_sheet_by_name("out_body_year")
                  .to_python() for p in (a, b)]
        assert sheets[0] == sheets[1]
        rows += len(sheets[0]) - 1  # the header
        assert many[b] == hashlib.sha256(b.read_bytes()).hexdigest()
    assert rows == total > 0

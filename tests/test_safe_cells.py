"""Formula-safe CSV and XLSX: every writer quotes text cells a spreadsheet would run."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from dashboards import exports
from warehouse import stream_out
from warehouse.safe_cells import neutralise_formulas
from warehouse.scorecard import fixes_xlsx

pytestmark = pytest.mark.hostile

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]
# An empty cell and a first character beyond the BMP too: the SQL writers test the first
# character by its code point.
NORMAL = ["南京市玄武区人民政府2023年政府信息公开工作年度报告", "a=b", "2023-01-05", "", "𠀀=1",
          None]


def _frame() -> pl.DataFrame:
    n = len(HOSTILE) + len(NORMAL)
    return pl.DataFrame(
        {
            "title": HOSTILE + NORMAL,
            "change": [-2.5] * n,
            "count": [-3] * n,
        }
    )


def _csv_cells(raw: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def _xlsx_cells(raw: bytes) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    return list(ws.iter_rows(values_only=True))


def test_neutralise_quotes_only_text_that_starts_with_a_trigger() -> None:
    out = neutralise_formulas(_frame())
    assert out["title"].to_list() == ["'" + t for t in HOSTILE] + NORMAL
    n = len(HOSTILE) + len(NORMAL)
    assert out["change"].to_list() == [-2.5] * n and out["count"].to_list() == [-3] * n
    assert out.schema == _frame().schema


def _check_csv(raw: bytes) -> None:
    rows = _csv_cells(raw)
    assert rows[0] == ["title", "change", "count"]
    titles = [r[0] for r in rows[1:]]
    assert titles[: len(HOSTILE)] == ["'" + t for t in HOSTILE]
    assert titles[len(HOSTILE) : -1] == NORMAL[:-1]
    assert {r[1] for r in rows[1:]} == {"-2.5"} and {r[2] for r in rows[1:]} == {"-3"}


def _check_xlsx(raw: bytes) -> None:
    rows = _xlsx_cells(raw)
    # XLSX stores a CR as the escape _x000D_, which openpyxl hands back as written
    titles = [r[0].replace("_x000D_", "\r") if r[0] else r[0] for r in rows[1:]]
    assert titles[: len(HOSTILE)] == ["'" + t for t in HOSTILE]
    # a writer may leave an empty text cell out (read back as None)
    assert [t or None for t in titles[len(HOSTILE) : -1]] == [t or None for t in NORMAL[:-1]]
    assert {r[1] for r in rows[1:]} == {-2.5} and {r[2] for r in rows[1:]} == {-3}
    ws = openpyxl.load_workbook(io.BytesIO(raw)).worksheets[0]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_open_data_csv_and_xlsx_writers(tmp_path: Path) -> None:
    """The export's writers neutralise in SQL, streaming from DuckDB (warehouse.stream_out)."""
    con = duckdb.connect()
    frame = _frame()
    con.register("frame_view", frame)
    con.execute("CREATE TABLE core_report AS SELECT * FROM frame_view")
    stream_out.copy_csv(con, "core_report", tmp_path / "w.csv")
    raw = (tmp_path / "w.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbftitle,")
    _check_csv(raw)
    stream_out.write_xlsx(con, tmp_path / "w.xlsx", ["core_report"])
    _check_xlsx((tmp_path / "w.xlsx").read_bytes())
    stream_out.copy_parquet(con, "core_report", tmp_path / "w.parquet")
    assert pl.read_parquet(tmp_path / "w.parquet").equals(frame)  # exact values


def test_dashboard_downloads() -> None:
    _check_csv(exports.encode(_frame(), "csv"))
    _check_xlsx(exports.encode(_frame(), "xlsx"))
    # Parquet is not a spreadsheet: exact values
    assert pl.read_parquet(io.BytesIO(exports.encode(_frame(), "parquet"))).equals(_frame())


def test_scorecard_fixes_xlsx(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute(
        "CREATE TABLE out_scorecard (report_id VARCHAR, year INTEGER, body_name VARCHAR, "
        "region_code VARCHAR, score DOUBLE, rank INTEGER, rank_of INTEGER, errors INTEGER, "
        "warnings INTEGER)"
    )
    con.execute(
        'CREATE TABLE out_report_check (report_id VARCHAR, severity VARCHAR, "check" VARCHAR, '
        "rule VARCHAR, location_text VARCHAR, message_zh VARCHAR, message_en VARCHAR, "
        "keys VARCHAR)"
    )
    con.execute("CREATE TABLE core_report (report_id VARCHAR, source VARCHAR)")
    con.execute(
        "CREATE TABLE dim_region (region_code VARCHAR, city_code VARCHAR, province_code VARCHAR)"
    )
    con.execute("INSERT INTO out_scorecard VALUES ('r', 2023, '=cmd()', '320102', -5, 1, 1, 1, 0)")
    con.execute(
        "INSERT INTO out_report_check VALUES ('r', 'error', 'template', 'x', '@A1', "
        "'+题', '-m', 'k')"
    )
    con.execute("INSERT INTO core_report VALUES ('r', '\tfile.txt')")
    wb = openpyxl.load_workbook(io.BytesIO(fixes_xlsx(con)))
    ranking = list(wb["评分排名"].iter_rows(values_only=True))
    fixes = list(wb["整改清单"].iter_rows(values_only=True))
    assert ranking[1][1] == "'=cmd()" and ranking[1][3] == -5
    assert {"'@A1", "'+题", "'-m", "'\tfile.txt"} <= set(fixes[1])


def test_a_frame_sheet_keeps_types_leaves_missing_cells_empty_and_writes_text_as_text(
        tmp_path: Path) -> None:
    """Numbers, booleans and dates stay typed; text that looks like a formula or a number
    stays the text it is; a missing value is an empty cell; header, widths and filter set."""
    from datetime import date

    import xlsxwriter

    from warehouse.stream_out import XLSX_OPTIONS, write_frame

    frame = pl.DataFrame({
        "机关": ["甲县", "'=1+1", None], "得分": [91.5, None, -3.0], "名次": [1, 2, 3],
        "达标": [True, False, None], "日期": [date(2024, 1, 31), None, date(2023, 12, 1)],
        "编号": ["007", "1e5", "http://x.gov.cn"],
    })
    path = tmp_path / "f.xlsx"
    with xlsxwriter.Workbook(str(path), XLSX_OPTIONS) as wb:
        write_frame(wb, "整改清单", frame, {"机关": 33})
    ws = openpyxl.load_workbook(path)["整改清单"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == tuple(frame.columns) and ws["A1"].font.b
    assert rows[1][:4] == ("甲县", 91.5, 1, True)
    assert rows[1][4].date() == date(2024, 1, 31) and ws["E2"].number_format == "yyyy-mm-dd"
    assert rows[2][:5] == ("'=1+1", None, 2, False, None)
    assert rows[3][0] is None and rows[3][3] is None
    assert [r[5] for r in rows[1:]] == ["007", "1e5", "http://x.gov.cn"]  # never guessed
    assert ws.column_dimensions["A"].width > 30 and ws.auto_filter.ref == "A1:F4"
    assert ws.freeze_panes == "A2"

"""Ledgers as systems export them: workbooks (XLSX, XLS, ODS), CSV forms, headers by meaning.

Workbooks are built here with openpyxl in the layouts handling systems and staff produce (a
merged title, 填报单位 / 填报日期 rows, a two-row header under merged group cells, a merged
applicant type over several rows, a hidden lookup sheet, one sheet per year). The header words
of ``test_the_xlsx_of_issue_12_is_read`` are those of the XLSX reported in issue 12 (seen: a
county ledger a user tried, 2026); ``two_sheets.xls`` / ``.ods`` are LibreOffice conversions
(see ``fixtures/ledgers/make_two_sheets.py``).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.inbox import LEDGER_SUFFIXES
from pipelines.ledgers import csv_rows, process_ledger
from pipelines.ledgers.dates import parse_date
from pipelines.ledgers.headers import combine_rows, find_header
from pipelines.ledgers.process import json_rows
from pipelines.ledgers.read import (
    LedgerReadError,
    fill_merged,
    read_ledger_bytes,
    sniff_delimiter,
)
from schemas.models import conform, validate
from warehouse.ledgers import _application_frame

FIXTURES = Path(__file__).parent / "fixtures" / "ledgers"


def _xlsx(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _facts(data: bytes, name: str) -> list[tuple]:
    rows = json_rows(process_ledger(data, name))
    return [
        (o["row"], o["received"], o["replied"], o["applicant_type"], o["outcome"]) for o in rows
    ]


def _two_row_header_sheet() -> openpyxl.Workbook:
    """A titled sheet with a two-row header, merged group cells and a merged body cell."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "某某区人民政府办公室2024年政府信息公开申请办理情况登记表"
    ws.merge_cells("A1:H1")
    ws["A2"] = "填报单位：某某区人民政府办公室"
    ws["F2"] = "填报日期：2025年1月10日"
    # row 3 blank; rows 4–5 the header
    ws["A4"] = "序号"
    ws.merge_cells("A4:A5")
    ws["B4"] = "申请人信息"
    ws.merge_cells("B4:D4")
    ws["B5"], ws["C5"], ws["D5"] = "姓名", "类型", "证件号码"
    ws["E4"] = "申请内容"
    ws.merge_cells("E4:E5")
    ws["F4"] = "办理情况"
    ws.merge_cells("F4:H4")
    ws["F5"], ws["G5"], ws["H5"] = "受理日期", "答复日期", "答复结果"
    ws.append(
        [
            1,
            "张三",
            "公民",
            "110101199003071234",
            "某路拆迁补偿方案",
            dt.date(2024, 3, 1),
            dt.datetime(2024, 3, 20, 16, 45),
            "予以公开",
        ]
    )
    # the same applicant type for rows 7 and 8, as one merged cell
    ws.append([2, "李四", "公民", "", "某项目环评批复", "45352", 45373, "部分公开"])
    ws.append([3, "王五", None, "", "某文件", "2024年3月1日上午", "2024/3/22 9:00", "予以公开"])
    ws.merge_cells("C7:C8")
    ws.append([])
    ws.append([4, "某某公司", "企业", "", "某许可", "2024.3.1", "20240322", "信息不存在"])
    return wb


def test_two_row_header_under_title_and_filling_rows_with_merged_cells() -> None:
    data = _xlsx(_two_row_header_sheet())
    raw = read_ledger_bytes(data, "登记表.xlsx")
    assert {"name", "applicant_type", "id_number", "received", "replied", "outcome"} <= set(
        raw.table.columns
    )
    assert "某某区人民政府办公室2024年" in raw.title and "填报单位" in raw.title
    facts = _facts(data, "登记表.xlsx")
    assert facts == [
        (1, "2024-03-01", "2024-03-20", "natural_person", "granted"),
        (2, "2024-03-01", "2024-03-22", "natural_person", "partially_granted"),
        # the merged 类型 cell is this row's type too
        (3, "2024-03-01", "2024-03-22", "natural_person", "granted"),
        # row 4 is blank (numbered, skipped)
        (5, "2024-03-01", "2024-03-22", "commercial", "unable.not_held"),
    ]


def test_no_personal_data_from_a_two_row_header_reaches_the_rows() -> None:
    r = process_ledger(_xlsx(_two_row_header_sheet()), "登记表.xlsx")
    text = r.rows.drop("findings").select(pl.all().cast(pl.Utf8)).write_csv()
    for pii in ("张三", "李四", "110101199003071234"):
        assert pii not in text


def test_the_xlsx_of_issue_12_is_read() -> None:
    """A title and a 填报单位 row above 申请人身份 / 受理日期 / 答复时间 / 答复结果 / 提交方式."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年度依申请公开工作台账"])
    ws.append(["填报单位：某县自然资源局", None, None, "填报人：某某"])
    ws.append(["序号", "申请人身份", "受理日期", "答复时间", "答复结果", "提交方式"])
    ws.append(
        [1, "公民", dt.datetime(2023, 6, 5), dt.datetime(2023, 6, 28), "予以公开", "网上申请"]
    )
    ws.append([2, "商业企业", dt.datetime(2023, 7, 3), None, "", "信函"])
    r = process_ledger(_xlsx(wb), "ledger.xlsx")
    assert r.file_error is None and r.year == 2023
    assert [(o["received"], o["replied"], o["applicant_type"]) for o in json_rows(r)] == [
        ("2023-06-05", "2023-06-28", "natural_person"),
        ("2023-07-03", None, "commercial"),
    ]


def test_every_ledger_sheet_is_read_and_rows_are_numbered_on_with_the_sheet() -> None:
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "说明"
    cover.append(["本台账按年度分表填报"])
    for year in (2023, 2024):
        ws = wb.create_sheet(f"{year}年")
        ws.append(["收到申请日期", "申请人类型", "答复日期", "处理结果"])
        ws.append([dt.date(year, 3, 1), "公民", dt.date(year, 3, 20), "予以公开"])
        ws.append(["不详", "公民", "", ""])
    r = process_ledger(_xlsx(wb), "南京市鼓楼区人民政府_台账.xlsx")
    out = json_rows(r)
    assert [(o["sheet"], o["row"]) for o in out] == [
        ("2023年", 1),
        ("2023年", 2),
        ("2024年", 3),
        ("2024年", 4),
    ]
    assert [o["received"] for o in out] == ["2023-03-01", None, "2024-03-01", None]
    assert r.rows_in == 4
    # one sheet per year: each sheet's rows belong to its year, and the file to both
    assert r.rows["year"].to_list() == [2023, 2023, 2024, 2024] and r.years == [2023, 2024]
    assert r.applications["carried_over"].to_list() == [False, False]
    assert not any("received_after_year" in o["findings"] for o in out)
    apps = validate(
        "core_application", conform("core_application", _application_frame(r, "0" * 64))
    )
    assert apps["sheet"].to_list() == ["2023年", "2024年"]
    assert apps["application_id"].n_unique() == 2


def test_a_ragged_row_in_a_second_sheet_names_its_sheet() -> None:
    wb = openpyxl.Workbook()
    for i, name in enumerate(("一科", "二科")):
        ws = wb.active if i == 0 else wb.create_sheet(name)
        ws.title = name
        ws.append(["收到申请日期", "申请人类型", "答复日期"])
        ws.append(["2024-03-01", "公民", "2024-03-05"])
    ws.append(["2024-03-01", "公民", "2024-03-05", None, "多出的一格"])
    raw = read_ledger_bytes(_xlsx(wb), "台账.xlsx")
    assert raw.table["row"].to_list() == [1, 2]
    ((n, reason),) = raw.bad_rows
    assert n == 3 and "工作表「二科」表格第 3 行" in reason and "多出的一格" not in reason


def test_a_hidden_sheet_is_read_only_when_no_visible_sheet_has_a_ledger() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["收到申请日期", "申请人类型", "答复日期"])
    ws.append(["2024-03-01", "公民", "2024-03-05"])
    hidden = wb.create_sheet("旧表")
    hidden.sheet_state = "hidden"
    hidden.append(["收到申请日期", "申请人类型", "答复日期"])
    hidden.append(["2020-01-01", "公民", "2020-01-05"])
    raw = read_ledger_bytes(_xlsx(wb), "a.xlsx")
    assert raw.table["received"].to_list() == ["2024-03-01"] and "sheet" not in raw.table.columns
    ws.delete_rows(1, 2)
    ws.append(["见隐藏表"])
    raw = read_ledger_bytes(_xlsx(wb), "a.xlsx")
    assert raw.table["received"].to_list() == ["2020-01-01"]


@pytest.mark.parametrize("name", ["two_sheets.xls", "two_sheets.ods"])
def test_xls_and_ods_made_by_libreoffice(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    out = json_rows(process_ledger(data, name))
    assert [(o.get("sheet"), o["row"], o["received"], o["replied"]) for o in out] == [
        ("2023年", 1, "2023-03-01", "2023-03-20"),
        ("2023年", 2, "2023-03-06", "2023-03-27"),
        ("2024年", 3, "2024-03-01", "2024-03-22"),
    ]


def test_the_inbox_takes_xls_and_ods_ledgers() -> None:
    assert {".csv", ".xlsx", ".xls", ".ods"} <= LEDGER_SUFFIXES


def test_tab_text_under_an_xls_name_is_read_as_text() -> None:
    data = "收到申请日期\t申请人类型\t答复日期\n2024-03-01\t公民\t2024-03-05\n".encode("gb18030")
    assert read_ledger_bytes(data, "导出.xls").table["received"].to_list() == ["2024-03-01"]


def test_a_header_without_applicant_type_says_so() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["收到申请日期", "答复日期", "处理结果"])
    wb.active.append(["2024-03-01", "2024-03-05", "予以公开"])
    with pytest.raises(LedgerReadError, match="申请人类型列"):
        read_ledger_bytes(_xlsx(wb), "a.xlsx")


def test_a_merged_range_over_a_whole_column_does_not_grow_the_sheet() -> None:
    rows: list[list[object]] = [["类型", "x"], ["公民"], ["", ""]]
    fill_merged(rows, [((1, 0), (1_048_575, 0)), ((0, 0), (0, 16_383))])
    assert rows == [["类型", "类型"], ["公民"], ["公民", ""]]


# --- header rows -------------------------------------------------------------------------


def test_combined_labels_of_a_two_row_header() -> None:
    top = ["序号", "申请人信息", "", "", "办理情况", "", ""]
    sub = ["", "姓名", "类型", "证件号码", "受理日期", "答复日期", "答复结果"]
    assert combine_rows(top, sub) == [
        "序号",
        "申请人信息 姓名",
        "申请人信息 类型",
        "申请人信息 证件号码",
        "办理情况 受理日期",
        "办理情况 答复日期",
        "办理情况 答复结果",
    ]


def test_a_title_row_is_never_the_top_of_a_two_row_header() -> None:
    rows = [
        ["2024年依申请公开台账", "", "", ""],
        ["收到申请日期", "申请人类型", "答复日期", "处理结果"],
        ["2024-03-01", "公民", "2024-03-05", "予以公开"],
    ]
    assert find_header(rows) == (1, 1, rows[1])


def test_the_header_may_sit_under_eighteen_rows_of_notes() -> None:
    rows = [[f"说明 {i}"] for i in range(18)] + [
        ["收到申请日期", "申请人类型"],
        ["2024-03-01", "公民"],
    ]
    assert find_header(rows)[:2] == (18, 1)


# --- CSV forms ---------------------------------------------------------------------------

_TABLE = [
    ["2024年依申请公开登记表", "", "", ""],
    ["收到申请日期", "申请人类型", "答复日期", "处理结果"],
    ["2024-03-01", "公民", "2024-03-20", "予以公开"],
    ["2024/3/4", "公民", "2024/3/25", "部分公开；涉及第三方"],
]


def _text(delimiter: str) -> str:
    return "\r\n".join(delimiter.join(r) for r in _TABLE) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-16", "\t"),  # Excel's "Unicode text"
        ("utf-16-le", "\t"),
        ("utf-16-be", "\t"),
        ("utf-8-sig", ";"),
        ("gb18030", "\t"),
        ("utf-8", ","),
    ],
)
def test_csv_in_every_encoding_and_delimiter(encoding: str, delimiter: str) -> None:
    text = _text(delimiter)
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    data = bom + text.encode(encoding)
    raw = read_ledger_bytes(data, "ledger.csv")
    assert raw.table["received"].to_list() == ["2024-03-01", "2024/3/4"]
    assert raw.table["outcome"].to_list() == ["予以公开", "部分公开；涉及第三方"]
    assert "2024年" in raw.title


def test_the_delimiter_is_the_one_that_splits_the_header_into_known_fields() -> None:
    # commas inside cells must not make ``,`` win over ``;``
    lines = csv_rows.decode_lines("收到申请日期;申请人类型;备注\n2024-03-01;公民;a,b,c\n".encode())
    assert sniff_delimiter(lines) == ";"


def test_a_damaged_semicolon_file_costs_only_its_damaged_lines() -> None:
    rows = [
        "收到申请日期;申请人类型;答复日期;处理结果",
        "2024-03-01;公民;2024-03-20;予以公开",
        '2024-03-02;"公民;2024-03-21;予以公开',  # a quote that never closes
        "2024-03-03;公民;2024-03-22;予以公开;多;余",  # ragged
        "2024-03-04;公民;2024-03-25;予以公开",
    ]
    raw = read_ledger_bytes("\n".join(rows).encode("utf-16"), "x.csv")
    assert raw.table["received"].to_list() == ["2024-03-01", "2024-03-04"]
    assert [n for n, _ in raw.bad_rows] == [2, 3]
    assert raw.rows_in == 4


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2024年3月1日上午", "2024年3月1日下午3时", "2024-03-01 14:30", "45352", 45352.0]
)
def test_more_date_forms(text: object) -> None:
    assert parse_date(text) == dt.date(2024, 3, 1)


def test_two_digit_years_are_not_guessed() -> None:
    assert parse_date("24-3-1") is None


@pytest.mark.parametrize(
    ("kind", "members"),
    [
        ("xlsx", {"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": ""}),
        ("ods", {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ""}),
    ],
)
def test_a_workbook_zip_bomb_is_refused_before_it_inflates(
    monkeypatch, kind: str, members: dict[str, str]
) -> None:
    """XLSX and ODS are zips: their directory is checked before calamine inflates anything."""
    import zipfile

    monkeypatch.setenv("GONGKAI_MAX_ZIP_TOTAL_MB", "1")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text or "<row/>" * 400_000)  # the sheet: 2.4 MB, inflated
    r = process_ledger(buf.getvalue(), f"某县_2024_ledger.{kind}")
    assert r.file_error and "zip bomb" in r.file_error and kind.upper() in r.file_error
    assert r.rows.height == 0


def test_a_two_row_header_in_a_csv_export_of_merged_cells() -> None:
    """A merged group cell exported to CSV: the label once, then blank cells to its right."""
    text = (
        "序号,申请人信息,,办理情况,,\n"
        ",姓名,类型,受理日期,答复日期,答复结果\n"
        "1,张三,公民,2024-03-01,2024-03-20,予以公开\n"
    )
    raw = read_ledger_bytes(text.encode("gb18030"), "ledger.csv")
    row = raw.table.row(0, named=True)
    assert (row["row"], row["applicant_type"], row["received"], row["outcome"]) == (
        1,
        "公民",
        "2024-03-01",
        "予以公开",
    )

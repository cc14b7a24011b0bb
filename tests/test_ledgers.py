"""Application ledgers: dates, the official calendar, deadlines, labels, privacy, reading.

Unit tests on tiny inline inputs; the demo ledgers and the Dagster flow are in
``test_ledgers_pipeline.py``.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import polars as pl
import pytest

from pipelines.demo.ledgers import APPLICANT_LABELS, CHANNELS, HEADER_VARIANTS, OUTCOME_LABELS
from pipelines.ledgers import process_ledger
from pipelines.ledgers.aggregate import COLUMNS, table_three
from pipelines.ledgers.dates import parse_date
from pipelines.ledgers.deadlines import OutsideCalendar, calendar, deadline
from pipelines.ledgers.headers import field_of
from pipelines.ledgers.normalize import applicant_type, channel, outcome
from pipelines.ledgers.privacy import protect
from pipelines.ledgers.process import json_rows
from pipelines.ledgers.reconcile import reconcile

D = dt.date


@pytest.mark.parametrize(
    "text",
    [
        "2023-05-06",
        "2023/5/6",
        "2023年5月6日",
        "2023.5.6",
        "20230506",
        45052,
        45052.0,
        "45052",
        "2023-05-06 14:30",
        "2023-05-06T09:30:00",
        "2023/5/6 9:30",
        "2023年5月6日 14时30分",
        "２０２３年５月６日",
        dt.datetime(2023, 5, 6, 0, 0),
    ],
)
def test_every_date_form_reads_as_the_same_day(text: object) -> None:
    assert parse_date(text) == D(2023, 5, 6)


@pytest.mark.parametrize("text", ["2023-02-30", "abc", "", "12345", "2023年13月1日"])
def test_impossible_or_unknown_dates_are_null_not_guessed(text: str) -> None:
    assert parse_date(text) is None


def test_tiaoxiu_weekend_workdays_and_spring_festival_2024() -> None:
    cal = calendar()
    assert cal.is_workday(D(2024, 2, 4))  # Sunday, worked for the Spring Festival
    assert cal.is_workday(D(2024, 2, 18))  # Sunday, worked
    assert not cal.is_workday(D(2024, 2, 12))  # Monday inside 2月10日–17日
    assert not cal.is_workday(D(2024, 2, 3))  # ordinary Saturday
    # Feb 2, 4–9, 18–23, 26–Mar 1, Mar 4–5: the 20th working day after 1 February.
    assert deadline(D(2024, 2, 1)) == D(2024, 3, 5)
    assert cal.working_days_between(D(2024, 2, 1), D(2024, 2, 19)) == 9


def test_correction_restarts_the_clock_from_the_corrected_application() -> None:
    # 20 working days after Fri 8 March 2024; 清明 4–6 April off, Sunday 7 April worked.
    assert deadline(D(2024, 3, 1), correction=D(2024, 3, 8)) == D(2024, 4, 8)


def test_extension_adds_twenty_working_days() -> None:
    assert deadline(D(2024, 2, 1), extended=True) == D(2024, 4, 2)


def test_third_party_consultation_days_are_not_counted() -> None:
    assert deadline(D(2024, 2, 1), third_party_days=15) == D(2024, 3, 26)


def test_a_date_outside_the_calendar_is_an_error_not_a_guess() -> None:
    with pytest.raises(OutsideCalendar):
        deadline(D(2003, 5, 6))
    with pytest.raises(OutsideCalendar):
        deadline(D(calendar().last.year, 12, 20))


def test_every_header_variant_the_generator_writes_is_known() -> None:
    expected = {"correction": "correction_requested"}
    for fld, headers in HEADER_VARIANTS.items():
        for h in headers:
            assert field_of(h) == expected.get(fld, fld), h
    assert field_of(" *收费金额（元） ") == "fee"


def test_every_label_the_generator_writes_is_known() -> None:
    def mapped(expr, labels: list[str]) -> list[str | None]:
        return pl.DataFrame({"x": labels}).select(expr(pl.col("x")).alias("x"))["x"].to_list()

    for key, labels in OUTCOME_LABELS.items():
        assert mapped(outcome, list(labels)) == [key] * len(labels)
    for col, labels in APPLICANT_LABELS.items():
        assert mapped(applicant_type, list(labels)) == [col] * len(labels)
    assert mapped(channel, list(CHANNELS)) == ["online", "letter", "in_person", "fax", "email"]
    assert mapped(outcome, ["办理中", "不予公开", "天知道"]) == ["", "denied", None]


def test_privacy_drops_identifiers_and_scrubs_free_text() -> None:
    frame = pl.DataFrame(
        {
            "name": ["王伟", "华信示例建材有限公司"],
            "id_number": ["32010019800101123X", ""],
            "phone": ["13800001234", "15800004321"],
            "address": ["江苏省示例路12号", "南京市示例路3号"],
            "email": ["user0001@example.com", "user0002@example.com"],
            "content": [
                "本人王伟（身份证号：32010019800101123X）申请公开立项批复",
                "请邮寄至南京市示例路3号，联系电话15800004321，邮箱 a.b@example.com",
            ],
        }
    )
    out = protect(frame, b"k")
    assert out.columns == ["content", "applicant_hash"]
    assert out["content"].to_list() == [
        "本人[姓名]（身份证号：[证件号]）申请公开立项批复",
        "请邮寄至[地址]，联系电话[电话]，邮箱 [邮箱]",
    ]
    assert out["applicant_hash"].str.len_chars().to_list() == [32, 32]
    assert protect(frame, None)["applicant_hash"].null_count() == 2


HEADER = (
    "序号,受理时间,申请人姓名/名称,申请人性质,联系电话,申请方式,申请内容,补正告知日期,"
    "是否延期,征求第三方意见天数,办结日期,答复结果"
)
ROWS = [
    "1,2024/2/1,王伟,公民,13800001234,网上,申请公开立项批复,,否,0,2024/3/5,予以公开",
    "2,2024年2月1日,李娜,个人,13900001234,信函,内容,,否,0,2024-03-06,部分公开",
    "3,20240301,恒通示例置业有限公司,企业,15800001234,当面,内容,2024.3.8,否,0,2024-04-09,"
    "不予公开-保护第三方合法权益",
    "4,2024-02-01 09:30,张敏,自然人,17700001234,网上,内容,,是,15,,办理中",
    "5,2003-05-06,赵强,自然人,18600001234,网上,内容,,否,0,2003-06-30,予以公开",
    "6,不详,钱军,自然人,13800009999,网上,内容,,否,0,2024-03-01,予以公开",
    "7,2024-02-01,孙丽,外星人,13800008888,网上,内容,,否,0,2024-03-01,予以公开",
]


def _csv(encoding: str, rows: list[str] = ROWS) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_rows_are_timed_and_bad_rows_quarantined_while_others_go_on(encoding: str) -> None:
    r = process_ledger(_csv(encoding), "某县_2024_ledger.csv")
    assert r.year == 2024
    out = {o["row"]: o for o in json_rows(r)}
    assert len(out) == 7
    assert out[1] | {"findings": []} == {
        "source": "某县_2024_ledger.csv",
        "row": 1,
        "received": "2024-02-01",
        "deadline": "2024-03-05",
        "replied": "2024-03-05",
        "working_days": 20,
        "overdue_days": 0,
        "applicant_type": "natural_person",
        "outcome": "granted",
        "findings": [],
    }
    assert (out[2]["overdue_days"], out[2]["outcome"]) == (1, "partially_granted")
    # 补正 notice on 8 March → deadline 8 April; replied 9 April: one working day late.
    assert (out[3]["deadline"], out[3]["overdue_days"]) == ("2024-04-08", 1)
    assert out[3]["outcome"] == "denied.third_party_rights"
    assert [f["rule"] for f in out[3]["findings"]] == ["correction_receipt_assumed"]
    # extended + 15 third-party days, still pending: 55 working days after 1 February.
    assert (out[4]["deadline"], out[4]["overdue_days"], out[4]["outcome"]) == (
        "2024-04-24",
        None,
        None,
    )
    assert [f["rule"] for f in out[5]["findings"]] == ["calendar_coverage"]
    assert out[5]["deadline"] is None
    assert out[6]["findings"][0]["rule"] == "unreadable_row"
    # the reason names the row, the column and the cell's shape, never the cell (privacy)
    message = out[6]["findings"][0]["message"]
    assert "不详" not in message
    assert message.startswith("第 6 行 收到日期：不是日期（2 字的文字）/ row 6 received date")
    # an unknown applicant type keeps its row (dates and deadline computed), type left empty
    assert out[7]["applicant_type"] is None and out[7]["deadline"] is not None
    assert [f["rule"] for f in out[7]["findings"]] == ["unknown_applicant_type"]
    assert "外星人" not in out[7]["findings"][0]["message"]
    assert r.rows.filter(pl.col("quarantine_reason").is_null()).height == 6


def test_ragged_row_is_quarantined_and_the_file_goes_on() -> None:
    rows = [ROWS[0], ROWS[1] + ",多余,字段"]
    r = process_ledger(_csv("utf-8", rows), "x_2024_ledger.csv")
    assert r.rows.height == r.rows_in == 2
    assert r.rows.filter(pl.col("quarantine_reason").is_null())["row"].to_list() == [1]
    assert r.rows.filter(pl.col("row") == 2)["quarantine_reason"].item().startswith("字段数 14")
    assert r.file_error is None


def test_xlsx_with_serial_numbers_date_cells_and_a_title_row() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2024年依申请公开台账"
    ws.append(["某某区人民政府2024年依申请公开台账"])
    ws.append(["编号", "收到申请日期", "申请人类型", "办结日期", "处理结果"])
    ws.append([1, 45323, "公民", dt.datetime(2024, 3, 5), "予以公开"])  # 45323 = 2024-02-01
    ws.append([2, 45323.0, "律师事务所", "", "办理中"])
    buf = io.BytesIO()
    wb.save(buf)
    r = process_ledger(buf.getvalue(), "台账.xlsx")
    rows = json_rows(r)
    assert [(o["received"], o["replied"], o["working_days"]) for o in rows] == [
        ("2024-02-01", "2024-03-05", 20),
        ("2024-02-01", None, None),
    ]
    assert [o["applicant_type"] for o in rows] == ["natural_person", "legal_service"]
    assert r.year == 2024


def test_unreadable_file_gives_one_line_with_the_reason() -> None:
    r = process_ledger(b"\xff\xfe\x00garbage\x81", "bad.csv")
    (only,) = json_rows(r)
    assert only["row"] is None and only["findings"][0]["rule"] == "unreadable_row"


def test_aggregate_and_reconcile_cell_by_cell() -> None:
    apps = pl.DataFrame(
        {
            "body_id": ["B"] * 4,
            "year": [2024] * 4,
            "applicant_type": ["natural_person", "natural_person", "commercial", "commercial"],
            "received": [D(2023, 12, 20), D(2024, 1, 5), D(2024, 2, 1), D(2024, 12, 30)],
            "outcome": ["granted", "denied.state_secret", "unable.not_held", ""],
        }
    )
    long = table_three(apps)
    v = dict(zip(long["key"], long["value"], strict=True))
    assert v["applications.carried_over.natural_person"] == 1
    assert v["applications.new_received.total"] == 3
    assert v["applications.denied.total"] == 1  # category subtotal
    assert v["applications.total_processed.total"] == 3
    assert v["applications.carried_forward.commercial"] == 1
    report = pl.DataFrame(
        {
            "body_id": ["B", "B"],
            "year": [2024, 2024],
            "key": ["applications.new_received.total", "applications.granted.total"],
            "value": [3.0, 2.0],
        }
    )
    rec = reconcile(long, report)
    got = {k: (s, d) for k, s, d in rec.select("key", "status", "difference").iter_rows()}
    assert got["applications.new_received.total"] == ("match", 0)
    assert got["applications.granted.total"] == ("differs", -1)
    assert got["applications.unable.total"][0] == "not_in_report"
    assert reconcile(long, report.head(0))["status"].unique().to_list() == ["no_report"]


def test_an_unknown_applicant_type_counts_in_the_total_column_only() -> None:
    r = process_ledger(_csv("utf-8"), "某县_2024_ledger.csv")
    apps = r.rows.filter(pl.col("quarantine_reason").is_null()).with_columns(
        body_id=pl.lit("b"), year=pl.lit(2024)
    )
    long = table_three(apps)
    v = dict(zip(long["key"], long["value"], strict=True))
    typed = sum(v[f"applications.new_received.{c}"] for c in COLUMNS)
    received = v["applications.new_received.total"] + v["applications.carried_over.total"]
    assert v["applications.new_received.total"] == typed + 1
    assert received == apps.height

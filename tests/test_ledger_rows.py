"""No silent row loss: every row of a damaged CSV ledger is read or set aside with its reason."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest

from pipelines.ledgers import process_ledger
from pipelines.ledgers.csv_rows import FIELD_LIMIT, MAX_SPAN, decode_lines
from pipelines.ledgers.read import NO_FIELD, read_ledger_bytes
from warehouse.ledgers import accounting_gaps

pytestmark = pytest.mark.hostile

HEADER = (
    "序号,受理时间,申请人姓名/名称,申请人性质,联系电话,申请方式,申请内容,补正告知日期,"
    "是否延期,征求第三方意见天数,办结日期,答复结果"
)
WIDTH = HEADER.count(",") + 1


def _row(i: int, content: str = "申请公开立项批复") -> str:
    return f"{i},2024/2/1,王伟,公民,13800001234,网上,{content},,否,0,2024/3/5,予以公开"


def _csv(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


def _split(data: bytes) -> tuple[list[int], dict[int, str], int]:
    """(rows read, {row: reason} set aside, rows in) — and the accounting must hold."""
    r = process_ledger(data, "某县_2024_ledger.csv")
    assert r.file_error is None
    assert r.rows.height == r.rows_in, "every row in is read or set aside"
    read = r.rows.filter(pl.col("quarantine_reason").is_null())["row"].to_list()
    aside = dict(
        r.rows.filter(pl.col("quarantine_reason").is_not_null())
        .select("row", "quarantine_reason")
        .iter_rows()
    )
    return read, aside, r.rows_in


def _no_cell_values(reasons: dict[int, str]) -> None:
    for reason in reasons.values():
        for value in ("王伟", "13800001234", "申请", "xxxx", "立项"):
            assert value not in reason, reason


def test_a_row_with_extra_fields_is_set_aside_with_the_counts() -> None:
    rows = [_row(i) for i in range(1, 101)]
    rows[10] += ",多余"
    read, aside, n = _split(_csv(rows))
    assert (len(read), n) == (99, 100)
    assert aside[11].startswith(f"字段数 {WIDTH + 1} 多于表头 {WIDTH}")
    _no_cell_values(aside)


def test_trailing_empty_extra_fields_are_harmless() -> None:
    read, aside, _ = _split(_csv([_row(1) + ",,", _row(2)]))
    assert (read, aside) == ([1, 2], {})


@pytest.mark.parametrize("at", [0, 49, 99])
def test_a_stray_quote_costs_its_line_not_the_rest_of_the_file(at: int) -> None:
    rows = [_row(i) for i in range(1, 101)]
    rows[at] = rows[at].replace("申请公开", '"申请公开')
    read, aside, n = _split(_csv(rows))
    assert n == 100 and len(read) == 99
    assert list(aside) == [at + 1]
    assert "引号不成对" in aside[at + 1] and f"文件第 {at + 2} 行" in aside[at + 1]
    _no_cell_values(aside)


def test_two_stray_quotes_that_pair_up_do_not_merge_their_rows() -> None:
    rows = [_row(i) for i in range(1, 21)]
    rows[4] = rows[4].replace("申请公开", '"申请公开')
    rows[9] = rows[9].replace("立项批复", '立项批复"')
    read, aside, n = _split(_csv(rows))
    assert (n, list(aside), len(read)) == (20, [5], 19)


def test_a_quoted_field_with_line_breaks_is_one_row() -> None:
    rows = [_row(1, '"第一行\n第二行, 仍是内容\n第三行"'), _row(2)]
    data = _csv(rows)
    read, aside, n = _split(data)
    assert (read, aside, n) == ([1, 2], {}, 2)
    raw = read_ledger_bytes(data, "x.csv")
    assert raw.table.filter(pl.col("row") == 1)["content"].item().count("\n") == 2


def test_a_short_row_is_set_aside_not_read_as_pending() -> None:
    rows = [_row(i) for i in range(1, 101)]
    rows[20] = ",".join(rows[20].split(",")[:6])
    read, aside, n = _split(_csv(rows))
    assert (len(read), n) == (99, 100)
    assert aside[21].startswith(f"字段数 6 少于表头 {WIDTH}")


def test_a_row_lacking_only_trailing_optional_columns_is_read() -> None:
    header = "受理时间,申请人性质,答复结果,申请内容,备注"
    data = f"{header}\n2024/2/1,公民,予以公开,内容,说明\n2024/2/2,公民,予以公开\n".encode()
    r = process_ledger(data, "某县_2024_ledger.csv")
    assert r.rows.height == r.rows_in == 2
    assert r.rows["quarantine_reason"].null_count() == 2


def test_invalid_bytes_cost_their_line_and_the_file_stays_utf8() -> None:
    rows = [_row(i) for i in range(1, 2001)]
    data = bytearray(_csv(rows))
    line = data.find(b"\n500,") + 1
    data[line + 8 : line + 9] = b"\xff"  # inside 受理时间 of row 500 (file line 501)
    raw = read_ledger_bytes(bytes(data), "x.csv")
    assert raw.encoding == "utf-8"
    assert raw.rows_in == 2000 and raw.table.height == 1999
    assert raw.bad_rows == [(500, "文件第 501 行含无效字节 / file line 501: invalid bytes")]
    assert raw.table["name"][0] == "王伟"  # the other lines decoded as UTF-8, not GB18030


def test_gb18030_is_still_detected_and_its_bad_lines_set_aside() -> None:
    rows = [_row(i) for i in range(1, 51)]
    clean = _csv(rows, "gb18030")
    assert read_ledger_bytes(clean, "x.csv").encoding == "gb18030"
    data = bytearray(clean)
    at = data.find(b"\n30,") + 1
    data[at + 3 : at + 4] = b"\xff"
    raw = read_ledger_bytes(bytes(data), "x.csv")
    assert raw.encoding == "gb18030" and raw.table["name"][0] == "王伟"
    assert [n for n, _ in raw.bad_rows] == [30] and raw.table.height == 49


def test_a_file_that_decodes_nowhere_is_still_one_file_error() -> None:
    assert process_ledger(b"\xff\xfe\x00garbage\x81", "bad.csv").file_error


@pytest.mark.parametrize("quoted", [True, False])
def test_a_field_over_the_limit_is_a_row_set_aside_never_a_csv_error(quoted: bool) -> None:
    huge = "x" * (FIELD_LIMIT + 10_000)
    rows = [_row(i) for i in range(1, 21)]
    rows[5] = _row(6, f'"{huge}"' if quoted else f'"申请{huge}')
    read, aside, n = _split(_csv(rows))
    assert n == 20 and len(read) == 19 and list(aside) == [6]
    assert "上限" in aside[6]
    _no_cell_values(aside)


def test_an_unclosed_quote_longer_than_the_span_limit_is_cut_there() -> None:
    rows = [_row(i) for i in range(1, MAX_SPAN * 3)]
    rows[0] = rows[0].replace("申请公开", '"申请公开')
    read, aside, n = _split(_csv(rows))
    assert list(aside) == [1] and len(read) == n - 1


def test_a_row_with_only_unread_columns_filled_is_visible() -> None:
    header = "受理时间,申请人性质,答复结果,备注"
    data = f"{header}\n2024/2/1,公民,予以公开,\n,,,只有备注\n,,,\n".encode()
    read, aside, n = _split(data)
    assert (read, aside, n) == ([1], {2: NO_FIELD}, 2)


def test_fast_and_record_paths_read_a_clean_file_alike() -> None:
    rows = [_row(i, '"内容, 含逗号"' if i % 3 else "内容") for i in range(1, 40)] + ["", _row(40)]
    fast = read_ledger_bytes(_csv(rows), "x.csv")
    slow = read_ledger_bytes(("标题\n" + _csv(rows).decode()).encode(), "x.csv")  # title row
    assert fast.rows_in == slow.rows_in == 40
    assert fast.table["row"].to_list() == slow.table["row"].to_list()
    assert fast.table["content"].to_list() == slow.table["content"].to_list()


def test_xlsx_rows_with_extra_cells_are_set_aside() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["收到申请日期", "申请人类型", "处理结果"])
    ws.append(["2024-02-01", "公民", "予以公开"])
    ws.append(["2024-02-01", "公民", "予以公开", "多出的"])
    ws.append(["2024-02-01", "公民"])  # trailing empty cells are not stored in XLSX
    buf = io.BytesIO()
    wb.save(buf)
    raw = read_ledger_bytes(buf.getvalue(), "t.xlsx")
    assert raw.rows_in == 3 and raw.table["row"].to_list() == [1, 3]
    assert raw.bad_rows[0][0] == 2 and "表格第 3 行" in raw.bad_rows[0][1]


def test_lines_decode_keeps_a_bom_file_utf8() -> None:
    lines = decode_lines(b"\xef\xbb\xbf" + _csv([_row(1)]) + b"2,\xff\n")
    assert lines.encoding == "utf-8-sig" and lines.bad == frozenset({2})


def test_the_accounting_check_finds_a_row_lost_without_a_trace() -> None:
    acct = pl.DataFrame(
        {
            "ledger_id": ["a", "b", "c"],
            "source": ["a.csv", "b.csv", "c.csv"],
            "rows_in": [10, 10, None],
            "applications": [9, 8, 0],
            "quarantined": [1, 1, 0],
            "file_set_aside": [False, False, True],
        }
    )
    assert accounting_gaps(acct)["source"].to_list() == ["b.csv"]


def test_old_mac_line_ends_are_lines() -> None:
    data = "\r".join([HEADER, *(_row(i) for i in range(1, 6))]).encode("utf-8")
    read, aside, rows_in = _split(data)
    assert (read, aside, rows_in) == ([1, 2, 3, 4, 5], {}, 5)


def test_a_defect_met_on_one_file_is_that_files_error(monkeypatch) -> None:
    """Fault injection: an unforeseen exception after reading names its kind, never a cell."""
    from pipelines.ledgers import process

    def broken(frame, labels=None):
        raise KeyError("王伟 13800001234")

    monkeypatch.setattr(process, "_parse", broken)
    r = process_ledger(_csv([_row(1)]), "某县_2024_ledger.csv")
    assert r.file_error and "KeyError" in r.file_error
    assert "王伟" not in r.file_error and "13800001234" not in r.file_error

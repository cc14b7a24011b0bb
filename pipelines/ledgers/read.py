"""Ledger files → a table of strings with canonical field names, and rows that cannot be read.

CSV is decoded as UTF-8 (with or without BOM), else GB18030, and parsed by polars in one pass;
when the fast parser refuses the file (rows with a wrong number of fields) it is re-read with
the ``csv`` module, and each ragged row is quarantined while the other rows go on. XLSX is read
with openpyxl (read-only); date cells become ISO text, whole numbers lose their ``.0`` so Excel
serial dates parse. Rows above the header row (a sheet title such as ``2023年依申请公开台账``)
are kept as ``title`` text, which may name the body and the year.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import openpyxl
import polars as pl

from pipelines.ledgers.dates import cell_text
from pipelines.ledgers.headers import find_header_row, match_headers


class LedgerReadError(ValueError):
    """The whole file cannot be read (encoding, container, no header row)."""


@dataclass
class RawLedger:
    """A ledger as text: ``table`` has a ``row`` column (1 = first row under the header).

    ``unknown_headers`` were not read (no field, or a field already read from a better column);
    ``ambiguous_headers`` were not read either, because each speaks for two fields equally.
    """

    table: pl.DataFrame
    title: str = ""
    unknown_headers: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    encoding: str = ""
    ambiguous_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV: UTF-8 (BOM or not) first, GB18030 otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise LedgerReadError("无法识别文件编码（非 UTF-8 或 GB18030）/ not UTF-8 or GB18030")


def _from_rows(rows: list[list[object]], encoding: str) -> RawLedger:
    top = [[cell_text(c) for c in r] for r in rows[:10]]
    h = find_header_row(top)
    if h is None:
        raise LedgerReadError("找不到表头（需含申请日期与申请人类型列）/ no header row found")
    headers = match_headers(top[h])
    mapping = headers.mapping
    title = " ".join(c for r in top[:h] for c in r if c)
    width = len(top[h])
    cols: dict[str, list[str]] = {f: [] for f in mapping.values()}
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    for n, r in enumerate(rows[h + 1 :], start=1):
        cells = [cell_text(c) for c in r]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            bad.append(
                (
                    n,
                    f"字段数 {len(cells)} 多于表头 {width} / "
                    f"{len(cells)} fields, header has {width}",
                )
            )
            continue
        cells += [""] * (width - len(cells))
        numbers.append(n)
        for i, f in mapping.items():
            cols[f].append(cells[i])
    table = pl.DataFrame(
        {"row": numbers, **cols}, schema={"row": pl.Int64, **dict.fromkeys(cols, pl.Utf8)}
    )
    unknown = [*headers.unknown, *headers.duplicate]
    return RawLedger(table, title, unknown, bad, encoding, headers.ambiguous)


def _csv_fast(text: str, encoding: str) -> RawLedger | None:
    """The polars reader: one pass, all strings. None when the file needs the slow path."""
    head = list(csv.reader(io.StringIO("\n".join(text.splitlines()[:10]))))
    h = find_header_row(head)
    if h is None or h > 0:
        return None
    headers = match_headers(head[0])
    mapping = headers.mapping
    try:
        df = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            skip_rows=1,
            infer_schema=False,
            new_columns=[f"c{i}" for i in range(len(head[0]))],
        )
    except pl.exceptions.PolarsError:
        return None
    if df.width != len(head[0]):
        return None
    df = df.with_row_index("row", offset=1).with_columns(pl.col("row").cast(pl.Int64))
    df = df.select("row", *(pl.col(f"c{i}").alias(f) for i, f in mapping.items()))
    fields = [c for c in df.columns if c != "row"]
    if fields:  # blank lines carry no application
        df = df.filter(pl.any_horizontal(pl.col(fields).str.strip_chars() != ""))
    unknown = [*headers.unknown, *headers.duplicate]
    return RawLedger(df, "", unknown, [], encoding, headers.ambiguous)


def read_ledger_bytes(data: bytes, name: str) -> RawLedger:
    """Read a CSV or XLSX ledger (by the name's extension); raises :class:`LedgerReadError`."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx" or data[:2] == b"PK":
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            # the error's kind only: a parser's message may quote the file's own text
            raise LedgerReadError(
                f"无法打开 XLSX（{type(exc).__name__}）/ cannot open XLSX ({type(exc).__name__})"
            ) from exc
        try:
            for ws in wb.worksheets:
                rows = [list(r) for r in ws.iter_rows(values_only=True)]
                try:
                    raw = _from_rows(rows, "xlsx")
                except LedgerReadError:
                    continue
                raw.title = f"{ws.title} {raw.title}".strip()
                return raw
        finally:
            wb.close()
        raise LedgerReadError("找不到表头（需含申请日期与申请人类型列）/ no header row found")
    text, encoding = decode(data)
    fast = _csv_fast(text, encoding)
    if fast is not None:
        return fast
    return _from_rows(list(csv.reader(io.StringIO(text))), encoding)

"""Ledger files → a table of strings with canonical field names, and rows that cannot be read.

Every non-blank row under the header is accounted for: it is read into ``table`` or listed in
``bad_rows`` with the reason, and ``rows_in`` counts them (``table.height + len(bad_rows) ==
rows_in``). CSV is decoded line by line when it must be (UTF-8 ± BOM, else GB18030; a line with
invalid bytes is one bad row, see :mod:`pipelines.ledgers.csv_rows`). A clean CSV — every line
one record with the header's number of fields — is parsed by polars in one pass; any other is
read record by record with recovery (stray quotes, ragged rows, huge fields). XLSX is read with
openpyxl (read-only); date cells become ISO text, whole numbers lose their ``.0`` so Excel
serial dates parse. Rows above the header row (a sheet title such as ``2023年依申请公开台账``)
are kept as ``title`` text, which may name the body and the year.

A row with only unread columns filled (no field we read holds anything) is a bad row too:
nothing about it reaches the warehouse, so it must be visible.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import openpyxl
import polars as pl

from pipelines.extract.limits import check_zip_members, current_limits
from pipelines.extract.refusal import Refusal
from pipelines.ledgers import csv_rows
from pipelines.ledgers.dates import cell_text
from pipelines.ledgers.headers import HeaderMap, find_header_row, match_headers

# Fields a CSV row may lack at its end (a system that trims trailing empty cells): free text,
# personal data, the fee. Any other missing field (an outcome, a reply date) would change what
# the row says, so a row that lacks one is set aside.
MAY_BE_MISSING = frozenset(
    {"seq", "name", "id_number", "phone", "address", "email", "content", "fee"}
)
NO_FIELD = "无可读字段（仅未识别的列有内容）/ no field that is read holds anything"


class LedgerReadError(ValueError):
    """The whole file cannot be read (encoding, container, no header row)."""


@dataclass
class RawLedger:
    """A ledger as text: ``table`` has a ``row`` column (1 = first row under the header).

    ``unknown_headers`` were not read (no field, or a field already read from a better column);
    ``ambiguous_headers`` were not read either, because each speaks for two fields equally.
    ``bad_rows`` are (row, reason) of the rows set aside; ``rows_in`` counts every non-blank
    row under the header, read or set aside.
    """

    table: pl.DataFrame
    title: str = ""
    unknown_headers: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    encoding: str = ""
    ambiguous_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows_in: int = 0
    header_map: HeaderMap | None = None  # how each header was read (findings, provenance)


def _table(numbers: list[int], cols: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"row": numbers, **cols}, schema={"row": pl.Int64, **dict.fromkeys(cols, pl.Utf8)}
    )


def _from_rows(
    rows: list[list[object]], encoding: str, overrides: Mapping[str, str] | None = None
) -> RawLedger:
    """An XLSX sheet's rows (short rows are normal there: trailing empty cells are not stored)."""
    top = [[cell_text(c) for c in r] for r in rows[:10]]
    h = find_header_row(top, overrides=overrides)
    if h is None:
        raise LedgerReadError("找不到表头（需含申请日期与申请人类型列）/ no header row found")
    headers = match_headers(top[h], overrides)
    mapping = headers.mapping
    title = " ".join(c for r in top[:h] for c in r if c)
    # A sheet pads every row to its widest one: the header ends at its last named column.
    width = max((i + 1 for i, c in enumerate(top[h]) if c.strip()), default=0)
    cols: dict[str, list[str]] = {f: [] for f in mapping.values()}
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    for n, r in enumerate(rows[h + 1 :], start=1):
        cells = [cell_text(c) for c in r]
        if not any(c.strip() for c in cells):
            continue
        problem = csv_rows.shape_problem(cells, width, frozenset(range(width)), h + 1 + n)
        if problem is None and not any(i < len(cells) and cells[i].strip() for i in mapping):
            problem = NO_FIELD
        if problem:
            bad.append((n, problem.replace("文件第", "表格第").replace("file line", "sheet row")))
            continue
        cells += [""] * (width - len(cells))
        numbers.append(n)
        for i, f in mapping.items():
            cols[f].append(cells[i])
    unknown = [*headers.unknown, *headers.duplicate]
    return RawLedger(
        _table(numbers, cols),
        title,
        unknown,
        bad,
        encoding,
        headers.ambiguous,
        len(numbers) + len(bad),
        headers,
    )


def _csv_rows(lines: csv_rows.Lines, overrides: Mapping[str, str] | None = None) -> RawLedger:
    """Any CSV, record by record: every damaged line is one bad row, the others are read."""
    top: list[csv_rows.Record] = []
    for rec in csv_rows.records(lines.lines, lines.bad, 0):
        top.append(rec)
        if len(top) == 10:
            break
    h = find_header_row([r.cells for r in top], overrides=overrides)
    if h is None:
        raise LedgerReadError("找不到表头（需含申请日期与申请人类型列）/ no header row found")
    headers = match_headers(top[h].cells, overrides)
    mapping = headers.mapping
    title = " ".join(c for r in top[:h] for c in r.cells if c)
    width = len(top[h].cells)
    optional = frozenset(
        i for i in range(width) if i not in mapping or mapping[i] in MAY_BE_MISSING
    )
    cols: dict[str, list[str]] = {f: [] for f in mapping.values()}
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    covered = top[h].last
    records = csv_rows.records(lines.lines, lines.bad, top[h].last, width, optional)
    for n, rec in enumerate(records, start=1):
        covered += rec.last - rec.first + 1
        if rec.blank:
            continue
        cells = rec.cells
        problem = rec.problem
        if problem is None and not any(i < len(cells) and cells[i].strip() for i in mapping):
            problem = NO_FIELD
        if problem:
            bad.append((n, problem))
            continue
        cells = cells + [""] * (width - len(cells))
        numbers.append(n)
        for i, f in mapping.items():
            cols[f].append(cells[i])
    # Every physical line is in exactly one record: a gap would be a row lost without a trace.
    if covered != len(lines.lines):
        raise AssertionError(f"{len(lines.lines) - covered} lines not accounted for")
    unknown = [*headers.unknown, *headers.duplicate]
    return RawLedger(
        _table(numbers, cols),
        title,
        unknown,
        bad,
        lines.encoding,
        headers.ambiguous,
        len(numbers) + len(bad),
        headers,
    )


def _short_rows_fit(df: pl.DataFrame, lines: csv_rows.Lines, optional: frozenset[int]) -> bool:
    """Polars fills a short row's missing fields with nulls, as it does empty ones.

    So the lines whose last field came out null are counted again here (few, in a real file):
    each must have the header's number of fields or lack only columns that may be missing.
    """
    width = df.width
    rows = df.with_row_index("i").filter(pl.col(f"c{width - 1}").is_null())["i"].to_list()
    for i in rows:
        line = lines.lines[i + 1]
        if not line:
            continue
        n = line.count(",") + 1 if '"' not in line else len(next(csv.reader([line]), []))
        if csv_rows.shape_problem([""] * n, width, optional, i + 2):
            return False
    return True


def _csv_fast(
    lines: csv_rows.Lines, header: list[str], overrides: Mapping[str, str] | None = None
) -> RawLedger | None:
    """The polars reader: one pass, all strings. None when the file needs the slow path.

    Taken only when the header is the first line and the file is regular: polars gives one row
    per line (so no quoted field spans a line break and no stray quote swallowed lines), no
    row is longer than the header (polars refuses those), a short row lacks only columns that
    may be missing, and no field is over the limit. Lines with invalid bytes are blank in the
    text and listed as bad rows; polars keeps blank lines as rows, so its row index is the
    line under the header.
    """
    headers = match_headers(header, overrides)
    mapping = headers.mapping
    width = len(header)
    text = lines.text
    body_lines = text.count("\n") - 1 + (0 if text.endswith("\n") else 1)
    try:
        df = pl.read_csv(
            text.encode("utf-8"),
            has_header=False,
            skip_rows=1,
            infer_schema=False,
            new_columns=[f"c{i}" for i in range(width)],
        )
    except pl.exceptions.PolarsError:
        return None
    if df.width != width or df.height != max(body_lines, 0):
        return None
    longest = df.select(pl.max_horizontal(pl.all().str.len_bytes().max())).item()
    if (longest or 0) > csv_rows.FIELD_LIMIT:
        return None
    optional = frozenset(
        i for i in range(width) if i not in mapping or mapping[i] in MAY_BE_MISSING
    )
    if not _short_rows_fit(df, lines, optional):
        return None
    everything = [pl.col(c).fill_null("").str.strip_chars() != "" for c in df.columns]
    read = [pl.col(f"c{i}").fill_null("").str.strip_chars() != "" for i in mapping]
    df = df.with_row_index("row", offset=1).with_columns(
        pl.col("row").cast(pl.Int64),
        any_cell=pl.any_horizontal(everything),
        any_field=pl.any_horizontal(read) if read else pl.lit(False),
    )
    df = df.filter(pl.col("any_cell"))
    empty = df.filter(~pl.col("any_field"))["row"].to_list()
    bad = sorted(
        [(i, f"文件第 {i + 1} 行含无效字节 / file line {i + 1}: invalid bytes") for i in lines.bad]
        + [(r, NO_FIELD) for r in empty]
    )
    table = df.filter(pl.col("any_field")).select(
        "row", *(pl.col(f"c{i}").alias(f) for i, f in mapping.items())
    )
    unknown = [*headers.unknown, *headers.duplicate]
    return RawLedger(
        table,
        "",
        unknown,
        bad,
        lines.encoding,
        headers.ambiguous,
        table.height + len(bad),
        headers,
    )


def _check_zip(data: bytes) -> None:
    """Refuse an XLSX whose zip directory says it inflates past the reading limits.

    A ledger is read in the build's own process, not in a worker, so a zip bomb must be stopped
    before openpyxl inflates anything.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        kind = type(exc).__name__
        raise LedgerReadError(f"无法打开 XLSX（{kind}）/ cannot open XLSX ({kind})") from exc
    limits = current_limits()
    # a sheet of a large ledger is bigger than a report's document.xml: the total cap only
    ledger_limits = replace(limits, zip_member_mb=limits.zip_total_mb)
    try:
        check_zip_members(infos, "XLSX", ledger_limits)
    except Refusal as exc:
        raise LedgerReadError(str(exc)) from exc


def _read_xlsx(data: bytes, overrides: Mapping[str, str] | None = None) -> RawLedger:
    _check_zip(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise LedgerReadError(
            f"无法打开 XLSX（{type(exc).__name__}）/ cannot open XLSX ({type(exc).__name__})"
        ) from exc
    try:
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            try:
                raw = _from_rows(rows, "xlsx", overrides)
            except LedgerReadError:
                continue
            raw.title = f"{ws.title} {raw.title}".strip()
            return raw
    finally:
        wb.close()
    raise LedgerReadError("找不到表头（需含申请日期与申请人类型列）/ no header row found")


def read_ledger_bytes(
    data: bytes, name: str, overrides: Mapping[str, str] | None = None
) -> RawLedger:
    """Read a CSV or XLSX ledger (by the name's extension); raises :class:`LedgerReadError`.

    ``overrides``: header → field or ``"ignore"`` from the user's ledger map, applied before
    the matcher.
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "xlsx" or data[:2] == b"PK":
        return _read_xlsx(data, overrides)
    try:
        lines = csv_rows.decode_lines(data)
    except csv_rows.UndecodableError as exc:
        raise LedgerReadError(str(exc)) from exc
    head = lines.text.split("\n", 1)[0].removesuffix("\r")
    if head and 0 not in lines.bad and not csv_rows.unclosed(head):
        header = next(csv.reader([head]), [])
        if find_header_row([header], overrides=overrides) == 0:
            fast = _csv_fast(lines, header, overrides)
            if fast is not None:
                return fast
    return _csv_rows(lines, overrides)

"""Ledger files → a table of strings with canonical field names, and rows that cannot be read.

Every non-blank row under the header is accounted for: it is read into ``table`` or listed in
``bad_rows`` with the reason, and ``rows_in`` counts them (``table.height + len(bad_rows) ==
rows_in``). CSV is decoded line by line when it must be (UTF-8 ± BOM, else GB18030; a line with
invalid bytes is one bad row, see :mod:`pipelines.ledgers.csv_rows`; UTF-16 with a BOM whole),
its delimiter (``,`` TAB ``;``) is the one that splits a top line into the most known fields.
A clean CSV — header on the first line, every line one record of the header's width — is parsed
by polars in one pass; any other is read record by record with recovery (stray quotes, ragged
rows, huge fields). Workbooks (XLSX, XLS, ODS) are read with python-calamine: merged cells fill
their span, date cells become ISO text, whole numbers lose their ``.0`` so Excel serial dates
parse, and every sheet with a ledger header is read (see :func:`_read_workbook`). The header is
found by meaning in the first 20 rows, two-row headers combined (:mod:`.headers`). Rows above
it (a title such as ``2023年依申请公开台账``, 填报单位) are kept as ``title`` text, which may name
the body and the year.

A row with only unread columns filled (no field we read holds anything) is a bad row too:
nothing about it reaches the warehouse, so it must be visible.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import polars as pl
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from pipelines.extract.limits import check_zip_members, current_limits
from pipelines.extract.refusal import Refusal
from pipelines.ledgers import csv_rows
from pipelines.ledgers.body import year_in
from pipelines.ledgers.dates import cell_text
from pipelines.ledgers.headers import (
    HEADER_SEARCH_ROWS,
    HeaderMap,
    find_header,
    match_headers,
    named_fields,
)

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


def _raw(
    table: pl.DataFrame, title: str, bad: list[tuple[int, str]], encoding: str, headers: HeaderMap
) -> RawLedger:
    """One sheet's or CSV's ledger: every row under the header is in ``table`` or ``bad``."""
    unknown = [*headers.unknown, *headers.duplicate]
    return RawLedger(
        table, title, unknown, bad, encoding, headers.ambiguous, table.height + len(bad), headers
    )


def _table(numbers: list[int], cols: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"row": numbers, **cols}, schema={"row": pl.Int64, **dict.fromkeys(cols, pl.Utf8)}
    )


MISSING_TYPE = "表头缺少申请人类型列 / the header has no applicant type column"


Overrides = Mapping[str, str] | None  # header → field or "ignore", from the user's ledger map


def _header(top: list[list[str]], overrides: Overrides = None) -> tuple[int, int, list[str]]:
    found = find_header(top, overrides=overrides)
    if found is None:
        raise LedgerReadError("找不到表头（需含申请日期与申请人类型列）/ no header row found")
    if "applicant_type" not in match_headers(found[2], overrides).mapping.values():
        raise LedgerReadError(MISSING_TYPE)
    return found


def _title(rows: list[list[str]]) -> str:
    """The text above the header, each distinct cell once (a merged title fills its span)."""
    return " ".join(dict.fromkeys(c.strip() for r in rows for c in r if c.strip()))


def _filled(cell: object) -> bool:
    """A cell that holds something (blank text is empty, as the sheet shows it)."""
    return cell is not None and cell != "" and (not isinstance(cell, str) or bool(cell.strip()))


def _from_rows(
    rows: list[list[object]],
    encoding: str,
    sheet: str | None = None,
    first: int = 1,
    overrides: Overrides = None,
) -> RawLedger:
    """A sheet's rows (short rows are normal there: trailing empty cells are not stored).

    Data rows are numbered from ``first`` (a workbook's sheets continue one numbering, so a row
    number names one application in the file); a set-aside row's reason names its sheet.
    """
    top = [[cell_text(c) for c in r] for r in rows[: HEADER_SEARCH_ROWS + 1]]
    h, count, header = _header(top, overrides)
    headers = match_headers(header, overrides)
    mapping = headers.mapping
    title = _title(top[:h])
    # A sheet pads every row to its widest one: the header ends at its last named column.
    width = max((i + 1 for i, c in enumerate(header) if c.strip()), default=0)
    cols: dict[str, list[str]] = {f: [] for f in mapping.values()}
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    where = f"工作表「{sheet}」" if sheet else ""
    where_en = f"sheet {sheet!r} " if sheet else ""
    every = frozenset(range(width))
    for n, r in enumerate(rows[h + count :], start=first):
        if not any(map(_filled, r)):
            continue
        problem = None
        if any(map(_filled, r[width:])):  # a cell right of the header's last named column
            at = h + count + 1 + n - first  # the row of the sheet, as Excel numbers it
            problem = csv_rows.shape_problem([cell_text(c) for c in r], width, every, at)
        values = [cell_text(r[i]) if i < len(r) else "" for i in mapping]
        if problem is None and not any(v.strip() for v in values):
            problem = NO_FIELD
        if problem:
            problem = problem.replace("文件第", f"{where}表格第").replace(
                "file line", f"{where_en}sheet row"
            )
            bad.append((n, problem))
            continue
        numbers.append(n)
        for f, v in zip(mapping.values(), values, strict=True):
            cols[f].append(v)
    table = _table(numbers, cols)
    if sheet is not None:
        table = table.with_columns(pl.lit(sheet, pl.Utf8).alias("sheet"))
    return _raw(table, title, bad, encoding, headers)


DELIMITERS = (",", "\t", ";")


def _cells(line: str, delimiter: str) -> list[str]:
    """One line's cells, or none when csv refuses it (a huge field: the record reader says so)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def sniff_delimiter(lines: csv_rows.Lines, overrides: Overrides = None) -> str:
    """``,``, TAB or ``;``: the one that splits some top line into the most fields we know.

    Excel writes ``;`` where the decimal mark is a comma and TAB in "Unicode text"; a title row
    has no delimiter at all, so every line down to the header's depth is tried. Equal: comma.
    """
    top = lines.text.split("\n", HEADER_SEARCH_ROWS + 1)[: HEADER_SEARCH_ROWS + 1]
    best, score = ",", 0
    for d in DELIMITERS:
        if not any(d in line for line in top):
            continue
        n = max((len(named_fields(_cells(line, d), overrides)) for line in top), default=0)
        if n > score:
            best, score = d, n
    return best


def _csv_rows(
    lines: csv_rows.Lines, delimiter: str = ",", overrides: Overrides = None
) -> RawLedger:
    """Any CSV, record by record: every damaged line is one bad row, the others are read."""
    top: list[csv_rows.Record] = []
    for rec in csv_rows.records(lines.lines, lines.bad, 0, delimiter=delimiter):
        top.append(rec)
        if len(top) == HEADER_SEARCH_ROWS + 1:
            break
    h, count, header = _header([r.cells for r in top], overrides)
    headers = match_headers(header, overrides)
    mapping = headers.mapping
    title = _title([r.cells for r in top[:h]])
    width = len(header)
    end = top[h + count - 1].last
    optional = frozenset(
        i for i in range(width) if i not in mapping or mapping[i] in MAY_BE_MISSING
    )
    cols: dict[str, list[str]] = {f: [] for f in mapping.values()}
    numbers: list[int] = []
    bad: list[tuple[int, str]] = []
    covered = end
    records = csv_rows.records(lines.lines, lines.bad, end, width, optional, delimiter)
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
    return _raw(_table(numbers, cols), title, bad, lines.encoding, headers)


def _short_rows_fit(
    df: pl.DataFrame, lines: csv_rows.Lines, optional: frozenset[int], delimiter: str
) -> bool:
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
        n = (
            line.count(delimiter) + 1
            if '"' not in line
            else len(next(csv.reader([line], delimiter=delimiter), []))
        )
        if csv_rows.shape_problem([""] * n, width, optional, i + 2):
            return False
    return True


def _csv_fast(
    lines: csv_rows.Lines, header: list[str], delimiter: str, overrides: Overrides = None
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
            separator=delimiter,
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
    if not _short_rows_fit(df, lines, optional, delimiter):
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
    return _raw(table, "", bad, lines.encoding, headers)


def _check_zip(data: bytes, kind: str = "XLSX") -> None:
    """Refuse an XLSX (or ODS) whose zip directory says it inflates past the reading limits.

    A ledger is read in the build's own process, not in a worker, so a zip bomb must be stopped
    before the workbook reader inflates anything.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        name = type(exc).__name__
        raise LedgerReadError(f"无法打开 {kind}（{name}）/ cannot open {kind} ({name})") from exc
    limits = current_limits()
    # a sheet of a large ledger is bigger than a report's document.xml: the total cap only
    ledger_limits = replace(limits, zip_member_mb=limits.zip_total_mb)
    try:
        check_zip_members(infos, kind, ledger_limits)
    except Refusal as exc:
        raise LedgerReadError(str(exc)) from exc


# A merged range is filled only inside the sheet's stored cells: a range declared over a whole
# column (A1:A1048576) must not grow the sheet.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (BIFF in an OLE2 container)
WORKBOOK_SUFFIXES = frozenset({"xlsx", "xlsm", "xls", "ods"})


def fill_merged(
    rows: list[list[object]], merged: list[tuple[tuple[int, int], tuple[int, int]]]
) -> list[list[object]]:
    """Every cell of a merged range holds the range's value, as the sheet shows it.

    A merged 申请人类型 over three rows is the type of all three applications; a merged 申请人信息
    over 姓名 | 类型 is the group label of both columns. Readers give the value to the top-left
    cell only. Filled in place, clamped to the rows and columns the sheet stores.
    """
    width = max((len(r) for r in rows), default=0)
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            last = min(c1, width - 1)
            if len(row) <= last:
                row.extend([""] * (last + 1 - len(row)))
            for c in range(c0, last + 1):
                row[c] = value
    return rows


def _sheets(data: bytes, kind: str) -> list[tuple[str, bool, list[list[object]]]]:
    """(name, visible, rows) of each worksheet, merged cells filled; charts sheets skipped."""
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine's errors, a broken container, a password
        name = type(exc).__name__
        raise LedgerReadError(f"无法打开 {kind}（{name}）/ cannot open {kind} ({name})") from exc
    out = []
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            fill_merged(rows, sheet.merged_cell_ranges or [])
            out.append((meta.name, meta.visible == SheetVisibleEnum.Visible, rows))
    except LedgerReadError:
        raise
    except Exception as exc:
        name = type(exc).__name__
        raise LedgerReadError(f"无法读取 {kind}（{name}）/ cannot read {kind} ({name})") from exc
    finally:
        wb.close()
    return out


def _read_workbook(data: bytes, kind: str, overrides: Overrides = None) -> RawLedger:
    """Every sheet with a ledger header, as one ledger; rows numbered on across the sheets.

    Systems export one sheet per year or per department, so every sheet with a header is read,
    not just the first; a sheet without one (a cover, notes, a pivot) is skipped. Hidden sheets
    are lookup lists and leftovers as a rule: one is read only when no visible sheet has a
    header. With one ledger sheet the rows carry no sheet name (as a CSV's), with several each
    row names its sheet (``sheet``), and the title is the sheets' names and titles.
    """
    if kind != "XLS":
        _check_zip(data, kind)
    sheets = _sheets(data, kind)
    found: list[tuple[str, bool, list[list[object]]]] = []
    missing: LedgerReadError | None = None
    for name, visible, rows in sheets:
        try:
            _header([[cell_text(c) for c in r] for r in rows[: HEADER_SEARCH_ROWS + 1]], overrides)
        except LedgerReadError as exc:
            if str(exc) == MISSING_TYPE and visible:
                missing = missing or exc
            continue
        found.append((name, visible, rows))
    shown = [s for s in found if s[1]] or found
    if not shown:
        raise missing or LedgerReadError(
            "找不到表头（需含申请日期与申请人类型列）/ no header row found"
        )
    many = len(shown) > 1
    parts: list[RawLedger] = []
    first = 1
    for name, _, rows in shown:
        raw = _from_rows(rows, kind.lower(), name if many else None, first, overrides)
        raw.title = f"{name} {raw.title}".strip()
        last = [*raw.table["row"].to_list(), *(n for n, _ in raw.bad_rows)]
        first = max(last, default=first - 1) + 1
        parts.append(raw)
    if not many:
        return parts[0]
    for p, (name, _, _) in zip(parts, shown, strict=True):
        # one sheet per year: a sheet that names its year gives its rows that year
        year = year_in(name) or year_in(p.title)
        p.table = p.table.with_columns(pl.lit(year, pl.Int64).alias("sheet_year"))
    return RawLedger(
        pl.concat([p.table for p in parts], how="diagonal_relaxed"),
        " ".join(p.title for p in parts),
        list(dict.fromkeys(h for p in parts for h in p.unknown_headers)),
        [b for p in parts for b in p.bad_rows],
        kind.lower(),
        {k: v for p in parts for k, v in p.ambiguous_headers.items()},
        sum(p.rows_in for p in parts),
        parts[0].header_map,  # the first sheet's columns stand for the file's
    )


def read_ledger_bytes(data: bytes, name: str, overrides: Overrides = None) -> RawLedger:
    """Read a CSV, XLSX, XLS or ODS ledger (by its first bytes, else the name's extension).

    ``overrides``: header → field or ``"ignore"`` from the user's ledger map, applied before
    the matcher. Raises :class:`LedgerReadError`.
    """
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if data[:8] == _OLE:
        return _read_workbook(data, "XLS", overrides)
    # some systems write tab-separated text under a .xls name: read by its bytes, as a CSV
    if data[:2] == b"PK" or (suffix in WORKBOOK_SUFFIXES and suffix != "xls"):
        return _read_workbook(data, "ODS" if suffix == "ods" else "XLSX", overrides)
    try:
        lines = csv_rows.decode_lines(data)
    except csv_rows.UndecodableError as exc:
        raise LedgerReadError(str(exc)) from exc
    delimiter = sniff_delimiter(lines, overrides)
    head, second = [*lines.text.split("\n", 2)[:2], ""][:2]
    head = head.removesuffix("\r")
    if head and 0 not in lines.bad and not csv_rows.unclosed(head, delimiter):
        header, below = _cells(head, delimiter), _cells(second, delimiter)
        # a two-row header takes the record reader
        found = find_header([header, below], overrides=overrides)
        if found is not None and found[:2] == (0, 1):
            fast = _csv_fast(lines, header, delimiter, overrides)
            if fast is not None:
                return fast
    return _csv_rows(lines, delimiter, overrides)

"""Old Office formats as documents: Word/WPS binary (.doc/.wps), spreadsheets (.xls/.et/.xlsx).

A Word binary document is converted to DOCX by LibreOffice when it is installed and read by the
DOCX reader (:func:`pipelines.extract.readers.read_docx_lines`); without LibreOffice, or when it
fails on a file, the pure-Python reader (:mod:`pipelines.extract.word97`) reads the paragraphs
and table rows itself. Either way the lines are those the DOCX reader makes: a body paragraph
split at tabs/runs of spaces, a table row one line of its physical cells (a horizontally merged
cell once, a vertically merged continuation with the text of the cell above, a blank cell
:data:`EMPTY_MARK`). The :class:`Document`'s ``reader`` names the route (``doc→docx
(LibreOffice 7.4)``, ``doc (Word 97 reader)``), which the engine copies into the provenance of
every value.

A spreadsheet is read with python-calamine (BIFF5/8 ``.xls``, WPS ``.et``, ``.xlsx``, ``.ods``)
the way the HTML reader reads a ``<table>``: a merged range appears once (in its top-left cell),
a blank cell inside a table is :data:`EMPTY_MARK`, and a run of rows with at most one filled
cell each is running text. Where calamine cannot open a file, LibreOffice converts it to XLSX
first.
"""

from __future__ import annotations

import datetime as dt
import io

from pipelines.extract import soffice
from pipelines.extract.limits import Limits
from pipelines.extract.normalize import CELL_SPLIT, EMPTY_MARK, normalize_text
from pipelines.extract.refusal import Refusal
from pipelines.extract.word97 import Blocks, RowCell, read_word97, refuse_encrypted

Line = list[str]

NEEDS_LIBREOFFICE = "needs_libreoffice"
# A continuation cell looks for the cell above within this many twips of its left edge: Word
# and LibreOffice round column edges differently from row to row (2799 / 2800).
EDGE_SLACK = 30


def _timeout(limits: Limits) -> float:
    """LibreOffice's time: most of the document's time limit, leaving the fallback room."""
    return limits.doc_timeout_s * 0.75


# --- Word ---------------------------------------------------------------------------------


def blocks_to_lines(blocks: Blocks, clean, table_rows: set[int]) -> list[Line]:
    """The DOCX reader's lines from the Word 97 reader's paragraphs and rows.

    ``clean`` is the DOCX reader's cell normaliser (passed in: this module is imported by the
    readers' module).
    """
    lines: list[Line] = []
    above: dict[int, str] = {}
    in_table = False
    for kind, item in blocks.items:
        if kind == "p":
            in_table = False
            text = normalize_text(str(item))
            cells = [c for c in CELL_SPLIT.split(text.strip()) if c]
            if cells:
                lines.append(cells)
            continue
        if not in_table:
            above, in_table = {}, True
        line, above = _row(item, above, clean)  # type: ignore[arg-type]
        table_rows.add(len(lines))
        lines.append(line)
    return lines


def _row(cells: list[RowCell], above: dict[int, str], clean) -> tuple[Line, dict[int, str]]:
    line: Line = []
    here: dict[int, str] = {}
    for cell in cells:
        text = "\n".join(cell.paras)
        if cell.cont:
            near = [k for k in above if abs(k - cell.left) <= EDGE_SLACK]
            if near:
                text = above[min(near, key=lambda k: abs(k - cell.left))]
        here[cell.left] = text
        c = clean(text)
        line.append(c if c else EMPTY_MARK)
    return line, here


def read_word(data: bytes, source: str, limits: Limits, docx_lines, clean, kind: str = "doc"
              ) -> tuple[list[Line], set[int], str]:
    """(lines, table rows, reader) of a Word binary (``doc``) or RTF document.

    See the module docstring. ``docx_lines`` is :func:`read_docx_lines`. RTF has no built-in
    reader: without LibreOffice it is refused (``needs_libreoffice``). Raises :class:`Refusal`
    when no route can read the file, with every reason.
    """
    rows: set[int] = set()
    program = soffice.soffice_path()
    failed = ""
    if program is not None:
        if kind == "doc":
            refuse_encrypted(data, source)
        try:
            docx = soffice.convert(data, f".{kind}", "docx", _timeout(limits), program)
        except soffice.ConversionError as exc:
            failed = str(exc)
        else:
            lines = docx_lines(docx, rows, source, limits)
            return lines, rows, f"{kind}→docx ({soffice.soffice_version(program)})"
    if kind == "rtf":
        why = f"；{failed}" if failed else ""
        raise Refusal(NEEDS_LIBREOFFICE, f"{source}: 需要 LibreOffice 读取 RTF 文档{why} / "
                      "LibreOffice is needed to read an RTF document")
    try:
        blocks = read_word97(data, source, limits.text_chars)
    except Refusal as refusal:
        if failed:  # both routes failed: say why each did
            raise Refusal(refusal.rule, f"{refusal.message}；{failed}") from refusal
        raise
    lines = blocks_to_lines(blocks, clean, rows)
    reader = "doc (Word 97 reader)"
    if failed:
        reader += f"; LibreOffice failed: {failed}"
    return lines, rows, reader


# --- spreadsheets -------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as printed: whole numbers without ``.0``, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sheets(data: bytes, source: str, limits: Limits) -> list[tuple[list[list[str]], list]]:
    """(rows of cell texts, merged ranges) of each visible worksheet, in the workbook's order.

    A sheet whose grid (rows × columns, blank cells included) has more cells than the text
    limit has characters is refused before it is turned into Python objects: a damaged cell
    address can make a 14-column table 50,000 columns wide.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = []
    cells = 0
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            cells += (sheet.end[0] + 1) * (sheet.end[1] + 1) if sheet.end else 0
            if cells > limits.text_chars:
                raise Refusal("limit_exceeded", f"{source}: 工作表过大（{cells:,} 个单元格，上限 "
                              f"{limits.text_chars:,}）/ sheet too large ({cells:,} cells, limit "
                              f"{limits.text_chars:,})")
            rows = [[cell_text(c).strip() for c in r]
                    for r in sheet.to_python(skip_empty_area=False)]
            out.append((rows, list(sheet.merged_cell_ranges or [])))
    finally:
        wb.close()
    return out


def sheet_lines(rows: list[list[str]], merged: list, clean, table_rows: set[int],
                lines: list[Line]) -> None:
    """Append one sheet's lines to ``lines``: tables as cell rows, other rows as text.

    Rows are grouped into blocks separated by blank rows. In a block, the rows with at most
    one filled cell and no merged range at its top and bottom are running text (a heading
    typed right above a table), one line per row; the rows between them are a table: each a
    line of the table's columns, the cells a merged range covers left out (it appears once,
    as in HTML), a blank cell :data:`EMPTY_MARK`.
    """
    covered, spans = _merges(merged, len(rows))

    def filled(r: int) -> list[int]:
        return [c for c, v in enumerate(rows[r]) if v or (r, c) in covered]

    def lone(i: int) -> bool:  # a row of running text: one filled cell, no merged range
        return i not in spans and len([c for c in filled(i) if rows[i][c]]) <= 1

    r = 0
    while r < len(rows):
        if not filled(r):
            r += 1
            continue
        end = r
        while end < len(rows) and filled(end):
            end += 1
        top, bottom = r, end
        while top < bottom and lone(top):  # headings and paragraphs right above a table
            top += 1
        while bottom > top and lone(bottom - 1):  # notes right below it
            bottom -= 1
        _text_rows(rows, range(r, top), lines)
        if top < bottom:
            cols = {c for i in range(top, bottom) for c in filled(i)}
            first, last = min(cols), max(cols)
            for i in range(top, bottom):
                line = []
                for c in range(first, last + 1):
                    if (i, c) in covered:
                        continue
                    v = clean(rows[i][c]) if c < len(rows[i]) else ""
                    line.append(v or EMPTY_MARK)
                table_rows.add(len(lines))
                lines.append(line)
        _text_rows(rows, range(bottom, end), lines)
        r = end


def _merges(merged: list, n_rows: int) -> tuple[set[tuple[int, int]], set[int]]:
    """The cells merged ranges cover (all but each top-left), and the rows they take part in."""
    covered: set[tuple[int, int]] = set()
    spans: set[int] = set()
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, min(r1, n_rows - 1) + 1):
            spans.add(r)
            covered.update((r, c) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    return covered, spans


def _text_rows(rows: list[list[str]], which: range, lines: list[Line]) -> None:
    """Rows of running text: each filled row's text, split into lines and cells as text is."""
    for i in which:
        text = normalize_text("\n".join(v for v in rows[i] if v))
        for raw in text.splitlines():
            cells = [c for c in CELL_SPLIT.split(raw.strip()) if c]
            if cells:
                lines.append(cells)


def read_sheet(data: bytes, source: str, limits: Limits, clean, suffix: str = ".xls"
               ) -> tuple[list[Line], set[int], str]:
    """(lines, table rows, reader) of a spreadsheet report; see the module docstring."""
    try:
        sheets = _sheets(data, source, limits)
        reader = "calamine"
    except Refusal:
        raise
    except Exception as exc:
        program = soffice.soffice_path()
        why = f"{type(exc).__name__}: {exc}"[:160]
        if "password" in why.lower() or "encrypt" in why.lower():
            raise Refusal("encrypted_office_file", f"{source}: 电子表格已加密（设有打开密码）/ "
                          "encrypted spreadsheet (a password is needed to open it)") from exc
        if program is None:
            raise Refusal("damaged_office_file", f"{source}: 无法读取电子表格（{why}）/ "
                          f"cannot read the spreadsheet ({why})") from exc
        try:
            xlsx = soffice.convert(data, suffix, "xlsx", _timeout(limits), program)
            sheets = _sheets(xlsx, source, limits)
        except Refusal:
            raise
        except Exception as again:  # LibreOffice's ConversionError, calamine's errors
            raise Refusal("damaged_office_file", f"{source}: 无法读取电子表格（{why}；{again}）"
                          f" / cannot read the spreadsheet ({why}; {again})") from again
        reader = f"xls→xlsx ({soffice.soffice_version(program)})"
    lines: list[Line] = []
    rows: set[int] = set()
    for cells, merged in sheets:
        sheet_lines(cells, merged, clean, rows, lines)
    return lines, rows, reader

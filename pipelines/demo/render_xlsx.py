"""A report as a spreadsheet: the whole document on one sheet, tables with merged cells.

Some bodies publish their annual report as an Excel/WPS workbook (the statistics tables, with
the text above and between them in column A). This renderer lays a :class:`Doc` out that way:
title, paragraphs and headings one per row in column A, each template table on the grid with
its merged header cells (``merge_range``), value cells as numbers where they are numbers, a
blank row after each table. ``scripts/make_office_fixtures.py`` converts the result to ``.xls``
with LibreOffice (and copies it as the ``.et`` WPS writes).
"""

from __future__ import annotations

import datetime as dt
import io
import re

from .layout import Doc, place, tables

_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def _value(text: str) -> str | int | float:
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def render_xlsx(doc: Doc) -> bytes:
    """The document as an XLSX workbook of one sheet (deterministic for a document)."""
    import xlsxwriter

    buf = io.BytesIO()
    y, m, d = (int(x) for x in doc.published.split("-"))
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"title": doc.title, "author": doc.body.name,
                       "created": dt.datetime(y, m, d, 9, 0, 0)})
    ws = wb.add_worksheet("年度报告")
    cell = wb.add_format({"border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    ws.set_column(0, 0, 40)
    ws.set_column(1, 15, 10)
    row = 0

    def text(value: str) -> None:
        nonlocal row
        ws.write_string(row, 0, value)
        row += 1

    text(doc.title)
    for p in doc.intro:
        text(p)
    tabs = tables(doc)
    for heading, paragraphs, table_id in doc.sections:
        text(heading)
        for p in paragraphs:
            text(p)
        if not table_id:
            continue
        rows = tabs[table_id]
        for r, c, piece in place(rows):
            value = piece.text if piece.header else _value(piece.text)
            r0 = row + r
            if piece.rowspan > 1 or piece.colspan > 1:
                ws.merge_range(r0, c, r0 + piece.rowspan - 1, c + piece.colspan - 1, value, cell)
            elif value == "":
                ws.write_blank(r0, c, None, cell)
            else:
                ws.write(r0, c, value, cell)
        row += len(rows) + 1  # a blank row after the table
    row += 1
    text(doc.body.name)
    text(f"{y}年{m}月{d}日")
    wb.close()
    return buf.getvalue()

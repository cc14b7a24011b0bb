"""PDFs with a text layer (reportlab, built-in CID font ``STSong-Light``): prose and grid tables.

Kept to one or two A4 pages (brief prose, 7.5 pt tables); merged header cells are drawn with
reportlab ``SPAN`` commands over a full grid. ``invariant=1`` fixes the creation date and file
id, so the bytes depend only on the document.
"""

from __future__ import annotations

import io
from functools import cache

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .layout import Doc, place, tables

FONT = "STSong-Light"
_WIDTHS = {"2": [50, 40, 40, 40], "3": [9, 18, 58] + [13] * 7, "4": [11.3] * 15}


@cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK",
                          firstLineIndent=19)
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=14, leading=20, alignment=1,
                                firstLineIndent=0),
        "date": ParagraphStyle("date", parent=base, alignment=1, firstLineIndent=0),
        "body": base,
        "head": ParagraphStyle("head", parent=base, firstLineIndent=0, spaceBefore=3),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=6.5, leading=7.5, wordWrap="CJK",
                               alignment=1),
    }


def _grid(rows, widths: list[float]) -> Table:
    st = _styles()
    n_rows, n_cols = len(rows), len(widths)
    data: list[list[object]] = [[""] * n_cols for _ in range(n_rows)]
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("FONT", (0, 0), (-1, -1), FONT, 7),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 1),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1),
    ]
    for r, c, cell in place(rows):
        data[r][c] = Paragraph(cell.text, st["cell"]) if cell.header else cell.text
        if cell.rowspan > 1 or cell.colspan > 1:
            commands.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
    return Table(data, colWidths=[w * mm for w in widths], style=TableStyle(commands))


def render_pdf(doc: Doc) -> bytes:
    """The document as a one- or two-page PDF.

    Args:
        doc: the printed document (prose already brief).

    Returns:
        The PDF bytes (deterministic).
    """
    st = _styles()
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=doc.title,
                            author=doc.body.name, creator="", producer="", invariant=1)
    tabs = tables(doc)
    story: list[object] = [Paragraph(doc.title, st["title"]),
                           Paragraph(f"发布日期：{doc.published}", st["date"])]
    story += [Paragraph(p, st["body"]) for p in doc.intro]
    for heading, paragraphs, table_id in doc.sections:
        story.append(Paragraph(heading, st["head"]))
        story += [Paragraph(p, st["body"]) for p in paragraphs]
        if table_id:
            story += [Spacer(1, 2), _grid(tabs[table_id], _WIDTHS[table_id]), Spacer(1, 3)]
    pdf.build(story)
    return buf.getvalue()

"""Other dresses of one HTML report, made inside the test suite: printed to PDF, saved as DOCX.

A report is often re-published in another container: the HTML page printed to PDF by a
browser, or its tables pasted into Word. The engine must read the same values from each, so the
variant tests build these dresses from the corpus and demo HTML here:

* :func:`chromium_pdf` — headless Chromium ``--print-to-pdf`` (what a person printing the page
  gets); needs ``/usr/bin/chromium`` (see ``browser_setup.ensure_chromium``).
* :func:`reportlab_pdf` — the parsed page drawn with reportlab (built-in CID font
  ``STSong-Light``, no font file): paragraphs, and the tables as ruled grids with the same
  merged cells. Always available, so the PDF dress is tested on every machine.
* :func:`python_docx` — the parsed page written with python-docx, merged cells merged.

:func:`html_blocks` is the one parse both PDF and DOCX writers share.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import escape

from pipelines.demo.layout import Cell, place

_WS = re.compile(r"\s+")
_BLOCKS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section",
                     "article", "ul", "ol", "header", "footer", "center", "blockquote"))


Block = str | list[list[Cell]]  # a paragraph, or a table as rows of physical cells


def _text(el) -> str:
    return _WS.sub(" ", el.text_content().replace("\xa0", " ")).strip()


def _span(el, name: str) -> int:
    try:
        return max(1, int(el.get(name, "1")))
    except ValueError:
        return 1


def html_blocks(html: str) -> list[Block]:
    """Paragraphs and tables of a page in reading order (the ``<title>`` is not printed)."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    blocks: list[Block] = []

    def walk(el) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in ("script", "style", "head"):
                continue
            if child.tag == "table":
                rows = [[Cell(_text(td), _span(td, "rowspan"), _span(td, "colspan"))
                         for td in tr if td.tag in ("td", "th")] for tr in child.iter("tr")]
                blocks.append([r for r in rows if r])
            elif child.tag in _BLOCKS and child.find(".//table") is not None:
                walk(child)
            elif child.tag in _BLOCKS or child.tag == "body":
                if text := _text(child):
                    blocks.append(text)
            else:
                walk(child)

    body = root.find("body")
    walk(body if body is not None else root)
    return blocks


def grid(rows: list[list[Cell]]) -> tuple[int, list[tuple[int, int, Cell]]]:
    """Place physical cells on the table grid: (columns, [(row, column, cell)])."""
    placed = place(rows)
    n_cols = max((c + cell.colspan for _, c, cell in placed), default=0)
    return n_cols, placed


def reportlab_pdf(html: str) -> bytes:
    """The page drawn by reportlab: wrapped CJK paragraphs and ruled tables with spans."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("cell", fontName=font, fontSize=6.5, leading=7.5, wordWrap="CJK",
                           alignment=1)
    story: list[object] = []
    width = A4[0] - 30 * mm
    for block in html_blocks(html):
        if isinstance(block, str):
            story.append(Paragraph(escape(block), body))
            continue
        n_cols, placed = grid(block)
        data: list[list[object]] = [[""] * n_cols for _ in range(len(block))]
        style = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        for r, c, cell in placed:
            data[r][c] = Paragraph(escape(cell.text), small)
            if cell.rowspan > 1 or cell.colspan > 1:
                style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        story += [Spacer(1, 3), Table(data, colWidths=[width / n_cols] * n_cols,
                                      style=TableStyle(style)), Spacer(1, 3)]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                      topMargin=12 * mm, bottomMargin=12 * mm, invariant=1).build(story)
    return buf.getvalue()


def python_docx(html: str) -> bytes:
    """The page as a Word document: paragraphs, and tables with merged cells merged."""
    import docx

    document = docx.Document()
    for block in html_blocks(html):
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        n_cols, placed = grid(block)
        table = document.add_table(rows=len(block), cols=n_cols)
        table.style = "Table Grid"
        for r, c, cell in placed:
            target = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            target.text = cell.text
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def chromium_pdf(html: str, chromium: Path, tmp: Path) -> bytes:
    """The page printed by headless Chromium (``--print-to-pdf``, no header/footer)."""
    if "charset" not in html[:2000].lower():  # a saved fragment: tell the browser it is UTF-8
        html = '<meta charset="utf-8">\n' + html
    page = tmp / f"page-{time.monotonic_ns()}.html"
    page.write_text(html, encoding="utf-8")
    out, profile = page.with_suffix(".pdf"), tmp / f"profile-{time.monotonic_ns()}"
    cmd = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={out}",
           page.as_uri()]
    try:
        subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if not out.exists():
        raise RuntimeError(f"chromium printed nothing for {page.name}")
    return out.read_bytes()

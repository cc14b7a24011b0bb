"""PDFs with a text layer, written directly: prose lines and ruled grid tables, one or two pages.

Why not reportlab's platypus (the first renderer): laying out three merged-cell tables cell by
cell took ~100 ms a document, most of the national demo's time. A table's rules and header
labels depend only on its header cells (template and sub-row numbering), so each table is laid
out once and kept as a content-stream fragment, a prebuilt template; a document adds its prose
lines and its numbers, each centred in its cached cell box (~2 ms a document).

The font is the built-in CID font reportlab used (``STSong-Light``, ``UniGB-UCS2-H``, not
embedded; readers substitute a Song face), with reportlab's widths array, so text extraction
(pdfminer, pdfplumber) measures characters as in any such PDF. Cells are stroked rectangles,
which pdfplumber reads as table rules. Metadata carries the publication date, so the bytes
depend only on the document.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from .layout import Cell, Doc, place, tables

FONT = "STSong-Light"
MM = 72 / 25.4
PAGE_W, PAGE_H = 595.2756, 841.8898
LEFT = 15 * MM + 6  # margin plus the frame padding reportlab used
TOP_Y = PAGE_H - 12 * MM - 6
BOTTOM_Y = 12 * MM + 6
FRAME_W = PAGE_W - 2 * LEFT
_WIDTHS = {"2": [50, 40, 40, 40], "3": [9, 18, 58] + [13] * 7, "4": [11.3] * 15}

# (font size, leading, first-line indent, centred) of each kind of line
_BODY = (9.5, 13.0, 19.0, False)
_TITLE = (14.0, 20.0, 0.0, True)
_DATE = (9.5, 13.0, 0.0, True)
_HEAD = (9.5, 13.0, 0.0, False)
_HEADER_CELL = (6.5, 7.5)  # wrapped header labels
_VALUE_SIZE = 7.0
_PAD = 2.5  # top + bottom cell padding
_ROW = 1.2 * _VALUE_SIZE + _PAD  # a one-line row

# A run of Latin letters, digits and their punctuation is never broken across lines (a number
# split in two would read as two numbers); any other character may end a line.
_TOKEN = re.compile(r"[A-Za-z0-9.,%+\-/:]+|.", re.S)
_NO_LINE_START = frozenset("。，、；：？！）》」”’")  # closing punctuation stays on its line

_FONT_OBJ = (
    "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    "/DescendantFonts [ << /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 0 >> /DW 1000 "
    "/FontDescriptor << /Type /FontDescriptor /FontName /STSongStd-Light /Ascent 752 "
    "/CapHeight 737 /Descent -271 /Flags 6 /FontBBox [ -25 -254 1000 880 ] /ItalicAngle 0 "
    "/Leading 148 /MaxWidth 1000 /MissingWidth 500 /StemH 91 /StemV 58 /XHeight 553 >> "
    "/W [ 1 [ 207 270 342 467 462 797 710 239 374 ] 10 [ 374 423 605 238 375 238 334 462 ] "
    "18 26 462 27 28 238 29 31 605 32 [ 344 748 684 560 695 739 563 511 729 793 318 312 666 "
    "526 896 758 772 544 772 628 465 607 753 711 972 647 620 607 374 333 374 606 500 239 417 "
    "503 427 529 415 264 444 518 241 230 495 228 793 527 524 ] 81 [ 524 504 338 336 277 517 "
    "450 652 466 452 407 370 258 370 605 ] ] >> ] >>"
)


@cache
def _em() -> dict[str, float]:
    """Character → advance in em, filled lazily from the font's metrics."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {}


def _width(text: str, size: float) -> float:
    em = _em()
    total = 0.0
    for ch in text:
        w = em.get(ch)
        if w is None:
            w = em[ch] = pdfmetrics.stringWidth(ch, FONT, 1.0)
        total += w
    return total * size


def _wrap(text: str, size: float, width: float, indent: float = 0.0) -> list[str]:
    """Greedy line breaking of ``text`` in ``width`` points (first line indented)."""
    lines: list[str] = []
    cur, cur_w = "", indent
    for tok in _TOKEN.findall(text):
        tw = _width(tok, size)
        if cur and cur_w + tw > width + 1e-6 and tok not in _NO_LINE_START:
            lines.append(cur)
            cur, cur_w = "", 0.0
        cur += tok
        cur_w += tw
    lines.append(cur)
    return lines


def _text(x: float, y: float, size: float, text: str) -> str:
    """One positioned string (UCS-2 big-endian, as the UniGB-UCS2-H encoding reads it)."""
    return f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td <{text.encode('utf-16-be').hex()}> Tj ET\n"


def _centred(x: float, top: float, w: float, h: float, lines: list[str], size: float,
             leading: float) -> str:
    """Lines centred in a box whose top-left corner is (x, top)."""
    block_top = top - (h - leading * len(lines)) / 2
    out = []
    for i, line in enumerate(lines):
        baseline = block_top - i * leading - (leading + 0.75 * size) / 2
        out.append(_text(x + (w - _width(line, size)) / 2, baseline, size, line))
    return "".join(out)


@dataclass(frozen=True)
class _Layout:
    """A table laid out once: its height, its static drawing and the boxes of its values.

    Coordinates are relative to the table's top-left corner (y grows upwards, so negative).
    """

    width: float
    height: float
    static: str
    boxes: tuple[tuple[float, float, float, float], ...]  # value cells in place() order


def _layout(rows: list[list[Cell]], widths_mm: tuple[float, ...]) -> _Layout:
    placed = place(rows)
    widths = [w * MM for w in widths_mm]
    xs = [sum(widths[:i]) for i in range(len(widths) + 1)]
    heights = [_ROW] * len(rows)
    lines: dict[int, list[str]] = {}
    for i, (_, c, cell) in enumerate(placed):
        if cell.header:
            lines[i] = _wrap(cell.text, _HEADER_CELL[0], xs[c + cell.colspan] - xs[c] - 2)
    for want_span in (False, True):  # single-row cells first, then rowspans take what's missing
        for i, (r, _, cell) in enumerate(placed):
            if i in lines and (cell.rowspan > 1) == want_span:
                need = len(lines[i]) * _HEADER_CELL[1] + _PAD
                have = sum(heights[r:r + cell.rowspan])
                heights[r + cell.rowspan - 1] += max(0.0, need - have)
    ys = [-sum(heights[:i]) for i in range(len(heights) + 1)]
    rules, labels, boxes = [], [], []
    for i, (r, c, cell) in enumerate(placed):
        x, top = xs[c], ys[r]
        w, h = xs[c + cell.colspan] - x, top - ys[r + cell.rowspan]
        rules.append(f"{x:.2f} {top - h:.2f} {w:.2f} {h:.2f} re\n")
        if i in lines:
            labels.append(_centred(x, top, w, h, lines[i], *_HEADER_CELL))
        else:
            boxes.append((x, top, w, h))
    static = "0.5 w\n" + "".join(rules) + "S\n" + "".join(labels)
    return _Layout(xs[-1], -ys[-1], static, tuple(boxes))


_LAYOUTS: dict[tuple, _Layout] = {}


def _table_layout(table_id: str, rows: list[list[Cell]]) -> _Layout:
    """The cached layout of a table with these header cells (values do not change it)."""
    key = (table_id, tuple((c.text, c.rowspan, c.colspan) if c.header else (c.colspan,)
                           for row in rows for c in row), tuple(len(row) for row in rows))
    if key not in _LAYOUTS:
        _LAYOUTS[key] = _layout(rows, tuple(_WIDTHS[table_id]))
    return _LAYOUTS[key]


class _Pages:
    """Content streams of the pages, filled top-down."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.y = TOP_Y

    def _room(self, height: float) -> None:
        if self.y - height < BOTTOM_Y and self.pages[-1]:
            self.pages.append([])
            self.y = TOP_Y

    def paragraph(self, text: str, style: tuple[float, float, float, bool],
                  space_before: float = 0.0) -> None:
        size, leading, indent, centred = style
        self.y -= space_before
        for i, line in enumerate(_wrap(text, size, FRAME_W, indent)):
            self._room(leading)
            baseline = self.y - (leading + 0.75 * size) / 2
            lead = indent if i == 0 else 0.0
            x = LEFT + ((FRAME_W - _width(line, size)) / 2 if centred else lead)
            self.pages[-1].append(_text(x, baseline, size, line))
            self.y -= leading

    def table(self, layout: _Layout, values: list[str]) -> None:
        self.y -= 2
        self._room(layout.height)
        x0 = LEFT + (FRAME_W - layout.width) / 2
        cells = "".join(_centred(x, top, w, h, [text], _VALUE_SIZE, 1.2 * _VALUE_SIZE)
                        for (x, top, w, h), text in zip(layout.boxes, values, strict=True)
                        if text)
        self.pages[-1].append(f"q 1 0 0 1 {x0:.2f} {self.y:.2f} cm\n{layout.static}{cells}Q\n")
        self.y -= layout.height + 3


def _utf16(text: str) -> str:
    return f"<feff{text.encode('utf-16-be').hex()}>"


def _pdf(pages: list[str], doc: Doc) -> bytes:
    """Assemble the file: catalog, page tree, font, info, then each page and its stream."""
    n = len(pages)
    stamp = doc.published.replace("-", "")
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Count {} /Kids [ {} ] >>".format(
            n, " ".join(f"{5 + 2 * i} 0 R" for i in range(n))),
        _FONT_OBJ,
        f"<< /Title {_utf16(doc.title)} /Author {_utf16(doc.body.name)} "
        f"/CreationDate (D:{stamp}090000+08'00') /ModDate (D:{stamp}090000+08'00') >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    for i, content in enumerate(pages):
        stream = zlib.compress(content.encode("ascii"), 6)
        page = (f"<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 {PAGE_W} {PAGE_H} ] "
                f"/Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>")
        offsets.append(len(out))
        out += f"{5 + 2 * i} 0 obj\n{page}\nendobj\n".encode()
        offsets.append(len(out))
        out += (f"{6 + 2 * i} 0 obj\n<< /Length {len(stream)} /Filter /FlateDecode >>\n"
                "stream\n").encode() + stream + b"\nendstream\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R /Info 4 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def render_pdf(doc: Doc) -> bytes:
    """The document as a one- or two-page PDF.

    Args:
        doc: the printed document (prose already brief).

    Returns:
        The PDF bytes (deterministic).
    """
    flow = _Pages()
    flow.paragraph(doc.title, _TITLE)
    flow.paragraph(f"发布日期：{doc.published}", _DATE)
    for p in doc.intro:
        flow.paragraph(p, _BODY)
    tabs = tables(doc)
    for heading, paragraphs, table_id in doc.sections:
        flow.paragraph(heading, _HEAD, space_before=3)
        for p in paragraphs:
            flow.paragraph(p, _BODY)
        if table_id:
            rows = tabs[table_id]
            values = [cell.text for _, _, cell in place(rows) if not cell.header]
            flow.table(_table_layout(table_id, rows), values)
    return _pdf(["".join(page) for page in flow.pages], doc)

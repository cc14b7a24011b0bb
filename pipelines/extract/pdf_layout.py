"""PDF tables without ruling lines: every value placed under its column by its x-position.

A PDF has no cells, only positioned words. Where a table is drawn with ruling lines, pdfplumber
finds its cells and the reader keeps them. Where it is not (a page printed by a browser from a
table styled without borders, a Word table with borders switched off, lines pdfplumber misses),
reading the words line by line loses every blank cell: a row printed ``5 | | | | 2 | 7`` reads
``5 2 7`` and its numbers shift left into the wrong columns. This module restores the blanks
from the geometry alone:

* words are grouped into text rows by their top edge (as pdfplumber's text lines are);
* a **value row** is a row whose value words (numbers, dashes, 无) all come after its label
  words; consecutive value rows, the label-only rows between them (wrapped labels) and the
  header rows just above them form one table **region**;
* the region's **columns** are the clusters of its value words' x-ranges (values of one column
  overlap each other however they are aligned), completed by header words right of the label
  column that lie over no value (a column printed blank in every row); a header word over two
  or more columns is a spanning header and says nothing about columns;
* each value row becomes its label cells followed by one cell per column: the value under it,
  or :data:`~pipelines.extract.normalize.EMPTY_MARK` where the row has none.

A row whose values do not fit the columns one-to-one (two values under one column) is left as
it was printed. Text outside value regions keeps the word-per-cell lines of the plain reader.
Everything here is a pure function of word boxes, so it is tested without PDF files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.extract.normalize import (
    CELL_SPLIT,
    EMPTY_MARK,
    MD_RULE,
    MD_TABLE_LINE,
    cell_kind,
    normalize_text,
)
from pipelines.extract.tokens import is_page_number

Line = list[str]

LINE_TOLERANCE = 3.0  # points: words whose tops differ by at most this share a text row
ALIGN_TOLERANCE = 1.0  # points of slack when comparing a word's edge with a column edge
CELL_GAP = 0.8  # points between two glyphs that separate two cells (glyphs of a word touch)
MAX_HEADER_ROWS = 6  # header rows above a table's first value row that can name columns
PROSE_SHARE = 0.45  # a single word wider than this share of the text width is running text
_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、．])")


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a PDF text layer: its text and box (points, top-left origin)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    chars: tuple[tuple[str, float, float], ...] = ()  # (glyph, x0, x1), to split glued cells


@dataclass(frozen=True, slots=True)
class Cell:
    """A normalised cell of a text row, with the x-range of the word it came from."""

    text: str
    x0: float
    x1: float
    is_value: bool
    size: float = 0.0  # glyph height: one CJK character is about this wide
    parts: tuple[tuple[float, float], ...] = ()  # x-ranges between visible gaps in the word

    @property
    def centre(self) -> float:
        """Horizontal centre of the word."""
        return (self.x0 + self.x1) / 2


@dataclass
class TextRow:
    """The words sharing one baseline, left to right, as cells."""

    top: float
    cells: list[Cell]

    @property
    def line(self) -> Line:
        """The row as the plain reader prints it: one cell per word."""
        return [c.text for c in self.cells]

    @property
    def is_value_row(self) -> bool:
        """Values after labels only (a number inside running text does not make a row)."""
        seen_value = False
        for c in self.cells:
            if c.is_value:
                seen_value = True
            elif seen_value:
                return False
        return seen_value and not is_page_number(self.line)


@dataclass
class Region:
    """Header rows, then value rows and the label-only rows among them (indices into rows)."""

    headers: list[int] = field(default_factory=list)
    body: list[int] = field(default_factory=list)
    value_left: float = float("inf")  # left edge of the leftmost value

    def has_values(self) -> bool:
        """Whether a value row has been added."""
        return self.value_left != float("inf")


def _cells(word: Word) -> list[Cell]:
    """A word as normalised cells (a full-width space inside a word splits it, as in text)."""
    out = []
    for piece in CELL_SPLIT.split(normalize_text(word.text).strip()):
        if piece:
            kind = cell_kind(piece)
            out.append(Cell(piece, word.x0, word.x1, kind is not None and kind != "empty",
                            word.bottom - word.top, _parts(word)))
    return out


def _parts(word: Word) -> tuple[tuple[float, float], ...]:
    """The x-ranges of a word's glyph runs separated by a visible gap.

    Header texts of adjacent narrow columns run together into one word; the gaps between
    their glyph runs still show where one column's header ends.
    """
    if len(word.chars) < 2:
        return ((word.x0, word.x1),)
    out, lo = [], word.chars[0][1]
    for prev, cur in zip(word.chars, word.chars[1:], strict=False):
        if cur[1] - prev[2] > CELL_GAP:
            out.append((lo, prev[2]))
            lo = cur[1]
    out.append((lo, word.chars[-1][2]))
    return tuple(out)


def _glued_pieces(word: Word) -> list[Word]:
    """A word cut where a digit meets its neighbour across a visible gap.

    Narrow unruled cells leave less space between their texts than the word tolerance, so
    a label and its value, or two adjacent values, come out as one word (``数量32``,
    ``00034``). Glyphs of one number or one label touch; a gap next to a digit is the space
    between two cells.
    """
    pieces: list[Word] = []
    start = 0
    chars = word.chars
    for k in range(1, len(chars)):
        prev, cur = chars[k - 1], chars[k]
        if (prev[0].isdigit() or cur[0].isdigit()) and cur[1] - prev[2] > CELL_GAP:
            pieces.append(_sub(word, start, k))
            start = k
    pieces.append(_sub(word, start, len(chars)))
    return pieces


def _sub(word: Word, a: int, b: int) -> Word:
    part = word.chars[a:b]
    return Word("".join(c[0] for c in part), part[0][1], part[-1][2], word.top, word.bottom,
                part)


def _markdown_row(row: TextRow) -> TextRow | None:
    """A row printed as a Markdown pipe row (a ``.md`` file printed as text): split on pipes."""
    text = " ".join(row.line)
    if not MD_TABLE_LINE.match(text):
        return None
    x0, x1 = row.cells[0].x0, row.cells[-1].x1
    cells = []
    for piece in text.strip().strip("|").split("|"):
        piece = re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", piece.strip())
        kind = cell_kind(piece or EMPTY_MARK)
        cells.append(Cell(piece or EMPTY_MARK, x0, x1, kind is not None and kind != "empty",
                          row.cells[0].size))
    return TextRow(row.top, cells)


def text_rows(words: list[Word]) -> list[TextRow]:
    """Words grouped into rows: sorted by top, a new row where the top jumps by > tolerance."""
    rows: list[TextRow] = []
    group: list[Word] = []
    last = None
    for w in sorted(words, key=lambda w: w.top):
        if last is not None and w.top - last > LINE_TOLERANCE:
            rows.append(_row(group))
            group = []
        group.append(w)
        last = w.top
    if group:
        rows.append(_row(group))
    out = []
    for row in rows:
        if not row.cells:
            continue
        if MD_RULE.match(" ".join(row.line)):
            continue
        out.append(_markdown_row(row) or row)
    return out


def _row(words: list[Word]) -> TextRow:
    """One text row; cut glued cells apart when that makes it a table row with more values."""
    ordered = sorted(words, key=lambda w: w.x0)
    top = min(w.top for w in words)
    row = TextRow(top, [c for w in ordered for c in _cells(w)])
    if not any(len(w.chars) > 1 and any(ch.isdigit() for ch in w.text) for w in ordered):
        return row
    cut = TextRow(top, [c for w in ordered for p in _glued_pieces(w) for c in _cells(p)])
    if cut.is_value_row and _n_values(cut) > _n_values(row):
        return cut
    return row


def _n_values(row: TextRow) -> int:
    return sum(c.is_value for c in row.cells)


def _is_break(row: TextRow, width: float) -> bool:
    """Running text or a page footer: no table region continues across it."""
    if is_page_number(row.line):
        return True
    if row.is_value_row:
        return False
    return any(c.x1 - c.x0 > PROSE_SHARE * width for c in row.cells) or any(
        c.is_value for c in row.cells)


def find_regions(rows: list[TextRow]) -> list[Region]:
    """Group rows into table regions: header rows, then value rows and labels among them.

    A non-value row after the region's values closes it when any of its words reaches into
    the value columns (a new header, or text); it then becomes a header candidate of the next
    region. Running text and page footers close regions and are never headers.
    """
    if not rows:
        return []
    left = min(c.x0 for r in rows for c in r.cells)
    width = max(c.x1 for r in rows for c in r.cells) - left
    regions: list[Region] = []
    region: Region | None = None
    pending: list[int] = []
    for i, row in enumerate(rows):
        if _is_break(row, width):
            region, pending = None, []
            continue
        if row.is_value_row:
            if region is None:
                region = Region(headers=pending)
                regions.append(region)
                pending = []
            region.body.append(i)
            region.value_left = min(region.value_left,
                                    min(c.x0 for c in row.cells if c.is_value))
        elif region is not None and all(
                c.x1 <= region.value_left + ALIGN_TOLERANCE for c in row.cells):
            region.body.append(i)  # a wrapped or category label of the table
        else:
            region = None
            pending.append(i)
    return regions


def _overlapping(columns: list[list[float]], x0: float, x1: float) -> list[int]:
    return [k for k, (lo, hi) in enumerate(columns) if x0 < hi and x1 > lo]


def region_columns(rows: list[TextRow], region: Region) -> list[tuple[float, float]]:
    """The x-ranges of a region's value columns, left to right.

    Values of one column overlap each other whether the column is centred, left- or
    right-aligned, so overlapping value words are one column. Header words right of every
    label (bottom header row first, so the most specific header wins) add a column where no
    value stands: a column printed blank in every row still has its header.
    """
    values = sorted((c for i in region.body for c in rows[i].cells if c.is_value),
                    key=lambda c: c.x0)
    columns: list[list[float]] = []
    for c in values:
        if columns and c.x0 < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], c.x1)
        else:
            columns.append([c.x0, c.x1])
    label_right = max((c.x1 for i in region.body for c in rows[i].cells if not c.is_value),
                      default=float("-inf"))
    for i in reversed(region.headers[-MAX_HEADER_ROWS:]):
        for c in rows[i].cells:
            if c.x0 < label_right - ALIGN_TOLERANCE:
                continue
            for x0, x1 in c.parts or ((c.x0, c.x1),):
                if not _overlapping(columns, x0, x1):
                    columns.append([x0, x1])
                    columns.sort()
    return [(lo, hi) for lo, hi in columns]


def place_row(row: TextRow, columns: list[tuple[float, float]]) -> Line | None:
    """Labels, then each column's value or a blank; None if the values do not fit one-to-one."""
    slots: list[str | None] = [None] * len(columns)
    labels: Line = []
    for c in row.cells:
        if not c.is_value:
            labels.append(c.text)
            continue
        hits = [k for k, (lo, hi) in enumerate(columns)
                if lo - ALIGN_TOLERANCE <= c.centre <= hi + ALIGN_TOLERANCE]
        if len(hits) != 1 or slots[hits[0]] is not None:
            return None
        slots[hits[0]] = c.text
    return labels + [s if s is not None else EMPTY_MARK for s in slots]


Columns = list[tuple[float, float]]


def _labels(row: TextRow) -> list[Cell]:
    return [c for c in row.cells if not c.is_value]


def _over(a: Cell, b: Cell) -> bool:
    return a.x0 < b.x1 and a.x1 > b.x0


class _Blanks:
    """Finds the rows of a region printed with a label and no value at all (all cells blank).

    Such a row is a label-only text row, like a wrapped label's second line or a category
    label spanning several rows; what tells them apart is typographic:

    * a wrapped line continues a cell whose previous line is full (reaches the right edge of
      its column within one character): a line after a short line starts a new cell, and so
      does a line that starts with an item number (``二、``, ``（三）``, ``4.``), as the rows of
      the templates' tables do;
    * a cell whose values are printed beside it has a value row (without labels of its own)
      within its lines' vertical span;
    * a row label stands in the row-label column: it overlaps the last label of the nearest
      value row above or below (a category label spanning rows stands left of it).
    """

    def __init__(self, rows: list[TextRow], body: list[int]) -> None:
        self.rows, self.body = rows, body
        self.labels = [c for i in body for c in _labels(rows[i])]

    def _full(self, c: Cell) -> bool:
        right = max(o.x1 for o in self.labels if _over(o, c))
        return c.x1 >= right - c.size

    def _above(self, pos: int, c: Cell) -> Cell | None:
        for i in reversed(self.body[:pos]):
            hit = [o for o in _labels(self.rows[i]) if _over(o, c)]
            if hit:
                return hit[-1]
        return None

    def _block(self, pos: int, c: Cell) -> list[int]:
        """The text rows of the cell starting at ``body[pos]``: it and its wrapped lines."""
        block, last = [self.body[pos]], c
        for i in self.body[pos + 1:]:
            hit = [o for o in _labels(self.rows[i]) if _over(o, last)]
            if not hit:
                continue
            if self.rows[i].is_value_row or _ITEM.match(hit[-1].text):
                break  # another row's label
            near = self.rows[i].top - self.rows[block[-1]].top <= 1.6 * last.size
            if not (self._full(last) and near):
                break
            block.append(i)
            last = hit[-1]
        return block

    def _row_label(self, pos: int, c: Cell) -> bool:
        for seq in (reversed(self.body[:pos]), self.body[pos + 1:]):
            for i in seq:
                row = self.rows[i]
                if row.is_value_row and _labels(row):
                    if _over(_labels(row)[-1], c):
                        return True
                    break
        return False

    def rows_to_fill(self) -> list[int]:
        """Indices of the last text row of each all-blank table row."""
        out: list[int] = []
        for pos, i in enumerate(self.body):
            row = self.rows[i]
            if row.is_value_row or not row.cells:
                continue
            c = row.cells[-1]
            above = self._above(pos, c)
            if above is not None and not _ITEM.match(c.text) and self._full(above) and (
                    row.top - self.rows[self._row_of(above)].top <= 1.6 * c.size):
                continue  # a wrapped line of the cell above
            if not self._row_label(pos, c):
                continue
            block = self._block(pos, c)
            lo, hi = self.rows[block[0]].top, self.rows[block[-1]].top
            tol = 0.6 * c.size
            if any(lo - tol <= self.rows[j].top <= hi + tol for j in self.body
                   if self.rows[j].is_value_row and not any(
                       _over(o, c) for o in _labels(self.rows[j]))):
                continue  # its values stand beside its lines
            out.append(block[-1])
        return out

    def _row_of(self, cell: Cell) -> int:
        return next(i for i in self.body if any(o is cell for o in self.rows[i].cells))


def _continues(own: Columns, carried: Columns) -> bool:
    """Whether a headerless region's columns each fall under a distinct carried column."""
    hits = [_overlapping([list(c) for c in carried], lo, hi) for lo, hi in own]
    return all(len(h) == 1 for h in hits) and len({h[0] for h in hits}) == len(hits)


def layout_lines(
    words: list[Word], carried: Columns | None = None, placed_rows: set[int] | None = None
) -> tuple[list[tuple[float, Line]], Columns | None]:
    """Lines of cells from positioned words: value rows of tables placed under their columns.

    A table continued from the previous page has no header rows on this page (rows above its
    first value row reach no value column: they are labels), and a column
    blank in all its rows here would be lost; so a first region without headers whose columns
    fit the previous page's last table one-to-one takes that table's columns.

    Args:
        words: the words of a page outside ruled tables.
        carried: the columns of the last table region of the previous page, if any.
        placed_rows: receives the indexes of the returned lines placed under columns (table
            rows whose every number stands in a cell of its own).

    Returns:
        ``(top, cells)`` per text row, top-down (rows of table regions padded with blanks),
        and the columns of this page's last region (to carry to the next page).
    """
    rows = text_rows(words)
    lines: list[Line] = [r.line for r in rows]
    columns: Columns | None = None
    for n, region in enumerate(find_regions(rows)):
        columns = region_columns(rows, region)
        headed = any(c.x1 > region.value_left for i in region.headers for c in rows[i].cells)
        if n == 0 and not headed and carried and _continues(columns, carried):
            columns = carried
        body = region.body
        if columns is carried:
            body = [*region.headers, *body]  # labels above its first values are its rows
        for i in body:
            if rows[i].is_value_row:
                placed = place_row(rows[i], columns)
                if placed is not None:
                    lines[i] = placed
                    if placed_rows is not None:
                        placed_rows.add(i)
        for i in _Blanks(rows, body).rows_to_fill():
            lines[i] = [*lines[i], *[EMPTY_MARK] * len(columns)]
    return [(r.top, line) for r, line in zip(rows, lines, strict=True)], columns

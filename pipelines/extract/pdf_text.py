"""A PDF page's glyphs and ruling lines through PDFium, and ruled tables and words from them.

pdfplumber (pdfminer) interprets content streams in pure Python: 177 ms a document, 60 % of all
extraction time for 5 % of the documents. PDFium (C++, through pypdfium2) parses the page and
hands over each glyph's box and each path's segments; what is left in Python is the geometry,
which follows pdfplumber's so that the readings stay the same:

* a glyph's box is PDFium's *loose* box (advance width by the font's ascent-to-descent height),
  which is pdfminer's box (advance by font size, from the descent) to within a point;
  PDFium's generated characters (spaces and line breaks it infers) are dropped: words are cut
  by the geometry, as pdfplumber cuts them;
* paths become edges as pdfminer and pdfplumber make them: a subpath ``m l`` is a line, a
  closed axis-aligned four-point subpath a rectangle (four edges), anything else a curve
  (an edge per straight piece);
* ruled tables come from pdfplumber's own pure table functions (``pdfplumber.table``: snap and
  join the edges, intersections, cells, tables), and cell text from the glyphs whose centre is
  in the cell, as ``Table.extract`` reads it;
* words group glyphs as ``extract_words`` does (text rows by top within 3 pt, a new word at a
  space or a gap over 3 pt).

Coordinates handed on are pdfplumber's: points, origin at the top-left of the page as
displayed (a page's ``/Rotate`` is applied). Everything after :func:`page_content` is a pure
function of boxes, tested without PDF files.
"""

from __future__ import annotations

import ctypes
import itertools
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from typing import NamedTuple

X_TOLERANCE = 3.0  # points: pdfplumber's default gap that ends a word
Y_TOLERANCE = 3.0  # points: pdfplumber's default difference of tops within one text row
SNAP_TOLERANCE = 3.0  # pdfplumber's TableSettings defaults, which find_tables() used
JOIN_TOLERANCE = 3.0
EDGE_MIN_LENGTH = 3.0
EDGE_MIN_LENGTH_PREFILTER = 1.0
INTERSECTION_TOLERANCE = 3.0
MAX_FORM_DEPTH = 15  # nesting of form XObjects followed (pypdfium2's default)
# PDFium's kSizeEpsilon: a text object whose width plus height is below it is left out of the
# text page (cpdf_textpage.cpp, ProcessTextObject)
TEXT_SIZE_EPSILON = 0.01

LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

Point = tuple[float, float]
BBox = tuple[float, float, float, float]  # x0, top, x1, bottom


class Char(NamedTuple):
    """One glyph: its text and box (points, top-left origin), and whether it is upright."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    upright: bool = True


class Edge(NamedTuple):
    """A horizontal (``h``) or vertical (``v``) ruling segment, top-left origin."""

    orientation: str
    x0: float
    top: float
    x1: float
    bottom: float


class Table(NamedTuple):
    """A ruled table: its box and its rows of cell boxes (None where a merged cell spans)."""

    bbox: BBox
    rows: list[tuple[BBox, list[BBox | None]]]


class PageContent(NamedTuple):
    """What the reader needs of a page: its glyphs and its ruling edges.

    ``unmeasured`` counts the page's text objects PDFium measured as having no size: it
    leaves their glyphs out of the text page (see :func:`page_content`), so ``chars`` then
    misses them and the page is read again by :func:`pdfminer_chars`.
    """

    chars: list[Char]
    edges: list[Edge]
    unmeasured: int = 0


# --- PDFium: glyphs and paths of one page -------------------------------------------------


class _Frame:
    """Maps PDF user space to pdfplumber's display space (top-left origin, /Rotate applied).

    pdfminer starts the content stream with a matrix that moves the media box to the origin and
    turns the page by its rotation; pdfplumber then flips y. The same affine map is applied
    here to PDFium's user-space boxes and points.
    """

    def __init__(self, mediabox: Sequence[float], rotation: int) -> None:
        x0, y0, x1, y1 = mediabox
        # pdfminer's PDFPageInterpreter: ctm per rotation, (a, b, c, d, e, f)
        ctm = {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
               270: (0, 1, -1, 0, y1, -x0)}.get(rotation % 360, (1, 0, 0, 1, -x0, -y0))
        self.ctm = ctm
        height = (x1 - x0) if rotation % 180 else (y1 - y0)
        self.height = height

    def point(self, x: float, y: float) -> Point:
        """A user-space point in display space (x right, y down from the top)."""
        a, b, c, d, e, f = self.ctm
        return a * x + c * y + e, self.height - (b * x + d * y + f)

    def box(self, left: float, bottom: float, right: float, top: float) -> BBox:
        """A user-space rectangle as ``(x0, top, x1, bottom)`` in display space."""
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def page_content(page) -> PageContent:
    """The glyphs and edges of a pypdfium2 ``PdfPage`` (its text page is closed on return).

    PDFium measures a text object by its glyphs' outlines and leaves out of the text page an
    object whose box has no size (``kSizeEpsilon`` in ``cpdf_textpage.cpp``). A font that is
    not embedded is drawn with a system font; on a machine without a Chinese font a one-character
    object in such a font (a wrapped label's last character, ``开``) has no outline, so its
    character silently disappears: a reportlab PDF read 144 of its 200 values without
    ``fonts-noto-cjk`` and all 200 with it. Such objects are counted (``unmeasured``) so the
    reader can take the page's glyphs from pdfminer, which measures them by the PDF's widths.
    """
    import pypdfium2.raw as pdfium_c

    frame = _Frame(page.get_mediabox(), page.get_rotation())
    textpage = page.get_textpage()
    try:
        chars = _chars(pdfium_c, textpage.raw, frame)
    finally:
        textpage.close()
    edges, unmeasured = _edges(pdfium_c, page.raw, frame)
    return PageContent(chars, edges, unmeasured)


def pdfminer_chars(page) -> list[Char]:
    """The glyphs of a pdfplumber page, in the boxes :func:`_chars` gives.

    pdfminer measures each glyph by the advance widths the PDF itself gives and never needs
    the font's outlines, so it reads what PDFium leaves out for want of a font; it is slower
    (its content-stream parser is pure Python) and so only reads the pages that need it.
    Its box starts at the font's descent where :func:`_chars` starts at the baseline (a
    quarter of the font size lower for a Chinese CID font), so an upright glyph's box is
    moved up to its baseline; a turned glyph keeps pdfminer's box.
    """
    out = []
    for c in page.chars:
        top, bottom = c["top"], c["bottom"]
        _, b, cc, d, _, f = c["matrix"]
        if b == 0 and cc == 0 and d > 0:
            shift = c["y0"] - f  # the descent, in page units (display y grows downwards)
            top, bottom = top + shift, bottom + shift
        out.append(Char(c["text"], c["x0"], c["x1"], top, bottom, bool(c["upright"])))
    return out


def _chars(pdfium_c, tp, frame: _Frame) -> list[Char]:
    """The page's glyphs with pdfminer's boxes.

    pdfminer's box runs from the origin to the advance width across, and one font size up from
    the font's descent. PDFium's loose box has the same width but is united with the glyph's
    outline, and falls back to the outline alone for a font without metrics (the radical-coded
    CJK glyphs of Chromium's PDFs), so its height varies from glyph to glyph and a row's glyphs
    no longer share a top. The box is therefore rebuilt: one font size up from the baseline
    (pdfminer reads a descent of 0 for every CID font, the fonts of Chinese text; taking 0 for
    all keeps a row's glyphs of any font on one bottom), the advance across, and a CJK glyph
    whose loose box is only its outline one font size across.
    """
    count = pdfium_c.FPDFText_CountChars(tp)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_p, matrix_p, ox_p, oy_p = (ctypes.byref(rect), ctypes.byref(matrix), ctypes.byref(ox),
                                    ctypes.byref(oy))
    get_unicode, is_generated = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated
    loose_box, get_matrix = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetMatrix
    get_origin, get_size = pdfium_c.FPDFText_GetCharOrigin, pdfium_c.FPDFText_GetFontSize
    ra, rb, rc, rd, re_, rf = frame.ctm
    height = frame.height
    upright_page = (ra, rb, rc, rd) == (1, 0, 0, 1)
    out: list[Char] = []
    pending_high = 0
    for i in range(count):
        if is_generated(tp, i) == 1:
            continue
        code = get_unicode(tp, i)
        if code == 0:
            continue
        if 0xD800 <= code < 0xDC00:  # a character beyond the BMP comes as a surrogate pair
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000 and pending_high:
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
            if out:
                out[-1] = out[-1]._replace(text=chr(code))  # the pair's box is the high half's
            pending_high = 0
            continue
        if not loose_box(tp, i, rect_p) or not get_matrix(tp, i, matrix_p) or not get_origin(
                tp, i, ox_p, oy_p):
            continue
        size = get_size(tp, i)
        ma, mb, mc, md = matrix.a, matrix.b, matrix.c, matrix.d
        x, y = ox.value, oy.value
        if mb or mc:  # turned text: one font size across, as a CJK glyph
            width = size
        elif rect.left > x + 0.01 and code >= 0x2E80:
            width = size  # an outline box (no metrics): a CJK glyph is one font size across
        else:
            width = (rect.right - x) / ma if ma else size  # the advance (metric box's right)
        # pdfminer's box in text space, through the character's matrix to user space
        lo, hi = 0.0, size
        if abs(x - matrix.e) > 0.01 and not (mb or mc):
            # vertical writing (Identity-V): PDFium's origin is already moved to the glyph's
            # lower left, and pdfminer's box is one font size square from there
            width, lo, hi = size, 0.0, size
        if upright_page and not (mb or mc):
            # An upright glyph on an unturned page, most of them: the corners below with
            # the zero terms left out (the same numbers; a PDF is read a tenth faster).
            xa, xb, ya, yb = x + ma * 0.0, x + ma * width, y + md * lo, y + md * hi
            out.append(Char(chr(code), min(xa, xb) + re_, max(xa, xb) + re_,
                            height - (max(ya, yb) + rf), height - (min(ya, yb) + rf),
                            ma * md > 0))
            continue
        # the four corners through _Frame.point, written out (this loop runs per glyph)
        xs, ys = [], []
        for u in (0.0, width):
            for v in (lo, hi):
                px, py = x + ma * u + mc * v, y + mb * u + md * v
                xs.append(ra * px + rc * py + re_)
                ys.append(height - (rb * px + rd * py + rf))
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        # pdfminer's test on the text rendering matrix (turned with the page)
        a, b = ma * ra + mb * rc, ma * rb + mb * rd
        c, d = mc * ra + md * rc, mc * rb + md * rd
        out.append(Char(chr(code), x0, x1, top, bottom, a * d > 0 and b * c <= 0))
    return out


def _edges(pdfium_c, page_raw, frame: _Frame) -> tuple[list[Edge], int]:
    """Edges of every path on the page, and the text objects PDFium could not measure.

    Form XObjects are walked too (pdfminer renders those); a text object without a measured
    size is counted (:func:`page_content`).

    The PDFium functions and the ``byref`` arguments are looked up once: a ruled page has
    hundreds of paths of a few segments each, and the lookups were most of the walk.
    """
    found: dict[str, list[Edge]] = {"line": [], "rect": [], "curve": []}
    unmeasured = 0
    matrix = pdfium_c.FS_MATRIX()
    fx, fy = ctypes.c_float(), ctypes.c_float()
    matrix_p, fx_p, fy_p = ctypes.byref(matrix), ctypes.byref(fx), ctypes.byref(fy)
    bounds = [ctypes.c_float() for _ in range(4)]
    bounds_p = [ctypes.byref(v) for v in bounds]
    get_bounds, text_kind = pdfium_c.FPDFPageObj_GetBounds, pdfium_c.FPDF_PAGEOBJ_TEXT
    get_type, get_matrix = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDFPageObj_GetMatrix
    count_segments, get_segment = pdfium_c.FPDFPath_CountSegments, pdfium_c.FPDFPath_GetPathSegment
    get_point, segment_type = pdfium_c.FPDFPathSegment_GetPoint, pdfium_c.FPDFPathSegment_GetType
    get_close = pdfium_c.FPDFPathSegment_GetClose
    path_kind, form_kind = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    point = frame.point

    def walk(count: int, get, parent, outer: tuple[float, ...], depth: int) -> None:
        nonlocal unmeasured
        for i in range(count):
            obj = get(parent, i)
            if not obj:
                continue
            kind = get_type(obj)
            if kind == text_kind:
                if get_bounds(obj, *bounds_p):
                    left, bottom, right, top = (v.value for v in bounds)
                    if abs(right - left) + abs(top - bottom) < TEXT_SIZE_EPSILON:
                        unmeasured += 1
                continue
            if kind not in (path_kind, form_kind):
                continue
            if not get_matrix(obj, matrix_p):
                continue
            m = _compose((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == form_kind:
                if depth < MAX_FORM_DEPTH - 1:
                    walk(pdfium_c.FPDFFormObj_CountObjects(obj), pdfium_c.FPDFFormObj_GetObject,
                         obj, m, depth + 1)
                continue
            a, b, c, d, e, f = m
            segments = []
            for k in range(count_segments(obj)):
                seg = get_segment(obj, k)
                if not seg or not get_point(seg, fx_p, fy_p):
                    continue
                x, y = fx.value, fy.value
                segments.append((segment_type(seg), point(a * x + c * y + e, b * x + d * y + f),
                                 bool(get_close(seg))))
            for shape, pts in _subpaths(segments):
                kind_edges = path_edges(shape, pts)
                if kind_edges is not None:
                    found[kind_edges[0]].extend(kind_edges[1])

    walk(pdfium_c.FPDFPage_CountObjects(page_raw), pdfium_c.FPDFPage_GetObject, page_raw,
         (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 0)
    return found["line"] + found["rect"] + found["curve"], unmeasured  # pdfplumber's order


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


_MOVE, _LINE, _BEZIER = 2, 0, 1  # FPDF_SEGMENT_*


def _subpaths(segments: list[tuple[int, Point, bool]]) -> list[tuple[str, list[Point]]]:
    """PDFium's segments as pdfminer's subpaths: operator letters and one point per operator.

    A Bézier piece is three PDFium segments and one ``c`` operator (its end point); a segment
    that closes its subpath is followed by ``h``, whose point is the subpath's start.
    """
    out: list[tuple[str, list[Point]]] = []
    shape: list[str] = []
    pts: list[Point] = []
    bezier = 0
    for kind, pt, close in segments:
        if kind == _MOVE:
            if shape:
                out.append(("".join(shape), pts))
            shape, pts, bezier = ["m"], [pt], 0
        elif not shape:
            continue  # a path must begin with a move (pdfminer paints nothing otherwise)
        elif kind == _BEZIER:
            bezier += 1
            if bezier % 3:
                continue
            shape.append("c")
            pts.append(pt)
        else:
            shape.append("l")
            pts.append(pt)
        if close:
            shape.append("h")
            pts.append(pts[0])
    if shape:
        out.append(("".join(shape), pts))
    return out


def path_edges(shape: str, pts: list[Point]) -> tuple[str, list[Edge]] | None:
    """A subpath as pdfminer classifies it (line, rect or curve) and the edges pdfplumber takes.

    ``shape`` holds one letter per operator (``m``, ``l``, ``c``, ``h``), ``pts`` the point of
    each, in display space. Returns None for a subpath that draws nothing pdfminer keeps.
    """
    if len(shape) < 2 or shape[0] != "m":
        return None
    pts = list(pts)
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape = shape[:-2] + "h"  # a redundant "l" back to the start before "h"
        pts.pop()
    if shape in ("ml", "mlh"):
        (xa, ya), (xb, yb) = pts[0], pts[1]
        top, bottom = min(ya, yb), max(ya, yb)
        return "line", [Edge("h" if top == bottom else "v", min(xa, xb), top, max(xa, xb),
                             bottom)]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if pts[0] == pts[4] and square:
            left, right = min(x0, x2), max(x0, x2)
            top, bottom = min(y0, y2), max(y0, y2)
            return "rect", [Edge("h", left, top, right, top),
                            Edge("h", left, bottom, right, bottom),
                            Edge("v", left, top, left, bottom),
                            Edge("v", right, top, right, bottom)]
    edges = []
    for (xa, ya), (xb, yb) in itertools.pairwise(pts):
        if xa == xb:
            orientation = "v"
        elif ya == yb:
            orientation = "h"
        else:
            continue  # a slanted piece is no edge of any orientation
        edges.append(Edge(orientation, min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
    return "curve", edges


# --- ruled tables (pdfplumber's table algorithm over our edges) ---------------------------


def _edge_dict(e: Edge) -> dict:
    return {"orientation": e.orientation, "x0": e.x0, "x1": e.x1, "top": e.top,
            "bottom": e.bottom, "doctop": e.top, "width": e.x1 - e.x0,
            "height": e.bottom - e.top, "object_type": "edge"}


def find_tables(edges: Iterable[Edge]) -> list[Table]:
    """Ruled tables as pdfplumber's ``page.find_tables()`` finds them with default settings.

    The edges are snapped, joined and filtered, their intersections made into cells and the
    cells into tables by pdfplumber's own functions, so a table is found exactly when it was.
    """
    from pdfplumber import table as pt
    from pdfplumber.utils import filter_edges

    dicts = [_edge_dict(e) for e in edges]
    v = filter_edges(dicts, "v", min_length=EDGE_MIN_LENGTH_PREFILTER)
    h = filter_edges(dicts, "h", min_length=EDGE_MIN_LENGTH_PREFILTER)
    if not v or not h:
        return []
    merged = pt.merge_edges(v + h, SNAP_TOLERANCE, SNAP_TOLERANCE, JOIN_TOLERANCE, JOIN_TOLERANCE)
    merged = filter_edges(merged, min_length=EDGE_MIN_LENGTH)
    intersections = pt.edges_to_intersections(merged, INTERSECTION_TOLERANCE,
                                              INTERSECTION_TOLERANCE)
    cells = intersections_to_cells(intersections)
    out = []
    for group in pt.cells_to_tables(cells):
        table = pt.Table(None, group)  # rows and bbox use no page
        out.append(Table(table.bbox, [(r.bbox, list(r.cells)) for r in table.rows]))
    return out


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict]]]) -> list[BBox]:
    """The cells of pdfplumber's ``table.intersections_to_cells``, in its order, found faster.

    pdfplumber scans every later point for those below and right of each point and builds the
    sets of edge boxes anew for every pair it tests (a third of a PDF's table finding); here
    the points are grouped by column and row once, and each point's edge boxes made once.
    A NaN coordinate (equal to nothing, which grouping would not reproduce) is left to
    pdfplumber.
    """
    from pdfplumber import table as pt

    points = sorted(intersections)
    if any(x != x or y != y for x, y in points):
        return pt.intersections_to_cells(intersections)

    def boxes(edges: list[dict]) -> set[BBox]:
        return {(e["x0"], e["top"], e["x1"], e["bottom"]) for e in edges}

    v = {p: boxes(intersections[p]["v"]) for p in points}
    h = {p: boxes(intersections[p]["h"]) for p in points}

    def connects(p1: Point, p2: Point) -> bool:
        return ((p1[0] == p2[0] and not v[p1].isdisjoint(v[p2]))
                or (p1[1] == p2[1] and not h[p1].isdisjoint(h[p2])))

    column: dict[float, list[Point]] = {}  # points of one x, top-down (sorted order)
    row: dict[float, list[Point]] = {}  # points of one y, left to right
    place: list[tuple[int, int]] = []  # each point's index in its column and in its row
    for p in points:
        col, line = column.setdefault(p[0], []), row.setdefault(p[1], [])
        place.append((len(col), len(line)))
        col.append(p)
        line.append(p)
    cells: list[BBox] = []
    for pt_, (ci, ri) in zip(points, place, strict=True):
        below, right = column[pt_[0]][ci + 1:], row[pt_[1]][ri + 1:]
        cell = _smallest_cell(pt_, below, right, intersections, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(pt_: Point, below: list[Point], right: list[Point], intersections: dict,
                   connects) -> BBox | None:
    """The first cell with ``pt_`` as its top-left corner, as pdfplumber's search finds it."""
    for below_pt in below:
        if not connects(pt_, below_pt):
            continue
        for right_pt in right:
            if not connects(pt_, right_pt):
                continue
            bottom_right = (right_pt[0], below_pt[1])
            if (bottom_right in intersections and connects(bottom_right, right_pt)
                    and connects(bottom_right, below_pt)):
                return (pt_[0], pt_[1], bottom_right[0], bottom_right[1])
    return None


def table_text(table: Table, chars: Sequence[Char]) -> list[list[str | None]]:
    """Each row's cell texts as ``Table.extract()`` gives them ('' blank, None spanned).

    A glyph is in a cell when its centre is (right and bottom open), as ``char_in_bbox``.
    The centres are computed once and the glyphs sorted by their vertical centre, so each row
    looks only at its band and each cell only at its row's glyphs.
    """
    centres = [((c.x0 + c.x1) / 2, (c.top + c.bottom) / 2) for c in chars]
    order = sorted(range(len(chars)), key=lambda i: centres[i][1])
    mids = [centres[i][1] for i in order]
    out: list[list[str | None]] = []
    for bbox, cells in table.rows:
        x0, top, x1, bottom = bbox
        band = sorted(order[bisect_left(mids, top):bisect_left(mids, bottom)])
        row = [(chars[i], *centres[i]) for i in band
               if x0 <= centres[i][0] < x1 and top <= centres[i][1] < bottom]
        texts: list[str | None] = []
        for cell in cells:
            if cell is None:
                texts.append(None)
                continue
            cx0, ctop, cx1, cbottom = cell
            inside = [c for c, hx, vy in row if cx0 <= hx < cx1 and ctop <= vy < cbottom]
            texts.append(chars_text(inside) if inside else "")
        out.append(texts)
    return out


def chars_text(chars: Sequence[Char]) -> str:
    """Text of glyphs as pdfplumber's ``extract_text``: words by rows, rows by line breaks."""
    tops = [(text, min(c.top for c in group)) for text, group in words(chars)]
    lines = _cluster(tops, lambda w: w[1], Y_TOLERANCE)
    return "\n".join(" ".join(w[0] for w in line) for line in lines)


# --- words --------------------------------------------------------------------------------


def _cluster(items: list, key, tolerance: float) -> list[list]:
    """Items clustered as pdfplumber's ``cluster_objects`` clusters them.

    Runs of sorted key values no more than ``tolerance`` apart form a cluster; clusters come
    in key order, each keeping the items' order.
    """
    values = sorted(set(map(key, items)))
    index: dict[float, int] = {}
    n, last = -1, None
    for v in values:
        if last is None or v > last + tolerance:
            n += 1
        index[v] = n
        last = v
    groups: list[list] = [[] for _ in range(n + 1)]
    for item in items:
        groups[index[key(item)]].append(item)
    return groups


def words(chars: Sequence[Char], x_tolerance: float = X_TOLERANCE,
          y_tolerance: float = Y_TOLERANCE) -> list[tuple[str, list[Char]]]:
    """Glyphs grouped into words as pdfplumber's ``extract_words`` groups them.

    Runs of glyphs of one uprightness are split into text rows (tops within ``y_tolerance``);
    a row's glyphs, left to right, start a new word at a space, at a gap wider than
    ``x_tolerance``, at a glyph left of the previous one's start, or at a top more than
    ``y_tolerance`` from the previous glyph's. Upright-less (turned) glyphs read top-down.
    """
    out: list[tuple[str, list[Char]]] = []
    for upright, run in itertools.groupby(chars, key=lambda c: c.upright):
        group = list(run)
        if upright:
            lines = _cluster(group, lambda c: c.top, y_tolerance)
            lines = [sorted(line, key=lambda c: c.x0) for line in lines]
        else:
            lines = _cluster(group, lambda c: c.x0, x_tolerance)
            lines = [sorted(line, key=lambda c: (c.top, c.bottom)) for line in lines]
        for line in lines:
            current: list[Char] = []
            for c in line:
                if c.text.isspace():
                    if current:
                        out.append(_word(current))
                    current = []
                elif current and _new_word(current[-1], c, upright, x_tolerance, y_tolerance):
                    out.append(_word(current))
                    current = [c]
                else:
                    current.append(c)
            if current:
                out.append(_word(current))
    return out


def _new_word(prev: Char, cur: Char, upright: bool, xt: float, yt: float) -> bool:
    if upright:
        return cur.x0 < prev.x0 or cur.x0 > prev.x1 + xt or abs(cur.top - prev.top) > yt
    return cur.top < prev.top or cur.top > prev.bottom + yt or abs(cur.x0 - prev.x0) > xt


def _word(chars: list[Char]) -> tuple[str, list[Char]]:
    return "".join(LIGATURES.get(c.text, c.text) for c in chars), chars


def outside(chars: Sequence[Char], boxes: Sequence[BBox]) -> list[Char]:
    """Glyphs whose centre lies in none of ``boxes`` (edges included, as pdfplumber filters)."""
    if not boxes:
        return list(chars)
    out = []
    for c in chars:
        cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
        if not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
            out.append(c)
    return out

r"""Word 97-2003 binary documents read in pure Python: paragraphs and table rows, in order.

The fallback of :mod:`pipelines.extract.office` when LibreOffice is not installed, and the fast
path of a national crawl (LibreOffice costs about a second a file, this a few milliseconds).
It reads what the DOCX reader reads — the main text's paragraphs and table rows — from the
structures of [MS-DOC]:

* the FIB (file information block) at the start of the ``WordDocument`` stream: the
  encryption flag, which table stream (``0Table``/``1Table``) holds the tables, the main text's
  length (``ccpText``), and where the piece table (``fcClx``) and the paragraph-property index
  (``fcPlcfBtePapx``) are;
* the piece table (CLX): the text as pieces of UTF-16LE or 8-bit ("compressed") characters;
* paragraph properties (PAPX in FKP pages) of each paragraph mark: whether it is in a table
  (``sprmPFInTable``), whether a ``\x07`` mark ends a table row (``sprmPFTtp``) and the row's
  cell boundaries and vertical merges (``sprmTDefTable``).

A table cell ends with ``\x07``; the row ends with one more ``\x07`` whose paragraph is the row
mark, so an empty cell (also a lone ``\x07``) is told from the row end by its properties, not
by its text. Field codes (``\x13 code \x14 result \x15``) keep only their result. Word 6/95
files (an older FIB) are refused: only LibreOffice reads those.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

from pipelines.extract.limits import current_limits, text_too_long
from pipelines.extract.ole import open_ole, read_stream
from pipelines.extract.refusal import Refusal

NFIB_WORD97 = 0x00C1  # Word 97; later versions write larger values (2000: 0xD9, 2003: 0x10C…)
FKP_SIZE = 512

# FIB offsets (fixed for nFib >= Word 97: csw = 14, cslw = 22)
_FLAGS = 0x0A
_CCP_TEXT = 0x4C
_RG_FC_LCB = 0x9A
_PLCF_BTE_PAPX = 13  # index in FibRgFcLcb97
_CLX = 33

_F_ENCRYPTED = 0x0100
_F_WHICH_TBL = 0x0200
_F_OBFUSCATED = 0x8000

SPRM_P_IN_TABLE = 0x2416
SPRM_P_TTP = 0x2417
SPRM_P_INNER_TTP = 0x244C
SPRM_P_INNER_CELL = 0x244B
SPRM_P_ITAP = 0x6649
SPRM_P_HUGE_PAPX = 0x6646
SPRM_T_DEF_TABLE = 0xD608
SPRM_P_CHG_TABS = 0xC615

# Characters of the text stream that are not text: objects, anchors, optional hyphens.
_DROP = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x06\x08\x1f"), None)
_MAP = {**_DROP, 0x0B: "\n", 0x1E: "-", 0x0E: "\n"}


@dataclass
class Para:
    """Properties of a paragraph that matter for reading: table membership and row end."""

    in_table: bool = False
    row_end: bool = False
    inner: bool = False  # a mark of a nested table (read as text of the outer cell)
    lefts: tuple[int, ...] = ()  # the row's cell left edges (twips), from sprmTDefTable
    merges: tuple[int, ...] = ()  # vertMerge of each cell: 1 = continues the cell above
    hmerged: tuple[bool, ...] = ()  # old-style horizontal merge: the cell is part of the left one


@dataclass
class RowCell:
    """One table cell: its left edge, whether it continues the cell above, its paragraphs."""

    left: int
    cont: bool
    paras: list[str] = field(default_factory=list)


@dataclass
class Blocks:
    """The body in order: ``("p", text)`` for a paragraph, ``("row", [RowCell])`` for a row."""

    items: list[tuple[str, object]] = field(default_factory=list)


def _u16(b: bytes, at: int) -> int:
    return struct.unpack_from("<H", b, at)[0]


def _i32(b: bytes, at: int) -> int:
    return struct.unpack_from("<i", b, at)[0]


def _fc_lcb(word: bytes, index: int) -> tuple[int, int]:
    at = _RG_FC_LCB + 8 * index
    return struct.unpack_from("<II", word, at)


def _damaged(source: str, what: str) -> Refusal:
    return Refusal("damaged_office_file", f"{source}: Word 文档结构已损坏（{what}）/ "
                   f"damaged Word document ({what})")


def _pieces(table: bytes, fc: int, lcb: int, source: str) -> list[tuple[int, int, int, bool]]:
    """The piece table: (cp start, cp end, stream offset, compressed) of each piece."""
    if lcb <= 0 or fc + lcb > len(table):
        raise _damaged(source, "piece table outside the table stream")
    clx = table[fc:fc + lcb]
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers of complex files
        if pos + 3 > len(clx):
            raise _damaged(source, "truncated Prc")
        pos += 3 + struct.unpack_from("<h", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise _damaged(source, "no Pcdt in the piece table")
    size = _i32(clx, pos + 1)
    plc = clx[pos + 5:pos + 5 + size]
    if size < 16 or (size - 4) % 12 or len(plc) < size:
        raise _damaged(source, "piece table of a wrong size")
    n = (size - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    if any(b < a for a, b in pairwise(cps)) or cps[0] < 0:
        raise _damaged(source, "piece table out of order")
    out = []
    for i in range(n):
        raw = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(raw & 0x40000000)
        offset = (raw & 0x3FFFFFFF) // 2 if compressed else raw & 0x3FFFFFFF
        out.append((cps[i], cps[i + 1], offset, compressed))
    return out


def _sprms(grpprl: bytes):
    """(sprm, operand) of each property modifier in a grpprl."""
    pos, end = 0, len(grpprl)
    while pos + 2 <= end:
        sprm = _u16(grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if spra in (0, 1):
            size = 1
        elif spra in (2, 4, 5):
            size = 2
        elif spra == 3:
            size = 4
        elif spra == 7:
            size = 3
        elif sprm == SPRM_T_DEF_TABLE:
            if pos + 2 > end:
                return
            size = _u16(grpprl, pos) + 1  # cb counts itself (2 bytes) minus one
        elif sprm == SPRM_P_CHG_TABS:
            if pos >= end:
                return
            size = grpprl[pos] + 1
            if grpprl[pos] == 255:  # the long form: deletions then additions, counted
                if pos + 2 > end:
                    return
                dels = grpprl[pos + 1]
                adds_at = pos + 2 + 4 * dels
                size = 2 + 4 * dels + 1 + 3 * (grpprl[adds_at] if adds_at < end else 0)
        else:
            if pos >= end:
                return
            size = grpprl[pos] + 1
        yield sprm, grpprl[pos:pos + size]
        pos += size


def _tdef(operand: bytes) -> tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]]:
    """sprmTDefTable: the cells' left edges, vertical-merge states and horizontal merges."""
    if len(operand) < 3:
        return (), (), ()
    count = operand[2]
    at = 3
    if at + 2 * (count + 1) > len(operand):
        return (), (), ()
    centers = struct.unpack_from(f"<{count + 1}h", operand, at)
    at += 2 * (count + 1)
    merges, hmerged = [], []
    for i in range(count):
        tc = at + 20 * i
        grf = _u16(operand, tc) if tc + 2 <= len(operand) else 0
        merges.append((grf >> 5) & 3)
        hmerged.append((grf & 3) in (2, 3))
    return tuple(centers[:count]), tuple(merges), tuple(hmerged)


def _para(grpprl: bytes, data: bytes) -> Para:
    p = Para()
    itap = 0
    for sprm, op in _sprms(grpprl):
        if sprm == SPRM_P_HUGE_PAPX and len(op) >= 4:
            at = _i32(op, 0)
            if at >= 0 and at + 2 <= len(data):  # the grpprl moved to the Data stream
                size = _u16(data, at)
                huge = _para(data[at + 2:at + 2 + size], b"")
                p = Para(p.in_table or huge.in_table, p.row_end or huge.row_end,
                         p.inner or huge.inner, huge.lefts or p.lefts, huge.merges or p.merges,
                         huge.hmerged or p.hmerged)
        elif sprm == SPRM_P_IN_TABLE and op:
            p.in_table = bool(op[0])
        elif sprm == SPRM_P_TTP and op:
            p.row_end = bool(op[0])
        elif sprm in (SPRM_P_INNER_TTP, SPRM_P_INNER_CELL) and op and op[0]:
            p.inner = True
        elif sprm == SPRM_P_ITAP and len(op) >= 4:
            itap = _i32(op, 0)
        elif sprm == SPRM_T_DEF_TABLE:
            p.lefts, p.merges, p.hmerged = _tdef(op)
    if itap > 1:
        p.inner = True
    return p


class _PapxIndex:
    """Paragraph properties by the stream offset of a paragraph mark (PlcBtePapx → FKPs)."""

    def __init__(self, word: bytes, table: bytes, data: bytes, source: str) -> None:
        fc, lcb = _fc_lcb(word, _PLCF_BTE_PAPX)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.props: list[Para] = []
        if lcb < 8 or fc + lcb > len(table):
            raise _damaged(source, "paragraph index outside the table stream")
        n = (lcb - 4) // 8
        pns = struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1))
        runs = []
        for pn in pns:
            page = word[(pn & 0x3FFFFF) * FKP_SIZE:(pn & 0x3FFFFF) * FKP_SIZE + FKP_SIZE]
            if len(page) < FKP_SIZE:
                raise _damaged(source, "paragraph properties page outside the document")
            crun = page[FKP_SIZE - 1]
            if 4 * (crun + 1) + 13 * crun > FKP_SIZE - 1:
                raise _damaged(source, "paragraph properties page overflows")
            fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
            for i in range(crun):
                b_offset = page[4 * (crun + 1) + 13 * i] * 2
                para = Para()
                if b_offset:
                    cb = page[b_offset]
                    if cb:
                        grp = page[b_offset + 1:b_offset + 2 * cb]
                    else:
                        cb = page[b_offset + 1]
                        grp = page[b_offset + 2:b_offset + 2 + 2 * cb]
                    para = _para(grp[2:], data)  # after the style index (istd)
                runs.append((fcs[i], fcs[i + 1], para))
        runs.sort(key=lambda r: r[0])
        for start, end, para in runs:
            self.starts.append(start)
            self.ends.append(end)
            self.props.append(para)

    def at(self, fc: int) -> Para:
        """The properties of the paragraph whose mark is at stream offset ``fc``."""
        i = bisect_right(self.starts, fc) - 1
        if i >= 0 and fc < self.ends[i]:
            return self.props[i]
        return Para()


@dataclass
class _Text:
    """The main text, and where each piece of it lies in the stream (to find a mark's FC)."""

    text: str
    starts: list[int]  # index in ``text`` where each piece begins
    places: list[tuple[int, int]]  # (stream offset, bytes per character) of each piece

    def fc(self, i: int) -> int:
        """The stream offset of character ``i`` (what the paragraph index is keyed by)."""
        k = bisect_right(self.starts, i) - 1
        at, step = self.places[k]
        return at + step * (i - self.starts[k])


def _main_text(word: bytes, pieces, ccp: int) -> _Text:
    """The main text: the first ``ccp`` characters of the pieces, decoded."""
    parts: list[str] = []
    starts: list[int] = []
    places: list[tuple[int, int]] = []
    length = 0
    for cp0, cp1, at, compressed in pieces:
        if cp0 >= ccp:
            break
        n = min(cp1, ccp) - cp0
        if n <= 0:
            continue
        if compressed:
            text = word[at:at + n].decode("cp1252", "replace")
        else:
            text = word[at:at + 2 * n].decode("utf-16-le", "replace")
        starts.append(length)
        places.append((at, 1 if compressed else 2))
        parts.append(text)
        length += len(text)
    return _Text("".join(parts), starts, places)


def _strip_fields(text: str) -> str:
    r"""Field codes removed, results kept: ``\x13 PAGE \x14 3 \x15`` is ``3``."""
    if "\x13" not in text:
        return text
    out: list[str] = []
    stack: list[bool] = []  # per open field: whether its result has begun
    for ch in text:
        if ch == "\x13":
            stack.append(False)
        elif ch == "\x14" and stack:
            stack[-1] = True
        elif ch == "\x15" and stack:
            stack.pop()
        elif all(stack):
            out.append(ch)
    return "".join(out)


def _fib_flags(word: bytes, source: str) -> int:
    """The FIB's flags, after refusing a stream without a FIB or an encrypted document."""
    if len(word) < _FLAGS + 2 or _u16(word, 0) != 0xA5EC:
        raise _damaged(source, "no Word file information block")
    flags = _u16(word, _FLAGS)
    if flags & (_F_ENCRYPTED | _F_OBFUSCATED):
        raise Refusal("encrypted_office_file", f"{source}: Word 文档已加密（设有打开密码）/ "
                      "encrypted Word document (a password is needed to open it)")
    return flags


def refuse_encrypted(data: bytes, source: str = "") -> None:
    """Refuse an encrypted or FIB-less Word document before anything converts it.

    LibreOffice spends seconds failing on a password-protected file; the FIB says it at once.
    """
    ole = open_ole(data, source)
    try:
        _fib_flags(read_stream(ole, "WordDocument", source), source)
    finally:
        ole.close()


def read_word97(data: bytes, source: str = "", max_chars: int | None = None) -> Blocks:
    """The body of a Word 97-2003 document as paragraphs and table rows, in order.

    Raises :class:`Refusal` for an encrypted document, a Word 6/95 one, a damaged one, or one
    whose main text is longer than ``max_chars`` (the text limit; checked before decoding).
    """
    if max_chars is None:
        max_chars = current_limits().text_chars
    ole = open_ole(data, source)
    try:
        word = read_stream(ole, "WordDocument", source)
        flags = _fib_flags(word, source)
        if len(word) < _RG_FC_LCB + 8 * (_CLX + 1):
            raise _damaged(source, "Word file information block too short")
        if _u16(word, 2) < NFIB_WORD97:
            raise Refusal("needs_libreoffice", f"{source}: Word 6/95 格式的文档需要 LibreOffice "
                          "读取 / a Word 6/95 document needs LibreOffice to be read")
        name = "1Table" if flags & _F_WHICH_TBL else "0Table"
        if not ole.exists(name):
            raise _damaged(source, f"no {name} stream")
        table = read_stream(ole, name, source)
        extra = read_stream(ole, "Data", source) if ole.exists("Data") else b""
    finally:
        ole.close()
    try:
        return _blocks(word, table, extra, source, max_chars)
    except (struct.error, IndexError, ValueError) as exc:
        if isinstance(exc, Refusal):
            raise
        raise _damaged(source, f"{type(exc).__name__}: {exc}") from exc


def _blocks(word: bytes, table: bytes, extra: bytes, source: str, max_chars: int) -> Blocks:
    ccp = _i32(word, _CCP_TEXT)
    if ccp > max_chars:
        raise text_too_long(ccp, source, current_limits())
    pieces = _pieces(table, *_fc_lcb(word, _CLX), source)
    index = _PapxIndex(word, table, extra, source)
    main = _main_text(word, pieces, ccp)
    text = main.text
    blocks = Blocks()
    row: list[RowCell] = []
    cell: list[str] = []  # paragraphs of the current cell
    start = 0
    for i, ch in enumerate(text):
        if ch not in "\r\x07":
            continue
        piece = _strip_fields(text[start:i]).translate(_MAP)
        start = i + 1
        para = index.at(main.fc(i))
        if ch == "\x07" and para.row_end:
            _close_row(blocks, row, para)
            row, cell = [], []
        elif ch == "\x07" and not para.inner:
            cell.append(piece)
            row.append(RowCell(0, False, cell))
            cell = []
        elif para.in_table or para.inner:
            cell.append(piece)
        else:
            if cell or row:  # a table left without its row mark: keep what it held
                if cell:
                    row.append(RowCell(0, False, cell))
                _close_row(blocks, row, Para())
                row, cell = [], []
            blocks.items.append(("p", piece))
    return blocks


def _close_row(blocks: Blocks, row: list[RowCell], mark: Para) -> None:
    """Give the row's cells their edges and merges from the row mark, drop h-merged parts."""
    cells: list[RowCell] = []
    for j, c in enumerate(row):
        if j < len(mark.hmerged) and mark.hmerged[j] and cells:
            continue
        c.left = mark.lefts[j] if j < len(mark.lefts) else 100_000 + j
        c.cont = j < len(mark.merges) and mark.merges[j] == 1
        cells.append(c)
    if cells:
        blocks.items.append(("row", cells))

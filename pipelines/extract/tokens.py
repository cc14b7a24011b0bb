"""Cell tokens: the lines of a document as a stream of label and value tokens, grouped by row.

A row of a template table is "some label text followed by some values", whatever the container:
an HTML ``<tr>``, a PDF table row whose label is split over three cells, or a flattened text line
where label and digits ran together ("一、本年新收政府信息公开申请数量640020470"). Grouping the
token stream into (labels, values) pairs makes all of them look alike to the table parsers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.extract.normalize import EMPTY_MARK, cell_kind

_PIECES = re.compile(r"(\d[\d.\-]*\d|\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PAGE_NUMBER = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)$")
# OCR/LLM transcriptions rename table columns to 数据1…数据6: the digits are not values.
_PLACEHOLDER_HEADER = re.compile(r"数据\d{1,2}")
_ITEM_NUMBER = re.compile(r"^[(（]?\d{1,2}[.、．)）]$")
_ITEM_MARKS = frozenset(".、．")


@dataclass(slots=True)
class Token:
    """One label or value, with the line it came from."""

    text: str
    is_label: bool
    line: int
    separate: bool = True  # False when the value was glued to neighbouring text/digits
    in_cell: bool = False  # the whole content of a real table cell: one number, never re-cut


@dataclass
class Group:
    """Labels followed by the values printed after them (one table row, ideally)."""

    labels: list[str] = field(default_factory=list)
    values: list[Token] = field(default_factory=list)
    line: int = 0
    label_lines: list[int] = field(default_factory=list)  # the line of each label

    @property
    def label(self) -> str:
        """All label text of the row, joined."""
        return "".join(self.labels)

    @property
    def last_label(self) -> str:
        """The label cell nearest the values (the most specific one)."""
        return self.labels[-1] if self.labels else ""


def is_page_number(line: list[str]) -> bool:
    """A page footer line such as ``- 3 -`` or ``第3页``: not part of any table."""
    if len(line) > 7 or sum(map(len, line)) > 16:  # every footer form is short
        return False
    return bool(_PAGE_NUMBER.match(" ".join(line).strip()))


@lru_cache(maxsize=1 << 16)
def _cell_pieces(cell: str) -> tuple[tuple[str, bool], ...]:
    """Split a label cell with glued digits into ``(text, is_label)`` pieces (memoised).

    An item number glued to the previous row's digits ("…0502.没有现成") belongs to the label:
    the last digit before a ``.``/``、`` that starts a label is moved back onto it.
    """
    if _ITEM_NUMBER.match(cell):
        return ((cell, True),)  # "4." alone (its label wrapped onto the next line): numbering
    parts = [p for p in _PIECES.split(_PLACEHOLDER_HEADER.sub("数据", cell)) if p]
    out: list[tuple[str, bool]] = []
    for p in parts:
        if p[0].isdigit():
            out.append((p, False))
            continue
        if p[0] in ".、．" and out and not out[-1][1] and _CJK.search(p[:3]):
            prev = out.pop()[0]
            if len(prev) > 1:
                out.append((prev[:-1], False))
            p = prev[-1] + p
        if _CJK.search(p):
            out.append((p, True))
    return tuple(out)


def _split_cell(cell: str, line: int) -> list[Token]:
    """Label and digit tokens of one cell; digits glued to text are not ``separate``."""
    return [Token(text, is_label, line, separate=is_label) for text, is_label in _cell_pieces(cell)]


def tokenize(lines: list[list[str]], table_rows: frozenset[int] = frozenset()) -> list[Token]:
    """Every cell of ``lines`` as tokens; page footers are dropped.

    ``table_rows``: lines that are rows of a real table, whose value cells are ``in_cell``.
    """
    out: list[Token] = []
    for i, line in enumerate(lines):
        if is_page_number(line):
            continue
        real = i in table_rows
        for cell in line:
            if cell == EMPTY_MARK or cell_kind(cell) is not None:
                out.append(Token(cell, False, i, in_cell=real))
            else:
                toks = _split_cell(cell, i)
                if len(toks) == 1 and not toks[0].is_label:
                    toks[0].separate = True
                _rejoin_item_number(out, toks)
                out.extend(toks)
    return out


def _rejoin_item_number(out: list[Token], toks: list[Token]) -> None:
    """Give back an item number a wrapped line cut off its label.

    "…数 条 0 0 4" + ".网上申请数": the "4" ending one line is the numbering of the label that
    starts the next, not a cell of the row before (the in-cell case is :func:`_cell_pieces`'s).
    """
    if (toks and toks[0].is_label and toks[0].text[:1] in _ITEM_MARKS and out
            and not out[-1].is_label and out[-1].line < toks[0].line
            and out[-1].text.isdigit() and len(out[-1].text) <= 2):
        toks[0].text = out.pop().text + toks[0].text


def group_tokens(tokens: list[Token]) -> list[Group]:
    """Group the stream into (labels, values) pairs: a label after a value starts a new row."""
    groups: list[Group] = []
    cur = Group()
    for t in tokens:
        if t.is_label:
            if cur.values:
                groups.append(cur)
                cur = Group(line=t.line)
            if not cur.labels:
                cur.line = t.line
            cur.labels.append(t.text)
            cur.label_lines.append(t.line)
        else:
            cur.values.append(t)
    if cur.labels or cur.values:
        groups.append(cur)
    return groups

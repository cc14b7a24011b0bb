"""Ledger column headers → canonical field names, by meaning.

Handling systems name the same column many ways (申请日期 / 收到申请日期 / 受理时间 /
申请人身份). No header is listed here: each field's distinctive words live in
:mod:`schemas.vocabulary.ledgers` and :mod:`pipelines.ledgers.matcher` scores a header against
them. A note in brackets (a unit such as ``（工作日）`` or ``(元)``) is read only when the header
says nothing without it. A header that speaks for two fields equally is *ambiguous*: it is
reported and its column is not read, since a guess could move every deadline of the file.
Unknown headers are kept out of the data (they may hold anything, including personal data) and
reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from pipelines.ledgers.matcher import Lexicon, Match, lexicon, match
from schemas.vocabulary.ledgers import HEADERS

FIELDS: tuple[str, ...] = tuple(c.sense.key for c in HEADERS)
# Fields whose values are personal data: read only to be hashed or dropped (see privacy.py).
PII_FIELDS = ("name", "id_number", "phone", "address", "email")
REQUIRED = ("received", "applicant_type")
_NOTE = re.compile(r"[(（][^()（）]*[)）]")


def clean_header(header: object) -> str:
    """A header as compared: NFKC, no spaces, no ``*`` markers, ASCII brackets, lower case."""
    text = unicodedata.normalize("NFKC", str(header or "")).replace("\ufeff", "")
    text = re.sub(r"[\s*＊]", "", text)
    return text.lower()


@cache
def _lexicon() -> Lexicon:
    return lexicon(
        (c.sense for c in HEADERS), needs={c.sense.key: c.needs for c in HEADERS if c.needs}
    )


def header_match(header: object) -> Match:
    """How one header scores: the field, or the tied fields when it speaks for two."""
    text = clean_header(header)
    bare = _NOTE.sub("", text)
    found = match(_lexicon(), bare) if bare else Match(None)
    if found.key is None and not found.tied and bare != text:
        found = match(_lexicon(), text)  # 征求第三方意见（工作日）: the note says what it counts
    return found


def field_of(header: object) -> str | None:
    """The canonical field of one header, or None when it is unknown or ambiguous."""
    return header_match(header).key


@dataclass
class HeaderMap:
    """How a header row was read.

    ``mapping``: column position → field; ``unknown``: headers that speak for no field;
    ``ambiguous``: header → the fields it speaks for equally (column not read); ``duplicate``:
    headers of a field already taken by a better (or, equal, earlier) column (not read).
    """

    mapping: dict[int, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    duplicate: list[str] = field(default_factory=list)


def match_headers(headers: list[object]) -> HeaderMap:
    """Map a header row; each field goes to its best-scoring column (the first on equal scores)."""
    out = HeaderMap()
    best: dict[str, tuple[float, int]] = {}
    for i, h in enumerate(headers):
        m = header_match(h)
        if m.key is not None:
            if m.key not in best or m.score > best[m.key][0]:
                best[m.key] = (m.score, i)
        elif m.tied:
            out.ambiguous[str(h)] = m.tied
        elif clean_header(h):
            out.unknown.append(str(h))
    taken = {i: f for f, (_, i) in best.items()}
    out.mapping = dict(sorted(taken.items()))
    out.duplicate = [
        str(h) for i, h in enumerate(headers) if i not in taken and field_of(h) is not None
    ]
    return out


# How far down a sheet the header may sit: titles, 填报单位 / 填报日期 rows, notes and blank rows.
HEADER_SEARCH_ROWS = 20
_DATA_LIKE = re.compile(r"^[\d+\-.]")  # a date, a number, a serial: not a header label


def named_fields(row: list[object]) -> set[str]:
    """The fields a row's cells name (a header row names several; a data row next to none)."""
    return {f for f in map(field_of, row) if f is not None}


def is_header(row: list[object]) -> bool:
    """A row names the receipt date and the applicant type, or the receipt date and two more.

    The second form finds a header that lacks the applicant type column (or names it in words
    nobody has met yet): the reader then says which column is missing instead of "no header".
    A note or title row never names three fields in separate cells.
    """
    fields = named_fields(row)
    return set(REQUIRED) <= fields or ("received" in fields and len(fields) >= 3)


def combine_rows(top: list[object], sub: list[object]) -> list[str]:
    """A two-row header as one: each sub cell prefixed by the group cell above it.

    A group cell (申请人信息 over 姓名 | 类型 | 证件号码) covers the blank cells to its right that
    have a sub cell — a merged cell exported to CSV, or read without its merge. A column whose
    sub cell is blank (a header merged down over both rows) keeps its top cell alone.
    """
    width = max(len(top), len(sub))
    t = [str(c or "").strip() for c in top] + [""] * (width - len(top))
    s = [str(c or "").strip() for c in sub] + [""] * (width - len(sub))
    out: list[str] = []
    group = ""
    for a, b in zip(t, s, strict=True):
        if a:
            group = "" if ":" in a or "：" in a else a  # 填报单位：… is a note, not a group
        elif not b:
            group = ""
        head = group
        out.append(b if not head or b == head else f"{head} {b}" if b else head)
    return out


def _sub_header(row: list[object]) -> bool:
    """A row that may be the lower half of a header: some text, no date or number cell."""
    cells = [str(c or "").strip() for c in row]
    return any(cells) and not any(_DATA_LIKE.match(c) for c in cells if c)


def find_header(
    rows: list[list[object]], limit: int = HEADER_SEARCH_ROWS
) -> tuple[int, int, list[str]] | None:
    """``(first, count, cells)`` of the header among the top rows, or None.

    ``count`` is 2 for a two-row header, whose ``cells`` are the combined labels
    (``申请人信息 类型``): it is taken when the row below the first header-like row is text only
    and the combined labels name more fields than either row alone (a title row over the header
    adds nothing: then the header is the lower row, read alone).
    """
    for i, row in enumerate(rows[:limit]):
        nxt = rows[i + 1] if i + 1 < len(rows) else None
        single = [str(c or "") for c in row]
        if nxt is not None and _sub_header(nxt):
            both = combine_rows(row, nxt)
            named = len(named_fields(both))
            if is_header(both) and named > max(len(named_fields(single)), len(named_fields(nxt))):
                return i, 2, both
        if is_header(single):
            return i, 1, single
    return None


def find_header_row(rows: list[list[object]], limit: int = HEADER_SEARCH_ROWS) -> int | None:
    """The first of the top rows that starts the header (titles may sit above it)."""
    found = find_header(rows, limit)
    return None if found is None else found[0]

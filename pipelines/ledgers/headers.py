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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from pipelines.ledgers.matcher import Lexicon, Match, lexicon, match
from schemas.vocabulary.ledgers import DEADLINE_HINTS, HEADERS, NATURAL_DAYS

FIELDS: tuple[str, ...] = tuple(c.sense.key for c in HEADERS)
# Fields whose values are personal data: read only to be hashed or dropped (see privacy.py).
PII_FIELDS = ("name", "id_number", "phone", "address", "email")
REQUIRED = ("received", "applicant_type")
# Fields that move a deadline: a column of one of them that is not read changes the result.
DEADLINE_FIELDS = (
    "received",
    "replied",
    "correction_requested",
    "correction_received",
    "third_party_days",
    "extended",
)
# What a user map may say a column is, beside a field: read nothing from it.
IGNORE = "ignore"
_NOTE = re.compile(r"[(（][^()（）]*[)）]")
# A note that is a unit of days: the header counts days, whatever else it says (时间(天)).
_DAY_UNIT = re.compile(r"[(（]个?(?:工作日|自然日|日历日|天|日)数?[)）]")
_DATE_WORD = re.compile(r"时间|日期")


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
    if _DAY_UNIT.search(text):
        # 第三方意见征求时间(天): a unit of days in brackets says the column is a count, so 时间
        # there is "time taken", not a date (any unit: 天, 工作日, 自然日).
        units = "".join(m.group(0) for m in _DAY_UNIT.finditer(text))
        return match(_lexicon(), _DATE_WORD.sub("", bare) + units + "天")
    found = match(_lexicon(), bare) if bare else Match(None)
    if found.key is None and not found.tied and bare != text:
        found = match(_lexicon(), text)  # 征求第三方意见（工作日）: the note says what it counts
    return found


def natural_days(header: object) -> bool:
    """True when a count of days says it counts calendar days (自然日), not working days."""
    text = clean_header(header)
    return any(w in text for w in NATURAL_DAYS)


def deadline_hint(header: object) -> bool:
    """True when a header's words suggest it bears on a deadline (第三方, 延期, 补正, 答复 …).

    Used only for headers the matcher did not take: such a column may change deadlines, so
    leaving it unread must be told, never silent.
    """
    text = clean_header(header)
    return any(w in text for w in DEADLINE_HINTS)


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
    headers: list[str] = field(default_factory=list)  # the header row as printed
    by_map: dict[int, str] = field(default_factory=dict)  # position → field or "ignore", by map


def _override(overrides: Mapping[str, str] | None, header: object) -> str | None:
    """What the user's map says of a header (compared cleaned, as the matcher compares)."""
    if not overrides:
        return None
    return _cleaned(tuple(sorted(overrides.items()))).get(clean_header(header))


@cache
def _cleaned(items: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {clean_header(k): v for k, v in items}


def match_headers(headers: list[object], overrides: Mapping[str, str] | None = None) -> HeaderMap:
    """Map a header row; each field goes to its best-scoring column (the first on equal scores).

    ``overrides`` (header → field or ``"ignore"``, from a ledger map file) are applied before
    the matcher: a header the map names is read as the map says and never scored.
    """
    out = HeaderMap(headers=[str(h if h is not None else "") for h in headers])
    best: dict[str, tuple[float, int]] = {}
    forced: dict[str, int] = {}
    for i, h in enumerate(headers):
        told = _override(overrides, h)
        if told is not None:
            out.by_map[i] = told
            if told != IGNORE:
                forced.setdefault(told, i)
            continue
        m = header_match(h)
        if m.key is not None:
            if m.key not in best or m.score > best[m.key][0]:
                best[m.key] = (m.score, i)
        elif m.tied:
            out.ambiguous[str(h)] = m.tied
        elif clean_header(h):
            out.unknown.append(str(h))
    taken = {i: f for f, (_, i) in best.items() if f not in forced}
    taken.update({i: f for f, i in forced.items()})
    out.mapping = dict(sorted(taken.items()))
    out.duplicate = [
        str(h)
        for i, h in enumerate(headers)
        if i not in taken and i not in out.by_map and field_of(h) is not None
    ]
    return out


# How far down a sheet the header may sit: titles, 填报单位 / 填报日期 rows, notes and blank rows.
HEADER_SEARCH_ROWS = 20
_DATA_LIKE = re.compile(r"^[\d+\-.]")  # a date, a number, a serial: not a header label


def named_fields(row: list[object], overrides: Mapping[str, str] | None = None) -> set[str]:
    """The fields a row's cells name (a header row names several; a data row next to none).

    A user map's word for a cell comes first (``ignore`` names no field).
    """
    out = set()
    for c in row:
        f = _override(overrides, c) or field_of(c)
        if f is not None and f != IGNORE:
            out.add(f)
    return out


def is_header(row: list[object], overrides: Mapping[str, str] | None = None) -> bool:
    """A row names the receipt date and the applicant type, or the receipt date and two more.

    The second form finds a header that lacks the applicant type column (or names it in words
    nobody has met yet): the reader then says which column is missing instead of "no header".
    A note or title row never names three fields in separate cells.
    """
    fields = named_fields(row, overrides)
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
    rows: list[list[object]],
    limit: int = HEADER_SEARCH_ROWS,
    overrides: Mapping[str, str] | None = None,
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
            named = len(named_fields(both, overrides))
            alone = max(len(named_fields(single, overrides)), len(named_fields(nxt, overrides)))
            if is_header(both, overrides) and named > alone:
                return i, 2, both
        if is_header(single, overrides):
            return i, 1, single
    return None


def find_header_row(
    rows: list[list[object]],
    limit: int = HEADER_SEARCH_ROWS,
    overrides: Mapping[str, str] | None = None,
) -> int | None:
    """The first of the top rows that starts the header (titles may sit above it)."""
    found = find_header(rows, limit, overrides)
    return None if found is None else found[0]

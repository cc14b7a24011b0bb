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


def find_header_row(rows: list[list[object]], limit: int = 10) -> int | None:
    """The first of the top rows that names the required fields (titles may sit above it)."""
    for i, row in enumerate(rows[:limit]):
        fields = {field_of(c) for c in row}
        if set(REQUIRED) <= fields:
            return i
    return None

"""Which printed label means which canonical row of the template tables, by meaning.

The wording lives in :mod:`schemas.vocabulary.tables`; this module only applies it with the
scored matcher, and adds the two things that depend on a row's neighbours rather than its words:
a bare "其他" is 三(六)3 only under （六）其他处理, and a bare "总计" after the outcome rows is
三(七). Rows a body added to the template (``_local.*`` senses) mean no canonical row.
"""

from __future__ import annotations

import re

from pipelines.extract.matcher import Match, Matcher
from schemas.vocabulary import tables as vocab

_ROWS = Matcher(vocab.APPLICATION_ROWS, floor=1.0)
_CATEGORIES = Matcher(vocab.CATEGORIES, floor=1.0, fuzzy=False)
_PROACTIVE = Matcher(vocab.PROACTIVE_ROWS, floor=1.0)

# A bare "其他" row belongs to (六)其他处理 only when it follows that category's sub-rows.
OTHER_OTHER = re.compile(r"^(?:\d[.、．]?|[(（]?\d[)）])?\s*其他$")
BARE_TOTAL = re.compile(r"^总计$")
_TABLE3_START = tuple(w.text for w in vocab.TABLE3_START)
_APPEALS_START = tuple(w.text for w in vocab.APPEALS_START)
_PROACTIVE_START = tuple(w.text for w in vocab.PROACTIVE_START)


def _canonical(m: Match) -> str | None:
    return None if m.key is None or m.key.startswith("_local.") else m.key


def classify_application(label: str, last: str, category: str | None) -> str | None:
    """Canonical table-三 row for a label group, given the category seen most recently.

    The label cell nearest the values (``last``) is the most specific and is tried first; the
    group's whole label only when ``last`` names nothing.
    """
    m = _ROWS.match(last)
    if m.key is not None:
        return _canonical(m)
    if OTHER_OTHER.match(last) and (category == "other" or "其他处理" in label):
        # "3、其他" under （六）其他处理 — the full label also names the category, so this test
        # must come before the category's own sense is tried on it.
        return "other.other"
    m = _ROWS.match(label)
    if m.key is not None:
        return _canonical(m)
    if BARE_TOTAL.match(last):
        return "total_processed"
    return None


def category_of(label: str) -> str | None:
    """The outcome category a label names (不予公开 → denied …), if any."""
    return _CATEGORIES.match(label).key


def starts_applications(label: str) -> bool:
    """True when a label opens table 三 (its first row, 本年新收…)."""
    return any(w in label for w in _TABLE3_START)


def starts_appeals(label: str) -> bool:
    """True when a label opens table 四 (行政复议…)."""
    return any(w in label for w in _APPEALS_START)


def starts_proactive(label: str) -> bool:
    """True when a label opens table 二 (第二十条第(一)项…)."""
    return any(w in label for w in _PROACTIVE_START)


def classify_proactive(label: str, last: str) -> str | None:
    """Canonical table-二 row for a label group (规章, 行政许可 …)."""
    for text in (last, label):
        m = _PROACTIVE.match(text)
        if m.key is not None:
            return _canonical(m)
    return None


def is_appeals_header(label: str) -> bool:
    """True when a label is made of table-四 header words only."""
    rest = [ch for ch in label if ch not in vocab.APPEALS_HEADER_CHARS and not ch.isspace()]
    return len(label) < 60 and len(rest) <= 2

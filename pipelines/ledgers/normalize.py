"""Labels → codes: applicant type (table 三 columns), channel, outcome (table 三 rows), yes/no.

No label is listed here: the wordings live in :mod:`schemas.vocabulary.ledgers` (the template's
own labels come from :mod:`schemas.registry` through it) and each label is read by the scored
matcher of :mod:`pipelines.ledgers.matcher`, so 不予公开（过程性信息）,
不予公开-属于四类过程性信息 and 过程性信息 land on the same row. A label that speaks for two
rows equally (不予公开-重复申请: a category and a reason that disagree) is not guessed: it stays
unknown and the row is quarantined with the label. Each distinct label of a column is matched
once and the result spread over the column with ``replace_strict``, so a million-row ledger
costs a handful of matches.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache

import polars as pl

from pipelines.ledgers.dates import parse_dates
from pipelines.ledgers.matcher import SEPARATORS, Lexicon, Match, clean, lexicon, match
from schemas.registry import OUTCOME_CATEGORIES
from schemas.vocabulary import ledgers as vocab

CHANNELS = (*(s.key for s in vocab.CHANNELS), "other")
_PENDING = frozenset({"", *(clean(w.text) for w in vocab.PENDING)})
_YES = frozenset(clean(w.text) for w in vocab.YES)


def clean_label(text: str) -> str:
    """A label as compared: NFKC, no spaces, separators folded to ``|``, trailing ones cut."""
    return clean(text)


@cache
def _lexicons() -> dict[str, Lexicon]:
    return {
        "applicant": lexicon(vocab.APPLICANTS, neutral=vocab.APPLICANT_SCOPE),
        "outcome": lexicon(vocab.OUTCOMES, needs=vocab.OUTCOME_NEEDS),
        "channel": lexicon(vocab.CHANNELS),
    }


def applicant_match(label: str) -> Match:
    """How an applicant label scores against the table 三 columns."""
    return match(_lexicons()["applicant"], label)


@cache
def _category_words() -> dict[str, frozenset[str]]:
    return {
        s.key: frozenset(clean(w.text) for w in s.words)
        for s in vocab.OUTCOMES
        if s.key in dict.fromkeys(c for c, _, _ in OUTCOME_CATEGORIES)
    }


def outcome_match(label: str) -> Match:
    """How an outcome label scores against the table 三 rows and categories.

    A label whose category word and reason disagree (不予公开-重复申请: 重复申请 is a 不予处理
    reason) is a tie between the two, never silently one of them.
    """
    found = match(_lexicons()["outcome"], label)
    if found.key is None:
        return found
    present = set(found.tokens)
    named = tuple(c for c, ws in _category_words().items() if present & ws)
    own = found.key.split(".", 1)[0]
    if named and named != (own,):
        tied = (found.key, *(c for c in named if c != found.key))
        return Match(None, found.score, tied, found.tokens)
    if found.key in vocab.CATEGORY_ALONE:
        return Match(vocab.CATEGORY_ALONE[found.key], found.score, (), found.tokens)
    return found


def applicant_of(label: str) -> str | None:
    """Applicant label → table 三 column (``natural_person`` … ``other_org``), None if unknown."""
    return applicant_match(label).key


def outcome_of(label: str) -> str | None:
    """Outcome label → row key; ``""`` for an open application; None if unknown or ambiguous."""
    if clean(label) in _PENDING:
        return ""
    return outcome_match(label).key


def channel_of(label: str) -> str | None:
    """Channel label → a code of :data:`CHANNELS` (unknown or tied → ``other``), None if empty."""
    if not clean(label):
        return None
    return match(_lexicons()["channel"], label).key or "other"


def _per_label(fn: Callable[[str], str | None], expr: pl.Expr) -> pl.Expr:
    """Apply ``fn`` once per distinct value of the column and spread the result."""

    def batch(s: pl.Series) -> pl.Series:
        text = s.cast(pl.Utf8).fill_null("")
        mapping = {v: fn(v) for v in text.unique().to_list()}
        return text.replace_strict(mapping, default=None, return_dtype=pl.Utf8)

    return expr.map_batches(batch, return_dtype=pl.Utf8)


def _told(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """The user's label overrides (from a ledger map), keyed as labels are compared."""
    return {clean(k): v for k, v in (overrides or {}).items()}


def _with_overrides(
    fn: Callable[[str], str | None], overrides: Mapping[str, str] | None
) -> Callable[[str], str | None]:
    """``fn`` behind the user's overrides: a label the map names is never scored."""
    told = _told(overrides)
    if not told:
        return fn

    def read(label: str) -> str | None:
        key = told.get(clean(label))
        if key is None:
            return fn(label)
        return "" if key == "pending" else key

    return read


def applicant_type(expr: pl.Expr, overrides: Mapping[str, str] | None = None) -> pl.Expr:
    """Applicant label → table 三 column (``natural_person`` … ``other_org``), null if unknown.

    ``overrides``: label → column from the user's ledger map, applied before the matcher.
    """
    return _per_label(_with_overrides(applicant_of, overrides), expr)


def channel(expr: pl.Expr) -> pl.Expr:
    """Channel label → a code of :data:`CHANNELS` (unknown → ``other``); null if empty."""
    return _per_label(channel_of, expr)


def outcome(expr: pl.Expr, overrides: Mapping[str, str] | None = None) -> pl.Expr:
    """Outcome label → table 三 row key (``granted``, ``denied.state_secret`` …).

    Pending labels (办理中) give ``""``; unknown labels give null (the row keeps its dates and
    gets a finding). ``overrides``: label → key (or ``pending``) from the user's ledger map.
    """
    return _per_label(_with_overrides(outcome_of, overrides), expr)


def _tie_of(label: str) -> str | None:
    if clean(label) in _PENDING:
        return None
    tied = outcome_match(label).tied
    return " / ".join(tied) if tied else None


def outcome_tie(expr: pl.Expr, overrides: Mapping[str, str] | None = None) -> pl.Expr:
    """The row keys an ambiguous outcome label speaks for (``a / b``), null otherwise.

    Registry keys, not the label: a finding may say why a label was not read without
    quoting a cell that, in a ledger with swapped columns, may be a name. A label the user's
    map names is not ambiguous.
    """
    told = _told(overrides)
    return _per_label(lambda v: None if clean(v) in told else _tie_of(v), expr)


def yes(expr: pl.Expr) -> pl.Expr:
    """是/否 and the like → bool (empty → False); compared whole: 否 must not read as 是否."""
    text = expr.cast(pl.Utf8).fill_null("").str.strip_chars()
    text = text.str.replace_all(r"\s+", "").str.replace_all(SEPARATORS, "|")
    said = text.str.strip_chars("|").str.to_lowercase().is_in(list(_YES))
    # 延期天数 "20" or an extended deadline's date in an 延长期限 column: extended, not "no".
    days = text.str.extract(r"^(\d{1,3})(?:天|日|个工作日|工作日)?$").cast(pl.Int64, strict=False)
    return said | (days.fill_null(0) > 1) | parse_dates(expr).is_not_null()


# No fee or count of days in a ledger reaches a million; a number that does is a phone or an
# ID number in the wrong column and must not be stored as a figure.
NUMBER_LIMIT = 1_000_000


def number(expr: pl.Expr) -> pl.Expr:
    """A count or amount written with units or separators (``15天``, ``1,200元``) → float.

    Null when there is none or when it reaches :data:`NUMBER_LIMIT` (a phone number in the
    wrong column).
    """
    text = expr.cast(pl.Utf8).fill_null("").str.replace_all(r"[,，\s]", "")
    value = text.str.extract(r"(-?\d+(?:\.\d+)?)", 1).cast(pl.Float64, strict=False)
    return pl.when(value.abs() < NUMBER_LIMIT).then(value)

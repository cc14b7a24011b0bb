"""A small scored matcher: a header or label → the key whose distinctive words it carries.

The vocabulary (:mod:`schemas.vocabulary.ledgers`) says which words speak for which key; this
module only reads text by it. A text is cut into vocabulary words, leftmost-longest, so a word
inside a longer one does not count (申请 inside 申请人, 身份 inside 身份证, 公开 inside
不予公开). Each key scores the weights of its words present, unless one of its ``excludes`` is
present or one group of its ``needs`` is missing. The best key wins; keys sharing the best
score are a tie, returned as such so the caller reports it instead of silently taking one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from schemas.vocabulary import Sense, Word

_SPACE = re.compile(r"[\s*＊]+")
# Separators folded to "|" (also used by the vectorised yes/no reading in normalize.py).
SEPARATORS = r"[()（）\-－—–·:：、/|]+"
_SEP = re.compile(SEPARATORS)


def clean(text: object) -> str:
    """Text as compared: NFKC, no spaces or ``*`` markers, separators folded to ``|``, lower."""
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    text = _SPACE.sub("", text)
    return _SEP.sub("|", text).strip("|").lower()


@dataclass(frozen=True)
class Match:
    """What a text says: the winning ``key`` (None when nothing or a tie) and why.

    ``tied`` holds the keys that shared the best score when there was a tie, so the caller can
    report "this header could be A or B" rather than guess.
    """

    key: str | None
    score: float = 0.0
    tied: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Lexicon:
    """Senses prepared for matching: every word cleaned, indexed by its first character."""

    senses: tuple[Sense, ...]
    needs: Mapping[str, tuple[frozenset[str], ...]] = field(default_factory=dict)
    by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    excludes: Mapping[str, frozenset[str]] = field(default_factory=dict)


def lexicon(
    senses: Iterable[Sense],
    needs: Mapping[str, tuple[tuple[Word, ...], ...]] | None = None,
    neutral: Iterable[Word] = (),
) -> Lexicon:
    """Prepare senses for :func:`match`.

    Args:
        senses: The keys and their words.
        needs: Key → groups of words; the key is only considered when each group has a word.
        neutral: Words that belong to no key but must be read whole (a scope word such as
            法人或其他组织, so that 法人 inside it does not count).
    """
    senses = tuple(senses)
    needs = needs or {}
    weights = {s.key: _weights(s.words) for s in senses}
    excludes = {s.key: frozenset(clean(w.text) for w in s.excludes) for s in senses}
    need_sets = {
        k: tuple(frozenset(clean(w.text) for w in group) for group in groups)
        for k, groups in needs.items()
    }
    vocab = {clean(w.text) for s in senses for w in (*s.words, *s.excludes)}
    vocab |= {clean(w.text) for w in neutral}
    vocab |= {t for groups in need_sets.values() for g in groups for t in g}
    vocab.discard("")
    by_first: dict[str, list[str]] = {}
    for w in vocab:
        by_first.setdefault(w[0], []).append(w)
    ordered = {c: tuple(sorted(ws, key=len, reverse=True)) for c, ws in by_first.items()}
    return Lexicon(senses, need_sets, ordered, weights, excludes)


def _weights(ws: Iterable[Word]) -> dict[str, float]:
    out: dict[str, float] = {}
    for w in ws:
        key = clean(w.text)
        out[key] = max(out.get(key, 0.0), w.weight)
    return out


def tokens(lex: Lexicon, text: str) -> tuple[str, ...]:
    """The vocabulary words of an already :func:`clean` text, leftmost-longest."""
    out = []
    i = 0
    while i < len(text):
        for w in lex.by_first.get(text[i], ()):
            if text.startswith(w, i):
                out.append(w)
                i += len(w)
                break
        else:
            i += 1
    return tuple(out)


def scores(lex: Lexicon, found: Iterable[str]) -> dict[str, float]:
    """Score of every key that the words ``found`` speak for (excluded or lacking keys left out)."""
    present = set(found)
    out = {}
    for s in lex.senses:
        if present & lex.excludes[s.key]:
            continue
        if any(not (present & group) for group in lex.needs.get(s.key, ())):
            continue
        score = sum(w for t, w in lex.weights[s.key].items() if t in present)
        if score > 0:
            out[s.key] = score
    return out


def match(lex: Lexicon, text: object) -> Match:
    """The key a text speaks for; a tie at the top gives ``key=None`` and the tied keys."""
    found = tokens(lex, clean(text))
    scored = scores(lex, found)
    if not scored:
        return Match(None, 0.0, (), found)
    best = max(scored.values())
    top = tuple(k for k, v in scored.items() if v == best)
    if len(top) > 1:
        return Match(None, best, top, found)
    return Match(top[0], best, (), found)

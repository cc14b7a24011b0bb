"""Scored matching of a printed label against the senses of the vocabulary.

A label means the key whose distinctive words it holds best: each word found adds its weight,
a word found with one character wrong (an OCR slip or typo: 其他法律行政止公开) adds part of its
weight, and an exclusion word rules the sense out. The best sense wins only if it scores at
least ``floor`` and clearly beats the runner-up; a tie is reported as ambiguous, never broken
silently, so two candidate rows never share one label by accident.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from schemas.vocabulary import Sense

FUZZY_SHARE = 0.6  # weight kept by a word matched with one character wrong
MIN_FUZZY_LEN = 4  # shorter words must match exactly (one slip in 3 characters is another word)
# A dropped character needs a longer word: 予以公开 without 以 is 予公开, inside 不予公开.
MIN_DROP_LEN = 5


@dataclass(frozen=True)
class Match:
    """The outcome of matching one label: the key (None when nothing or a tie), and why."""

    key: str | None
    score: float
    candidates: tuple[tuple[str, float], ...]  # every sense that scored, best first

    @property
    def ambiguous(self) -> bool:
        """True when two senses tied for best."""
        return self.key is None and len(self.candidates) > 1 and (
            self.candidates[0][1] == self.candidates[1][1])


def _near(word: str, text: str) -> bool:
    """``word`` occurs in ``text`` with one character substituted (or, if long, dropped)."""
    n = len(word)
    for i in range(len(text) - n + 1):
        if sum(a != b for a, b in zip(word, text[i:i + n], strict=True)) == 1:
            return True
    if n >= MIN_DROP_LEN:
        return any(word[:cut] + word[cut + 1:] in text for cut in range(n))
    return False


def found(word: str, text: str, fuzzy: bool = True) -> float:
    """1.0 when ``word`` is in ``text``, :data:`FUZZY_SHARE` when it is there with one slip."""
    if word in text:
        return 1.0
    if fuzzy and len(word) >= MIN_FUZZY_LEN and _near(word, text):
        return FUZZY_SHARE
    return 0.0


def score(text: str, sense: Sense, fuzzy: bool = True) -> float | None:
    """The evidence ``text`` gives for ``sense``; None when an exclusion word rules it out."""
    if any(w.text in text for w in sense.excludes):
        return None
    return sum(w.weight * found(w.text, text, fuzzy) for w in sense.words)


def best(text: str, senses: Sequence[Sense], floor: float = 1.0, margin: float = 0.0,
         fuzzy: bool = True) -> Match:
    """The sense ``text`` means: highest score ≥ ``floor`` that beats the next by > ``margin``."""
    scored = [(s.key, sc) for s in senses
              if (sc := score(text, s, fuzzy)) is not None and sc > 0]
    scored.sort(key=lambda kv: -kv[1])
    if not scored or scored[0][1] < floor:
        return Match(None, scored[0][1] if scored else 0.0, tuple(scored))
    if len(scored) > 1 and scored[0][1] - scored[1][1] <= margin:
        return Match(None, scored[0][1], tuple(scored))
    return Match(scored[0][0], scored[0][1], tuple(scored))


class Matcher:
    """:func:`best` over one vocabulary, memoised: template labels repeat across documents."""

    def __init__(self, senses: Sequence[Sense], floor: float = 1.0, margin: float = 0.0,
                 fuzzy: bool = True) -> None:
        self.senses = tuple(senses)
        self.floor, self.margin, self.fuzzy = floor, margin, fuzzy
        self.match = lru_cache(maxsize=1 << 14)(self._match)

    def _match(self, text: str) -> Match:
        return best(text, self.senses, self.floor, self.margin, self.fuzzy)

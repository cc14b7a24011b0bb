"""The prose lexicon as one scanner: every wording of the prose vocabulary, longest first.

Every wording of :mod:`schemas.vocabulary.prose` is found in a text in one pass.

One pass over the whole text with a trie-shaped pattern keeps prose reading within the engine's
speed budget (thousands of documents per second), and longest-first matching lets compounds
decide before their parts: 政府信息公开申请 is an application, not 政府信息; 无法提供 is an
outcome, not the negation 无.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from schemas.vocabulary import prose as vocab


class Token(NamedTuple):
    """One wording found in the text, with every meaning the vocabulary gives it."""

    start: int
    end: int
    text: str
    senses: dict[str, tuple[str, float]]  # category -> (sense, weight), shared per wording

    def sense(self, category: str) -> str | None:
        """The token's sense in ``category`` (``thing``, ``verb`` …), or None."""
        entry = self.senses.get(category)
        return entry[0] if entry else None

    def weight(self, category: str) -> float:
        """The wording's weight in ``category`` (0 when it has no sense there)."""
        entry = self.senses.get(category)
        return entry[1] if entry else 0.0


def trie_pattern(texts: list[str]) -> str:
    """A regex alternation shaped as a trie: fast, and greedy, so the longest wording wins."""
    trie: dict = {}
    for t in texts:
        node = trie
        for ch in t:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


@lru_cache(maxsize=1)
def _lexicon() -> tuple[re.Pattern[str], dict[str, dict[str, tuple[str, float]]]]:
    senses: dict[str, dict[str, tuple[str, float]]] = {}
    for text, cat, sense, weight in vocab.all_words():
        senses.setdefault(text, {}).setdefault(cat, (sense, weight))
    return re.compile(trie_pattern(list(senses))), senses


def scan(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Every vocabulary wording in ``text[start:end]``, left to right, longest at each position.

    Positions are those of ``text``.
    """
    pattern, senses = _lexicon()
    end = len(text) if end is None else end
    out = []
    for m in pattern.finditer(text, start, end):
        s, e = m.span()
        if e > s:
            word = m.group()
            out.append(Token(s, e, word, senses[word]))
    return out

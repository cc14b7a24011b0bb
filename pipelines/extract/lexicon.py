"""The prose lexicon as one scanner: every wording of the prose vocabulary, longest first.

Every wording of :mod:`schemas.vocabulary.prose` is found in a text in one pass.

One pass over the whole text with a trie-shaped pattern keeps prose reading within the engine's
speed budget (thousands of documents per second), and longest-first matching lets compounds
decide before their parts: 政府信息公开申请 is an application, not 政府信息; 无法提供 is an
outcome, not the negation 无.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from schemas.vocabulary import prose as vocab


@dataclass(frozen=True)
class Token:
    """One wording found in the text, with every meaning the vocabulary gives it."""

    start: int
    end: int
    text: str
    senses: tuple[tuple[str, str, float], ...]  # (category, sense, weight)

    def sense(self, category: str) -> str | None:
        """The token's sense in ``category`` (``thing``, ``verb`` …), or None."""
        return next((s for c, s, _ in self.senses if c == category), None)

    def weight(self, category: str) -> float:
        """The wording's weight in ``category`` (0 when it has no sense there)."""
        return next((w for c, _, w in self.senses if c == category), 0.0)


def _trie_pattern(texts: list[str]) -> str:
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
def _lexicon() -> tuple[re.Pattern[str], dict[str, tuple[tuple[str, str, float], ...]]]:
    senses: dict[str, list[tuple[str, str, float]]] = {}
    for text, cat, sense, weight in vocab.all_words():
        entry = (cat, sense, weight)
        if entry not in senses.setdefault(text, []):
            senses[text].append(entry)
    return re.compile(_trie_pattern(list(senses))), {k: tuple(v) for k, v in senses.items()}


def scan(text: str) -> list[Token]:
    """Every vocabulary wording in ``text``, left to right, longest at each position."""
    pattern, senses = _lexicon()
    return [Token(m.start(), m.end(), m.group(), senses[m.group()])
            for m in pattern.finditer(text) if m.end() > m.start()]

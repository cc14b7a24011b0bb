"""Sentences, clauses and counted quantities of running text.

Prose figures are read clause by clause: a clause (between ，；：) holds one statement, a sentence
(between 。！？ or list headings such as （二） / 2、 / 三是) holds the statements that share a
subject and a verb (共收到申请37件，已答复37件). A 其中-clause and every clause after it in its
sentence belong to the clause before 其中 (their *head*), as does the rest of a sentence opened by
a frame "在…中，": they are parts of the head's figure, not new totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pipelines.extract.normalize import chinese_numeral
from schemas.vocabulary import prose as vocab

_SENTENCE_END = "。！？!?"
_CLAUSE_END = "，,；;：:" + _SENTENCE_END
# List headings that start a new statement even where the full stop was lost in scraping.
# Look-behinds come after the first character so the regex engine can skip ahead by it.
_CN_ORD = "一二三四五六七八九十"
_HEADING = (rf"[（(][{_CN_ORD}]{{1,3}}[)）]|\d(?<![\d.]\d)\d?(?:[、．](?!\d)|\.(?=[\u4e00-\u9fff]))"
            rf"|[{_CN_ORD}](?<![\u4e00-\u9fff][{_CN_ORD}])[{_CN_ORD}]{{0,2}}、"
            rf"|[{_CN_ORD}]是(?=[\u4e00-\u9fff])")
_BREAK = re.compile(rf"[{re.escape(_CLAUSE_END)}]|{_HEADING}")


def _unit_alternation() -> str:
    units = sorted({*vocab.COUNT_UNITS, *vocab.MONEY_UNITS, *vocab.OTHER_UNITS}, key=len,
                   reverse=True)
    return "|".join(re.escape(u) for u in units)


_UNITS = _unit_alternation()
_CN = "零〇一二两三四五六七八九十百千"
QUANTITY = re.compile(
    rf"(?:(?P<num>\d(?<![\d.]\d)\d*(?:\.\d+)?)"
    rf"|(?P<cn>[{_CN}](?<![第每统唯逐之单{_CN}][{_CN}])[{_CN}]*))"
    rf"(?P<wan>万)?(?P<approx>余|多)?(?P<unit>{_UNITS})(?!性)")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit: ``1.53万条`` is 15300 条; ``approx`` when 余/多 follows it."""

    start: int
    end: int
    value: int | float
    unit: str
    approx: bool


@dataclass(slots=True)
class Clause:
    """One clause: its span, its sentence, and the clause it is a part of (其中 / 在…中)."""

    start: int
    end: int
    sentence: int
    head: int | None = None
    sub: bool = False  # inside a 其中 / 在…中 scope (head may be unknown: a quoted fragment)


def _value(m: re.Match[str]) -> int | float | None:
    if m.group("num") is not None:
        d = Decimal(m.group("num"))
    else:
        cn = chinese_numeral(m.group("cn"))
        if cn is None:
            return None
        d = Decimal(cn)
    if m.group("wan"):
        d *= 10000
    return int(d) if d == d.to_integral_value() else float(d)


def quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number with a unit in ``text[start:end]`` (dates and codes have none)."""
    out = []
    for m in QUANTITY.finditer(text, start, len(text) if end is None else end):
        if text.startswith(("”", "》", "\"", "’"), m.end()):
            continue  # a name in quotes: “苏惠十条”
        if m.group("cn") is not None and (
                m.group("unit") not in vocab.COUNT_UNITS
                or text.count("“", max(0, m.start() - 12), m.start())
                > text.count("”", max(0, m.start() - 12), m.start())):
            continue  # 两名, “三个一”: Chinese numerals are read only as plain disclosure counts
        value = _value(m)
        if value is None:
            continue
        unit = m.group("unit")
        out.append(Quantity(m.start(), m.end(), value, unit, bool(m.group("approx"))))
    return out


def split(text: str, start: int = 0, end: int | None = None, sentence: int = 0) -> list[Clause]:
    """The clauses of ``text[start:end]`` in order, with sentence numbers and 其中 heads.

    Sentences are numbered from ``sentence``; positions are those of ``text``.
    """
    clauses: list[Clause] = []
    end = len(text) if end is None else end
    for m in _BREAK.finditer(text, start, end):
        heading = m.group()[0] not in _CLAUSE_END
        stop = m.start() if heading else m.end()
        if stop > start:
            clauses.append(Clause(start, stop, sentence))
        if heading or m.group() in _SENTENCE_END:
            sentence += 1
        start = stop if heading else m.end()
    if start < end:
        clauses.append(Clause(start, end, sentence))
    _attach_heads(text, clauses)
    return clauses


def _attach_heads(text: str, clauses: list[Clause]) -> None:
    """Give every clause inside a 其中 / 在…中 scope the index of its head clause."""
    head: int | None = None
    scope_sentence = -1
    for i, c in enumerate(clauses):
        body = text[c.start:c.end].strip("，,；;：:。！？!? （(")
        if c.sentence != scope_sentence:
            head = None
        opens = body.startswith("其中") or "，其中" in body or ",其中" in body
        if head is not None and opens and i > 0 and clauses[i - 1].sub:
            prev = clauses[i - 1]  # a second 其中 in the sentence: the clause before is its head
            prev.sub, prev.head = False, None
            head = c.head = i - 1
            c.sub = True
            continue
        if head is not None:
            c.head, c.sub = head, True
            continue
        if opens:
            prev = i - 1
            while prev >= 0 and clauses[prev].sub:
                prev -= 1
            c.sub, scope_sentence = True, c.sentence
            head = c.head = prev if prev >= 0 else -1
        elif body.startswith("在") and body.endswith("中") and len(body) < 40:
            head, scope_sentence = i, c.sentence

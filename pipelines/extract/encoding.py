"""Byte → text decoding for scraped pages: UTF-8, GB18030 (GBK/GB2312) and Big5.

Many government sites still serve GBK, and Taiwan/Hong Kong mirrors serve Big5. GB18030 decodes
almost any byte string without error, so "it decoded" proves nothing; instead the candidate that
yields the most common report words wins.
"""

from __future__ import annotations

import codecs

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
# Characters frequent in every report, in both scripts.
_COMMON = set("的年政府信息公开開申请請报報告件条條情况況工作行处處理一二三四五六")


def _score(text: str) -> float:
    if not text:
        return 0.0
    hits = sum(1 for ch in text if ch in _COMMON)
    bad = text.count("\ufffd")
    return (hits - 10 * bad) / len(text)


def detect_encoding(data: bytes) -> str:
    """Name the codec that reads ``data`` as a Chinese report (BOM, then UTF-8, then scoring)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:20000]
    best, best_score = "gb18030", float("-inf")
    for name in ("gb18030", "big5"):
        text = sample.decode(name, errors="replace")
        score = _score(text)
        if score > best_score:
            best, best_score = name, score
    return best


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` into text, returning ``(text, encoding)``; never raises."""
    name = detect_encoding(data)
    return data.decode(name, errors="replace"), name

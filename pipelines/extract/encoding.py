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
INVALID_PER_CHAR = 1_000  # at most one invalid byte sequence per this many characters: UTF-8
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
    # A UTF-8 file with a few broken bytes (a cut download, a bad copy) is still UTF-8: GBK
    # or Big5 text read as UTF-8 fails on nearly every Chinese character, not once in 1,000.
    text = data.decode("utf-8", errors="replace")
    if invalid_utf8(data, text) * INVALID_PER_CHAR <= len(text):
        return "utf-8"
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


# Bytes that never occur in a text file of any of these encodings (C0 controls other than
# tab, line feed, vertical tab, form feed, carriage return and escape).
_CONTROLS = bytes(b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1b")
BINARY_SHARE = 0.01  # of control bytes in the head: more is binary content, not text


def looks_binary(data: bytes) -> bool:
    """Whether ``data`` is binary content (random bytes, an image) rather than text.

    GB18030 decodes almost any byte string, so decoding cannot tell; but no text encoding
    used by reports (UTF-8, GB18030, Big5) produces C0 control bytes inside characters, while
    random bytes hold about 10 % of them. UTF-16 (with its BOM) is text full of NULs.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    head = data[:65_536]
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return controls > len(head) * BINARY_SHARE


def invalid_utf8(data: bytes, text: str) -> int:
    """How many invalid byte sequences the UTF-8 decoding of ``data`` into ``text`` replaced."""
    return text.count("\ufffd") - data.count("\ufffd".encode())

"""Text normalisation: one canonical spelling of script, digits and cells before any parsing.

Scraped reports arrive in traditional script, with full-width digits, with pinyin annotations
after every character (mirror sites: 關(guān)於(yú)), with thousands separators and with numbers
written in Chinese. Parsing is written once, against simplified script and ASCII digits, so every
input goes through :func:`normalize_text` first. Converters and patterns are built once at import
time because extraction runs thousands of documents per second.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

# Full-width ASCII block (digits, letters, some symbols) → ASCII. Chinese punctuation such as
# （）and ，is kept: labels and prose patterns are written with it.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}  # ０-９
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_FULLWIDTH.update({0xFF0E: ord("."), 0xFF05: ord("%"), 0xFF0D: ord("-"), 0x3000: ord(" ")})
_FULLWIDTH.update({0xA0: ord(" "), 0x2002: ord(" "), 0x2003: ord(" "), 0x200B: None, 0xFEFF: None})

# PDF text layers often name a glyph by a radical code point (⼈⺠ for 人民, ⽇ for 日): CJK fonts
# draw a radical and its ideograph with one glyph, and the PDF's ToUnicode map (Chromium's
# print-to-PDF, some Word exports) picks the radical. Kangxi radicals decompose to their ideograph
# (NFKC); the CJK Radicals Supplement pairs below are Unicode's EquivalentUnifiedIdeograph values
# (those that Noto CJK SC draws with the ideograph's glyph), as radical-ideograph pairs.
_SUPPLEMENT_PAIRS = (
    "⺂乛⺃乚⺅亻⺉刂⺋㔾⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬⺨犭⺭礻⺯糹⺰纟"
    "⺱罓⺳㓁⺹耂⺺肀⺾艹⻂衤⻅见⻆角⻈讠⻉贝⻋车⻌辶⻐钅⻑長⻒镸⻓长⻔门⻖阝⻘青⻙韦⻚页⻛风⻜飞⻝食⻟飠⻠饣"
    "⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟"
)
_RADICALS = {cp: ord(unicodedata.normalize("NFKC", chr(cp))) for cp in range(0x2F00, 0x2FD6)}
_RADICALS.update({ord(r): ord(i) for r, i in zip(_SUPPLEMENT_PAIRS[::2], _SUPPLEMENT_PAIRS[1::2],
                                                  strict=True)})
_WIDTH_AND_RADICALS = {**_FULLWIDTH, **_RADICALS}

# A CJK character followed by its pinyin in brackets: 關(guān) / 关（guān）.
_PINYIN = re.compile(
    r"(?<=[\u4e00-\u9fff])[(（]\s*[a-zA-Zü\u00c0-\u024f\u0300-\u036f]{1,8}[1-5]?\s*[)）]"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")

# How plain text lays out a table: cells apart by runs of spaces or tabs, and Markdown pipe
# rows with their |---| rules (shared by the text/Markdown readers and the PDF layout).
CELL_SPLIT = re.compile(r"[\t ]+")
MD_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")

_DASHES = {"-", "—", "–", "－", "/", "／", "——", "--", "———", "\\", "―"}
_TEXT_ZERO = {"无", "不涉及", "没有", "暂无", "零", "/无"}
_EMPTY = {"", "∅"}
EMPTY_MARK = "∅"  # how readers mark a table cell that exists but is blank

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+$")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


def fullwidth_to_ascii(text: str) -> str:
    """Map full-width digits/letters and odd spaces to ASCII so number patterns see ``0-9``."""
    return text.translate(_FULLWIDTH)


def radicals_to_ideographs(text: str) -> str:
    """Map radical code points from PDF text layers to their ideographs: ``⼈⺠`` → ``人民``."""
    return text.translate(_RADICALS)


def strip_pinyin(text: str) -> str:
    """Remove mirror-site pinyin annotations: ``关(guān)于(yú)`` → ``关于``."""
    return _PINYIN.sub("", text)


def to_simplified(text: str) -> str:
    """Traditional → simplified script (OpenCC t2s), so one set of labels matches both."""
    return _T2S.convert(text)


def drop_thousands_separators(text: str) -> str:
    """``3,119`` → ``3119``: a comma between digit groups of three is a separator, not a list."""
    return _THOUSANDS.sub("", text)


def normalize_text(text: str) -> str:
    """Every normalisation in the order that makes them safe (pinyin after width, before t2s)."""
    text = text.translate(_WIDTH_AND_RADICALS)  # fullwidth_to_ascii + radicals_to_ideographs
    text = strip_pinyin(text)
    text = to_simplified(text)
    return drop_thousands_separators(text)


@lru_cache(maxsize=4096)
def chinese_numeral(text: str) -> int | None:
    """Value of a Chinese numeral such as ``二十三``, ``一百零五``, ``两千``; None if not one."""
    if not text or not _CN_NUMERAL.match(text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch in ("万", "亿"):
            section += digit or 0
            total += section * (10_000 if ch == "万" else 100_000_000)
            section, digit = 0, None
    return total + section + (digit or 0)


def to_number(text: str) -> int | float | None:
    """Parse ``12``, ``3,119``, ``7730.28``, ``二十`` into a number; None if not a number."""
    s = drop_thousands_separators(fullwidth_to_ascii(text).strip())
    if _NUMBER.match(s):
        return float(s) if "." in s else int(s)
    return chinese_numeral(s)


@lru_cache(maxsize=1 << 16)
def cell_kind(text: str | None) -> str | None:
    """Classify a table cell: ``number``, ``empty``, ``dash``, ``text`` (无…) or None (a label).

    Publishers print zero as a blank, a dash or 无; the contract keeps which one it was.
    """
    s = (text or "").strip()
    if s in _EMPTY:
        return "empty"
    if s in _DASHES:
        return "dash"
    if s in _TEXT_ZERO:
        return "text"
    if _NUMBER.match(drop_thousands_separators(s)):
        return "number"
    return None


@lru_cache(maxsize=1 << 16)
def cell_value(text: str | None) -> tuple[int | float, str] | None:
    """A cell as (value, kind): blank/dash/无 read as 0 with their kind; None if a label."""
    kind = cell_kind(text)
    if kind is None:
        return None
    if kind != "number":
        return 0, kind
    value = to_number(text or "")
    return (value if value is not None else 0), kind

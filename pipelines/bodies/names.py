"""Text side of body resolution: clean an issuer string, split off what kind of body it is.

Pure functions over strings plus the two committed mapping files of this package
(``special_zones.csv``, ``department_aliases.csv``). Place names are the index's business
(``index.py``); this module knows the words that follow a place: 人民政府, 办公厅, 管委会, a
department, a township.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import opencc

HERE = Path(__file__).parent

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# A title goes on after the body with the year or the report's name; cut there.
_TITLE_TAIL = re.compile(r"(?:19|20)\d{2}年|政府信息公开|信息公开|年度报告|工作报告|工作年度")
# Field labels of scraped pages (标题: …, 发布机构: …) and a leading year or 关于 go first.
_LEADING = re.compile(r"^(?:标题|题目|发布机构|发文机关|发布单位|来源|(?:19|20)\d{2}年度?|关于)+")
_NOT_NAME = re.compile(r"[^\u4e00-\u9fff0-9A-Za-z]")
_OFFICE = re.compile(r"^(人民政府|政府)?(办公厅|办公室)$")
_GOVERNMENT_PREFIX = re.compile(r"^(人民政府|政府)")
_ZONE_ADMIN = ("管理委员会", "管委会")
_TOWNSHIP = re.compile(
    r"^(?P<town>[\u4e00-\u9fff]{1,10}?(?:街道|镇|乡|苏木))"
    r"(?P<tail>人民政府|政府|街道办事处|办事处|)$"
)


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplify(text: str) -> str:
    """Simplified script, half-width forms, no spaces: the form every index key is in.

    Reports from Hong Kong mirrors and Big5 pages use traditional script (洪澤區), PDFs
    full-width digits and spaced-out titles (``沐阳县人民政府 2025 年``).
    """
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", _t2s().convert(text))


def simplify_keep_space(text: str) -> str:
    """Like :func:`simplify` but keeps line breaks and spaces, for reading labelled fields."""
    return _t2s().convert(unicodedata.normalize("NFKC", text))


def issuer_part(text: str) -> str:
    """The body's name out of an issuer line or title.

    ``淮安市洪泽区人民政府2023年政府信息公开工作年度报告`` → ``淮安市洪泽区人民政府``;
    ``2019年上海市政府信息公开工作年度报告`` → ``上海市``. Punctuation and OCR debris go.
    """
    text = _LEADING.sub("", _NOT_NAME.sub("", simplify(text)))
    cut = _TITLE_TAIL.search(text)
    return text[: cut.start()] if cut else text


def year_in(text: str) -> int | None:
    """The first ``YYYY年`` of a text: the report year in a title, used to date names."""
    match = _YEAR.search(simplify(text))
    return int(match.group(1)) if match else None


@cache
def _read_csv(file_name: str) -> tuple[dict[str, str], ...]:
    with (HERE / file_name).open(encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return tuple(csv.DictReader(lines))


def special_zones() -> tuple[dict[str, str], ...]:
    """Rows of ``special_zones.csv``: name, region_code, level, covers."""
    return _read_csv("special_zones.csv")


def province_abbreviations() -> tuple[dict[str, str], ...]:
    """Rows of ``province_abbreviations.csv``: abbr (苏), name (江苏省)."""
    return _read_csv("province_abbreviations.csv")


@cache
def _department_aliases() -> dict[str, str]:
    return {row["alias"]: row["canonical"] for row in _read_csv("department_aliases.csv")}


def canonical_department(name: str) -> str:
    """The official form of a department's name (市场监管局 → 市场监督管理局)."""
    return _department_aliases().get(name, name)


@cache
def _confusions() -> frozenset[tuple[str, str]]:
    pairs = {(row["a"], row["b"]) for row in _read_csv("ocr_confusions.csv")}
    return frozenset(pairs | {(b, a) for a, b in pairs})


def ocr_confusable(written: str, official: str) -> bool:
    """True when two equal-length names differ only in characters OCR is known to confuse."""
    diff = [(w, o) for w, o in zip(written, official, strict=True) if w != o]
    return bool(diff) and all(pair in _confusions() for pair in diff)


@dataclass(frozen=True)
class Suffix:
    """What the words after the place say about the body.

    Attributes:
        type: ``government`` | ``office`` | ``department`` | ``special_zone`` | ``township``
            (a 乡/镇/街道 named in the suffix rather than found among the places).
        text: The suffix in its official form, appended to the place to make the name.
        town: For ``township``, the township's name as written.
    """

    type: str
    text: str
    town: str = ""


def classify_suffix(rest: str, *, special_zone: bool) -> Suffix:
    """Classify the part of a body's name after its place.

    Args:
        rest: The words after the place, e.g. ``人民政府办公厅``, ``市场监管局``, ``管委会``.
        special_zone: The place is a special zone, whose 管委会 is the zone's government.
    """
    if rest in ("", "人民政府", "政府"):
        return Suffix(
            "special_zone" if special_zone else "government", "" if special_zone else "人民政府"
        )
    if special_zone and rest in _ZONE_ADMIN:
        return Suffix("special_zone", "管理委员会")
    office = _OFFICE.match(rest)
    if office:
        return Suffix("office", ("人民政府" if office.group(1) else "") + office.group(2))
    if special_zone and rest.startswith(_ZONE_ADMIN):
        inner = rest.removeprefix("管理委员会").removeprefix("管委会")
        kind = "office" if inner in ("办公室", "党政办公室") else "department"
        return Suffix(kind, "管理委员会" + canonical_department(inner))
    town = _TOWNSHIP.match(rest)
    if town:
        name = town.group("town")
        return Suffix("township", name + township_tail(name, town.group("tail")), name)
    government = _GOVERNMENT_PREFIX.match(rest)
    head = government.group(1) if government else ""
    return Suffix("department", head + canonical_department(rest[len(head) :]))


def township_tail(town: str, tail: str) -> str:
    """The body word after a township: 街道 bodies are 办事处, 乡/镇 bodies 人民政府.

    Keeps what was written (``街道办事处``), fills in what a title left out.
    """
    if tail not in ("", "政府"):
        return tail
    return "办事处" if town.endswith("街道") else "人民政府"

"""Context clues that place a body when its name alone does not: site, 发文字号, issuer lines.

A report of 鼓楼区人民政府, or one whose OCR wrote 沐阳县 for 沭阳县, names no city. The page
around it often does, indirectly:

* the issuer fields of scraped pages (``发布机构:``, ``来源:``, ``发文机关:``), which name the
  body or its government in full;
* the government site it was published on (``原文链接: https://www.suqian.gov.cn/…``): the host
  label before ``gov.cn`` is the pinyin of the place (``suqian`` → 宿迁市);
* the document numbers it cites (``宿政办发〔2024〕12号``): their first character is the
  abbreviation of the issuing place (宿 → 宿迁市, 宿州市 …; 苏 → 江苏省, from
  ``province_abbreviations.csv``).

Each clue yields a set of *current* places; the resolver narrows candidates with one clue at a
time, strongest first, and only when the clue leaves at least one candidate (a clue never turns a
match into no match). The weaker clues (site, document number) name several places as often as
one, so they narrow but do not invent. Pure functions over text plus the place index.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from pipelines.bodies import names
from pipelines.bodies.index import Place, place_index, place_index_key
from pipelines.diskcache import load_or_build

# Scraped pages print the publisher as a field: 发布机构: 平潭综合实验区管委会办公室.
_ISSUER_FIELD = re.compile(
    r"(?:发布机构|发文机关|发布单位|信息来源|来源|索引号所属机构)\s*[:：]\s*([^\s:：|/]{2,40})"
)
_HOST = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+)gov\.cn", re.I)
# 宿政办发〔2024〕12号, 苏政发[2023]5号, 淮政规〔2022〕3号 — the issuing place's abbreviation first.
_DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff])(?:政办发|政办函|政办|政发|政规|政复|政函|府办发|府办|"
    r"府发|府规|府函)\s*[〔\[【(（]\s*(?:19|20)\d{2}"
)
# Host labels that are not places (sub-sites of a government portal).
_NOT_PLACE = frozenset(
    {"www", "zwgk", "xxgk", "gk", "zfxxgk", "xxgkml", "wap", "m", "en", "gov", "szf", "zw", "fw"}
)
_SHORT_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "自治旗", "地区", "林区", "新区", "省", "市", "县", "区", "盟", "旗",
)  # fmt: skip


def _short(name: str) -> str:
    """宿迁市 → 宿迁, 平潭县 → 平潭: the part a site name or abbreviation is made from."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _current(levels: tuple[str, ...]) -> list[Place]:
    seen: dict[str, Place] = {}
    for places in place_index().by_name.values():
        for p in places:
            if p.valid_to is None and not p.special_zone and p.level in levels:
                seen.setdefault(p.code + p.name, p)
    return sorted(seen.values(), key=lambda p: p.code)


@cache
def _by_pinyin() -> dict[str, tuple[Place, ...]]:
    """Pinyin of every current province, city and county short name → the places (built once).

    Kept in the disk cache beside the place index: pypinyin alone takes 0.3 s to import, and a
    one-page HTML report naming its ``gov.cn`` site should not wait for it.
    """
    key = place_index_key(extra=[Path(__file__)])
    return load_or_build("pinyin_places", key, _build_by_pinyin)


def _build_by_pinyin() -> dict[str, tuple[Place, ...]]:
    from pypinyin import lazy_pinyin

    table: dict[str, list[Place]] = defaultdict(list)
    for place in _current(("province", "city", "county")):
        table["".join(lazy_pinyin(_short(place.name)))].append(place)
    return {k: tuple(v) for k, v in table.items()}


@cache
def _by_initial() -> dict[str, tuple[Place, ...]]:
    """First character of every current city and county name, plus province abbreviations."""
    table: dict[str, list[Place]] = defaultdict(list)
    for place in _current(("city", "county")):
        table[place.name[0]].append(place)
    for row in names.province_abbreviations():
        table[row["abbr"]] += [
            p for p in place_index().by_name.get(row["name"], ()) if p.valid_to is None
        ]
    return {k: tuple(v) for k, v in table.items()}


def issuer_lines(text: str) -> tuple[str, ...]:
    """Values of the issuer fields of a scraped page (发布机构, 来源 …), in order."""
    return tuple(m.group(1) for m in _ISSUER_FIELD.finditer(names.simplify_keep_space(text)))


def site_places(text: str) -> tuple[Place, ...]:
    """Places whose pinyin is a host label of a ``gov.cn`` address in the text."""
    found: dict[str, Place] = {}
    for match in _HOST.finditer(text):
        for label in match.group(1).lower().strip(".").split("."):
            if label in _NOT_PLACE or len(label) < 4:
                continue  # two- or three-letter labels (js, sh, hz) are initials: too many fits
            for place in _by_pinyin().get(label, ()):
                found[place.code] = place
    return tuple(found.values())


def document_number_places(text: str) -> tuple[Place, ...]:
    """Places whose abbreviation opens a government document number the text cites."""
    found: dict[str, Place] = {}
    for match in _DOC_NUMBER.finditer(names.simplify(text)):
        for place in _by_initial().get(match.group(1), ()):
            found[place.code] = place
    return tuple(found.values())

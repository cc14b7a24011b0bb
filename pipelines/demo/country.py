"""The national demo: every mainland province with its real cities, counties and townships.

Regions come from the GB/T 2260 division data (:func:`pipelines.bodies.divisions.divisions`,
units in force today), so each body name is a real place chain the body resolver reads back to
its code. 台湾省, 香港 and 澳门 are left out: they publish no reports under the 条例.

Bodies per region (:data:`SIZES`), chosen so that six report years give a little over 200,000
documents, with the counties carrying most of them as in reality:

* province: 人民政府, 办公厅 and 14 departments (直辖市 name their departments like a city:
  北京市民政局);
* prefecture-level unit: 人民政府, 办公室 and 10 departments;
* county-level unit: 人民政府 and 7 departments (a rotating choice out of :data:`DEPARTMENTS`,
  so every department appears at county level);
* township/street: the first 3 of each county in code order (镇/乡 人民政府, 街道 办事处).

Names follow :mod:`.province`: a county body carries its city's name unless it is a
county-level city (东台市), a unit directly under a province carries the province's name
(北京市东城区, 湖北省神农架林区). Prefecture-level 地区 and 盟 get 人民政府 too (really
行政公署, which the resolver classifies as a department, not as the government it is).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from pipelines.bodies.divisions import divisions

from .province import DEPARTMENTS as PROVINCE_DEPARTMENTS
from .province import Body, Region, _county_prefix

# The province demo's ten departments first, then further ones every level has.
DEPARTMENTS: tuple[tuple[str, str, str, float], ...] = (*PROVINCE_DEPARTMENTS, *(
    ("development_reform", "发展和改革委员会", "发展和改革委员会", 0.8),
    ("civil_affairs", "民政局", "民政厅", 0.5),
    ("agriculture", "农业农村局", "农业农村厅", 0.6),
    ("water", "水利局", "水利厅", 0.4),
    ("commerce", "商务局", "商务厅", 0.3),
    ("culture_tourism", "文化和旅游局", "文化和旅游厅", 0.3),
    ("emergency", "应急管理局", "应急管理厅", 0.4),
    ("justice", "司法局", "司法厅", 0.4),
    ("audit", "审计局", "审计厅", 0.2),
    ("veterans", "退役军人事务局", "退役军人事务厅", 0.3),
    ("medical_security", "医疗保障局", "医疗保障局", 0.3),
    ("statistics", "统计局", "统计局", 0.2),
))

EXCLUDED = frozenset({"710000", "810000", "820000"})  # 台湾省, 香港, 澳门


@dataclass(frozen=True)
class Sizes:
    """How many bodies publish per region: departments per level, townships per county.

    ``cities`` and ``counties_per_city`` cut a province down (None: all of them), for quick
    multi-province runs in tests; the national demo uses every region.
    """

    province_departments: int = 14
    city_departments: int = 10
    county_departments: int = 7
    townships_per_county: int = 3
    cities: int | None = None
    counties_per_city: int | None = None


SIZES = Sizes()


@dataclass(frozen=True)
class Province:
    """One unit of work of the national demo: a province's regions and bodies, in order."""

    code: str
    name: str
    regions: tuple[Region, ...]
    bodies: tuple[Body, ...]


def _current() -> pl.DataFrame:
    """Units in force today, in code order."""
    d = divisions()
    return d.filter(pl.col("region_code") == pl.col("current_code")).sort("region_code")


def provinces_of(selection: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) of the chosen mainland provinces, in code order.

    Args:
        selection: codes (``32``, ``320000``) or names (``江苏省``, ``江苏``); None for all.

    Raises:
        ValueError: a code or name that is no mainland province.
    """
    frame = _current().filter(pl.col("level") == "province")
    known = [(c, n) for c, n in frame.select("region_code", "name").iter_rows()
             if c not in EXCLUDED]
    if selection is None:
        return known
    chosen: set[str] = set()
    for item in (s.strip() for s in selection):
        hits = [c for c, n in known if item and (c == item.ljust(6, "0")[:6] if item.isdigit()
                                                 else n.startswith(item))]
        if len(hits) != 1:
            raise ValueError(f"no single mainland province matches {item!r}")
        chosen.add(hits[0])
    return [(c, n) for c, n in known if c in chosen]


def _departments(count: int, start: int) -> list[tuple[str, str, str, float]]:
    """``count`` departments of the list, rotating from ``start`` (one region's choice)."""
    n = min(count, len(DEPARTMENTS))
    return [DEPARTMENTS[(start + k) % len(DEPARTMENTS)] for k in range(n)]


def build_country_province(code: str, name: str, sizes: Sizes = SIZES) -> Province:
    """Regions and bodies of one real province from the division data.

    Args:
        code: the province's 6-digit code (``440000``).
        name: its name (``广东省``).
        sizes: bodies per region.

    Returns:
        The province with regions (province, cities, counties, townships) and bodies in a
        stable order: province, then each city with its bodies, counties, townships.
    """
    units = _current().filter(pl.col("province_code") == code)
    rows = list(units.select("region_code", "name", "level", "parent_code").iter_rows())
    children: dict[str, list[tuple[str, str, str]]] = {}
    for rcode, rname, level, parent in rows:
        children.setdefault(parent or "", []).append((rcode, rname, level))

    municipality = name.endswith("市")
    regions = [Region(code, name, "province", "")]
    bodies = [Body(f"{code}-gov", f"{name}人民政府", code, "province", "government", "", 30.0,
                   "gov"),
              Body(f"{code}-office", f"{name}人民政府办公厅", code, "province", "office", "",
                   4.0, "office")]
    for slug, city_suffix, prov_suffix, w in _departments(sizes.province_departments, 0):
        suffix = city_suffix if municipality else prov_suffix
        bodies.append(Body(f"{code}-{slug}", name + suffix, code, "province", "department",
                           slug, 8.0 * w, slug))

    county_index = 0

    def county(kcode: str, kname: str, parent: str, prefix_of: str) -> None:
        nonlocal county_index
        regions.append(Region(kcode, kname, "county", parent))
        prefix = _county_prefix(prefix_of, kname)
        bodies.append(Body(f"{kcode}-gov", f"{prefix}人民政府", kcode, "county", "government",
                           "", 5.0, "gov"))
        for slug, suffix, _, w in _departments(sizes.county_departments, county_index):
            bodies.append(Body(f"{kcode}-{slug}", prefix + suffix, kcode, "county",
                               "department", slug, 1.2 * w, slug))
        county_index += 1
        # The data mark a few abolished streets as "…街道（撤销）": no body carries that name.
        towns = [t for t in children.get(kcode, []) if t[2] == "township" and "（" not in t[1]]
        for tcode, tname, _ in towns[: sizes.townships_per_county]:
            regions.append(Region(tcode, tname, "township", kcode))
            suffix = "办事处" if tname.endswith("街道") else "人民政府"
            bodies.append(Body(f"{tcode}-gov", f"{prefix}{tname}{suffix}", tcode, "township",
                               "government", "", 0.4, "gov"))

    top = children.get(code, [])[: sizes.cities]
    for i, (ccode, cname, level) in enumerate(top):
        if level == "county":  # 直辖市 districts, 省直辖县级市
            county(ccode, cname, code, name)
            continue
        regions.append(Region(ccode, cname, "city", code))
        bodies.append(Body(f"{ccode}-gov", f"{cname}人民政府", ccode, "city", "government", "",
                           18.0, "gov"))
        bodies.append(Body(f"{ccode}-office", f"{cname}人民政府办公室", ccode, "city", "office",
                           "", 1.5, "office"))
        for slug, suffix, _, w in _departments(sizes.city_departments, i):
            bodies.append(Body(f"{ccode}-{slug}", cname + suffix, ccode, "city", "department",
                               slug, 4.0 * w, slug))
        mine = [k for k in children.get(ccode, []) if k[2] == "county"]
        for kcode, kname, _ in mine[: sizes.counties_per_city]:
            county(kcode, kname, ccode, cname)
    return Province(code, name, tuple(regions), tuple(bodies))

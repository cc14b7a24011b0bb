"""Real provinces from the division data, and one file per document at every scale."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from test_demo_support import full_province, manifest, small_province

from pipelines.demo import generate
from pipelines.demo.country import Sizes, build_country_province, provinces_of
from pipelines.demo.province import build_province
from pipelines.extract import extract_bytes

SMALL = Sizes(province_departments=2, city_departments=1, county_departments=1,
              townships_per_county=1, cities=2, counties_per_city=2)


@cache
def _three_provinces(workers: int) -> tuple[Path, dict]:
    out = Path(tempfile.mkdtemp(prefix="gongkai-national-")) / "demo"
    return out, generate(out, provinces=["11", "广东", "650000"], sizes=SMALL, workers=workers)


@cache
def _above_scale_one() -> tuple[Path, dict]:
    # 1.6 asks for 211 county departments of 41 counties: the old walk repeated bodies there.
    out = Path(tempfile.mkdtemp(prefix="gongkai-scale-")) / "demo"
    return out, generate(out, scale=1.6)


def _assert_one_to_one(out: Path, summary: dict) -> None:
    """MANIFEST rows, expected/*.json and docs/ name the same stems; sha256 and size agree."""
    rows = manifest(out)
    docs = {p.name: p for p in (out / "docs").iterdir()}
    stems = [Path(r["file"]).stem for r in rows]
    assert len(rows) == summary["documents"] == len(docs) == len(set(stems))
    assert set(docs) == {r["file"] for r in rows}
    assert {p.stem for p in (out / "expected").glob("*.json")} == set(stems)
    for r in rows:
        data = docs[r["file"]].read_bytes()
        assert (hashlib.sha256(data).hexdigest(), len(data)) == (r["sha256"], int(r["bytes"]))


@pytest.mark.parametrize("run", ["scale 0.05", "scale 1.0", "scale 1.6", "three provinces"])
def test_manifest_expected_and_docs_match_one_to_one(run: str) -> None:
    out, summary = {
        "scale 0.05": lambda: small_province()[:2],
        "scale 1.0": lambda: full_province()[:2],
        "scale 1.6": _above_scale_one,
        "three provinces": lambda: _three_provinces(1),
    }[run]()
    _assert_one_to_one(out, summary)


@pytest.mark.parametrize("scale", [0.05, 0.5, 1.0, 1.6, 2.0, 5.0, 20.0])
def test_demo_province_bodies_are_distinct_at_every_scale(scale: float) -> None:
    _, bodies = build_province(scale)
    assert len({(b.region_code, b.slug) for b in bodies}) == len(bodies)


def test_larger_scales_give_more_documents_up_to_the_embedded_province() -> None:
    sizes = [len(build_province(s)[1]) for s in (1.0, 1.6, 5.0, 20.0)]
    assert sizes[0] < sizes[1] < sizes[2] == sizes[3]  # 41 counties × 10 departments at most


def test_worker_count_does_not_change_a_byte() -> None:
    one, s1 = _three_provinces(1)
    two, s2 = _three_provinces(2)
    assert s1 == s2
    for name in ("MANIFEST.tsv", "regions.csv", "bodies.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    for sub in ("docs", "expected", "ledgers"):
        a = sorted(p.name for p in (one / sub).iterdir())
        assert a == sorted(p.name for p in (two / sub).iterdir())
        assert all((one / sub / n).read_bytes() == (two / sub / n).read_bytes() for n in a)


def test_three_provinces_have_every_level_and_container() -> None:
    out, summary = _three_provinces(1)
    assert summary["provinces"] == ["110000", "440000", "650000"]
    assert set(summary["documents_per_province"]) == {"110000", "440000", "650000"}
    rows = manifest(out)
    assert set(Counter(r["level"] for r in rows)) == {"province", "city", "county", "township"}
    assert set(summary["containers"]) == {"html", "txt", "docx", "pdf"}
    assert summary["ledgers"] >= 3  # at least one body per province
    names = {r["body"] for r in rows}
    assert "北京市人民政府" in names and "广东省人民政府办公厅" in names


def test_reports_read_back_to_their_body_and_region() -> None:
    """The extractor's body resolver finds each sampled body where the generator put it."""
    out, _ = _three_provinces(1)
    rows = manifest(out)
    for r in [r for r in rows if r["region_code"][:2] != "32"][:: max(1, len(rows) // 24)]:
        ex = extract_bytes((out / "docs" / r["file"]).read_bytes(), r["file"])
        e = json.loads((out / "expected" / f"{Path(r['file']).stem}.json").read_text("utf-8"))
        assert (ex.body.name, ex.body.region_code) == (e["body"]["name"],
                                                       e["body"]["region_code"]), r["file"]
        assert ex.year == e["year"], r["file"]


def test_national_sizes_reach_two_hundred_thousand_documents() -> None:
    bodies = Counter()
    for code, name in provinces_of():
        for b in build_country_province(code, name).bodies:
            bodies[b.level] += 1
    # six report years; about 40 % of townships start in 2020 or 2021 (≈ 5.3 years)
    estimate = 6 * (bodies["province"] + bodies["city"] + bodies["county"]) \
        + 5.3 * bodies["township"]
    assert len(provinces_of()) == 31
    assert estimate >= 200_000


def test_province_selection_by_code_or_name() -> None:
    assert provinces_of(["32", "广东省", "重庆"]) == [("320000", "江苏省"), ("440000", "广东省"),
                                                   ("500000", "重庆市")]
    with pytest.raises(ValueError):
        provinces_of(["810000"])  # 香港 publishes no reports under the 条例
    with pytest.raises(ValueError):
        provinces_of(["江"])  # 江苏省 or 江西省


def test_every_department_of_the_country_has_figures() -> None:
    from pipelines.demo.country import DEPARTMENTS
    from pipelines.demo.numbers import body_chain
    from pipelines.demo.province import Body

    for slug, suffix, _, weight in DEPARTMENTS:
        body = Body(f"110101-{slug}", f"北京市东城区{suffix}", "110101", "county", "department",
                    slug, 1.2 * weight, slug)
        chain = body_chain(body, (2023, 2024), 1, None)
        assert chain[2024]["applications.new_received.total"] >= 0, slug


def test_fast_json_text_is_the_standard_librarys() -> None:
    from pipelines.demo import json_text

    out, _, _ = small_province()
    samples = [json.loads(p.read_text("utf-8")) for p in sorted((out / "expected").iterdir())]
    samples += [{"a": [1, 2.5, -0.0, 1e300, None, True, False, "引号\"\\\n\t\x01"], "b": {},
                 "c": [], "d": [{"e": [[]]}]}]
    for obj in samples:
        assert json_text.dumps(obj) == json.dumps(obj, ensure_ascii=False, indent=1)

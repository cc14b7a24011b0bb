"""The regions page (province → city → county → body) against the fixture warehouse.

Numbers from ``dashboard_fixture``: in 2023 乙市 received 380 applications (B3 300 + B4 80),
甲市 160; 乙市人民政府 (B3) has a carry_over_years finding in 2023.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixture import make_fixture_warehouse
from streamlit.testing.v1 import AppTest

from dashboards import drill

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("wh") / "gongkai.duckdb")


@pytest.fixture
def page(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("views/regions.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def test_regions_page_starts_at_the_province_with_coverage(page: AppTest) -> None:
    assert page.title[0].value == "地区下钻"
    top = _frames(page)[0]
    assert list(top["region_name"]) == ["演示省"]
    assert {"coverage", "bodies", "bodies_expected", "value"} <= set(top.columns)
    assert list(top["bodies"]) == [4] and list(top["bodies_expected"]) == [5]


def test_regions_drill_to_city_body_and_cross_year_findings(page: AppTest) -> None:
    page.selectbox(key="regions_pick_0_None").set_value("990000").run()
    cities = _frames(page)[1]
    assert list(cities["region_name"]) == ["乙市", "甲市"]  # ranked by applications
    assert list(cities["value"]) == [380, 160]
    page.selectbox(key="regions_pick_1_990000").set_value("990200").run()
    assert not page.exception, [e.value for e in page.exception]
    bodies = next(f for f in _frames(page) if "body_name" in f.columns)
    assert list(bodies["body_name"]) == ["乙市人民政府"]
    page.selectbox(key="regions_body_990200").set_value("B3").run()
    text = "\n".join(str(m.value) for m in page.markdown)
    assert "跨年度检查问题：1 条" in text
    findings = _frames(page)[-1]
    assert list(findings["rule_label"]) == ["跨年度结转衔接"]  # carry_over_years, in words


def test_drill_queries_are_pure(warehouse: Path) -> None:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    key = "applications.new_received.total"
    cities = drill.children(con, 2023, "990000", key)
    assert cities.select("region_name", "value").rows() == [("乙市", 380.0), ("甲市", 160.0)]
    assert drill.bodies(con, 2023, "990201", key)["body_name"].to_list() == ["乙市西县人民政府"]
    assert drill.cross_year_findings(con, "B3")["rule"].to_list() == ["carry_over_years"]

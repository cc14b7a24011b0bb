"""Every dashboard page, driven by streamlit.testing against the fixture warehouse.

The expected numbers are worked out in ``dashboard_fixture``'s docstring.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest
from dashboard_fixture import goto, make_fixture_warehouse
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
PAGES = ("overview", "compare", "trends", "outcomes", "quality", "downloads")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("wh") / "gongkai.duckdb")


@pytest.fixture
def app(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    parts = [
        e.value for kind in ("markdown", "caption", "title", "subheader") for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def _metrics(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {m.label: (m.value, m.delta) for m in at.metric}


def test_overview_kpis_with_change_on_previous_year(app: AppTest) -> None:
    assert app.title[0].value == "总览"
    assert _metrics(app) == {
        "已发布年报": ("4", "-1 (-20.0%)"),
        "报送机关": ("4", "-1 (-20.0%)"),
        "本年新收申请": ("540", "+30 (+5.9%)"),
        "公开率": ("68.5%", "+7.7 个百分点"),
        "勾稽问题": ("3", "+2 (+200.0%)"),
    }
    assert "隔离年报：1" in _texts(app)
    assert len(app.get("vega_lite_chart")) == 2


def test_overview_earlier_year_has_no_previous(app: AppTest) -> None:
    app.selectbox(key="overview_year").set_value(2022).run()
    metrics = _metrics(app)
    assert metrics["本年新收申请"] == ("510", "")  # no 2021 data: no change shown
    assert metrics["公开率"] == ("60.8%", "")
    assert metrics["已发布年报"] == ("5", "")


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_and_shows_demo_badge(app: AppTest, page: str) -> None:
    goto(app, page)
    text = _texts(app)
    assert ":orange-badge[:material/science: 演示数据]" in text
    assert "演示数据：由种子生成器合成的演示省份" in text
    assert "demo-2024.03.01" in text
    assert not app.error


def test_compare_ranks_cities_by_applications(app: AppTest) -> None:
    goto(app, "compare")
    assert app.subheader[0].value == "2023 年 市级 地区排名：本年新收政府信息公开申请数量｜总计"
    df = app.dataframe[0].value
    assert df["display_name"].tolist() == ["乙市", "甲市"]
    assert df["value"].tolist() == [380, 160]
    assert df["rank"].tolist() == [1, 2]
    assert app.get("vega_lite_chart")


def test_compare_counties_keep_missing_value_last(app: AppTest) -> None:
    goto(app, "compare")
    app.selectbox(key="compare_level").set_value("county").run()
    df = app.dataframe[0].value
    # counties are named 市·县, so two counties of the same name in two cities stay apart
    assert df["display_name"].tolist() == ["乙市·乙市西县", "甲市·甲市东县", "乙市·乙市南县"]
    assert df["value"].tolist()[:2] == [80, 40]
    assert df["value"].isna().tolist()[2]


def test_compare_by_disclosure_rate(app: AppTest) -> None:
    goto(app, "compare")
    app.selectbox(key="compare_measure").set_value("rate.disclosure").run()
    df = app.dataframe[0].value
    assert df["display_name"].tolist() == ["甲市", "乙市"]
    # shown in percent with one decimal: 110/160 and 260/380, from sums
    assert df["value"].tolist() == [round(110 / 160 * 100, 1), round(260 / 380 * 100, 1)]
    assert df["numerator"].tolist() == [110, 260]
    assert df["denominator"].tolist() == [160, 380]


def test_trends_lines_for_top_regions(app: AppTest) -> None:
    goto(app, "trends")
    assert app.multiselect[0].value == ["990200", "990100"]
    df = app.dataframe[0].value.set_index(["region_name", "year"])
    assert df.loc[("甲市", 2022), "value"] == 130
    assert df.loc[("甲市", 2023), "value"] == 160
    assert df.loc[("乙市", 2022), "value"] == 380
    assert df.loc[("甲市", 2023), "change"] == round((160 / 130 - 1) * 100, 1)  # percent
    # 乙市 2023: B5's report is quarantined, so 2 of 3 bodies reported; the table says so
    assert df.loc[("乙市", 2023), "coverage_text"] == "2/3"
    assert app.get("vega_lite_chart")


def test_outcomes_reasons_and_shares(app: AppTest) -> None:
    goto(app, "outcomes")
    df = app.dataframe[0].value.set_index("reason_label")
    assert df.loc["不予公开·保护第三方合法权益", "value"] == 35
    assert df.loc["无法提供·本机关不掌握相关政府信息", "value"] == 81
    assert df.loc["不予公开·属于国家秘密", "share"] == round(5 / 52 * 100, 1)  # percent
    assert len(app.get("vega_lite_chart")) == 2
    app.selectbox(key="outcomes_region_city").set_value("990200").run()
    df = app.dataframe[0].value.set_index("reason_label")
    assert df.loc["不予公开·保护第三方合法权益", "value"] == 30
    assert df.loc["不予公开·保护第三方合法权益", "share"] == 75.0
    assert "范围：乙市" in _texts(app)


def test_quality_rules_blame_and_quarantine(app: AppTest) -> None:
    goto(app, "quality")
    app.selectbox(key="quality_year").set_value(0).run()  # all years
    assert _metrics(app) == {
        "发布机关差错": ("3", ""),
        "识读差错": ("1", ""),
        "隔离年报": ("1", ""),
    }
    inconsistent, findings, quarantine, reports = (d.value for d in app.dataframe)
    # rules in words (outcome_sum, carry_over_years, row_total)
    assert set(findings["rule_label"]) == {"办理结果合计", "跨年度结转衔接", "行合计"}
    # reports to fix, errors first: B1 2023 (outcomes_sum), B3 2023, B2 2022, then B4's warning
    assert inconsistent["body_name"].tolist()[-1] == "乙市西县人民政府"
    assert inconsistent["errors"].tolist() == [1, 1, 1, 0]
    assert quarantine["item"].tolist() == ["r-B5-2023", "scan-0001.pdf"]
    assert "PDF 没有文本层（扫描件）" in quarantine["reason"].tolist()
    assert reports["body"].tolist() == ["乙市南县人民政府"]
    app.selectbox(key="quality_blame").set_value("reading").run()
    findings = app.dataframe[1].value
    assert findings["rule_label"].tolist() == ["行合计"]
    assert findings["blame_label"].tolist() == ["识读差错"]


def test_downloads_without_current_view(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("views/downloads.py").run()
    assert not at.exception
    assert "还没有当前视图" in at.info[0].value


def test_downloads_offer_current_view_and_full_tables(app: AppTest, warehouse: Path) -> None:
    goto(app, "downloads")
    assert "来自「总览」：kpi-2023（5 行）" in _texts(app)
    goto(app, "compare")
    goto(app, "downloads")
    text = _texts(app)
    assert "来自「地区比较」：ranking-city-2023-applications.new_received.total（2 行）" in text
    labels = [b.label for b in app.get("download_button")]
    assert labels == ["CSV", "Parquet", "XLSX"] * 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        width = len(con.execute("SELECT * FROM out_body_year LIMIT 0").description)
    assert f"9 行 × {width} 列" in text  # out_body_year: 9 published body-years
    assert "数据仓库旁没有找到开放数据包" in text


def test_downloads_describe_export_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_fixture_warehouse(tmp_path / "warehouse" / "gongkai.duckdb")
    export = tmp_path / "export"
    export.mkdir()
    package = {"name": "gongkai", "version": "2024.1", "resources": [{"name": "out_body_year"}]}
    (export / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    goto(at, "downloads")
    assert f"`{export}`（datapackage.json，版本 2024.1）" in _texts(at)


def test_english_toggle(app: AppTest) -> None:
    app.radio(key="lang").set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    metrics = _metrics(app)
    assert metrics["Applications received"] == ("540", "+30 (+5.9%)")
    assert metrics["Disclosure rate"] == ("68.5%", "+7.7 pp")
    assert "演示数据 (demo data)" in _texts(app)
    goto(app, "compare")
    assert app.subheader[0].value == ("city ranking 2023: new applications received | total")
    goto(app, "quality")
    assert set(_metrics(app)) == {"publisher error", "reading error", "Quarantined reports"}


def test_missing_warehouse_says_run_gongkai_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(tmp_path / "nowhere.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.error[0].value == "尚未找到数据仓库文件"
    assert at.code[0].value == "gongkai build"
    assert "nowhere.duckdb" in _texts(at)


def test_unreadable_warehouse_is_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "gongkai.duckdb"
    duckdb.connect(str(bad)).close()  # a valid DuckDB file without the warehouse tables
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(bad))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.error[0].value == "无法读取数据仓库"


def test_new_build_published_by_rename_is_picked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = make_fixture_warehouse(tmp_path / "gongkai.duckdb")
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(published))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert _metrics(at)["本年新收申请"][0] == "540"
    staged = make_fixture_warehouse(tmp_path / "gongkai.duckdb.new")
    con = duckdb.connect(str(staged))
    con.execute(
        'UPDATE out_body_year SET "applications.new_received.total" = 1000 '
        "WHERE body_id = 'B1' AND year = 2023"
    )
    con.execute("UPDATE meta_build SET dataset_version = 'demo-v2'")
    con.close()
    os.replace(staged, published)  # what the builder's atomic publish does
    at.run()
    assert not at.exception
    assert _metrics(at)["本年新收申请"][0] == "1,420"
    assert "demo-v2" in _texts(at)

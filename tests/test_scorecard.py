"""The scorecard on the demo province (a real Dagster build) and its dashboard page."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner
from conftest import BuiltHome
from dashboard_fixture import make_fixture_warehouse
from streamlit.testing.v1 import AppTest

from pipelines.cli import main

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"


def test_scorecard_scores_every_published_body_year(built_home: BuiltHome) -> None:
    con = duckdb.connect(str(built_home.warehouse), read_only=True)
    try:
        body_years = con.execute("SELECT count(*) FROM out_body_year").fetchall()[0][0]
        cards = con.execute(
            "SELECT count(*), min(score), max(score) FROM out_scorecard").fetchall()[0]
        assert cards[0] == body_years == 42
        assert 0 <= cards[1] < cards[2] == 100.0
        # every injected cross-year fault is found where it was injected
        truth = {
            (d["source"], e["rule"])
            for d in built_home.expected().values()
            for e in d["publisher_errors"]
            if e["rule"] in ("carry_over_years", "row_total", "outcomes_sum", "carry_balance")
        }
        found = set(con.sql(
            "SELECT r.source, c.rule FROM out_report_check c JOIN core_report r USING (report_id) "
            "WHERE c.severity = 'error'").fetchall())
        assert truth <= found
        # a score is 100 minus the capped deductions of its problems
        rows = con.sql(
            "SELECT s.score, coalesce(sum(c.deduction), 0) FROM out_scorecard s "
            "LEFT JOIN out_report_check c USING (report_id) GROUP BY s.report_id, s.score"
        ).fetchall()
        assert all(score >= 100 - d for score, d in rows)
        assert any(score == 100 - d < 100 for score, d in rows)
        # ranks run 1..n within each region and year
        bad = con.sql(
            "SELECT rank_region_code, year FROM out_scorecard GROUP BY ALL "
            "HAVING max(rank_of) <> count(*) OR min(rank) <> 1").fetchall()
        assert bad == []
    finally:
        con.close()


def test_cli_scorecard_xlsx(built_home: BuiltHome, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_HOME", str(built_home.home))
    out = tmp_path / "fixes.xlsx"
    res = CliRunner().invoke(main, ["scorecard", "--xlsx", str(out), "--year", "2023"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["评分排名", "整改清单"]
    ranking = list(wb["评分排名"].iter_rows(values_only=True))
    assert ranking[0][:4] == ("年度", "机关", "区划代码", "得分")
    assert len(ranking) == 1 + 7  # seven bodies report on 2023
    assert f"7 个机关，{wb['整改清单'].max_row - 1} 个问题" in res.output


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("wh") / "gongkai.duckdb")


def test_scorecard_page_ranking_drill_down_and_trend(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("views/scorecard.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "年报评分"
    at.selectbox(key="scorecard_year").set_value(2023).run()
    at.selectbox(key="scorecard_region").set_value("990000").run()
    ranking = at.dataframe[0].value
    # bodies needing fixes first (issue 14); rank 1 is still the best score
    assert list(ranking["body_name"]) == ["甲市人民政府办公室", "乙市人民政府", "乙市西县人民政府",
                                          "甲市东县人民政府"]
    assert list(ranking["score"]) == [85.0, 95.0, 97.0, 100.0]
    assert list(ranking["rank"]) == [4, 3, 2, 1]
    at.selectbox(key="scorecard_body").set_value("B1").run()
    problems = at.dataframe[1].value
    assert list(problems["severity_label"]) == ["错误", "错误"]
    assert "表三 · 办理结果总计 · 总计" in list(problems["location_text"])
    assert [s.value for s in at.subheader][-1] == "甲市人民政府办公室 历年得分"
    assert len(at.get("vega_lite_chart")) == 1
    at.selectbox(key="scorecard_region").set_value("990200").run()
    assert list(at.dataframe[0].value["body_name"]) == ["乙市人民政府", "乙市西县人民政府"]
    assert os.environ["GONGKAI_WAREHOUSE"] == str(warehouse)

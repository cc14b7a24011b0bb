"""The 答复时效 page on the fixture warehouse (numbers in ``dashboard_fixture.LEDGER_APPS``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_fixture import make_fixture_warehouse
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_warehouse(tmp_path_factory.mktemp("wh") / "gongkai.duckdb")


def _page(warehouse: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("GONGKAI_LANG", lang)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    at.switch_page("views/timeliness.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_timeliness_by_region_and_year(warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _page(warehouse, monkeypatch)
    assert at.title[0].value == "答复时效"
    df = at.dataframe[1].value  # [0] is the table of bodies, late first
    row = df.iloc[0]
    assert (row["region_name"], int(row["year"]), int(row["applications"])) == ("甲市", 2023, 4)
    assert row["median_working_days"] == 20
    assert row["on_time_share"] == round(2 / 3 * 100, 1)  # percent, one decimal
    assert int(row["overdue"]) == 1
    assert row["disclosed_share"] == round(2 / 3 * 100, 1)
    assert row["denied_share"] == round(1 / 3 * 100, 1)


def test_reconciliation_view_lists_the_differences(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _page(warehouse, monkeypatch)
    rec = at.dataframe[2].value
    assert rec["difference"].dropna().tolist() == [-1]
    assert set(rec["status"]) == {"不一致", "报告未列"}
    assert any("一致: 1" in c.value for c in at.caption)

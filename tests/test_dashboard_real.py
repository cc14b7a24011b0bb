"""The dashboard on a warehouse built by the real pipeline (not the hand-made fixture)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import BuiltHome

APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
pytestmark = pytest.mark.slow


def test_overview_shows_the_numbers_of_the_built_warehouse(
    built_home: BuiltHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(built_home.warehouse))
    con = duckdb.connect(str(built_home.warehouse), read_only=True)
    year = con.execute("SELECT max(year) FROM out_body_year").fetchall()[0][0]
    received = con.execute(
        'SELECT sum("applications.new_received.total") FROM out_body_year WHERE year = ?', [year]
    ).fetchall()[0][0]
    reports = con.execute("SELECT count(*) FROM out_body_year WHERE year = ?", [year]).fetchall()
    con.close()
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["本年新收申请"] == f"{int(received):,}"
    assert metrics["已发布年报"] == str(reports[0][0])
    text = "\n".join(str(e.value) for e in at.get("markdown"))
    assert "演示数据" in text

"""The collect store in real builds, the publication-timeliness mart and the 采集情况 page.

A tiny demo province is built by the real Dagster job twice in one home: first without a
store (the collect tables exist and are empty; the mart dates reports by their text), then,
after a hand-written store naming real inbox sha256s (with a torn last line), again — the
second build starts from the first (incremental) and must still reload the store. The page is
driven by ``streamlit.testing`` against the published file.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dashboard_fixture import goto
from streamlit.testing.v1 import AppTest

from dashboards import collect_data
from pipelines.checker.timeliness import deadline
from warehouse.ids import body_id

pytestmark = pytest.mark.slow
APP = Path(__file__).resolve().parent.parent / "dashboards" / "app.py"
TABLES = ("core_collect_status", "core_collected_document")


@dataclass
class Collected:
    """The home after both builds, the store's cases and the first (store-less) warehouse."""

    home: Path
    warehouse: Path
    without_store: Path
    year: int
    late: str  # on time by its text, 12 days late by the listing page
    rescued: str  # late by its text, on time by the report page the crawler read
    file_dated: str  # the file record's date differs from its status record's
    missing_body: str
    incremental: bool
    text_late_deduction: float
    rescued_year: int


def _build(home: Path) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import defs
    from pipelines.resources import GongkaiHome

    with dg.instance_for_test() as instance:
        result = defs.resolve_job_def("build_warehouse").execute_in_process(
            instance=instance, resources={"gongkai": GongkaiHome(home=str(home), workers=2)},
            raise_on_error=False)
    blocking = {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
                for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
                and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR}
    assert result.success and all(blocking.values()), blocking
    assert "collect_tables_consistent" in blocking
    return result


def _incremental(result: dg.ExecuteInProcessResult) -> bool:
    for e in result.all_events:
        if e.event_type_value == "ASSET_MATERIALIZATION":
            m = e.event_specific_data.materialization
            if m.asset_key.path == ["out_warehouse_staging"]:
                return bool(m.metadata["incremental"].value)
    raise AssertionError("no staging materialization")


def _line(rec: dict) -> str:
    return json.dumps(rec, ensure_ascii=False) + "\n"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Collected:
    from pipelines.demo import generate
    from pipelines.inbox import Inbox
    from pipelines.paths import Paths

    home = tmp_path_factory.mktemp("collect_home")
    paths = Paths(home)
    generate(paths.demo, seed=7, scale=0.02)
    Inbox(paths.inbox).ingest([paths.demo / "docs"])
    _build(home)
    without = home.parent / "without_store.duckdb"
    shutil.copy2(paths.warehouse, without)

    con = duckdb.connect(str(without), read_only=True)
    year = con.execute("SELECT max(year) FROM out_body_year").fetchall()[0][0]
    rows = con.execute(
        "SELECT report_id, body_id, body_name, region_code, status, year "
        "FROM out_publication_timeliness WHERE year = $y ORDER BY body_id", {"y": year}
    ).fetchall()
    # A report late by the date in its text, of any year (the demo dates some late).
    late_by_text = con.execute(
        "SELECT report_id, body_id, body_name, region_code, status, year "
        "FROM out_publication_timeliness WHERE status = 'late' ORDER BY year DESC, body_id "
        "LIMIT 1").fetchall()
    weight = con.execute(
        "SELECT max(deduction) FROM out_report_check WHERE \"check\" = 'on_time' "
        "AND rule = 'published_late'").fetchall()[0][0]
    con.close()
    on_time = [r for r in rows if r[4] == "on_time"]
    assert late_by_text, "the demo dates no report late: nothing for the crawler to correct"
    late, file_dated, rescued = on_time[0], on_time[1], late_by_text[0]
    due = deadline(year)
    with (paths.demo / "MANIFEST.tsv").open(encoding="utf-8") as f:
        manifest = list(csv.DictReader(f, delimiter="\t"))
    region = next(m["region_code"] for m in manifest if m["level"] == "county")
    missing_name = "演示县未发布局"
    checked = f"{due + timedelta(days=30)}T02:00:00Z"

    def status(source, r, state, **kw):
        return {"source_id": source, "body_name": r[2] if r else missing_name,
                "body_id": r[1] if r else body_id(missing_name, region),
                "region_code": r[3] if r else region, "year": year, "status": state,
                "reason": None, "report_url": None, "title": None, "published_date": None,
                "date_source": None, "sha256": [],
                "listing_url": f"http://127.0.0.1/{source}/list.html", "checked_at": checked} | kw

    def found(source, r, when, source_kind, **kw):
        return status(source, r, "found", report_url=f"http://127.0.0.1/{source}/report.html",
                      title=f"{r[2]}{r[5]}年政府信息公开工作年度报告", published_date=str(when),
                      date_source=source_kind, sha256=[r[0]], **kw)

    statuses = [
        found("late", late, due + timedelta(days=12), "listing"),
        found("rescued", rescued, deadline(rescued[5]) - timedelta(days=1), "page",
              year=rescued[5], checked_at=f"{deadline(rescued[5])}T02:00:00Z"),
        found("filedated", file_dated, due - timedelta(days=5), "listing"),
        status("missing", None, "failed", reason="超时 / timed out",
               checked_at=f"{due + timedelta(days=2)}T02:00:00Z"),
        status("missing", None, "not_published",
               reason="列表页未见该年度报告 / no report for the year on the listing page"),
        status("down", None, "failed", body_name="演示市某局", body_id=None,
               reason="列表页 404 / listing page 404"),
        status("nobody", None, "unresolved_body", body_name="查无此机关", body_id=None,
               region_code=None, reason="机关名称无法识别 / body name not resolved"),
        status("bad", None, "maybe"),
    ]
    documents = [{
        "sha256": sha, "file_name": f"{source}.html", "url": f"http://127.0.0.1/{source}/r",
        "final_url": f"http://127.0.0.1/{source}/report.html",
        "listing_url": f"http://127.0.0.1/{source}/list.html", "source_id": source,
        "year": None, "role": "page", "fetched_at": checked,
        "http": {"status": 200, "content_type": "text/html; charset=utf-8", "etag": None,
                 "last_modified": None, "content_length": 1000},
        "published_date": str(when) if when else None,
    } for source, sha, when in (
        ("late", late[0], due + timedelta(days=12)),
        ("filedated", file_dated[0], due - timedelta(days=2)),
        ("rescued", rescued[0], None),
    )]
    paths.collect.mkdir(parents=True)
    (paths.collect / "status.jsonl").write_text(
        "".join(map(_line, statuses)) + '{"source_id": "torn", "ye', encoding="utf-8")
    (paths.collect / "documents.jsonl").write_text("".join(map(_line, documents)),
                                                   encoding="utf-8")
    result = _build(home)
    return Collected(home, paths.warehouse, without, year, late[0], rescued[0], file_dated[0],
                     body_id(missing_name, region), _incremental(result), float(weight or 0),
                     rescued[5])


def _found_in_year(collected: Collected) -> int:
    """Sources found for the latest year: two, three when the corrected report is of it."""
    return 2 + (collected.rescued_year == collected.year)


def _con(path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def test_without_a_store_the_tables_exist_empty_and_reports_are_dated_by_text(
    collected: Collected,
) -> None:
    con = _con(collected.without_store)
    try:
        for name in TABLES:
            assert con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0] == 0
        sources = con.execute(
            "SELECT DISTINCT date_source FROM out_publication_timeliness").fetchall()
        assert sources == [("report_text",)]
        reports, rows = con.execute(
            "SELECT (SELECT count(*) FROM out_body_year), count(*) "
            "FROM out_publication_timeliness").fetchall()[0]
        assert rows == reports > 0
        assert collect_data.collect_years(con) == []
    finally:
        con.close()


def test_status_table_holds_the_current_result_and_bad_lines_are_quarantined(
    collected: Collected,
) -> None:
    assert collected.incremental  # the second build started from the first warehouse
    con = _con(collected.warehouse)
    try:
        status = {r[0]: r[1:] for r in con.execute(
            "SELECT source_id, status, checks, body_known, reason, body_id "
            "FROM core_collect_status").fetchall()}
        assert set(status) == {"late", "rescued", "filedated", "missing", "down", "nobody"}
        assert status["missing"][:2] == ("not_published", 2)
        assert status["late"][2] is True  # its body has a published report: in dim_body
        assert status["missing"][2] is False
        assert status["down"][3] == "列表页 404 / listing page 404"
        aside = dict(con.execute(
            "SELECT item, reason FROM core_quarantine WHERE stage = 'collect'").fetchall())
        assert set(aside) == {"collect/status.jsonl#8", "collect/status.jsonl#9"}
        assert "status not one of" in aside["collect/status.jsonl#8"]
        docs = dict(con.execute(
            "SELECT sha256, report_id FROM core_collected_document").fetchall())
        assert docs == {s: s for s in (collected.late, collected.rescued, collected.file_dated)}
        # A published report traced to its URL through its sha256
        url = con.execute(
            "SELECT d.final_url FROM core_report r JOIN core_collected_document d "
            "ON d.report_id = r.report_id WHERE r.report_id = $r", {"r": collected.late}
        ).fetchall()
        assert url == [("http://127.0.0.1/late/report.html",)]
    finally:
        con.close()


def test_mart_dates_reports_by_the_collected_date_with_its_source(collected: Collected) -> None:
    con = _con(collected.warehouse)
    due = deadline(collected.year)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT coalesce(report_id, source_id), status, published_date, date_source, "
            "days_late, missed_deadline, reason FROM out_publication_timeliness "
            "WHERE year = $y", {"y": collected.year}).fetchall()}
        assert rows[collected.late][:5] == ("late", due + timedelta(days=12), "listing", 12, True)
        [rescued] = con.execute(
            "SELECT status, published_date, date_source, days_late, missed_deadline "
            "FROM out_publication_timeliness WHERE report_id = $r", {"r": collected.rescued}
        ).fetchall()
        assert rescued == ("on_time", deadline(collected.rescued_year) - timedelta(days=1),
                           "page", 0, False)
        # the file record's date (two days before the deadline) wins over the status record's
        assert rows[collected.file_dated][:3] == ("on_time", due - timedelta(days=2),
                                                  "collected")
        missing = con.execute(
            "SELECT status, missed_deadline, reason, published_date FROM "
            "out_publication_timeliness WHERE body_id = $b", {"b": collected.missing_body}
        ).fetchall()
        assert missing == [("not_published", True,
                            "列表页未见该年度报告 / no report for the year on the listing page",
                            None)]
        assert rows["down"][0] == "failed" and rows["down"][4] is None
        assert rows["nobody"][0] == "unresolved_body"
        # other reports keep the date in their text
        assert con.execute(
            "SELECT count(*) FROM out_publication_timeliness WHERE date_source = 'report_text' "
            "AND year = $y", {"y": collected.year}).fetchall()[0][0] >= 1
    finally:
        con.close()


def test_scorecard_on_time_check_uses_the_collected_date(collected: Collected) -> None:
    before, after = _con(collected.without_store), _con(collected.warehouse)
    sql = ("SELECT rule, severity, message_zh, location_text FROM out_report_check "
           "WHERE \"check\" = 'on_time' AND report_id = $r")
    score = "SELECT score FROM out_scorecard WHERE report_id = $r"
    try:
        assert before.execute(sql, {"r": collected.late}).fetchall() == []
        [(rule, severity, message, where)] = after.execute(sql, {"r": collected.late}).fetchall()
        assert (rule, severity) == ("published_late", "error")
        assert message.startswith("采集列表页日期为 ") and "12 天" in message
        assert "采集列表页日期" in where and str(deadline(collected.year) + timedelta(days=12)) \
            in where
        # late by its text before, on time by the report page's date now: the deduction is gone
        assert [r[0] for r in before.execute(sql, {"r": collected.rescued}).fetchall()] == [
            "published_late"]
        assert after.execute(sql, {"r": collected.rescued}).fetchall() == []
        was = before.execute(score, {"r": collected.rescued}).fetchall()[0][0]
        now = after.execute(score, {"r": collected.rescued}).fetchall()[0][0]
        assert now == min(100.0, was + collected.text_late_deduction) > was
    finally:
        before.close()
        after.close()


def test_collect_data_queries(collected: Collected) -> None:
    con = _con(collected.warehouse)
    y = collected.year
    try:
        assert collect_data.collect_years(con) == sorted({y, collected.rescued_year})
        counts = collect_data.status_counts(con, y)
        found = _found_in_year(collected)
        assert counts == {"found": found, "not_published": 1, "failed": 1,
                          "unresolved_body": 1, "sources": found + 3, "missed": 2}
        missed = collect_data.missed_deadline(con, y)
        assert set(missed["status"]) == {"late", "not_published"}
        assert 30 in missed["days_waited"].to_list()  # checked 30 days after the deadline
        failed = collect_data.failures(con, y)
        assert sorted(failed["source_id"]) == ["down", "nobody"]
        region = con.execute("SELECT region_code FROM core_collect_status "
                             "WHERE source_id = 'late'").fetchall()[0][0]
        province = region[:2] + "0000"
        assert province in collect_data.region_options(con, y)["region_code"].to_list()
        # the unresolved body has no region: gone from any region's scope
        scoped = collect_data.sources(con, y, (), province)
        assert "nobody" not in scoped["source_id"].to_list() and scoped.height == found + 2
        only = collect_data.sources(con, y, ("found",))
        assert set(only["source_id"]) == {"filedated", "late"} | (
            {"rescued"} if found == 3 else set())
        assert all(u.startswith("http://127.0.0.1/") for u in only["report_link"])
    finally:
        con.close()


@pytest.fixture
def page(collected: Collected, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(collected.warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    return goto(at, "collect")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_collect_page_counts_filters_and_lists(page: AppTest, collected: Collected) -> None:
    assert page.title[0].value == "采集情况"
    found = _found_in_year(collected)
    assert _metrics(page) == {"来源": str(found + 3), "已找到": str(found), "尚未发布": "1",
                              "检查失败": "1", "机关未识别": "1", "期限前未发布": "2"}
    sources, missed, failures = (d.value for d in page.dataframe)
    assert len(sources) == found + 3
    assert list(sources["status_label"])[:2] == ["检查失败", "机关未识别"]  # failures first
    assert "列表页 404" in list(sources["reason"])  # the Chinese half of the reason
    assert set(missed["status_label"]) == {"逾期发布", "尚未发布"}
    assert "采集列表页日期" in list(missed["date_source_label"])
    assert list(failures["reason"]) and all(" / " not in r for r in failures["reason"])
    page.multiselect(key="collect_status").set_value(["found"]).run()
    assert len(page.dataframe[0].value) == found
    assert page.query_params["status"] == "found"
    page.sidebar.radio[0].set_value("en").run()
    assert page.title[0].value == "Collection"
    assert "listing page 404" not in page.dataframe[0].value.to_string()  # filtered to found
    page.multiselect(key="collect_status").set_value(["failed"]).run()
    assert list(page.dataframe[0].value["reason"]) == ["listing page 404"]


def test_timeliness_page_shows_publication_by_collected_dates(
    collected: Collected, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(collected.warehouse))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    goto(at, "timeliness")
    captions = "\n".join(c.value for c in at.caption)
    assert "采集列表页日期 1" in captions and "年报页面文字中的日期" in captions
    table = at.dataframe[0].value
    assert table["status_label"].iloc[0] in ("逾期发布", "尚未发布")  # missed first
    assert "按期发布" in set(_metrics(at))


def test_collect_page_without_records_says_how_to_collect(
    collected: Collected, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_WAREHOUSE", str(collected.without_store))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    goto(at, "collect")
    assert "还没有采集记录" in at.info[0].value
    assert at.code[0].value.startswith(f"gongkai collect --year {date.today().year - 1}")
    assert not at.dataframe

"""Reading the crawler's store and dating the on-time check by it (no build: fast).

The store is written here by hand in the interface the crawler follows (issue 15):
``status.jsonl`` and ``documents.jsonl`` under ``<home>/collect``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines.build_inputs import inputs_digest
from pipelines.checker.facts import document_facts
from pipelines.checker.score import load_weights
from pipelines.checker.timeliness import PublicationDate, check_on_time
from pipelines.paths import Paths
from warehouse.collect_store import read_store
from warehouse.publication import collected_dates
from warehouse.scorecard import on_time_by_collected, problem_rows, report_check_frame

NOW = datetime(2025, 6, 1)
SHA_A = "a" * 64
SHA_B = "b" * 64


def status(source: str, year: int, state: str, **kw) -> dict:
    rec = {"source_id": source, "body_name": f"{source}机关", "body_id": None,
           "region_code": "320100", "year": year, "status": state, "reason": None,
           "report_url": None, "title": None, "published_date": None, "date_source": None,
           "sha256": [], "listing_url": f"http://127.0.0.1/{source}/list.html",
           "checked_at": "2025-02-01T08:00:00Z"}
    return rec | kw


def document(sha: str, **kw) -> dict:
    rec = {"sha256": sha, "file_name": "r.pdf", "url": "http://127.0.0.1/s/r.pdf",
           "final_url": "http://127.0.0.1/s/r.pdf", "listing_url": "http://127.0.0.1/s/list.html",
           "source_id": "s", "year": 2024, "role": "attachment",
           "fetched_at": "2025-02-01T08:00:01+08:00",
           "http": {"status": 200, "content_type": "application/pdf", "etag": '"x1"',
                    "last_modified": "Mon, 03 Feb 2025 01:00:00 GMT", "content_length": 10},
           "published_date": None}
    return rec | kw


def write(root: Path, name: str, records: list[dict], tail: str = "") -> None:
    root.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (root / name).write_text(text + tail, encoding="utf-8")


def test_no_store_gives_empty_tables(tmp_path: Path) -> None:
    store = read_store(tmp_path / "collect", NOW)
    assert store.status.height == store.documents.height == store.quarantine.height == 0
    assert collected_dates(store) == {}


def test_last_record_per_source_and_year_is_current_and_torn_line_is_set_aside(
    tmp_path: Path,
) -> None:
    root = tmp_path / "collect"
    write(root, "status.jsonl", [
        status("s1", 2024, "failed", reason="列表页 404 / listing page 404",
               checked_at="2025-02-01T08:00:00Z"),
        status("s1", 2024, "found", report_url="http://127.0.0.1/s1/r.html",
               published_date="2025-01-20", date_source="listing", sha256=[SHA_A],
               checked_at="2025-02-02T08:00:00Z"),
        status("s1", 2023, "not_published", checked_at="2024-02-05T08:00:00Z"),
        # A later check that failed: current for 2024, but the report found before keeps its date
        status("s1", 2024, "failed", reason="超时 / timed out", checked_at="2025-02-03T08:00:00Z"),
    ], tail='{"source_id": "s2", "year": 20')
    store = read_store(root, NOW)
    current = {(r["source_id"], r["year"]): r for r in store.status.iter_rows(named=True)}
    assert current[("s1", 2024)]["status"] == "failed"
    assert current[("s1", 2024)]["checks"] == 3
    assert current[("s1", 2023)]["status"] == "not_published"
    assert current[("s1", 2024)]["checked_at"] == datetime(2025, 2, 3, 8)
    assert store.quarantine["item"].to_list() == ["collect/status.jsonl#5"]
    assert "不是完整的 JSON 记录" in store.quarantine["reason"][0]
    assert collected_dates(store)[SHA_A] == PublicationDate(
        "2025-01-20", "listing", "http://127.0.0.1/s1/list.html", 2024)


def test_records_the_interface_forbids_are_quarantined_with_file_line_and_reason(
    tmp_path: Path,
) -> None:
    root = tmp_path / "collect"
    write(root, "status.jsonl", [
        status("ok", 2024, "not_published"),
        status("s2", 2024, "mystery"),
        status("s3", 2024, "found"),  # no report_url
        status("s4", 2024, "found", report_url="http://127.0.0.1/r", published_date="2023-12-30"),
        status("s5", 2024, "not_published", checked_at="2031-01-01T00:00:00Z"),
        status("s6", "2024", "not_published"),
        [1, 2],
    ])
    write(root, "documents.jsonl", [
        document(SHA_A),
        document("not-a-hash"),
        document(SHA_B, http={"status": 999}),
    ])
    store = read_store(root, NOW)
    assert store.status["source_id"].to_list() == ["ok"]
    assert store.documents["sha256"].to_list() == [SHA_A]
    reasons = dict(zip(store.quarantine["item"], store.quarantine["reason"], strict=True))
    assert set(reasons) == {f"collect/status.jsonl#{n}" for n in range(2, 8)} | {
        "collect/documents.jsonl#2", "collect/documents.jsonl#3"}
    assert "status not one of" in reasons["collect/status.jsonl#2"]
    assert "without a report_url" in reasons["collect/status.jsonl#3"]
    assert "before 1 January 2024" in reasons["collect/status.jsonl#4"]
    assert "future" in reasons["collect/status.jsonl#5"]
    assert "year must be an integer" in reasons["collect/status.jsonl#6"]
    assert "not a JSON object" in reasons["collect/status.jsonl#7"]
    assert "64 hex" in reasons["collect/documents.jsonl#2"]
    assert "not an HTTP status" in reasons["collect/documents.jsonl#3"]
    doc = store.documents.row(0, named=True)
    # +08:00 stored as UTC, headers flattened
    assert doc["fetched_at"] == datetime(2025, 2, 1, 0, 0, 1)
    assert (doc["http_status"], doc["etag"], doc["content_length"]) == (200, '"x1"', 10)


def test_a_file_records_date_wins_and_says_where_it_came_from(tmp_path: Path) -> None:
    root = tmp_path / "collect"
    write(root, "status.jsonl", [
        status("s", 2024, "found", report_url="http://127.0.0.1/s/r.html",
               published_date="2025-01-20", date_source="page", sha256=[SHA_A, SHA_B]),
    ])
    write(root, "documents.jsonl", [
        document(SHA_A, published_date="2025-01-20"),  # agrees with the status: its source
        document(SHA_B, published_date="2025-02-04"),  # differs: the file's date, "collected"
    ])
    dates = collected_dates(read_store(root, NOW))
    assert dates[SHA_A] == PublicationDate("2025-01-20", "page", "http://127.0.0.1/s/r.pdf", 2024)
    assert dates[SHA_B] == PublicationDate("2025-02-04", "collected", "http://127.0.0.1/s/r.pdf",
                                           2024)


def test_on_time_check_prefers_the_collected_date_and_names_it() -> None:
    on_time_by_text = document_facts("发布日期：2025年1月10日")
    listing = PublicationDate("2025-02-12", "listing", "http://127.0.0.1/list.html", 2024)
    [late] = check_on_time(2024, on_time_by_text, None, listing)
    assert (late.rule, late.severity) == ("published_late", "error")
    assert late.message_zh == "采集列表页日期为 2025年2月12日，晚于法定期限 2025年1月31日 12 天。"
    assert late.location == {"field": "采集列表页日期", "text": "2025-02-12",
                             "url": "http://127.0.0.1/list.html"}
    late_by_text = document_facts("发布日期：2025年3月1日")
    assert check_on_time(2024, late_by_text, None, PublicationDate("2025-01-30", "page")) == []
    [modified] = check_on_time(2024, on_time_by_text, None,
                               PublicationDate("2025-02-03", "http_last_modified"))
    assert modified.severity == "warning"  # a file re-saved later also moves Last-Modified
    # A date before the year, or found for another year, leaves the text to decide.
    assert check_on_time(2024, on_time_by_text, None, PublicationDate("2023-05-01")) == []
    assert check_on_time(2024, on_time_by_text, None,
                         PublicationDate("2025-06-01", "listing", None, 2023)) == []


def test_scorecard_rows_of_a_collected_report_are_replaced() -> None:
    weights = load_weights()
    body_years = pl.DataFrame({"report_id": [SHA_A, SHA_B], "body_id": ["x|甲", "x|乙"],
                               "year": [2024, 2024]})
    late_by_text = check_on_time(2024, document_facts("发布日期：2025年3月1日"), None)
    rows = problem_rows(SHA_A, late_by_text, weights) + problem_rows(SHA_B, late_by_text, weights)
    checks = report_check_frame(rows, body_years)
    got = on_time_by_collected(checks, body_years, {SHA_A: PublicationDate("2025-01-30", "page")},
                               weights)
    assert got.filter(pl.col("report_id") == SHA_A).height == 0
    assert got.filter(pl.col("report_id") == SHA_B)["message_zh"].to_list() == [
        rows[1]["message_zh"]]


def test_a_changed_store_changes_the_build_inputs(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    before = inputs_digest(paths)
    write(paths.collect, "status.jsonl", [status("s", 2024, "not_published")])
    assert inputs_digest(paths) != before


def test_gongkai_check_dates_a_collected_file_by_the_crawler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main
    from pipelines.demo import generate
    from pipelines.inbox import sha256_file

    generate(tmp_path / "demo", seed=3, scale=0.02)
    doc = sorted((tmp_path / "demo" / "docs").glob("*.html"))[0]
    year = int(doc.stem.rsplit("_", 1)[1])
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    before = runner.invoke(main, ["check", "--json", str(doc)])
    assert "采集列表页日期" not in before.output
    write(Paths(tmp_path / "home").collect, "status.jsonl", [status(
        "s", year, "found", report_url="http://127.0.0.1/s/r.html",
        published_date=f"{year + 1}-03-05", date_source="listing", sha256=[sha256_file(doc)],
        checked_at=f"{year + 1}-03-06T00:00:00Z")])
    after = runner.invoke(main, ["check", "--json", str(doc)])
    late = [json.loads(line) for line in after.output.splitlines()
            if line.startswith("{") and '"on_time"' in line]
    assert [p["rule"] for p in late] == ["published_late"]
    assert late[0]["message"].startswith(f"采集列表页日期为 {year + 1}年3月5日")

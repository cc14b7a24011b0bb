"""A settled ambiguous body through real builds (issue 16 follow-up).

One isolated home with a tiny demo province and one report crafted from a demo county's text
report by renaming its body to a name several districts carry (鼓楼区: Nanjing, Xuzhou, Fuzhou,
Kaifeng), with no other place in the text: the engine withholds the place and lists the
candidates. ``gongkai review settle --pick`` chooses one; the next build must place the report
there (``dim_body``, ``out_body_year``, the region totals up to the province), keep the engine's
reading in ``core_report`` and the candidates in ``core_body_reviewed``, and mark the correction
``applied``. A new version of the document (new sha256) flags the correction
``document_changed`` and leaves the new report unplaced with an open item.

A ledger with a deadline-like column the reader cannot map is ingested too; settling the column
(``--value ledger.field=ignore``) in the same round must read it so on the next build: the
column is no longer set aside and the correction is ``applied``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from test_review_build import _cli, _sql

from pipelines.bodies.divisions import divisions

pytestmark = pytest.mark.slow

NAME = "鼓楼区"
CHOSEN = "320106"  # 南京市鼓楼区, in the demo's province but outside its city
TOTAL = "applications.new_received.total"
LEDGER = "某县_2024_ledger.csv"
COLUMN = f"{LEDGER}#列「征求第三方意见日期」"


def _craft(docs: Path, out: Path) -> Path:
    """A demo county government's text report renamed to ``NAME`` (every place name removed)."""
    div = divisions()
    names = dict(zip(div["region_code"], div["name"], strict=True))
    for path in sorted(docs.glob("*_gov_*.txt")):
        code = path.name.split("_")[0]
        if len(code) == 6 and not code.endswith("00"):
            text = path.read_text(encoding="utf-8")
            places = [names[code], names[code[:4] + "00"], names[code[:2] + "0000"]]
            text = re.sub("|".join(places), NAME, text)
            text = re.sub(f"(?:{NAME})+", NAME, text)
            out.mkdir(parents=True, exist_ok=True)
            target = out / f"gulou_{path.name}"
            target.write_text(text, encoding="utf-8")
            return target
    raise AssertionError(f"no county government text report in {docs}")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.demo import generate

    home = tmp_path_factory.mktemp("review-body-home")
    generate(home / "demo", seed=20240201, scale=0.05)
    _craft(home / "demo" / "docs", home / "crafted")
    _cli(home, "ingest", str(home / "demo" / "docs"))
    (home / "crafted" / LEDGER).write_text(
        "受理日期,申请人类型,征求第三方意见日期,答复日期,处理结果\n"
        "2024-03-01,公民,2024-03-05,2024-03-20,予以公开\n", encoding="utf-8")
    _cli(home, "ingest", str(home / "crafted"))
    _cli(home, "build")
    return home


def _province_total(home: Path, year: int) -> float:
    return _sql(home, f'SELECT "{TOTAL}" FROM out_region_year WHERE region_code = \'320000\' '
                "AND year = $y", {"y": year})[0][0]


def test_settled_body_enters_dim_body_marts_and_rollups(home: Path) -> None:
    items = [json.loads(line) for line in _cli(
        home, "review", "list", "--kind", "ambiguous_body", "--json", "--limit", "0").splitlines()]
    assert len(items) == 1, items
    (it,) = items
    codes = [c["body.region_code"] for c in it["candidates"]]
    assert CHOSEN in codes and len(codes) >= 2
    report, year = it["report_id"], it["year"]
    engine_body = _sql(home, "SELECT body_id, region_code FROM core_report WHERE report_id = $r",
                       {"r": report})[0]
    assert engine_body[1] is None
    # Unplaced: in the body-year mart under its unplaced body, in no region total.
    assert _sql(home, "SELECT body_id, region_code FROM out_body_year WHERE report_id = $r",
                {"r": report}) == [engine_body]
    (own,) = _sql(home, "SELECT value FROM core_value WHERE report_id = $r AND key = $k",
                  {"r": report, "k": TOTAL})[0]
    assert own > 0
    before = _province_total(home, year)
    assert not _sql(home, "SELECT * FROM out_region_year WHERE region_code = $c",
                    {"c": CHOSEN})

    out = _cli(home, "review", "settle", it["item_id"][:10], "--pick",
               str(codes.index(CHOSEN) + 1), "--note", "网站在南京", "--by", "测试")
    assert "已记录更正" in out
    (column,) = [json.loads(line) for line in _cli(
        home, "review", "list", "--kind", "unmapped_ledger_column", "--json").splitlines()]
    assert column["location"]["header"] == "征求第三方意见日期"
    assert _sql(home, "SELECT count(*) FROM core_quarantine WHERE item = $i",
                {"i": COLUMN}) == [(1,)]
    _cli(home, "review", "settle", column["item_id"][:10], "--value", "ledger.field=ignore",
         "--by", "测试")
    _cli(home, "build")

    def check_applied() -> None:
        body_id = f"{CHOSEN}|{NAME}人民政府"
        row = _sql(home, "SELECT body_id, region_code, level, body_type, reviewed_keys "
                   "FROM out_body_year WHERE report_id = $r", {"r": report})
        assert row == [(body_id, CHOSEN, "county", "government", "body.region_code")]
        assert _sql(home, "SELECT name, region_code FROM dim_body WHERE body_id = $b",
                    {"b": body_id}) == [(f"{NAME}人民政府", CHOSEN)]
        assert _province_total(home, year) == pytest.approx(before + own)
        for code in (CHOSEN, "320100"):  # the district and its city
            assert _sql(home, f'SELECT "{TOTAL}" FROM out_region_year WHERE region_code = $c '
                        "AND year = $y", {"c": code, "y": year}) == [(own,)]
        # The engine's reading stays: core_report unplaced, candidates beside the choice.
        assert _sql(home, "SELECT body_id, region_code FROM core_report WHERE report_id = $r",
                    {"r": report}) == [engine_body]
        reviewed = _sql(home, "SELECT body_id, as_published_body_id, as_published_region_code, "
                        "candidates, method, reviewer FROM core_body_reviewed")
        assert reviewed == [(body_id, engine_body[0], None, ",".join(codes), "reviewed", "测试")]
        assert sorted(_sql(home, "SELECT item_id, status FROM core_correction")) == sorted([
            (it["item_id"], "applied"), (column["item_id"], "applied")])
        # The column is read (as ignored) now: not set aside, no longer in the queue.
        assert _sql(home, "SELECT count(*) FROM core_quarantine WHERE item = $i",
                    {"i": COLUMN}) == [(0,)]
        assert _sql(home, "SELECT count(*) FROM out_review_item WHERE item_id = $i",
                    {"i": column["item_id"]}) == [(0,)]
        assert _sql(home, "SELECT status FROM out_review_item WHERE item_id = $i",
                    {"i": it["item_id"]}) == [("settled",)]

    # That build started from the published warehouse (core_value carried over): the reviewed
    # body is not carried, it is made again from the corrections file by every build.
    check_applied()

    # A new version of the document: the correction is flagged and the new report unplaced.
    (path,) = (home / "inbox" / "objects" / report[:2]).glob(f"{report}*")
    changed = home / "new" / it["source"]
    changed.parent.mkdir()
    changed.write_bytes(path.read_bytes() + "\n更新版\n".encode())
    _cli(home, "inbox", "remove", report, "--reason", "new version")
    _cli(home, "ingest", str(changed))
    _cli(home, "build")
    assert _sql(home, "SELECT status FROM core_correction WHERE item_id = $i",
                {"i": it["item_id"]}) == [("document_changed",)]
    assert _sql(home, "SELECT count(*) FROM core_body_reviewed") == [(0,)]
    assert _province_total(home, year) == pytest.approx(before)
    (new,) = [json.loads(line) for line in _cli(
        home, "review", "list", "--kind", "ambiguous_body", "--json").splitlines()]
    assert new["report_id"] != report and new["status"] == "open"

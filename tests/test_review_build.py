"""Corrections through real builds: settled on the CLI, applied, kept, flagged (issue 16).

One isolated home with a tiny demo province. Two publisher errors with a suggested total are
settled with ``gongkai review settle --pick 1``; the next build must change ``out_body_year``,
the region totals and the export by exactly those values, with the as-published values still in
``core_value``. A rebuild from scratch (cache, segments and warehouse removed) keeps them
applied under the same item ids; a document replaced by a new version (retire + ingest changed
bytes) flags its correction ``document_changed`` and does not apply it.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

ROLLUP_KEY_SQL = "SELECT \"{k}\" FROM out_region_year WHERE level = 'province' AND year = $y"


def _cli(home: Path, *args: str) -> str:
    env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_LANG": "zh"}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _sql(home: Path, sql: str, params: dict | None = None) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "gongkai.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _export_rows(home: Path, table: str) -> list[dict]:
    (folder,) = sorted((home / "export").glob("gongkai-*"))[-1:]
    with (folder / "data" / f"{table}.csv").open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.demo import generate

    home = tmp_path_factory.mktemp("review-home")
    generate(home / "demo", seed=20240201, scale=0.05)
    _cli(home, "ingest", str(home / "demo" / "docs"))
    _cli(home, "build")
    return home


def test_settle_rebuild_from_scratch_and_changed_document(home: Path) -> None:
    items = [json.loads(line) for line in
             _cli(home, "review", "list", "--json", "--limit", "0").splitlines()]
    assert items and {i["kind"] for i in items} == {"publisher_error"}
    assert [i["importance"] for i in items] == sorted((i["importance"] for i in items),
                                                      reverse=True)
    # Two items in different reports whose suggested total is a rollup key.
    rollup = {"applications.new_received.total", "applications.total_processed.total",
              "appeals.review.total", "appeals.litigation_direct.total",
              "applications.granted.total", "applications.denied.total"}
    chosen, seen = [], set()
    for it in items:
        cand = it["candidates"][0] if it["candidates"] else {}
        (key,) = cand.keys() if len(cand) == 1 else (None,)
        if key in rollup and it["report_id"] not in seen and key in it["printed"]:
            chosen.append((it, key, cand[key]))
            seen.add(it["report_id"])
    assert len(chosen) >= 2, [i["rule"] for i in items]
    # The first is changed later by appending text: an HTML or text file takes that.
    chosen.sort(key=lambda c: not c[0]["source"].endswith((".html", ".txt")))
    chosen = chosen[:2]
    assert chosen[0][0]["source"].endswith((".html", ".txt"))
    before = {}
    for it, key, _ in chosen:
        year = it["year"]
        before[(key, year)] = _sql(home, ROLLUP_KEY_SQL.format(k=key), {"y": year})[0][0]
        out = _cli(home, "review", "settle", it["item_id"][:10], "--pick", "1",
                   "--note", "总计按各项之和", "--by", "测试")
        assert "已记录更正" in out
    _cli(home, "build")

    def check_applied() -> None:
        deltas: dict[tuple[str, int], float] = {}
        for it, key, value in chosen:
            printed = it["printed"][key]
            body_value, marked = _sql(
                home, f'SELECT "{key}", reviewed_keys FROM out_body_year WHERE report_id = $r',
                {"r": it["report_id"]})[0]
            assert body_value == value and key in marked.split(",")
            # as published, still there
            assert _sql(home, "SELECT value FROM core_value WHERE report_id = $r AND key = $k",
                        {"r": it["report_id"], "k": key}) == [(printed,)]
            deltas[(key, it["year"])] = deltas.get((key, it["year"]), 0) + value - printed
        for (key, year), delta in deltas.items():
            after = _sql(home, ROLLUP_KEY_SQL.format(k=key), {"y": year})[0][0]
            assert after - before[(key, year)] == pytest.approx(delta)
        reviewed = _export_rows(home, "core_value_reviewed")
        assert sorted((r["report_id"], r["key"], float(r["value"]), float(r["as_published"]))
                      for r in reviewed) == sorted(
            (it["report_id"], key, float(value), float(it["printed"][key]))
            for it, key, value in chosen)
        assert {r["status"] for r in _export_rows(home, "core_correction")} == {"applied"}
        body_rows = {r["report_id"]: r for r in _export_rows(home, "out_body_year")}
        for it, key, value in chosen:
            assert float(body_rows[it["report_id"]][key]) == value
        settled = _sql(home, "SELECT item_id FROM out_review_item WHERE status = 'settled'")
        assert sorted(i for (i,) in settled) == sorted(it["item_id"] for it, _, _ in chosen)

    check_applied()
    # An engine upgrade or a clean rebuild: nothing of the old build is left but the inbox and
    # the corrections file.
    for folder in ("cache", "parts", "warehouse", "export"):
        shutil.rmtree(home / folder, ignore_errors=True)
    _cli(home, "build")
    check_applied()
    # The engine reads the printed total; the reviewed one differs from it.
    scored = json.loads(_cli(home, "eval", "--corrections", "--json"))
    assert scored["counts"] == {"agrees": 0, "differs": 2, "withheld": 0,
                                "document_changed": 0}

    # The body publishes a new version of the first report: retire the old one, ingest the
    # changed bytes. Its correction is flagged, not applied; the other one still applies.
    first, key, _ = chosen[0]
    (path,) = (home / "inbox" / "objects" / first["report_id"][:2]).glob(
        f"{first['report_id']}*")
    changed = home / "new" / first["source"]
    changed.parent.mkdir()
    changed.write_bytes(path.read_bytes() + "\n更新版\n".encode())
    _cli(home, "inbox", "remove", first["report_id"], "--reason", "new version")
    _cli(home, "ingest", str(changed))
    _cli(home, "build")
    status = dict(_sql(home, "SELECT item_id, status FROM core_correction"))
    assert status == {first["item_id"]: "document_changed", chosen[1][0]["item_id"]: "applied"}
    assert [r for (r,) in _sql(home, "SELECT report_id FROM core_value_reviewed")] == [
        chosen[1][0]["report_id"]]
    assert "document_changed" in _cli(home, "review", "corrections")

"""Issue 16's Done-when: settle three items on the review page in headless Chromium, rebuild
from the page, and find the dashboard totals and the exported files changed by exactly those
values, with the as-published values still present.

A tiny demo province is built in an isolated home; the app is started as ``gongkai serve``
starts it. The three items are publisher errors whose rule suggests a total (the demo's
injected faults: a row total mis-added or printed 0); the page's form takes the suggested
reading (its default) and the reviewer's name from ``$GONGKAI_REVIEWER``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_cdp import Browser, free_port, stop_server, wait_healthy
from browser_setup import ensure_chromium
from test_review_build import _cli, _sql

from pipelines.cli import serve_command

pytestmark = [pytest.mark.serial, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
ROLLUP = ("applications.new_received.total", "applications.total_processed.total",
          "applications.granted.total", "applications.denied.total", "applications.unable.total",
          "applications.not_processed.total", "applications.other.total",
          "appeals.review.total", "appeals.litigation_direct.total",
          "appeals.litigation_after_review.total")
CLICK_JS = """((label) => {
  const b = Array.from(document.querySelectorAll('button')).find(
      x => x.innerText.trim() === label && !x.disabled);
  if (!b) return null;
  b.scrollIntoView({block: 'center'});
  const r = b.getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2];
})"""


def _click(browser: Browser, label: str) -> None:
    at = browser.eval(f"{CLICK_JS}({json.dumps(label, ensure_ascii=False)})")
    assert at is not None, f"no enabled button {label!r}"
    browser.click_at(*at)


def _num(text: str) -> float | None:
    try:
        return float(text.replace(",", "").strip())
    except ValueError:
        return None


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pipelines.demo import generate

    home = tmp_path_factory.mktemp("review-browser")
    generate(home / "demo", seed=20240201, scale=0.05)
    _cli(home, "ingest", str(home / "demo" / "docs"))
    _cli(home, "build")
    return home


@pytest.fixture(scope="module")
def served(home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("serve") / "streamlit.log"
    env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_LANG": "zh",
           "GONGKAI_REVIEWER": "浏览器测试"}
    env.pop("GONGKAI_WAREHOUSE", None)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(serve_command("127.0.0.1", port), cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_healthy(base, proc)
            yield base
        finally:
            stop_server(proc)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    b = Browser(ensure_chromium(), tmp_path_factory.mktemp("chromium") / "profile", height=1600)
    try:
        yield b
    finally:
        b.close()


def _pick_three(home: Path) -> list[tuple[dict, str, float]]:
    items = [json.loads(line) for line in
             _cli(home, "review", "list", "--json", "--limit", "0").splitlines()]
    out = []
    for it in items:
        cand = it["candidates"][0] if it["candidates"] else {}
        if len(cand) == 1:
            ((key, value),) = cand.items()
            if key in ROLLUP and key in it["printed"] and value != it["printed"][key]:
                out.append((it, key, float(value)))
    assert len(out) >= 3, items
    return out[:3]


def test_settle_three_items_on_the_page_then_rebuild(home, served, browser) -> None:
    chosen = _pick_three(home)
    province = _sql(home, "SELECT region_code, region_name FROM out_region_year "
                          "WHERE level = 'province' LIMIT 1")[0]
    before = {(k, it["year"]): _sql(
        home, f'SELECT "{k}" FROM out_region_year WHERE region_code = $r AND year = $y',
        {"r": province[0], "y": it["year"]})[0][0] for it, k, _ in chosen}
    for it, _, _ in chosen:
        browser.goto(f"{served}/review?item={it['item_id']}")
        browser.settle(("人工复核", it["item_id"], "记录复核"))
        _click(browser, "记录复核")
        browser.settle(("已记录更正",))
    lines = (home / "corrections" / "corrections.jsonl").read_text(encoding="utf-8")
    stored = [json.loads(line) for line in lines.splitlines()]
    assert [(c["item_id"], c["reviewer"]) for c in stored] == [
        (it["item_id"], "浏览器测试") for it, _, _ in chosen]
    # The page starts the build; the published warehouse changes only when it is done.
    _click(browser, "开始构建")
    browser.settle(("新的数据仓库已发布",), timeout=600)

    deltas: dict[tuple[str, int], float] = {}
    for it, key, value in chosen:
        deltas[(key, it["year"])] = deltas.get((key, it["year"]), 0.0) + value \
            - it["printed"][key]
        assert _sql(home, "SELECT value FROM core_value WHERE report_id = $r AND key = $k",
                    {"r": it["report_id"], "k": key}) == [(it["printed"][key],)]
    for (key, year), delta in deltas.items():
        after = _sql(home, f'SELECT "{key}" FROM out_region_year WHERE region_code = $r '
                           "AND year = $y", {"r": province[0], "y": year})[0][0]
        assert after - before[(key, year)] == pytest.approx(delta)
        # the dashboard's region comparison shows the new total, not the old one
        browser.goto(f"{served}/compare?year={year}&level=province&measure={key}")
        browser.settle((province[1],))
        shown = {_num(c) for row in browser.tables()[0][1:] for c in row}
        assert after in shown and (before[(key, year)] in shown) == (delta == 0)
    (export,) = sorted((home / "export").glob("gongkai-*"))[-1:]
    with (export / "data" / "core_value_reviewed.csv").open(encoding="utf-8-sig") as f:
        reviewed = sorted((r["report_id"], r["key"], float(r["value"]), float(r["as_published"]))
                          for r in csv.DictReader(f))
    assert reviewed == sorted((it["report_id"], k, v, float(it["printed"][k]))
                              for it, k, v in chosen)
    with (export / "data" / "out_region_year.csv").open(encoding="utf-8-sig") as f:
        rows = {(r["region_code"], int(r["year"])): r for r in csv.DictReader(f)}
    for (key, year), delta in deltas.items():
        assert float(rows[(province[0], year)][key]) == pytest.approx(
            before[(key, year)] + delta)
    browser.goto(f"{served}/review?status=settled")
    browser.settle(("已应用的复核值",))
    png = REPO / "artifacts" / "browser"
    png.mkdir(parents=True, exist_ok=True)
    print(f"screenshot: {browser.screenshot(png / 'review-settled.png', full_page=True)}")

"""Issue 14's four questions, asked in headless Chromium of the app serving a built demo.

The app is started exactly as ``gongkai serve`` starts it (``pipelines.cli.serve_command``)
against the warehouse of a real demo build (``built_home``). Each question opens its page with
the filters in the URL, waits until Streamlit has finished drawing (``browser_cdp.settle``),
reads the answer from the screen (text, and the table cells the grid draws) and compares it with
SQL on the same warehouse file. A screenshot of each page is kept under ``artifacts/browser/``
(gitignored; ``$GONGKAI_SCREENSHOT_DIR`` overrides) and its path printed. Render times of the
pages and of two clicks are printed too, for the closing note (not asserted: the machine is
shared).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from browser_cdp import Browser, free_port, stop_server, wait_healthy
from browser_setup import ensure_chromium

from pipelines.cli import serve_command
from tests.conftest import BuiltHome

pytestmark = [pytest.mark.serial, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
PAGES = ("", "compare", "trends", "outcomes", "quality", "timeliness", "collect", "scorecard",
         "regions", "review", "downloads")  # every page of dashboards/app.py PAGES
TIMINGS: list[tuple[str, float]] = []

# Latin words a Chinese page may show, each for a reason:
#   CSV XLSX Parquet JSON UTF BOM — file formats and encodings, named as the files are;
#   English Language — the language toggle names the other language in that language;
#   PDF — the document format in 「PDF 第 3 页」.
# Structurally left out (not words): material icons (a ligature font draws the glyph),
# paths and file names, warehouse table names (out_… core_… dim_…: the names under which the
# 下载 page offers them), commands in code blocks (typed as shown).
ALLOWED = {"CSV", "XLSX", "Parquet", "JSON", "UTF", "BOM", "English", "Language", "PDF"}

# Text a person sees: visible text nodes outside icons and code, plus visible placeholders.
VISIBLE_TEXT_JS = r"""(() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim()) continue;
    if (el.closest('script, style, code, pre, [data-testid="stIconMaterial"]')) continue;
    if (getComputedStyle(el).fontFamily.includes('Material')) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    out.push(node.textContent.trim());
  }
  for (const el of document.querySelectorAll('input[placeholder], textarea[placeholder]')) {
    if (!el.value && el.checkVisibility()) out.push(el.getAttribute('placeholder'));
  }
  return out.join('\n');
})()"""




@pytest.fixture(scope="module")
def served(built_home: BuiltHome, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``gongkai serve``'s command on a free port, against the demo build, default language."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("serve") / "streamlit.log"
    env = {**os.environ, "GONGKAI_HOME": str(built_home.home),
           "GONGKAI_WAREHOUSE": str(built_home.warehouse), "GONGKAI_LANG": "zh"}
    with log_path.open("wb") as log:
        proc = subprocess.Popen(serve_command("127.0.0.1", port), cwd=REPO, env=env,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_healthy(base, proc)
            yield base
        finally:
            stop_server(proc)
    print("\nrender times (s):", ", ".join(f"{n} {s:.2f}" for n, s in TIMINGS))


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = ensure_chromium()
    b = Browser(chromium, tmp_path_factory.mktemp("chromium") / "profile", height=1600)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def sql(built_home: BuiltHome) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(built_home.warehouse), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _shots() -> Path:
    folder = Path(os.environ.get("GONGKAI_SCREENSHOT_DIR") or REPO / "artifacts" / "browser")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser: Browser, url: str, name: str, *contains: str) -> str:
    """Open ``url``, wait for the drawn page showing ``contains``, screenshot it; its text."""
    browser.goto(url)
    TIMINGS.append((name, browser.settle(contains)))
    png = browser.screenshot(_shots() / f"{name}.png")
    print(f"screenshot: {png}")
    return browser.text()


def _table(browser: Browser, index: int = 0) -> list[dict[str, str]]:
    """The drawn rows of the ``index``-th table as dicts keyed by the displayed headers."""
    rows = browser.tables()[index]
    head = rows[0]
    return [dict(zip(head, r, strict=False)) for r in rows[1:] if any(r)]


def _table_with(browser: Browser, header: str) -> list[dict[str, str]]:
    """The drawn rows of the first table that has the column ``header``."""
    index = next(i for i, rows in enumerate(browser.tables()) if rows and header in rows[0])
    return _table(browser, index)


def _num(text: str) -> float | None:
    text = text.replace(",", "").replace("%", "").strip()
    return None if text in ("", "—") else float(text)


def test_counties_with_highest_review_correction_rate(served, browser, sql) -> None:
    year = sql.execute(
        "SELECT max(year) FROM out_region_rate WHERE rate = 'review_correction' "
        "AND level = 'county' AND value IS NOT NULL"
    ).fetchone()[0]
    top = sql.execute(
        """SELECT coalesce(city_name || '·', '') || region_name, value, numerator, denominator,
                  reports
           FROM out_region_rate WHERE year = $y AND level = 'county'
               AND rate = 'review_correction'
           ORDER BY value DESC NULLS LAST, region_code LIMIT 1""",
        {"y": year},
    ).fetchone()
    url = f"{served}/compare?year={year}&level=county&measure=rate.review_correction"
    _open(browser, url, "a-compare-county-review-correction", "行政复议纠错率", top[0])
    first = _table(browser)[0]
    assert first["地区"] == top[0]
    assert _num(first["行政复议纠错率"]) == round(top[1] * 100, 1)
    # numerator, denominator and reports are drawn beside the rate (no horizontal scroll)
    assert (_num(first["分子"]), _num(first["分母"]), _num(first["年报数"])) == top[2:]
    assert "已报告/应报告机关" in first


def test_applications_of_a_city_2019_to_2024(served, browser, sql) -> None:
    # the city whose reports were least complete in some year: coverage must be shown
    code, name = sql.execute(
        """SELECT region_code, region_name FROM out_region_year WHERE level = 'city'
           GROUP BY ALL ORDER BY min(coverage), region_code LIMIT 1"""
    ).fetchone()
    rows = sql.execute(
        """SELECT year, "applications.new_received.total", bodies, bodies_expected
           FROM out_region_year WHERE region_code = $c ORDER BY year""",
        {"c": code},
    ).fetchall()
    key = "applications.new_received.total"
    text = _open(browser, f"{served}/trends?level=city&measure={key}&regions={code}",
                 "b-trends-city-applications", "各年数值、覆盖与变化", name)
    shown = {int(r["年度"]): r for r in _table(browser)}
    assert sorted(shown) == [y for y, *_ in rows]
    previous = None
    for year, value, bodies, expected in rows:
        row = shown[year]
        assert _num(row["本年新收政府信息公开申请数量｜总计"]) == value
        assert row["已报告/应报告机关"] == f"{bodies:,}/{expected:,}"
        if previous:
            assert _num(row["较上年变化"]) == round((value / previous - 1) * 100, 1)
        previous = value
    (y0, v0, *_), (y1, v1, *_) = rows[0], rows[-1]
    change = f"{(v1 / v0 - 1) * 100:+.1f}%"
    assert f"{name}：{y0} 年 {int(v0):,} → {y1} 年 {int(v1):,}，变化 {change}" in text


def test_inconsistent_reports_and_why(served, browser, sql) -> None:
    expected = sql.execute(
        """WITH p AS (
               SELECT *, row_number() OVER (PARTITION BY report_id ORDER BY
                   CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule,
                   location_text, message_zh) AS n
               FROM out_report_check
               WHERE "check" IN ('consistency', 'text_vs_table', 'continuity'))
           SELECT any_value(b.name) AS body, p.year,
               any_value(p.message_zh) FILTER (WHERE n = 1),
               count(*) FILTER (WHERE severity = 'error') AS errors, count(*) AS problems
           FROM p JOIN dim_body b USING (body_id)
           GROUP BY p.report_id, p.year
           ORDER BY errors DESC, problems DESC, p.year DESC, body, p.report_id LIMIT 3"""
    ).fetchall()
    assert expected, "the demo has inconsistent reports"
    _open(browser, f"{served}/quality", "c-quality", "需要整改的年报", expected[0][0])
    shown = _table(browser)[: len(expected)]
    assert [(r["机关"], int(r["年度"]), r["说明"]) for r in shown] == [e[:3] for e in expected]
    for r in shown:  # in words: no canonical key, no rule id, no "total:"
        assert not re.search(r"[a-z]+\.[a-z_]+|total:|[a-z]+_[a-z]+", r["说明"] + r["规则"])


def test_late_bodies_first(served, browser, sql) -> None:
    year = sql.execute("SELECT max(year) FROM out_ledger_body_year").fetchone()[0]
    assert year is not None, "the demo has application ledgers"
    body, share, replied = sql.execute(
        """SELECT body_name, overdue / replied, replied FROM out_ledger_body_year
           WHERE year = $y ORDER BY overdue / nullif(replied, 0) DESC NULLS LAST,
               overdue DESC, body_name LIMIT 1""",
        {"y": year},
    ).fetchone()
    _open(browser, f"{served}/timeliness?year={year}", "d-timeliness-late-bodies",
          "各机关答复时效", body)
    # The page opens with whether reports were published on time; the ledgers' table follows.
    first = _table_with(browser, "超期比例")[0]
    assert first["机关"] == body
    assert _num(first["超期比例"]) == round(share * 100, 1)
    assert first["样本小"] == ("是" if replied < 20 else "")


def test_link_reopens_the_exact_view(served, browser, sql) -> None:
    """A shared link (page, year, level, measure, region) opens that view and keeps its URL."""
    year, code, name = sql.execute(
        """SELECT year, region_code, coalesce(city_name || '·', '') || region_name
           FROM out_region_rate WHERE level = 'county' AND rate = 'disclosure'
               AND value IS NOT NULL AND year = (SELECT min(year) FROM out_region_rate)
           ORDER BY region_code LIMIT 1"""
    ).fetchone()
    query = f"year={year}&level=county&measure=rate.disclosure&region={code}"
    text = _open(browser, f"{served}/compare?{query}", "link-compare",
                 "组成该数值的机关", name)
    assert f"{year} 年 县级 地区排名：公开率（由合计计算）" in text
    assert f"组成该数值的机关：{name}（{year}）" in text
    pickers = browser.eval(
        "Array.from(document.querySelectorAll('[data-testid=\"stSelectbox\"]'))"
        ".map(e => e.querySelector('label').innerText + '|' + e.querySelector('input').value)"
    )
    assert pickers[:3] == [f"年度|{year}", "行政级别|县级", "指标|公开率"]
    assert browser.eval("location.pathname + location.search") == f"/compare?{query}"


def test_clicks_render_the_bodies_and_the_trace(served, browser, sql) -> None:
    """Select a region row, then a body row: the bodies, then the value's source appear."""
    year = sql.execute("SELECT max(year) FROM out_region_rate").fetchone()[0]
    _open(browser, f"{served}/compare?year={year}&level=city&measure=rate.disclosure",
          "click-compare", "地区排名")
    first_city = _table(browser)[0]["地区"]

    def click_row(table: int, row: int) -> None:
        box = browser.eval(
            f"(() => {{ const r = document.querySelectorAll('[data-testid=\"stDataFrame\"]')"
            f"[{table}].getBoundingClientRect(); return [r.left, r.top]; }})()"
        )
        browser.click_at(box[0] + 16, box[1] + 35 * (row + 1) + 17)

    click_row(0, 0)
    TIMINGS.append(("click region → bodies", browser.settle(("组成该数值的机关",))))
    assert f"组成该数值的机关：{first_city}（{year}）" in browser.text()
    click_row(1, 0)
    TIMINGS.append(("click body → trace", browser.settle(("数值溯源",))))
    text = browser.text()
    assert "读取方式" in text and "该数值的勾稽问题" in text
    print(f"screenshot: {browser.screenshot(_shots() / 'click-trace.png')}")


def _english(text: str) -> set[str]:
    text = re.sub(r"\S*/\S*|\S+\.(?:html?|pdf|docx|txt|csv|xlsx|duckdb|json|toml)\b", " ", text)
    text = re.sub(r"\b(?:out|core|dim|meta|raw)_[a-z_]+\b", " ", text)
    text = re.sub(r"\b[0-9a-f]{16,64}\b", " ", text)  # sha256 of a document: its id
    return set(re.findall(r"[A-Za-z]{2,}", text)) - ALLOWED


@pytest.mark.parametrize("page", PAGES)
def test_no_english_on_the_rendered_page(served, browser, page: str) -> None:
    _open(browser, f"{served}/{page}", f"scan-{page or 'overview'}", "演示数据")
    text = browser.eval(VISIBLE_TEXT_JS)
    cells = "\n".join(c for t in browser.tables() for row in t for c in row)
    assert text.strip()
    assert _english(text + "\n" + cells) == set(), page

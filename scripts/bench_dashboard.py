"""Time every dashboard query the way the pages call it: p50/p95/max per function and overall.

Usage::

    .venv/bin/python scripts/bench_dashboard.py [--warehouse PATH] [--replicate N] [--out PATH]
        [--repeat 3] [--json RESULT.json]

Without ``--warehouse`` a demo warehouse is built (``gongkai demo --scale 0.2 --no-serve``) in a
temporary ``GONGKAI_HOME``. ``--replicate N`` first makes a national-size copy of it (N copies
of every report spread over every province, see ``scripts/national.py``; 1600 ≈ 200,000
reports, 41 million values) at ``--out``, and benchmarks that.

Each call opens the file read-only, runs the query and closes, as ``dashboards.store`` does on
a cache miss (what the first visitor after a build waits for). The arguments are those a user
picks on each page: every year, every level, the regions of each level, the top regions, a
few bodies. Streamlit's cache is not involved: these are the uncached times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from dashboards import (  # noqa: E402
    data,
    drill,
    quality_data,
    rates,
    timeliness_data,
    trace,
    trends_data,
)
from dashboards.ui import COMMON_MEASURES  # noqa: E402

Call = tuple[str, Callable, tuple]


def demo_warehouse() -> Path:
    """Build the demo (scale 0.2) in a temporary home; the published warehouse's path."""
    home = Path(tempfile.mkdtemp(prefix="bench-dash-"))
    env = {**os.environ, "GONGKAI_HOME": str(home)}
    gongkai = Path(sys.executable).with_name("gongkai")
    subprocess.run([str(gongkai), "demo", "--scale", "0.2", "--no-serve"], env=env, check=True)
    return home / "warehouse" / "gongkai.duckdb"


def _sample(items: list, n: int) -> list:
    """``n`` items spread over ``items`` (first, last and evenly between)."""
    if len(items) <= n:
        return items
    step = (len(items) - 1) / (n - 1)
    return [items[round(i * step)] for i in range(n)]


def page_calls(con: duckdb.DuckDBPyConnection) -> Iterator[Call]:
    """Every data-layer call of every page, with the arguments the pages pass."""
    years = data.years(con)
    levels = data.levels(con)
    measures = [m for m in COMMON_MEASURES[:3] if m in data.columns(con, "out_region_year")]
    yield "meta", data.meta, ()
    yield "years", data.years, ()
    yield "levels", data.levels, ()
    yield "columns", data.columns, ("out_region_year",)
    yield from _downloads()
    yield from _regional(con, years, levels, measures)
    yield from _quality(con, years)
    bodies = _sample(
        con.sql("SELECT DISTINCT body_id FROM out_body_year ORDER BY 1").pl()["body_id"].to_list(),
        6,
    )
    yield from _drill(con, years, levels, measures, bodies)
    yield from _scorecard(con, bodies)
    yield from _timeliness(con)
    yield from _analyst(con, years, levels)


def _downloads() -> Iterator[Call]:
    for name in data.EXPORT_TABLES:  # columns and row count of each table
        yield "columns", data.columns, (name,)
        if hasattr(data, "row_count"):
            yield "row_count", data.row_count, (name,)
        elif name != "core_value":  # before row_count the page read the whole table to count
            yield "table", data.table, (name,)


def _regional(con, years: list[int], levels: list[str], measures: list[str]) -> Iterator[Call]:
    """Overview, trends, compare and outcomes."""
    for year in years:
        yield "kpis", data.kpis, (year,)
        for measure in measures[:2]:
            yield "ranking", data.ranking, (year, "city", measure)
    for level in levels:
        yield "regions", data.regions, (level,)
        for year in _sample(years, 2):
            yield "ranking", data.ranking, (year, level, measures[0])
        top = data.ranking(con, years[-1], level, measures[0])["region_code"].head(5).to_list()
        for measure in measures:
            yield "trend", data.trend, (tuple(top), measure)
    scopes = [None] + [
        r for lv in levels for r in _sample(data.regions(con, lv)["region_code"].to_list(), 3)
    ]
    for region in scopes:
        yield "outcome_mix", data.outcome_mix, (region,)
        for year in _sample(years, 2):
            yield "reasons", data.reasons, (year, region)


def _quality(con, years: list[int]) -> Iterator[Call]:
    for year in [None, *years]:
        yield "finding_summary", data.finding_summary, (year,)
    rules = data.finding_summary(con, None)
    for year in _sample(years, 2):
        yield "findings", data.findings, (year, None, None)
        for rule, blame in rules.select("rule", "blame").head(2).iter_rows():
            yield "findings", data.findings, (year, rule, blame)
    yield "quarantine", data.quarantine, ()
    yield "quarantined_reports", data.quarantined_reports, ()


def _drill(con, years, levels, measures, bodies) -> Iterator[Call]:
    """The regions page: province → city → county → body."""
    for year in years:
        yield "drill.children", drill.children, (year, None, measures[0])
    provinces = (
        data.regions(con, "province")["region_code"].to_list() if "province" in levels else []
    )
    for year in _sample(years, 2):
        for prov in _sample(provinces, 4):
            cities = drill.children(con, year, prov, measures[0])
            yield "drill.children", drill.children, (year, prov, measures[0])
            for city in cities["region_code"].head(2).to_list():
                yield "drill.children", drill.children, (year, city, measures[0])
                yield "drill.bodies", drill.bodies, (year, city, measures[0])
    for body in bodies:
        yield "drill.body_history", drill.body_history, (body, measures[0])
        yield "drill.cross_year_findings", drill.cross_year_findings, (body,)


def _scorecard(con, bodies: list[str]) -> Iterator[Call]:
    score_years = data.scorecard_years(con)
    yield "scorecard_years", data.scorecard_years, ()
    yield "scorecard_regions", data.scorecard_regions, ()
    regions = _sample(data.scorecard_regions(con)["region_code"].to_list(), 4)
    for year in _sample(score_years, 2):
        for region in regions:
            yield "scorecard_ranking", data.scorecard_ranking, (region, year)
            yield "scorecard_xlsx", data.scorecard_xlsx, (region, year)
        for body in bodies[:3]:
            yield "scorecard_problems", data.scorecard_problems, (body, year)
    for body in bodies[:3]:
        yield "scorecard_trend", data.scorecard_trend, (body,)


def _timeliness(con) -> Iterator[Call]:
    yield "ledger_timeliness", data.ledger_timeliness, ()
    ledger_bodies = data.ledger_bodies(con)
    yield "ledger_bodies", data.ledger_bodies, ()
    for body in ledger_bodies["body_id"].head(3).to_list() if ledger_bodies.height else []:
        yield "reconciliation", data.reconciliation, (body,)


def _analyst(con, years: list[int], levels: list[str]) -> Iterator[Call]:
    """Issue 14's queries: rates, trends with coverage, inconsistent reports, late bodies, trace."""
    latest = years[-1]
    for level in levels:
        for rate in rates.RATE_IDS:
            yield "region_rates", rates.region_rates, (latest, level, rate)
        top = rates.region_rates(con, latest, level, "disclosure")["region_code"].head(5)
        yield "rate_trend", rates.rate_trend, (tuple(top.to_list()), "review_correction")
        yield "trend (coverage)", trends_data.trend, (
            tuple(top.to_list()), "applications.new_received.total")
    cities = data.regions(con, "city")["region_code"].to_list() if "city" in levels else []
    for region in [None, *_sample(cities, 3)]:
        yield "body_rates", rates.body_rates, (latest, region, "disclosure")
        yield "inconsistent_reports", quality_data.inconsistent_reports, (None, region)
    for year in _sample(years, 2):
        yield "inconsistent_reports", quality_data.inconsistent_reports, (year,)
    ledger_years = timeliness_data.ledger_years(con)
    yield "ledger_years", timeliness_data.ledger_years, ()
    for year in ledger_years[-2:]:
        for region in [None, *_sample(cities, 2)]:
            yield "late_bodies", timeliness_data.late_bodies, (year, region)
            yield "ledger_coverage", timeliness_data.ledger_coverage, (year, region)
    for region in _sample(cities, 3):
        for measure in ("rate.disclosure", "applications.new_received.total"):
            yield "region_bodies", trace.region_bodies, (latest, region, measure)
    reports = con.sql(
        "SELECT report_id FROM core_report WHERE status = 'published' ORDER BY report_id"
    ).pl()["report_id"].to_list()
    keys = trace.measure_keys("rate.review_correction")
    for report in _sample(reports, 6):
        yield "report_values", trace.report_values, (report, keys)
        yield "report_header", trace.report_header, (report,)
        yield "findings_on", trace.findings_on, (report, keys)


def _opener(path: Path, shared: bool) -> Callable[[], duckdb.DuckDBPyConnection]:
    """How a query gets its connection: the store's shared one (a cursor), or a new one."""
    if shared:
        try:
            from dashboards.store import cursor, stamp
        except ImportError:  # a checkout before the shared connection: the old way
            shared = False
        else:
            return lambda: cursor(path, stamp(path))
    return lambda: duckdb.connect(str(path), read_only=True)


def timed(opener: Callable[[], duckdb.DuckDBPyConnection], fn: Callable, args: tuple
          ) -> tuple[float, float]:
    """(wall ms, CPU ms) of one uncached query: connection, query, close (as store.py does).

    CPU time (this process, all DuckDB threads) is the figure to trust on a busy machine,
    where wall time also counts the time other people's processes held the cores.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    con = opener()
    try:
        fn(con, *args)
    finally:
        con.close()
    return (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000


def p95(xs: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(xs)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * len(ordered)) - 1))]


def run(path: Path, repeat: int, shared: bool) -> tuple[dict, dict]:
    """Wall and CPU milliseconds of every call, ``repeat`` times, per function name."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        calls = list(page_calls(con))
    finally:
        con.close()
    opener = _opener(path, shared)
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(repeat):
        for name, fn, args in calls:
            w, c = timed(opener, fn, args)
            wall.setdefault(name, []).append(w)
            cpu.setdefault(name, []).append(c)
    return wall, cpu


def report(wall: dict[str, list[float]], cpu: dict[str, list[float]]) -> str:
    """A table per function (slowest wall p95 first), then overall: wall and CPU percentiles."""
    head = ["calls", "p50", "p95", "max", "cpu p50", "cpu p95"]
    lines = [f"{'function (ms)':<28}" + "".join(f"{h:>9}" for h in head)]
    rows = sorted(wall, key=lambda name: -p95(wall[name]))
    every_w = [x for xs in wall.values() for x in xs]
    every_c = [x for xs in cpu.values() for x in xs]
    for name, w, c in [*((n, wall[n], cpu[n]) for n in rows), ("OVERALL", every_w, every_c)]:
        flag = "  > 200 ms" if p95(w) > 200 and name != "OVERALL" else ""
        cells = [len(w), statistics.median(w), p95(w), max(w), statistics.median(c), p95(c)]
        lines.append(f"{name:<28}{cells[0]:>9}" + "".join(f"{x:>9.1f}" for x in cells[1:]) + flag)
    return "\n".join(lines)


def main() -> None:
    """Pick or build the warehouse, optionally replicate it, time every page query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=None)
    parser.add_argument("--replicate", type=int, default=0, help="copies (1600 ≈ national)")
    parser.add_argument("--out", type=Path, default=None, help="where the national copy goes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, help="write the raw timings here")
    parser.add_argument(
        "--connect",
        choices=("shared", "per-query"),
        default="shared",
        help="shared: a cursor of one connection per file (dashboards.store); "
        "per-query: open and close the file around every query (the store before issue 13)",
    )
    args = parser.parse_args()

    path = args.warehouse or demo_warehouse()
    if args.replicate:
        from national import replicate

        out = args.out or path.with_name(f"national-{args.replicate}.duckdb")
        print(f"replicating {path} × {args.replicate} → {out}")
        path = replicate(path, out, args.replicate)
    con = duckdb.connect(str(path), read_only=True)
    reports, values = con.execute(
        "SELECT (SELECT count(*) FROM core_report), (SELECT count(*) FROM core_value)"
    ).fetchone()
    con.close()
    print(f"warehouse {path}: {reports:,} reports, {values:,} values")
    wall, cpu = run(path, args.repeat, args.connect == "shared")
    print(report(wall, cpu))
    if args.json:
        args.json.write_text(json.dumps({"wall": wall, "cpu": cpu}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

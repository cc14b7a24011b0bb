"""Make a national-size copy of a (demo) warehouse, for benchmarks of the dashboard and export.

``replicate(src, dst, copies)`` copies the warehouse file and replaces its core tables with
``copies`` copies of every report, value, finding, body and check, each copy with new ids and
its regions moved to another province: copy ``k`` goes to the ``k mod P``-th of the ``P``
province codes of the division data (:func:`pipelines.bodies.divisions.divisions`), each demo
city, county and township to a real unit of the same level there. 1,600 copies of the
126-report demo at scale 0.2 make about 200,000 reports and 41 million ``core_value`` rows.

The rollups that relocation changes (``out_region_year``, ``out_government_year``, the
scorecard and its ranks) are rebuilt with the build's own SQL (:mod:`warehouse.marts`) and
scorecard code. ``out_body_year`` is replicated like the core tables rather than re-pivoted:
its rows are per report (the year-over-year columns per body), so a copy's rows are the demo's
under new ids, and re-pivoting 41 million values with ~300 filtered aggregates would take the
better part of an hour on two cores.

Ledger tables (``core_application`` …) and ``raw_document`` keep their demo size, and the
replicated tables carry no primary-key constraints (a national build would); neither changes
what the dashboard's queries read.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb
import polars as pl

# Marts rebuilt from the replicated tables, in the build's order (warehouse/build.py).
MARTS = ("out_region_year", "out_government_year")


def _say(msg: str, t0: float) -> None:
    print(f"  [{time.monotonic() - t0:6.1f} s] {msg}", flush=True)


def region_map(demo_regions: pl.DataFrame, copies: int) -> pl.DataFrame:
    """``k, old_code, new_code``: where each demo region goes in copy ``k``.

    Copy ``k`` lands in province ``k mod P``; round ``k // P`` shifts the pick so repeated
    copies in one province spread over its units instead of piling onto the same ones.
    """
    from pipelines.bodies.divisions import divisions

    div = divisions().filter(pl.col("valid_to").is_null())
    provinces = div.filter(pl.col("level") == "province")["region_code"].sort().to_list()
    by_level: dict[tuple[str, str], list[str]] = {}
    for (prov, level), part in div.group_by(["province_code", "level"]):
        by_level[(prov, level)] = sorted(part["region_code"].to_list())
    demo = {
        level: sorted(part["region_code"].to_list())
        for (level,), part in demo_regions.group_by(["level"])
    }
    rows = []
    for k in range(copies):
        prov, rnd = provinces[k % len(provinces)], k // len(provinces)
        for level, codes in demo.items():
            targets = [prov] if level == "province" else by_level.get((prov, level)) or [prov]
            for i, code in enumerate(codes):
                rows.append((k, code, targets[(i + rnd * len(codes)) % len(targets)]))
    return pl.DataFrame(rows, schema={"k": pl.Int32, "old_code": pl.Utf8, "new_code": pl.Utf8},
                        orient="row")


def _swap(con: duckdb.DuckDBPyConnection, name: str, select_sql: str) -> None:
    """Replace table ``name`` by the result of ``select_sql`` (same columns, same order)."""
    con.execute(f"CREATE TABLE {name}__new AS {select_sql}")
    con.execute(f"DROP TABLE {name}")
    con.execute(f"ALTER TABLE {name}__new RENAME TO {name}")


def replicate(src: Path, dst: Path, copies: int, threads: int = 2, memory: str = "6GB") -> Path:
    """Write a warehouse at ``dst`` with ``copies`` relocated copies of ``src``'s reports."""
    from pipelines.bodies.divisions import divisions
    from schemas.models import conform
    from warehouse.build import region_frame
    from warehouse.marts import government_year_sql, region_year_sql
    from warehouse.scorecard import build_scorecard

    t0 = time.monotonic()
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    con = duckdb.connect(str(dst))
    try:
        con.execute(f"SET threads = {threads}; SET memory_limit = '{memory}'")
        con.execute("SET preserve_insertion_order = false; SET enable_progress_bar = false")
        demo_regions = con.sql("SELECT region_code, level FROM dim_region").pl()
        regions = region_map(demo_regions, copies)
        con.register("region_map_view", regions)
        con.execute("CREATE TEMP TABLE region_map AS SELECT * FROM region_map_view")
        con.execute(f"CREATE TEMP TABLE copies AS SELECT range::INTEGER AS k FROM range({copies})")
        con.execute("""
            CREATE TEMP TABLE body_map AS
            SELECT c.k, b.body_id AS old_id, m.new_code AS region_code,
                m.new_code || '|' || b.name || '#' || c.k AS new_id
            FROM dim_body b CROSS JOIN copies c
            JOIN region_map m ON m.k = c.k AND m.old_code = b.region_code""")
        con.execute("""
            CREATE TEMP TABLE report_map AS
            SELECT c.k, r.report_id AS old_id, sha256(r.report_id || '#' || c.k) AS new_id
            FROM core_report r CROSS JOIN copies c""")
        _say(f"maps: {copies} copies, {regions['new_code'].n_unique()} regions", t0)
        joins = """CROSS JOIN copies c
            JOIN report_map rm ON rm.k = c.k AND rm.old_id = t.report_id
            LEFT JOIN body_map bm ON bm.k = c.k AND bm.old_id = t.body_id"""
        _swap(con, "core_report", f"""
            SELECT t.* REPLACE (rm.new_id AS report_id,
                coalesce(bm.new_id, t.body_id) AS body_id,
                coalesce(m.new_code, t.region_code) AS region_code,
                t.source || '#' || c.k AS source)
            FROM core_report t {joins}
            LEFT JOIN region_map m ON m.k = c.k AND m.old_code = t.region_code""")
        for name in ("core_finding", "out_report_check", "core_value", "out_body_year"):
            region = ", bm.region_code AS region_code" if name == "out_body_year" else ""
            _swap(con, name, f"""
                SELECT t.* REPLACE (rm.new_id AS report_id,
                    coalesce(bm.new_id, t.body_id) AS body_id{region})
                FROM {name} t {joins}""")
            _say(f"{name}: {con.execute(f'SELECT count(*) FROM {name}').fetchone()[0]:,} rows", t0)
        _swap(con, "dim_body", """
            SELECT t.* REPLACE (bm.new_id AS body_id, bm.region_code AS region_code)
            FROM dim_body t JOIN body_map bm ON bm.old_id = t.body_id""")
        codes = con.sql("SELECT DISTINCT region_code FROM dim_body").pl()["region_code"].to_list()
        dim_region = region_frame(codes, divisions())
        con.register("dim_region_view", dim_region)
        con.execute("DELETE FROM dim_region")
        con.execute("INSERT INTO dim_region SELECT * FROM dim_region_view")
        _say(f"dim_region: {dim_region.height:,} regions", t0)
        for name in (*MARTS, "out_scorecard"):
            con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute(region_year_sql())
        con.execute(government_year_sql())
        _say("out_region_year, out_government_year", t0)
        checks = conform("out_report_check", con.sql("SELECT * FROM out_report_check").pl())
        con.execute("DROP TABLE out_report_check")
        build_scorecard(con, checks)
        _say("out_scorecard", t0)
        rebuild_extra_marts(con)
        con.execute("CHECKPOINT")
        _say("done", t0)
    finally:
        con.close()
    return dst


def rebuild_extra_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Build the dashboard's pre-aggregated marts, when this checkout has them (see marts.py)."""
    try:
        from warehouse.marts import dashboard_mart_sql
    except ImportError:  # before the dashboard marts existed
        return
    for sql in dashboard_mart_sql():
        con.execute(sql)

"""An incremental build (a copy of the published warehouse plus the new segments) publishes
exactly the warehouse a clean build of the same inbox publishes.

Real ``gongkai build`` runs (Dagster, DuckDB, Parquet segments) on a small generated demo:
one home grows by a few reports and then loses one, the other is built clean from the same
inbox; every table must hold the same rows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.demo import generate
from pipelines.inbox import Inbox
from schemas.tables import tables
from warehouse.delta import prefetched

GONGKAI = str(Path(sys.executable).with_name("gongkai"))
# Differ between the two homes by design: when a build ran, when a file was ingested.
VOLATILE = {"meta_build": ("built_at",), "raw_document": ("ingested_at",)}

pytestmark = pytest.mark.slow


def _build(home: Path) -> str:
    env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_LANG": "en"}
    env.pop("DAGSTER_HOME", None)
    done = subprocess.run([GONGKAI, "build"], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def _incremental(home: Path) -> dict:
    """The metadata the last run's staging step recorded."""
    code = (
        "import json\nfrom pipelines.cli import _instance\n"
        "KEYS = ('incremental', 'parts_added', 'base_prefetched', 'base_values_skipped',\n"
        "        'body_years_kept')\n"
        "out = {}\n"
        "with _instance() as inst:\n"
        "    run = inst.get_runs(limit=1)[0]\n"
        "    for e in inst.all_logs(run.run_id):\n"
        "        ev = e.dagster_event\n"
        "        m = ev and ev.event_type_value == 'ASSET_MATERIALIZATION' and ev.materialization\n"
        "        if m and m.asset_key.path == ['out_warehouse_staging']:\n"
        "            out.update({k: v.value for k, v in m.metadata.items() if k in KEYS})\n"
        "        c = ev and ev.event_type_value == 'ASSET_CHECK_EVALUATION' and "
        "ev.event_specific_data\n"
        "        if c and c.check_name == 'no_personal_data_published':\n"
        "            out.update({k: v.value for k, v in c.metadata.items() if k in KEYS})\n"
        "print(json.dumps(out))\n")
    env = {**os.environ, "GONGKAI_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def _exported_values(home: Path) -> dict[str, tuple[int, int]]:
    """The exported fact table's Parquet files: path → (inode, rows)."""
    import json

    import polars as pl

    folder = next((home / "export").glob("gongkai-*"))
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    for r in package["resources"]:
        if r.get("partition", {}).get("table") == "core_value" and r["format"] == "parquet":
            path = folder / r["path"]
            out[r["path"]] = (path.stat().st_ino, pl.read_parquet(path).height)
    return out


def _rows(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for name, table in tables().items():
            cols = [c for c in table.column_names if c not in VOLATILE.get(name, ())]
            quoted = ", ".join('"' + c + '"' for c in cols)
            rows = con.execute(f'SELECT {quoted} FROM "{name}"').fetchall()
            out[name] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def test_incremental_builds_equal_a_clean_build(tmp_path: Path) -> None:
    generate(tmp_path / "demo", scale=0.05)
    docs = sorted((tmp_path / "demo" / "docs").iterdir())
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    for i, p in enumerate(docs):
        shutil.copy2(p, (later if i % 12 == 5 else first) / p.name)

    grown = tmp_path / "grown"
    Inbox(grown / "inbox").ingest([first])
    _build(grown)
    step = _incremental(grown)
    assert step["incremental"] is False  # nothing to start from
    assert step["base_values_skipped"] is False and step["body_years_kept"] == -1

    before = _exported_values(grown)
    Inbox(grown / "inbox").ingest([later])
    _build(grown)
    step = _incremental(grown)
    assert step["incremental"] is True and step["parts_added"] >= 1
    # The first build left a standby copy of what it published; this one started from it
    # and left one of its own warehouse for the next build.
    assert step["base_prefetched"] is True
    # The personal-data check searched only values the published warehouse did not hold,
    # and the body-year mart kept the rows of the bodies no new report touched.
    assert step["base_values_skipped"] is True
    assert step["body_years_kept"] > 0
    assert prefetched(grown / "warehouse" / "gongkai.duckdb", grown / "build")
    after = _exported_values(grown)
    # The fact table goes out one file per segment and year: the segments the first export
    # wrote are linked (same inode), the new ones written, and together they hold every value.
    kept = before.keys() & after.keys()
    assert kept and all(after[k][0] == before[k][0] for k in kept)
    assert len(after) > len(kept)
    assert sum(n for _, n in after.values()) == len(_rows(
        grown / "warehouse" / "gongkai.duckdb")["core_value"])

    victim = next(e for e in Inbox(grown / "inbox").entries()
                  if e.kind == "report" and e.file_name.endswith(".html"))
    Inbox(grown / "inbox").retire(victim.sha256, "test: a retired report leaves its segment")
    _build(grown)
    step = _incremental(grown)
    assert step["incremental"] is True and step["body_years_kept"] > 0

    clean = tmp_path / "clean"
    Inbox(clean / "inbox").ingest([first, later])
    Inbox(clean / "inbox").retire(victim.sha256, "test")
    _build(clean)

    got, want = _rows(grown / "warehouse" / "gongkai.duckdb"), _rows(
        clean / "warehouse" / "gongkai.duckdb")
    assert got["core_value"], "the demo publishes values"
    assert not any(r[0] == victim.sha256 for r in got["core_value"])
    differ = [name for name in tables() if name != "meta_part" and got[name] != want[name]]
    assert not differ, f"tables differ after incremental builds: {differ}"
    # The grown home holds its reports in more segments (one per arrival); both add up.
    for parts, rows in ((got["meta_part"], got["core_value"]), (want["meta_part"],
                                                                 want["core_value"])):
        assert sum(r[2] for r in parts if r[0] == "core_value") == len(rows)

"""Shards and segments: new documents add a segment, a retired one rewrites only its segment.

Real documents (a tiny generated demo), real extraction, real Parquet files; no Dagster.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.demo import generate
from pipelines.inbox import Inbox
from pipelines.io import read_value, write_value
from pipelines.shard_build import update_shard, wide_values
from schemas.profile import check_table, profile
from schemas.tables import tables
from warehouse.segments import SHARDS, TableFiles, read_shard, shard_of


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Inbox]:
    root = tmp_path_factory.mktemp("seg")
    generate(root / "demo", scale=0.05)
    inbox = Inbox(root / "inbox")
    inbox.ingest([root / "demo" / "docs"])
    return root, inbox


def _shard_with_most(inbox: Inbox) -> tuple[str, list]:
    reports = [e for e in inbox.entries() if e.kind == "report"]
    best = max(SHARDS, key=lambda s: sum(shard_of(e.sha256) == s for e in reports))
    return best, [e for e in reports if shard_of(e.sha256) == best]


def test_new_documents_add_segments_and_retired_ones_rewrite_theirs(demo_inbox) -> None:
    root, inbox = demo_inbox
    shard, mine = _shard_with_most(inbox)
    assert len(mine) >= 3
    cache, parts = root / "cache", root / "parts"
    first = update_shard(shard, mine[:-1], inbox, cache, parts, set(), workers=1)
    assert (first.new, first.removed, first.documents) == (len(mine) - 1, 0, len(mine) - 1)
    state = read_shard(Path(first.folder))
    before = {s.name for s in state.segments}
    reports = pl.read_parquet(state.files("core_report"))
    assert sorted(reports["report_id"]) == sorted(e.sha256 for e in mine[:-1])

    # Unchanged: nothing written. One more document: one new segment, the others untouched.
    again = update_shard(shard, mine[:-1], inbox, cache, parts, set(), workers=1)
    assert (again.new, again.written) == (0, 0)
    more = update_shard(shard, mine, inbox, cache, parts, set(), workers=1)
    after = read_shard(Path(more.folder))
    assert (more.new, more.written, more.documents) == (1, 1, len(mine))
    assert before < {s.name for s in after.segments}

    # A retired document: its segment rewritten under a new name without it; rows of it gone.
    gone = mine[0]
    held = {s.name for s in after.segments if gone.sha256 in s.docs}
    left = update_shard(shard, mine[1:], inbox, cache, parts, set(), workers=1)
    state = read_shard(Path(left.folder))
    assert left.removed == 1 and gone.sha256 not in state.docs()
    assert held.isdisjoint(s.name for s in state.segments)  # names are never reused
    values = pl.read_parquet(state.files("core_value"))
    assert gone.sha256 not in set(values["report_id"])
    # Only listed segments remain on disk.
    on_disk = {p.name for p in Path(left.folder).iterdir() if p.is_dir()}
    assert on_disk == {s.name for s in state.segments}


def test_a_damaged_manifest_means_an_empty_shard_rebuilt(demo_inbox) -> None:
    root, inbox = demo_inbox
    shard, mine = _shard_with_most(inbox)
    out = update_shard(shard, mine, inbox, root / "cache", root / "parts2", set(), workers=1)
    (Path(out.folder) / "manifest.json").write_text("{broken", encoding="utf-8")
    assert read_shard(Path(out.folder)).segments == []
    redo = update_shard(shard, mine, inbox, root / "cache", root / "parts2", set(), workers=1)
    assert redo.new == len(mine) and redo.documents == len(mine)


def test_wide_values_match_duckdb_pivot(demo_inbox) -> None:
    root, inbox = demo_inbox
    shard, mine = _shard_with_most(inbox)
    out = update_shard(shard, mine, inbox, root / "cache", root / "parts3", set(), workers=1)
    values = pl.read_parquet(read_shard(Path(out.folder)).files("core_value"))
    wide = wide_values(values)
    assert wide.height == values["report_id"].n_unique()
    long = wide.unpivot(index="report_id", variable_name="key").drop_nulls("value")
    assert long.sort("report_id", "key").equals(
        values.select("report_id", "key", "value").sort("report_id", "key"))
    assert wide_values(values.clear()).columns == wide.columns


def test_io_round_trips_frames_and_table_files(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": [1, 2], "b": ["x", None]})
    assert read_value(tmp_path / "f").equals(frame) if write_value(tmp_path / "f", frame) else 0
    files = TableFiles("core_value", ("/x/a.parquet", "/x/b.parquet"), 7, {"key": 1}, ("/w",))
    write_value(tmp_path / "t", files)
    assert (tmp_path / "t.json").is_file()
    assert read_value(tmp_path / "t") == files
    payload = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert payload["fields"]["files"] == ["/x/a.parquet", "/x/b.parquet"]


def test_profile_counts_every_broken_constraint() -> None:
    con = duckdb.connect()
    table = tables()["core_value"]
    con.execute("CREATE TABLE core_value (report_id VARCHAR, key VARCHAR, value DOUBLE, "
                "cell_kind VARCHAR, method VARCHAR, provenance VARCHAR, body_id VARCHAR, "
                "year INTEGER)")
    con.execute("INSERT INTO core_value VALUES ('r', 'k', 1, 'number', 'table', '{}', 'b', 2023),"
                "('r', 'k', 2, 'number', 'table', '{}', 'b', 2023),"
                "(NULL, 'j', 1, 'number', 'table', '{}', 'b', 1200)")
    broken = {(c, r): n for c, r, n in profile(con, table) if n}
    assert broken[("report_id+key", "unique")] == 1
    assert broken[("report_id", "not_null")] == 1
    assert broken[("year", "at_least")] == 1
    assert check_table(con, table) is not None


def test_segment_names_are_never_issued_twice(tmp_path: Path) -> None:
    from warehouse.segments import Segment, Shard, write_shard

    shard = Shard(tmp_path / "0")
    names = [shard.next_name() for _ in range(3)]
    shard.segments = [Segment(n, (n,)) for n in names]
    write_shard(shard)
    # The newest segment goes (all its documents retired): its name stays spent.
    shard = read_shard(tmp_path / "0")
    shard.segments = shard.segments[:-1]
    write_shard(shard)
    again = read_shard(tmp_path / "0")
    assert again.next_name() not in names

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


def test_the_manifest_counts_each_segment_file_rows(demo_inbox) -> None:
    """Rows per table per segment are kept in the manifest (a build gathers them without
    opening hundreds of Parquet footers); a manifest from before they were kept is counted
    from the footers."""
    root, inbox = demo_inbox
    shard, mine = _shard_with_most(inbox)
    out = update_shard(shard, mine, inbox, root / "cache", root / "parts3", set(), workers=1)
    state = read_shard(Path(out.folder))
    for table in ("core_report", "core_value", "core_finding", "out_report_check"):
        counted = [pl.scan_parquet(f).select(pl.len()).collect().item()
                   for f in state.files(table)]
        assert state.file_rows(table) == counted
    assert sum(state.file_rows("core_value")) > 0
    manifest = Path(out.folder) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for seg in data["segments"]:
        del seg["rows"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    older = read_shard(Path(out.folder))
    assert older.segments and not any(s.rows for s in older.segments)
    for table in ("core_report", "core_value", "core_finding", "out_report_check"):
        counted = [pl.scan_parquet(f).select(pl.len()).collect().item()
                   for f in older.files(table)]
        assert older.file_rows(table) == counted  # from the footers


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


def test_a_frame_read_again_is_the_same_until_its_file_is_rewritten(tmp_path: Path) -> None:
    first = pl.DataFrame({"a": [1, 2]})
    write_value(tmp_path / "f", first)
    once = read_value(tmp_path / "f")
    assert read_value(tmp_path / "f") is once  # the 16 shard steps share one read
    write_value(tmp_path / "f", pl.DataFrame({"a": [3]}))
    assert read_value(tmp_path / "f")["a"].to_list() == [3]


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


def _continuity_by_pairs(reports: pl.DataFrame, wide_files: list[str]) -> set[tuple]:
    """The continuity rules applied pair by pair in plain Python (the reference)."""
    from pipelines.checker.continuity import check_continuity
    from warehouse.continuity import KEYS

    published = reports.filter(pl.col("status") == "published")
    wide = pl.concat([pl.read_parquet(w) for w in wide_files]).select("report_id", *KEYS)
    values = {r[0]: {k: v for k, v in zip(KEYS, r[1:], strict=True) if v is not None}
              for r in wide.iter_rows()}
    first: dict[tuple, str] = {}
    for rid, body, year in published.sort("report_id").select(
            "report_id", "body_id", "year").iter_rows():
        first.setdefault((body, year), rid)
    out = set()
    for rid, body, year in published.select("report_id", "body_id", "year").iter_rows():
        prev = first.get((body, year - 1))
        if prev is not None:
            for p in check_continuity(year, values.get(rid, {}), {}, values.get(prev, {}),
                                      year - 1):
                out.add((rid, p.rule, ",".join(p.keys), p.message_zh))
    return out


def _every_shard(demo_inbox, parts: str) -> tuple[dict[str, list[str]], pl.DataFrame]:
    """Every shard written: the segment files by table, core_report sorted as the asset does."""
    root, inbox = demo_inbox
    reports = [e for e in inbox.entries() if e.kind == "report"]
    files: dict[str, list[str]] = {"core_report": [], "core_value": [], "report_wide": []}
    for shard in SHARDS:
        mine = [e for e in reports if shard_of(e.sha256) == shard]
        out = update_shard(shard, mine, inbox, root / "cache", root / parts, set(), workers=1)
        for t in files:
            files[t] += [str(p) for p in read_shard(Path(out.folder)).files(t)]
    core = pl.concat([pl.read_parquet(f) for f in files["core_report"]])
    return files, core.sort("source", "report_id")


def test_continuity_screened_in_polars_equals_the_rules_pair_by_pair(demo_inbox) -> None:
    """Every pair the rules flag is found, and nothing else, also after values are disturbed."""
    import random

    from pipelines.checker.score import load_weights
    from warehouse.continuity import KEYS, continuity_frame

    root, _ = demo_inbox
    files, core = _every_shard(demo_inbox, "parts5")
    rng = random.Random(5)
    disturbed = []
    for i, f in enumerate(files["report_wide"]):
        wide = pl.read_parquet(f)
        for key in KEYS:  # about one value in six moved by one, or blanked
            wide = wide.with_columns(pl.Series(key, [
                v if v is None or rng.random() > 0.17 else (None if rng.random() < 0.2 else v + 1)
                for v in wide[key].to_list()], dtype=pl.Float64))
        path = root / f"wide-{i}.parquet"
        wide.write_parquet(path)
        disturbed.append(str(path))
    for wide_files in (files["report_wide"], disturbed):
        got = continuity_frame(core, files["core_value"], load_weights(), wide_files).rows
        want = _continuity_by_pairs(core, wide_files)
        assert set(zip(got["report_id"], got["rule"], got["keys"], got["message_zh"],
                       strict=True)) == want
        assert got.height == len(want)
    assert len(want) > 10  # the disturbed values break the rules many times
    assert got["location_text"].str.contains("表").all()  # located from the value files


def test_continuity_reuses_the_pairs_an_earlier_build_judged(demo_inbox, tmp_path) -> None:
    """Judged with a third of the reports first, then all: equal to judging all at once."""
    from pipelines.checker.score import load_weights
    from warehouse.continuity import continuity_frame, read_earlier, write

    files, core = _every_shard(demo_inbox, "parts6")
    weights = load_weights()
    whole = continuity_frame(core, files["core_value"], weights, files["report_wide"])
    assert whole.rows.height > 0 and whole.pairs.height > whole.rows["report_id"].n_unique()
    # Reports with an odd first digit are "new": the earlier build did not have them.
    old = core.filter(pl.col("report_id").str.slice(0, 1).is_in(list("02468ace")))
    first = continuity_frame(old, files["core_value"], weights, files["report_wide"])
    rows_file, pairs_file = tmp_path / "c.parquet", tmp_path / "p.parquet"
    write(first, rows_file, pairs_file)
    earlier = read_earlier(rows_file, pairs_file)
    assert earlier is not None and earlier.rows.equals(first.rows)
    again = continuity_frame(core, files["core_value"], weights, files["report_wide"], earlier)
    assert again.rows.equals(whole.rows) and again.pairs.equals(whole.pairs)
    # A rows file that is not the one the pairs were written with: not reused.
    whole.rows.write_parquet(rows_file)
    assert read_earlier(rows_file, pairs_file) is None
    assert read_earlier(tmp_path / "missing.parquet", pairs_file) is None

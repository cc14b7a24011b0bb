"""The standby copy of the published warehouse (warehouse/delta.py): made after a build that
published, reused by the next build's prefetch, kept by housekeeping only while it is a
complete copy of the file now published."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines import housekeeping
from pipelines.paths import Paths
from warehouse import delta


def _publish(paths: Paths, rows: int) -> None:
    """A small DuckDB file at the published path, replaced atomically as a build does."""
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    tmp = paths.warehouse.with_name(".incoming.duckdb")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    con.execute(f"CREATE TABLE t AS SELECT range AS x FROM range({rows})")
    con.close()
    os.replace(tmp, paths.warehouse)


def test_standby_copy_is_the_published_file_and_prefetch_reuses_it(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    _publish(paths, 1000)
    delta.keep_standby(paths.warehouse, paths.builds)
    assert delta.prefetched(paths.warehouse, paths.builds)
    copy = paths.builds / delta.PREFETCH / delta.PREFETCHED
    assert copy.read_bytes() == paths.warehouse.read_bytes()
    inode = copy.stat().st_ino
    assert delta.prefetch(paths.warehouse, paths.builds) is None  # nothing left to copy
    assert copy.stat().st_ino == inode


def test_housekeeping_keeps_a_current_standby_and_removes_an_outdated_one(
        tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    _publish(paths, 1000)
    delta.keep_standby(paths.warehouse, paths.builds)
    (paths.builds / "dead-run").mkdir()
    removed = housekeeping.remove_stale_staging(paths)
    assert [p.name for p in removed] == ["dead-run"]
    assert delta.prefetched(paths.warehouse, paths.builds)

    _publish(paths, 2000)  # another file published since: the copy is of the old one
    assert not delta.prefetched(paths.warehouse, paths.builds)
    removed = housekeeping.remove_stale_staging(paths)
    assert [p.name for p in removed] == [delta.PREFETCH]
    thread = delta.prefetch(paths.warehouse, paths.builds)  # a fresh copy is made
    assert thread is not None
    thread.join()
    assert delta.prefetched(paths.warehouse, paths.builds)


def test_a_half_made_copy_is_not_taken_for_a_standby(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    _publish(paths, 1000)
    folder = paths.builds / delta.PREFETCH
    folder.mkdir(parents=True)
    (folder / delta.PREFETCHED).write_bytes(paths.warehouse.read_bytes()[:100])  # no base.json
    assert not delta.prefetched(paths.warehouse, paths.builds)
    assert [p.name for p in housekeeping.remove_stale_staging(paths)] == [delta.PREFETCH]

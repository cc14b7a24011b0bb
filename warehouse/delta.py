"""An incremental warehouse build: the published file plus the segments that are new since.

A national ``core_value`` holds some 40 million rows, all of them from segments
(:mod:`warehouse.segments`) that never change once written. Loading them again for every
1,000 new reports is most of a build. The published warehouse records in ``meta_part`` which
segment files its ``core_value`` was loaded from and the table's basis (:func:`table_basis`);
when the basis is still the same, a build starts from a copy of the published file:

1. every table but ``core_value`` is dropped (they are small and rebuilt as in a clean build),
   except the body-year mart and the tables that say which of its rows changed, which are
   set aside for :mod:`warehouse.mart_delta`;
2. rows of reports that are no longer published, and of reports in segments the base did not
   load (a segment rewritten because one of its documents was retired holds reports the base
   has under the old segment), are deleted;
3. the new segments' rows are inserted;
4. the row count must then equal the sum of the segments' rows, or the build starts clean.

The published file is never written: the copy is the staging file, checked like any other
before it is switched in. The checks scan only the new rows of ``core_value`` (their report
ids are disjoint from the kept rows', which the base's checks passed on the same constraints;
:func:`scope_sql`), listed in ``delta.json`` beside the staging file.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas.sql import literal_list
from schemas.tables import tables
from warehouse.segments import TableFiles, footer_rows

DELTA_TABLE = "core_value"
PART_TABLE = "meta_part"
DELTA_FILE = "delta.json"
PREFETCH = ".prefetch"  # in the builds folder: the copy gongkai build starts early
PREFETCHED = "base.duckdb"  # not named like a staging warehouse: it is not one yet
# More new parts than this share of the table: a clean load is as fast and compacts the file.
MAX_NEW_SHARE = 0.5


class DeltaMismatch(RuntimeError):
    """The copied warehouse does not add up to the segments: build clean instead."""


@dataclass(frozen=True)
class Delta:
    """What a build adds to its base: the new part files (absolute) and the parts kept."""

    base: Path
    added: tuple[str, ...]
    kept: int


def table_basis() -> str:
    """Digest of what the kept rows' loading and checking depended on besides their segments.

    The table's DDL, the constraints the checks count, the pattern the personal-data check
    searched the base with (the gate does not search a value the base holds again,
    :func:`warehouse.personal_data.scan_database`) and the SQL, DDL and constraints of the
    body-year mart, whose rows of untouched bodies are kept (:mod:`warehouse.mart_delta`).
    The segments' content is keyed by their generation (engine, checker, limits, weights),
    part of every part name. Anything else may change without making the base's rows wrong.
    """
    import hashlib

    from pipelines.ledgers.privacy import detector
    from schemas.profile import constraints
    from schemas.tables import ddl
    from warehouse.marts import body_year_sql

    table = tables()[DELTA_TABLE]
    mart = tables()["out_body_year"]
    text = "\n".join([ddl(table), *(c.count_sql for c in constraints(table)), detector(),
                      body_year_sql(), ddl(mart), *(c.count_sql for c in constraints(mart))])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def part_name(file: str) -> str:
    """A part's name in ``meta_part``: generation/shard/segment/file, without the home folder."""
    return "/".join(Path(file).parts[-4:])


def part_rows(files: TableFiles, basis: str) -> list[tuple[str, str, int, str]]:
    """``meta_part`` rows for a table loaded from ``files``.

    Rows per file as counted when the files were gathered, from the Parquet footers otherwise.
    """
    counts = files.file_rows if len(files.file_rows) == len(files.files) else tuple(
        footer_rows(f) for f in files.files)
    return [(files.table, part_name(f), n, basis)
            for f, n in zip(files.files, counts, strict=True)]


def plan(base: Path, files: TableFiles, basis: str) -> Delta | None:
    """The delta from the published warehouse ``base``, or None when a clean build is needed.

    Clean when there is no base, it has no ``meta_part`` (an older build), its basis differs,
    or most of the table would change.
    """
    if not base.is_file() or not files.files:
        return None
    try:
        con = duckdb.connect(str(base), read_only=True)
    except duckdb.Error:
        return None
    try:
        has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $t",
                          {"t": PART_TABLE}).fetchall()[0][0]
        if not has:
            return None
        rows = con.execute(f"SELECT part, basis FROM {PART_TABLE} WHERE table_name = $t",
                           {"t": DELTA_TABLE}).fetchall()
    finally:
        con.close()
    if not rows or any(b != basis for _, b in rows):
        return None
    known = {p for p, _ in rows}
    added = tuple(f for f in files.files if part_name(f) not in known)
    if len(added) > MAX_NEW_SHARE * len(files.files):
        return None
    return Delta(base, added, len(files.files) - len(added))


def _stat_key(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def prefetched(base: Path, builds: Path) -> bool:
    """Whether ``builds`` holds a complete copy of ``base`` as it is now (:func:`prefetch`)."""
    folder = builds / PREFETCH
    try:
        done = json.loads((folder / "base.json").read_text(encoding="utf-8"))
        return (done["base"] == str(base) and done["key"] == _stat_key(base)
                and (folder / PREFETCHED).is_file())
    except (OSError, ValueError, KeyError):
        return False


def prefetch(base: Path, builds: Path) -> threading.Thread | None:
    """Start copying the published warehouse to where an incremental build will want it.

    Copying a national warehouse (3.4 GB) takes seconds of disk time the build would otherwise
    wait for; started when ``gongkai build`` starts, it overlaps with extraction and the
    shards. :func:`start_from` takes the copy only if it is complete and of the same file.
    A complete copy of the same file already there (the standby copy the previous build left,
    :func:`keep_standby`) is kept and nothing is copied: returns None.
    """
    if not base.is_file() or prefetched(base, builds):
        return None
    folder = builds / PREFETCH
    shutil.rmtree(folder, ignore_errors=True)

    def copy() -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            key = _stat_key(base)
            shutil.copyfile(base, folder / PREFETCHED)
            if _stat_key(base) == key:  # not switched while we copied
                (folder / "base.json").write_text(json.dumps({"base": str(base), "key": key}),
                                                  encoding="utf-8")
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)

    thread = threading.Thread(target=copy, name="gongkai-prefetch", daemon=True)
    thread.start()
    return thread


def _take_prefetched(base: Path, staging: Path) -> bool:
    """Move a complete prefetched copy of ``base`` to ``staging``; whether there was one."""
    folder = staging.parent.parent / PREFETCH
    taken = prefetched(base, folder.parent)
    try:
        if taken:
            os.replace(folder / PREFETCHED, staging)
    except OSError:
        taken = False
    finally:
        if (folder / "base.json").exists():
            shutil.rmtree(folder, ignore_errors=True)
    return taken


def discard_prefetch(builds: Path) -> None:
    """Remove a prefetched copy no build took (a clean build, a failed one)."""
    shutil.rmtree(builds / PREFETCH, ignore_errors=True)


def keep_standby(base: Path, builds: Path) -> None:
    """Copy the just-published warehouse for the next build, and wait for the copy.

    Made at the end of a build that published, after its export, so the next incremental
    build finds its starting copy ready instead of copying while it extracts: on two cores
    the copy (a national warehouse: 3.4 GB, ~10 s of a core in the kernel) competed with the
    extraction workers and evicted the cached extractions they read. The price is a second
    copy of the warehouse on disk between builds; housekeeping keeps it while it matches.
    """
    thread = prefetch(base, builds)
    if thread is not None:
        thread.join()


def start_from(delta: Delta, staging: Path) -> bool:
    """Copy the base to ``staging`` and drop everything but the delta table.

    The tables the body-year mart is updated from are renamed, not dropped
    (:mod:`warehouse.mart_delta`; the build drops them before it checkpoints). Returns
    whether the copy was the prefetched one (:func:`prefetch`).
    """
    from warehouse import mart_delta

    staging.parent.mkdir(parents=True, exist_ok=True)
    taken = _take_prefetched(delta.base, staging)
    if not taken:
        shutil.copyfile(delta.base, staging)
    con = duckdb.connect(str(staging))
    try:
        for (view,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            con.execute(f'DROP VIEW "{view}"')
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            if name in mart_delta.KEPT:
                con.execute(f'ALTER TABLE "{name}" RENAME TO "{mart_delta.kept_name(name)}"')
            elif name != DELTA_TABLE:
                con.execute(f'DROP TABLE "{name}"')
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return taken


def apply(con: duckdb.DuckDBPyConnection, delta: Delta, files: TableFiles) -> None:
    """Bring the copied ``core_value`` to exactly ``files``' rows.

    Needs the new ``core_report`` loaded. Raises :class:`DeltaMismatch` when the result does
    not add up (the caller then builds clean).
    """
    from warehouse.loading import insert_files

    added = list(delta.added)
    gone = "report_id NOT IN (SELECT report_id FROM core_report WHERE status = 'published')"
    if added:
        gone += (" OR report_id IN (SELECT DISTINCT report_id FROM "
                 "read_parquet($files, union_by_name = true))")
    con.execute(f"DELETE FROM {DELTA_TABLE} WHERE {gone}", {"files": added} if added else None)
    insert_files(con, DELTA_TABLE, added)
    have = con.execute(f"SELECT count(*) FROM {DELTA_TABLE}").fetchall()[0][0]
    if have != files.rows:
        raise DeltaMismatch(f"{DELTA_TABLE}: {have} rows after the delta, segments hold "
                            f"{files.rows}")


def record(staging: Path, delta: Delta, prefetched: bool = False,
           body_years_kept: int | None = None) -> None:
    """``delta.json`` beside the staging file: what the checks need to scan.

    ``body_years_kept``: rows of the base's body-year mart kept, None when it was built whole.
    """
    (staging.parent / DELTA_FILE).write_text(
        json.dumps({"table": DELTA_TABLE, "base": str(delta.base), "added": list(delta.added),
                    "kept": delta.kept, "prefetched": prefetched,
                    "body_years_kept": body_years_kept}), encoding="utf-8")


def recorded(staging: Path) -> dict | None:
    """The delta a staging file was built with, or None (built clean)."""
    try:
        return json.loads((Path(staging).parent / DELTA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def scope_sql(added: Sequence[str]) -> str:
    """The ``WHERE`` of the rows a delta inserted (those of its new parts' reports).

    Why checking only these is enough: the kept rows passed the same checks, under the same
    code, in the build that published the base; every report id of a new part had its old rows
    deleted first, so the new rows' keys cannot meet a kept row's (each key holds the report
    id), and uniqueness among the new rows is uniqueness in the table.
    """
    if not added:
        return "FALSE"
    listed = literal_list(added)
    return f"report_id IN (SELECT DISTINCT report_id FROM read_parquet([{listed}]))"

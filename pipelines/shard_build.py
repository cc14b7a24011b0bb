"""Bring one shard up to date with the inbox: extract new documents, write their segments.

The rows of a segment are built from the cached extraction and text facts of its documents
(:func:`pipelines.batch.extract_entries`), in worker processes of :mod:`pipelines.pool` when
there are several segments to write, in this process for one (an incremental build: starting
workers would cost more than the work). See :mod:`warehouse.segments` for why shards and
segments.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import polars as pl

from pipelines.batch import extract_entries, reading_fingerprint, warm_entries
from pipelines.checker.catalogue import Catalogue, is_catalogue, read_catalogue
from pipelines.checker.facts import DocFacts
from pipelines.checker.run import CHECKER_VERSION, check_extraction
from pipelines.checker.score import Weights, load_weights
from pipelines.extract import ENGINE_VERSION
from pipelines.extract.limits import current_limits
from pipelines.gc_pause import gc_paused
from pipelines.inbox import Inbox, InboxEntry
from pipelines.ledgers.privacy import find_personal_data
from pipelines.pool import engine_warm_up, run_tasks
from warehouse.frames import ROWS_VERSION
from warehouse.segments import (
    SCAN_FILE,
    SCANNED_TABLES,
    TABLES,
    Segment,
    Shard,
    chunks,
    generation,
    read_shard,
    write_shard,
)

Log = Callable[[str], None]
SEGMENT_TIMEOUT_S = 1_800.0  # a segment of 1,000 cached documents takes seconds; never this
# Segments a worker writes before a fresh process takes its place: the shards of one build
# share their workers (pipelines.pool.kept_workers), and a process that built a hundred
# segments would hold on to whatever each left behind.
SEGMENTS_PER_WORKER = 24


@dataclass(frozen=True)
class SegmentTask:
    """Everything a worker needs to write one segment (picklable: sent to a spawn worker)."""

    folder: str
    entries: tuple[InboxEntry, ...]
    inbox: str
    cache: str
    demo: frozenset[str]
    catalogues: tuple[Catalogue, ...]
    weights: Weights


@dataclass(frozen=True)
class ShardOutcome:
    """What one shard holds after an update, and what the update did."""

    shard: str
    folder: str
    segments: int
    documents: int
    new: int
    removed: int
    written: int


def catalogue_for(body: str | None, found: Sequence[Catalogue]) -> Catalogue | None:
    """The catalogue of a body: named in its file name or in its 制定机关 column."""
    if not body:
        return None
    for c in found:
        if body in c.source or any(e.body == body for e in c.entries):
            return c
    return None


def catalogues(inbox: Inbox) -> tuple[Catalogue, ...]:
    """Every ingested CSV/XLSX file that is a normative-document catalogue."""
    others = tuple((e.sha256, e.suffix, e.file_name) for e in inbox.entries()
                   if e.kind != "report")
    return _catalogues(str(inbox.root), others)


@lru_cache(maxsize=4)
def _catalogues(root: str, others: tuple[tuple[str, str, str], ...]) -> tuple[Catalogue, ...]:
    inbox = Inbox(Path(root))
    found = []
    for sha, suffix, name in others:
        data = inbox.object_path(sha, suffix).read_bytes()
        if is_catalogue(data, name):
            found.append(read_catalogue(data, name))
    return tuple(found)


def shard_generation(found: Sequence[Catalogue], weights: Weights) -> str:
    """The generation of every shard: what the rows depend on besides the documents.

    ``ROWS_VERSION`` stands for how an extraction becomes rows (:mod:`warehouse.frames`): a
    change there starts new shards from the cached extractions rather than mixing two forms.
    """
    return generation(
        ENGINE_VERSION,
        CHECKER_VERSION,
        ROWS_VERSION,
        reading_fingerprint(current_limits()),
        repr(sorted(weights.checks.items())),
        f"{weights.base}/{weights.floor}",
        *sorted(c.source for c in found),
        *(repr(c.entries) for c in sorted(found, key=lambda c: c.source)),
    )


def wide_values(values: pl.DataFrame) -> pl.DataFrame:
    """One row per report, one Float64 column per measure key (registry order), max of values.

    The body-year mart's pivot, done per segment (see :mod:`warehouse.segments`).
    """
    from schemas.registry import measures

    keys = [m.key for m in measures()]
    if values.height:
        wide = values.pivot(on="key", index="report_id", values="value",
                            aggregate_function="max")
    else:
        wide = pl.DataFrame(schema={"report_id": pl.Utf8})
    missing = [pl.lit(None, pl.Float64).alias(k) for k in keys if k not in wide.columns]
    return wide.with_columns(missing).select(
        pl.col("report_id"), *(pl.col(k).cast(pl.Float64) for k in keys))


def segment_warm_up() -> None:
    """A segment worker's start: the engine's place index and the table builders' imports.

    Loaded before the worker's memory cap and first deadline (see :func:`pipelines.pool.
    engine_warm_up`), not inside the first segment it writes.
    """
    import warehouse.build
    import warehouse.scorecard  # noqa: F401

    engine_warm_up()


def build_segment(task: SegmentTask) -> dict:
    """Write the tables of one segment (pure of everything but the files it names).

    Files are written into a hidden folder renamed into place last, so a segment folder
    always holds complete, validated tables. The collector is paused: the segment's
    extractions are millions of live objects it would walk again and again.
    """
    with gc_paused():
        return _build_segment(task)


def _build_segment(task: SegmentTask) -> dict:
    from warehouse.build import core_tables
    from warehouse.scorecard import problem_rows, report_check_frame

    entries = list(task.entries)
    facts: dict[str, dict] = {}
    extractions = extract_entries(entries, Inbox(Path(task.inbox)), Path(task.cache),
                                  facts=facts, inline=True)
    core = core_tables(entries, extractions, set(task.demo))
    published = set(core.core_report.filter(pl.col("status") == "published")["report_id"])
    rows: list[dict] = []
    for ex in extractions:
        if ex.sha256 not in published:
            continue
        got = facts.get(ex.sha256)
        problems = check_extraction(ex, DocFacts.from_json(got) if got else DocFacts(), None,
                                    catalogue_for(ex.body.name, task.catalogues))
        rows += problem_rows(ex.sha256, problems, task.weights)
    checks = report_check_frame(rows, core.core_report)
    final = Path(task.folder)
    tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    frames = {"core_report": core.core_report, "core_value": core.core_value,
              "core_finding": core.core_finding, "out_report_check": checks,
              "dim_body": core.dim_body, "report_wide": wide_values(core.core_value)}
    for name in TABLES:
        frames[name].write_parquet(tmp / f"{name}.parquet", compression="zstd")
    found = {f"{t}.{c}": n for t in SCANNED_TABLES
             for c, n in find_personal_data(frames[t]).items()}
    (tmp / SCAN_FILE).write_text(json.dumps(found), encoding="utf-8")
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    return {name: frames[name].height for name in TABLES}


def update_shard(
    shard: str,
    entries: Sequence[InboxEntry],
    inbox: Inbox,
    cache: Path,
    root: Path,
    demo: set[str],
    workers: int,
    log: Log | None = None,
) -> ShardOutcome:
    """Make ``root/<generation>/<shard>`` hold exactly the rows of ``entries``.

    New documents are extracted (cache first) and written as new segments; a segment holding
    a retired document is rewritten without it; the manifest is switched last.
    """
    found = catalogues(inbox)
    weights = load_weights()
    state = read_shard(root / shard_generation(found, weights) / shard)
    current = {e.sha256: e for e in entries}
    have = state.docs()
    removed = have - current.keys()
    new = [e for e in entries if e.sha256 not in have]
    if new:
        warm_entries(new, inbox, cache, workers)
    keep: list[Segment] = []
    shrunk: list[tuple[InboxEntry, ...]] = []
    for seg in state.segments:
        if removed.isdisjoint(seg.docs):
            keep.append(seg)
            continue
        left = tuple(current[d] for d in seg.docs if d in current)
        if left:
            shrunk.append(left)
    # A segment never changes once written: one that lost a document is written again under
    # a new name, so a name stands for one content (the incremental warehouse and export
    # reuse what they loaded or wrote from a name).
    building = Shard(state.folder, keep, state.issued)
    todo: list[tuple[Segment, tuple[InboxEntry, ...]]] = []
    for left in shrunk:
        seg = Segment(building.next_name(), tuple(e.sha256 for e in left))
        building.segments.append(seg)
        todo.append((seg, left))
    for part in chunks(new):
        seg = Segment(building.next_name(), tuple(e.sha256 for e in part))
        building.segments.append(seg)
        todo.append((seg, tuple(part)))
    tasks = [
        (seg.name, SegmentTask(str(state.folder / seg.name), docs, str(inbox.root), str(cache),
                               frozenset(demo & set(seg.docs)), found, weights))
        for seg, docs in todo
    ]
    written: dict[str, dict] = {}
    if len(tasks) > 1 and workers > 1:
        limits = replace(current_limits(), doc_timeout_s=SEGMENT_TIMEOUT_S,
                         worker_memory_mb=max(current_limits().worker_memory_mb, 2_000))
        run_tasks(tasks, build_segment, written.__setitem__, workers, limits,
                  warm=segment_warm_up, renew_after=SEGMENTS_PER_WORKER)
    else:
        for key, task in tasks:
            written[key] = build_segment(task)
    building.segments = [replace(s, rows=written[s.name]) if s.name in written else s
                         for s in building.segments]
    write_shard(building)
    if log and (new or removed):
        log(f"shard {shard}: {len(new)} new, {len(removed)} removed, {len(tasks)} segments "
            f"written, {len(building.segments)} in all")
    return ShardOutcome(shard, str(state.folder), len(building.segments),
                        len(building.docs()), len(new), len(removed), len(tasks))

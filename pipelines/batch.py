"""Extract many documents in parallel processes, with a cache keyed by engine version and sha256.

Raw documents never change (the inbox is content-addressed), so a result computed once by a
given engine version is valid for ever: a monthly re-run extracts only the new documents.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

from pipelines.extract import ENGINE_VERSION, extract_bytes
from pipelines.extract.model import Extraction, Finding
from pipelines.inbox import Inbox, InboxEntry

Progress = Callable[[int, int], None]
T = TypeVar("T")


def _extract_one(args: tuple[str, str, str]) -> dict:
    path, source, sha = args
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        ex = Extraction(source=source, sha256=sha)
        ex.findings.append(
            Finding(
                "unreadable", "error", (), f"{source}: 无法读取 / cannot read: {exc}", "reading"
            )
        )
        return ex.to_json()
    ex = extract_bytes(data, source)
    ex.sha256 = sha
    return ex.to_json()


def map_cached(
    jobs: Sequence[tuple[str, T]],
    work: Callable[[T], dict],
    cache: Path,
    workers: int = 1,
    progress: Progress | None = None,
) -> dict[str, dict]:
    """``work(arg)`` for every ``(key, arg)``, read from ``cache/<key>.json`` when it is there.

    New results are computed in ``workers`` processes and stored atomically (write, rename), so
    an interrupted run leaves only complete entries. ``work`` must be a top-level function.
    """
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    todo: list[tuple[str, T]] = []
    for key, arg in jobs:
        hit = cache / f"{key}.json"
        if hit.exists():
            results[key] = json.loads(hit.read_text(encoding="utf-8"))
        else:
            todo.append((key, arg))
    total = len(jobs)
    if progress:
        progress(len(results), total)

    def keep(key: str, d: dict) -> None:
        tmp = cache / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache / f"{key}.json")
        results[key] = d
        if progress:
            progress(len(results), total)

    if workers > 1 and len(todo) > 8:
        # "spawn", not fork: the callers (Dagster, Streamlit) run threads, and forking a
        # threaded process can deadlock the child on a lock held by another thread.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for (key, _), d in zip(
                todo, pool.map(work, [arg for _, arg in todo], chunksize=8), strict=True
            ):
                keep(key, d)
    else:
        for key, arg in todo:
            keep(key, work(arg))
    return results


def extract_entries(
    entries: Sequence[InboxEntry],
    inbox: Inbox,
    cache_dir: Path,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[Extraction]:
    """Extract every entry (cached results reused), in ``workers`` processes, in entry order."""
    jobs = [
        (e.sha256, (str(inbox.object_path(e.sha256, e.suffix)), e.file_name, e.sha256))
        for e in entries
    ]
    results = map_cached(jobs, _extract_one, cache_dir / ENGINE_VERSION, workers, progress)
    # A cached result keeps the name the content was first read under; report this one's.
    return [Extraction.from_json({**results[e.sha256], "source": e.file_name}) for e in entries]

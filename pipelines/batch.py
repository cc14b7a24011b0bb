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

from pipelines.extract import ENGINE_VERSION, extract_bytes
from pipelines.extract.model import Extraction, Finding
from pipelines.inbox import Inbox, InboxEntry

Progress = Callable[[int, int], None]


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


def extract_entries(
    entries: Sequence[InboxEntry],
    inbox: Inbox,
    cache_dir: Path,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[Extraction]:
    """Extract every entry (cached results reused), in ``workers`` processes, in entry order."""
    cache = cache_dir / ENGINE_VERSION
    cache.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    todo = []
    for e in entries:
        hit = cache / f"{e.sha256}.json"
        if hit.exists():
            results[e.sha256] = json.loads(hit.read_text(encoding="utf-8"))
            results[e.sha256]["source"] = e.file_name
        else:
            todo.append((str(inbox.object_path(e.sha256, e.suffix)), e.file_name, e.sha256))
    done = len(results)
    total = len(entries)
    if progress:
        progress(done, total)

    def keep(d: dict) -> None:
        nonlocal done
        results[d["sha256"]] = d
        tmp = cache / f".{d['sha256']}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache / f"{d['sha256']}.json")
        done += 1
        if progress:
            progress(done, total)

    if workers > 1 and len(todo) > 8:
        # "spawn", not fork: the callers (Dagster, Streamlit) run threads, and forking a
        # threaded process can deadlock the child on a lock held by another thread.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for d in pool.map(_extract_one, todo, chunksize=8):
                keep(d)
    else:
        for item in todo:
            keep(_extract_one(item))
    return [Extraction.from_json(results[e.sha256]) for e in entries]

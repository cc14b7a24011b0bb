"""Extract many documents in parallel processes, with a cache keyed by engine version and sha256.

Raw documents never change (the inbox is content-addressed), so a result computed once by a
given engine version is valid for ever: a monthly re-run extracts only the new documents.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

from pipelines.extract import ENGINE_VERSION
from pipelines.extract.engine import extract_file
from pipelines.extract.limits import Limits, current_limits
from pipelines.extract.model import Extraction, Finding
from pipelines.inbox import Inbox, InboxEntry
from pipelines.pool import Failure, run_tasks

Progress = Callable[[int, int], None]
T = TypeVar("T")

# Findings that say a limit stopped the reading: a result holding one is cached with the limits
# in force (``LIMITS_KEY``), and read again once they change (raised for an unusual archive).
LIMIT_RULES = frozenset(("limit_exceeded", "worker_timeout", "worker_died"))
LIMITS_KEY = "_limits"


def limits_fingerprint(limits: Limits) -> str:
    """A short digest of the limits in force, stored with results that a limit decided."""
    raw = json.dumps(asdict(limits), sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def _limited(d: dict) -> dict:
    """``d`` marked with the limits in force when a limit decided it (see :data:`LIMIT_RULES`)."""
    if any(f.get("rule") in LIMIT_RULES for f in d.get("findings") or ()):
        return {**d, LIMITS_KEY: limits_fingerprint(current_limits())}
    return d


def _extract_one(args: tuple[str, str, str]) -> dict:
    path, source, sha = args
    ex = extract_file(path, source)
    ex.sha256 = sha
    return _limited(ex.to_json())


def _extract_failed(args: tuple[str, str, str], failure: Failure) -> dict:
    """The result of a document whose worker ran out of time or memory, or died twice."""
    _, source, sha = args
    rule = {"timeout": "worker_timeout", "died": "worker_died"}.get(failure.kind, "limit_exceeded")
    ex = Extraction(source=source, sha256=sha)
    ex.findings.append(Finding(rule, "error", (), f"{source}: {failure.message()}", "reading"))
    return _limited(ex.to_json())


def _cached(hit: Path) -> dict | None:
    """A cache entry, or None when it is missing or damaged (then the work is done again)."""
    try:
        d = json.loads(hit.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return d if isinstance(d, dict) else None


def map_cached(
    jobs: Sequence[tuple[str, T]],
    work: Callable[[T], dict],
    cache: Path,
    workers: int = 1,
    progress: Progress | None = None,
    failed: Callable[[T, Failure], dict] | None = None,
) -> dict[str, dict]:
    """``work(arg)`` for every ``(key, arg)``, read from ``cache/<key>.json`` when it is there.

    New results are computed in ``workers`` processes of :mod:`pipelines.pool` (always in a
    worker process, even one: each task is held to the time and memory limits, and a runaway
    or killed one costs only its own result) and stored atomically (write, rename), so an
    interrupted run leaves only complete entries. A task out of time or memory, or whose
    worker died twice, gets ``failed(arg, failure)``, cached like any result — later builds do
    not retry it for ever — but marked with the limits in force, so raising a limit
    (``GONGKAI_DOC_TIMEOUT_S``…) reads it again. ``work`` must be a top-level function.
    """
    cache.mkdir(parents=True, exist_ok=True)
    limits = current_limits()
    fingerprint = limits_fingerprint(limits)
    results: dict[str, dict] = {}
    todo: list[tuple[str, T]] = []
    for key, arg in jobs:
        hit = cache / f"{key}.json"
        d = _cached(hit)
        if d is not None and d.get(LIMITS_KEY, fingerprint) == fingerprint:
            d.pop(LIMITS_KEY, None)
            results[key] = d
        else:
            todo.append((key, arg))
    total = len(jobs)
    if progress:
        progress(len(results), total)

    def keep(key: str, d: dict) -> None:
        tmp = cache / f".{key}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache / f"{key}.json")
        d.pop(LIMITS_KEY, None)
        results[key] = d
        if progress:
            progress(len(results), total)

    if todo:
        run_tasks(todo, work, keep, workers, limits, failed)
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
    results = map_cached(
        jobs, _extract_one, cache_dir / ENGINE_VERSION, workers, progress, _extract_failed
    )
    # A cached result keeps the name the content was first read under; report this one's.
    return [Extraction.from_json({**results[e.sha256], "source": e.file_name}) for e in entries]


def _extract_path(path: str) -> dict:
    return extract_file(path).to_json()


def extract_paths(
    paths: Sequence[Path], workers: int = 1, progress: Progress | None = None
) -> list[Extraction]:
    """Extract files given by path (``gongkai extract``), each in a worker process, in order.

    Untrusted files are read under the same limits as a build (:mod:`pipelines.pool`): one
    hostile file costs its own time-out or memory finding, never the command. A path that is
    not a file is not sent to a worker; its extraction says it cannot be opened.
    """
    jobs = [(str(i), str(p)) for i, p in enumerate(paths) if Path(p).is_file()]
    out: dict[str, dict] = {}

    def done(key: str, d: dict) -> None:
        out[key] = d
        if progress:
            progress(len(out), len(jobs))

    run_tasks(jobs, _extract_path, done, workers, current_limits(), _failed_path)
    return [
        Extraction.from_json(out[str(i)]) if str(i) in out else extract_file(p)
        for i, p in enumerate(paths)
    ]


def _failed_path(path: str, failure: Failure) -> dict:
    """:func:`_extract_failed` for a task that is only a path."""
    return _extract_failed((path, Path(path).name, ""), failure)

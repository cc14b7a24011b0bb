"""Extract many documents in parallel processes, with a cache keyed by engine version and sha256.

Raw documents never change (the inbox is content-addressed), so a result computed once by a
given engine version is valid for ever: a monthly re-run extracts only the new documents.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TypeVar

import orjson

from pipelines.extract import ENGINE_VERSION
from pipelines.extract.engine import read_document_file
from pipelines.extract.limits import Limits, current_limits
from pipelines.extract.model import Extraction, Finding
from pipelines.inbox import Inbox, InboxEntry
from pipelines.pool import Failure, kept_workers, run_tasks

Progress = Callable[[int, int], None]
T = TypeVar("T")

# Findings that say a limit stopped the reading: a result holding one is cached with the limits
# in force (``LIMITS_KEY``), and read again once they change (raised for an unusual archive).
LIMIT_RULES = frozenset(("limit_exceeded", "worker_timeout", "worker_died", "needs_libreoffice"))
LIMITS_KEY = "_limits"
# The checker's text facts (pipelines.checker.facts) of a report, computed by the same worker
# from the same reading as its figures and cached with them: a build reads each document once.
FACTS_KEY = "_facts"


def limits_fingerprint(limits: Limits) -> str:
    """A short digest of the limits in force, stored with results that a limit decided."""
    raw = json.dumps(asdict(limits), sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def reading_fingerprint(limits: Limits) -> str:
    """The limits' fingerprint and whether LibreOffice reads old Office files here.

    A result a limit decided, or a document only LibreOffice reads (a Word 6/95 file refused
    by the pure-Python reader), is read again once either changes.
    """
    from pipelines.extract.soffice import soffice_path

    return limits_fingerprint(limits) + ("+soffice" if soffice_path() else "")


def _limited(d: dict) -> dict:
    """``d`` marked with the limits in force when a limit decided it (see :data:`LIMIT_RULES`)."""
    if any(f.get("rule") in LIMIT_RULES for f in d.get("findings") or ()):
        return {**d, LIMITS_KEY: reading_fingerprint(current_limits())}
    return d


def _extract_one(args: tuple[str, str, str]) -> dict:
    from pipelines.checker.facts import document_facts

    path, source, sha = args
    ex, text, reading = read_document_file(path, source)
    ex.sha256 = sha
    d = ex.to_json()
    if text and ex.document_kind == "annual_report":
        d[FACTS_KEY] = document_facts(text, reading).to_json()
    return _limited(d)


def _extract_entry(args: tuple[str, str, str]) -> bytes:
    """:func:`_extract_one` as the cache file's bytes: what a warming worker sends back.

    A result is some 50 KB of JSON; pickled to the parent, unpickled and encoded there, it cost
    more than a tenth of a document's time and kept the parent busy on a core the workers need.
    """
    return encode_entry(_extract_one(args))


def _extract_failed_entry(args: tuple[str, str, str], failure: Failure) -> bytes:
    return encode_entry(_extract_failed(args, failure))


def encode_entry(d: dict) -> bytes:
    """A cache entry's bytes: orjson (a fifth of json's time), json where they would differ.

    orjson writes a non-finite float as null and refuses integers beyond 64 bits; only the
    figures (``values``) are numbers read from a document's text (other numbers are positions
    and counts), so those are checked, and any refusal falls back to json as well.
    """
    values = d.get("values")
    if not values or all(math.isfinite(v) for v in values.values() if type(v) is float):
        try:
            return orjson.dumps(d)
        except TypeError:  # an integer beyond 64 bits, a lone surrogate: json says what it did
            pass
    return json.dumps(d, ensure_ascii=False).encode("utf-8")


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
        d = orjson.loads(hit.read_bytes())
    except (OSError, ValueError):  # orjson.JSONDecodeError is a ValueError
        return None
    return d if isinstance(d, dict) else None


def map_cached(
    jobs: Sequence[tuple[str, T]],
    work: Callable[[T], dict | bytes],
    cache: Path,
    workers: int = 1,
    progress: Progress | None = None,
    failed: Callable[[T, Failure], dict | bytes] | None = None,
    inline: bool = False,
    collect: bool = True,
) -> dict[str, dict]:
    """``work(arg)`` for every ``(key, arg)``, read from ``cache/<key>.json`` when it is there.

    New results are computed in ``workers`` processes of :mod:`pipelines.pool` (always in a
    worker process, even one: each task is held to the time and memory limits, and a runaway
    or killed one costs only its own result) and stored atomically (write, rename), so an
    interrupted run leaves only complete entries. A task out of time or memory, or whose
    worker died twice, gets ``failed(arg, failure)``, cached like any result — later builds do
    not retry it for ever — but marked with the limits in force, so raising a limit
    (``GONGKAI_DOC_TIMEOUT_S``…) reads it again. ``work`` must be a top-level function.
    ``inline`` computes missing results in this process instead: for a caller that is itself
    a pool worker (which may not start processes), where the cache is expected to be warm.
    ``work`` (and ``failed``) may return the entry already encoded (:func:`encode_entry`), which
    is stored as it is; ``collect=False`` returns no results, so such an entry is never decoded.
    """
    cache.mkdir(parents=True, exist_ok=True)
    limits = current_limits()
    fingerprint = reading_fingerprint(limits)
    results: dict[str, dict] = {}
    todo: list[tuple[str, T]] = []
    done = 0
    for key, arg in jobs:
        hit = cache / f"{key}.json"
        d = _cached(hit)
        if d is not None and d.get(LIMITS_KEY, fingerprint) == fingerprint:
            d.pop(LIMITS_KEY, None)
            if collect:
                results[key] = d
            done += 1
        else:
            todo.append((key, arg))
    total = len(jobs)
    if progress:
        progress(done, total)

    def keep(key: str, d: dict | bytes) -> None:
        nonlocal done
        tmp = cache / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(d if isinstance(d, bytes) else encode_entry(d))
        os.replace(tmp, cache / f"{key}.json")
        if collect:
            d = orjson.loads(d) if isinstance(d, bytes) else d
            d.pop(LIMITS_KEY, None)
            results[key] = d
        done += 1
        if progress:
            progress(done, total)

    if todo and inline:
        for key, arg in todo:
            keep(key, work(arg))
    elif todo:
        run_tasks(todo, work, keep, workers, limits, failed)
    return results


# Above this many entries the cache folder is listed once instead of a stat per entry.
LIST_CACHE_ABOVE = 5_000


def warm_entries(
    entries: Sequence[InboxEntry],
    inbox: Inbox,
    cache_dir: Path,
    workers: int = 1,
    progress: Progress | None = None,
) -> int:
    """Extract the entries that have no cached result yet; how many were extracted.

    Unlike :func:`extract_entries` nothing is loaded into memory: a national inbox has
    hundreds of thousands of results, which are read back segment by segment.
    """
    folder = cache_dir / ENGINE_VERSION
    if len(entries) > LIST_CACHE_ABOVE:
        # One listing of the folder, not a stat per document (2 s for a national inbox).
        cached = ({n[:-5] for n in os.listdir(folder) if n.endswith(".json")}
                  if folder.is_dir() else set())
        todo = [e for e in entries if e.sha256 not in cached]
    else:
        # A few documents (a shard's new ones in an incremental build) are looked up one by
        # one: listing a national cache costs 0.3 s, and every shard would pay it.
        todo = [e for e in entries if not (folder / f"{e.sha256}.json").is_file()]
    base = len(entries) - len(todo)
    if progress:
        progress(base, len(entries))
    # map_cached keeps its results in memory; runs of 5,000 bound that. The runs share their
    # workers (started once, not once per run).
    with kept_workers():
        for i in range(0, len(todo), 5_000):
            part = todo[i:i + 5_000]
            jobs = [(e.sha256, (str(inbox.object_path(e.sha256, e.suffix)), e.file_name,
                                e.sha256)) for e in part]

            def step(done: int, total: int, offset: int = base + i) -> None:
                if progress:
                    progress(offset + done, len(entries))

            map_cached(jobs, _extract_entry, folder, workers, step, _extract_failed_entry,
                       collect=False)
    return len(todo)


def extract_entries(
    entries: Sequence[InboxEntry],
    inbox: Inbox,
    cache_dir: Path,
    workers: int = 1,
    progress: Progress | None = None,
    facts: dict[str, dict] | None = None,
    inline: bool = False,
) -> list[Extraction]:
    """Extract every entry (cached results reused), in ``workers`` processes, in entry order.

    ``facts``, when given, receives the checker's text facts (JSON form) of every report by
    sha256, read in the same pass (a document that could not be read has none).
    """
    jobs = [
        (e.sha256, (str(inbox.object_path(e.sha256, e.suffix)), e.file_name, e.sha256))
        for e in entries
    ]
    results = map_cached(
        jobs, _extract_one, cache_dir / ENGINE_VERSION, workers, progress, _extract_failed,
        inline=inline,
    )
    out = []
    for e in entries:
        d = dict(results[e.sha256])
        got = d.pop(FACTS_KEY, None)
        if facts is not None and got is not None:
            facts[e.sha256] = got
        # A cached result keeps the name the content was first read under; report this one's.
        out.append(Extraction.from_json({**d, "source": e.file_name}))
    return out

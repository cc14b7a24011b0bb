"""Entry point of a collect run: :func:`collect` (the CLI and the Dagster asset call it).

Sources are checked concurrently (the fetcher's per-host and total limits keep it polite); each
source's status record is appended as soon as it is known, so a run that is killed keeps the
statuses of the sources it finished and a rerun repeats only the rest's requests (answered by
304s for what was already fetched).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from pipelines.collect.crawl import SourceCrawl
from pipelines.collect.fetch import POLITE, UNTHROTTLED, Fetcher, Limits, internal_host
from pipelines.collect.sources import ResolvedBody, Source, load_sources, resolve
from pipelines.collect.store import Store
from pipelines.inbox import Inbox
from pipelines.paths import Paths

SOURCES_AT_ONCE = 64  # sources crawled at once; the fetcher caps requests per host and overall


class CollectBusy(RuntimeError):
    """Another collect run holds this home's collect lock."""


@contextlib.contextmanager
def _one_run(root: Path) -> Iterator[None]:
    """One collect run per home at a time: ``collect/collect.lock``.

    The kernel releases the lock when the process dies, so a ``kill -9`` never leaves it held.
    """
    root.mkdir(parents=True, exist_ok=True)
    with (root / "collect.lock").open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise CollectBusy(f"另一个收集正在进行（{root / 'collect.lock'}）/ another collect run "
                              f"is using this home ({root / 'collect.lock'})") from exc
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@dataclass(frozen=True)
class CollectResult:
    """What a collect run did, for the CLI summary and Dagster's metadata."""

    sources: int
    found: int
    not_published: int
    failed: int
    unresolved: int
    files_new: int
    files_unchanged: int
    bytes_downloaded: int
    requests: int
    seconds: float

    def as_metadata(self) -> dict:
        """Plain values, as Dagster's ``MaterializeResult(metadata=…)`` takes them."""
        return asdict(self)


def limits_for(polite: bool, rate: float | None = None, concurrency: int | None = None,
               **overrides: float) -> Limits:
    """The fetch limits of a run: polite defaults or unthrottled, with explicit overrides.

    ``rate`` is requests per second per host; ``concurrency`` requests in flight per host.
    """
    lim = POLITE if polite else UNTHROTTLED
    if rate is not None:
        lim = replace(lim, min_interval=1.0 / rate if rate > 0 else 0.0)
    if concurrency is not None:
        lim = replace(lim, per_host=max(1, concurrency))
    return replace(lim, **overrides) if overrides else lim


def interleave_hosts(sources: list[Source]) -> list[Source]:
    """Sources in turns of their listing hosts (a1 b1 c1 a2 b2 …).

    Only so many sources run at once; taken in file order, a county's twenty departments would
    fill every turn and wait on that one host's rate limit while other hosts sit idle.
    """
    by_host: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        by_host[urlsplit(s.listings[0]).netloc if s.listings else ""].append(s)
    queues = list(by_host.values())
    out: list[Source] = []
    for turn in range(max((len(q) for q in queues), default=0)):
        out += [q[turn] for q in queues if turn < len(q)]
    return out


async def _collect(sources_path: Path, year: int, home: Paths, limits: Limits,
                   on_progress: Callable[[dict], None] | None) -> CollectResult:
    started = time.monotonic()
    sources = load_sources(sources_path)
    store = Store(home.collect)
    inbox = Inbox(home.inbox)
    resolved: dict[str, ResolvedBody] = {s.source_id: resolve(s) for s in sources}
    counts = {"found": 0, "not_published": 0, "failed": 0, "unresolved_body": 0}
    gate = asyncio.Semaphore(SOURCES_AT_ONCE)
    trusted = frozenset(urlsplit(u).hostname or "" for s in sources for u in s.listings
                        if internal_host(u))
    async with Fetcher(limits, trusted) as fetcher:
        crawl = SourceCrawl(year, fetcher, inbox, store)
        done = 0

        async def one(src) -> None:
            nonlocal done
            async with gate:
                rec = await crawl.run(src, resolved[src.source_id])
            store.add_status(rec)
            counts[rec["status"]] += 1
            done += 1
            if on_progress:
                on_progress({"done": done, "total": len(sources), **rec})

        await asyncio.gather(*(one(s) for s in interleave_hosts(sources)))
        return CollectResult(
            sources=len(sources), found=counts["found"], not_published=counts["not_published"],
            failed=counts["failed"], unresolved=counts["unresolved_body"],
            files_new=crawl.tally.files_new, files_unchanged=crawl.tally.files_unchanged,
            bytes_downloaded=fetcher.bytes, requests=fetcher.requests,
            seconds=round(time.monotonic() - started, 3),
        )


def collect(sources: Path, year: int, home: Paths, *, polite: bool = True,
            on_progress: Callable[[dict], None] | None = None,
            limits: Limits | None = None) -> CollectResult:
    """Collect every source's ``year`` report into ``home``'s inbox; never raises for a site.

    Args:
        sources: the sources file (YAML, see ``sources.example.yaml``).
        year: the report year (reports of 2024 are published in early 2025).
        home: the Gongkai home (:class:`pipelines.paths.Paths`).
        polite: the default rate limits (1 request per second per host, 2 in flight per host);
            False lifts the delays (robots.txt is obeyed either way).
        on_progress: called with each source's status record plus ``done``/``total``.
        limits: explicit fetch limits (tests, the benchmark); overrides ``polite``.

    Raises:
        pipelines.collect.sources.SourcesError: the sources file cannot be read at all.
        CollectBusy: another collect run is using this home.
    """
    lim = limits or limits_for(polite)
    with _one_run(home.collect):
        return asyncio.run(_collect(Path(sources), year, home, lim, on_progress))

"""The polite HTTP fetcher: robots.txt, per-host rate and concurrency, retries, caps, validators.

Why ``httpx`` (async, BSD) + ``selectolax`` rather than Scrapy: the crawl is a few pages per
body (a listing, its pages, one report page, its attachments) whose order matters (find the
report, then fetch what it links), and its results must land in the inbox and the collect store
with Gongkai's own guarantees (atomic, idempotent, append-only). Scrapy would bring Twisted, its
own scheduler, dupe filter, HTTP cache and item pipelines, each to be bent to those rules; its
reactor also does not restart inside one process (a Dagster worker or a test calling the crawler
twice). ``httpx`` gives streaming with a size cap, timeouts, connection pools and no global
state; the politeness Scrapy would add (robots.txt, AutoThrottle-like delays, retries) is the
hundred lines of this module, where it can be tested against the fixture sites.

Every request goes through :meth:`Fetcher.get`, which never raises: a failure is a
:class:`Fetched` with ``error`` saying what went wrong in Chinese and English.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

BOT = "GongkaiBot"
CONTACT = "https://github.com/gongkai/gongkai#collecting-reports"
# HTTP headers are ASCII: the bot's purpose is said in English.
USER_AGENT = (f"Mozilla/5.0 (compatible; {BOT}/0.1; +{CONTACT}; "
              "collects government information-disclosure annual reports)")


@dataclass(frozen=True)
class Limits:
    """Politeness and safety limits of one crawl."""

    min_interval: float = 1.0  # seconds between two requests to one host (robots Crawl-delay wins)
    per_host: int = 2  # requests in flight to one host
    total: int = 16  # requests in flight overall
    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # between two bytes
    time_cap: float = 120.0  # one response, headers to last byte
    max_bytes: int = 50 * 1024 * 1024  # one response; reports are rarely over 10 MB
    retries: int = 3  # after the first try, on timeouts, connection errors, 5xx, 429
    backoff: float = 1.0  # first retry delay; doubles each time, plus up to 50 % jitter
    max_retry_after: float = 120.0  # a longer Retry-After gives up instead of waiting
    max_redirects: int = 10
    user_agent: str = USER_AGENT
    obey_robots: bool = True


POLITE = Limits()
# --no-polite: no delays between requests and more in flight; robots.txt is still obeyed.
UNTHROTTLED = replace(POLITE, min_interval=0.0, per_host=8, total=32)


@dataclass
class Fetched:
    """The outcome of one GET (after redirects and retries)."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None
    error: str | None = None

    @property
    def not_modified(self) -> bool:
        """A conditional request answered 304: what was stored is current."""
        return self.status == 304

    @property
    def ok(self) -> bool:
        """Content (200) or not modified (304)."""
        return self.error is None and self.status in (200, 203, 304)


def internal_host(url: str) -> bool:
    """Whether a URL names a loopback, private or link-local address (or localhost).

    A site must not send the crawler there by a link or a redirect (the cloud metadata address
    169.254.169.254, a router's admin page); only a host the sources file names is trusted.
    Names are not resolved: an IP literal or ``localhost`` is what a hostile page can write.
    """
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved


class _Retryable(Exception):
    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason, self.delay = reason, delay


class _Final(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0
    delay: float = 0.0


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        from datetime import UTC, datetime

        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class Fetcher:
    """An async GET with Gongkai's politeness; one per crawl (``async with Fetcher(...)``)."""

    def __init__(self, limits: Limits = POLITE, trusted_hosts: frozenset[str] = frozenset()
                 ) -> None:
        """``trusted_hosts``: loopback or private hosts the sources file itself names."""
        self.limits = limits
        self.trusted_hosts = trusted_hosts
        self.requests = 0
        self.bytes = 0
        self._hosts: dict[str, _Host] = {}
        self._robots: dict[str, RobotFileParser | None] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._total = asyncio.Semaphore(limits.total)
        self.client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,  # no proxy from the environment: go only where the source says
            timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
            limits=httpx.Limits(max_connections=limits.total,
                                max_keepalive_connections=limits.total),
            headers={"User-Agent": limits.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.client.aclose()

    def _host(self, url: str) -> _Host:
        key = urlsplit(url).netloc.lower()
        if key not in self._hosts:
            self._hosts[key] = _Host(asyncio.Semaphore(self.limits.per_host))
        return self._hosts[key]

    @contextlib.asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[None]:
        """Wait for the host's next turn, then for a slot overall.

        The overall slot is taken only once the host's delay has passed (a request waiting for
        its host's turn must not keep another host's request from running), and under the
        host's lock, so two requests to one host never start closer than its interval.
        """
        host = self._host(url)
        async with host.slots:
            async with host.lock:
                loop = asyncio.get_running_loop()
                wait = host.next_at - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                await self._total.acquire()
                host.next_at = loop.time() + max(self.limits.min_interval, host.delay)
            try:
                yield
            finally:
                self._total.release()

    async def _once(self, url: str, headers: dict[str, str]) -> Fetched:
        cap = self.limits.max_bytes
        async with self.client.stream("GET", url, headers=headers) as r:
            self.requests += 1
            hdrs = {k.lower(): v for k, v in r.headers.items()}
            if r.status_code in (429,) or r.status_code >= 500:
                raise _Retryable(f"HTTP {r.status_code}", _retry_after(hdrs.get("retry-after")))
            length = hdrs.get("content-length")
            if r.status_code == 200 and length and length.isdigit() and int(length) > cap:
                raise _Final(f"超过大小上限 {cap} 字节（{length}）/ larger than the cap of {cap} "
                             f"bytes ({length})")
            chunks, n = [], 0
            if r.status_code == 200:
                async for chunk in r.aiter_bytes():
                    n += len(chunk)
                    if n > cap:
                        raise _Final(f"超过大小上限 {cap} 字节 / larger than the cap of "
                                     f"{cap} bytes")
                    chunks.append(chunk)
            self.bytes += n
            return Fetched(url, str(r.url), r.status_code, hdrs, b"".join(chunks))

    async def _attempts(self, url: str, headers: dict[str, str]) -> Fetched:
        """One URL (no redirects followed), retried with backoff on what may pass."""
        lim = self.limits
        reason = ""
        for attempt in range(lim.retries + 1):
            delay: float | None = None
            try:
                async with self._slot(url):
                    return await asyncio.wait_for(self._once(url, headers), lim.time_cap)
            except _Final as exc:
                return Fetched(url, url, error=exc.reason)
            except _Retryable as exc:
                reason, delay = exc.reason, exc.delay
            except (TimeoutError, httpx.TimeoutException):
                reason = f"超时（{lim.time_cap:g} 秒上限）/ timed out (cap {lim.time_cap:g} s)"
            except httpx.RemoteProtocolError as exc:
                reason = (f"响应不完整（连接提前关闭）/ truncated response ({exc})"
                          if "incomplete" in str(exc).lower() or "complete message" in str(exc)
                          else f"协议错误 / protocol error: {exc}")
            except (httpx.ConnectError, httpx.ReadError, httpx.WriteError) as exc:
                reason = f"连接失败 / connection failed: {type(exc).__name__} {exc}".strip()
            except httpx.HTTPError as exc:
                return Fetched(url, url, error=f"HTTP 错误 / HTTP error: {exc}")
            if attempt == lim.retries:
                break
            if delay is not None and delay > lim.max_retry_after:
                reason += f"；Retry-After {delay:g} 秒过长 / Retry-After {delay:g} s too long"
                break
            if delay is None:
                delay = lim.backoff * 2 ** attempt * (1 + random.random() / 2)
            await asyncio.sleep(delay)
        return Fetched(url, url, error=f"{reason}（重试 {lim.retries} 次后）/ after "
                                       f"{lim.retries} retries")

    async def _robots_for(self, url: str) -> RobotFileParser | None:
        """The site's robots.txt rules, fetched once per origin (None: no rules apply)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                got = await self._attempts(origin + "/robots.txt", {})
                rules: RobotFileParser | None = None
                if got.status in (401, 403):
                    rules = RobotFileParser()
                    rules.disallow_all = True
                elif got.status == 200 and got.content is not None:
                    rules = RobotFileParser()
                    rules.parse(got.content.decode("utf-8", "replace").splitlines())
                    delay = rules.crawl_delay(BOT)
                    if delay and self.limits.min_interval > 0:
                        self._host(url).delay = float(delay)
                self._robots[origin] = rules  # 404 or unreachable: no rules
            return self._robots[origin]

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt lets Gongkai fetch ``url``."""
        if not self.limits.obey_robots:
            return True
        rules = await self._robots_for(url)
        return rules is None or rules.can_fetch(BOT, url)

    async def get(self, url: str, etag: str | None = None,
                  last_modified: str | None = None) -> Fetched:
        """GET ``url`` following redirects (loops detected), conditionally when validators given."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        current = url
        for _ in range(self.limits.max_redirects + 1):
            if current in seen:
                return Fetched(url, current, error=f"重定向循环 / redirect loop: {' → '.join(seen)}"
                                                   f" → {current}")
            seen.append(current)
            if internal_host(current) and urlsplit(current).hostname not in self.trusted_hosts:
                return Fetched(url, current, error=f"不访问内网地址 / internal address refused "
                                                   f"(not in the sources file): {current}")
            if not await self.allowed(current):
                return Fetched(url, current, error=f"robots.txt 禁止抓取 / disallowed by "
                                                   f"robots.txt: {current}")
            got = await self._attempts(current, headers)
            if got.error:
                got.url = url
                return got
            location = got.headers.get("location")
            if got.status in (301, 302, 303, 307, 308) and location:
                current = urljoin(current, location)
                continue
            got.url, got.final_url = url, current
            if got.status not in (200, 203, 304):
                got.error = f"HTTP {got.status}"
            return got
        n = self.limits.max_redirects
        return Fetched(url, current, error=f"重定向过多（{n} 次）/ too many redirects ({n})")

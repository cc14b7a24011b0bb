"""One source's crawl: walk its listing, take the year's report, fetch the page and attachments.

Everything fetched goes through the store's validators (a second run asks ``If-None-Match`` /
``If-Modified-Since`` and gets 304s) and lands in the inbox unchanged. Order of writes for one
file, so that a ``kill -9`` at any point loses nothing and duplicates nothing: the inbox object
(temporary file renamed), the inbox index line, the ``documents.jsonl`` line, the ``http.jsonl``
validators. A rerun after a kill fetches again what has no validators, finds the content in the
inbox (a no-op) and writes the provenance line still missing.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import unquote, urlsplit

from pipelines.collect import listing as L
from pipelines.collect import page as P
from pipelines.collect.fetch import Fetched, Fetcher
from pipelines.collect.sniff import disposition_name, magic_family, sniff
from pipelines.collect.sources import ResolvedBody, Source
from pipelines.collect.store import Store, now_iso
from pipelines.inbox import Inbox

MAX_ATTACHMENTS = 12  # per report page; more is a page of links, not a report
MAX_PAGE_HOPS = 3  # JS / meta-refresh stubs in front of a report page
MAX_CANDIDATES = 3  # report links tried on a listing page (cut titles that turn out wrong)
_LINK_WORDS = ("附件", "下载", "点击", "查看", "全文", "原文")  # what a bare download link says
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass
class Tally:
    """Files of a run: new in the inbox, or unchanged (304, or content already there)."""

    files_new: int = 0
    files_unchanged: int = 0


@dataclass
class _Got:
    """A fetch with its bytes (read from the store on a 304) and their sha256."""

    fetched: Fetched
    data: bytes | None
    sha256: str | None
    unchanged: bool  # 304 answered from the store


def _safe_name(name: str, suffix: str) -> str:
    name = _UNSAFE.sub("_", name).strip(" ._") or "document"
    stem = name[: -len(suffix)] if suffix and name.lower().endswith(suffix) else name
    return stem[:80] + suffix


def _attachment_label(text: str) -> str:
    """A link text worth naming the file by: not a bare 附件/下载, without its 附件： prefix."""
    text = re.sub(r"^\s*附件\s*\d*\s*[:：.]?\s*", "", text).strip()
    text = re.sub(r"\.(pdf|docx?|wps|xlsx?|et)$", "", text, flags=re.I)
    words = re.sub("|".join(_LINK_WORDS), "", text)
    return text if len(re.findall(r"[\u4e00-\u9fff]", words)) >= 4 else ""


def _http_date(value: str | None) -> date | None:
    try:
        return parsedate_to_datetime(value).date() if value else None
    except (TypeError, ValueError):
        return None


class SourceCrawl:
    """The crawl of one year over many sources, sharing a fetcher, an inbox and a store."""

    def __init__(self, year: int, fetcher: Fetcher, inbox: Inbox, store: Store,
                 on_file: Callable[[dict], None] | None = None) -> None:
        self.year, self.fetcher, self.inbox, self.store = year, fetcher, inbox, store
        self.tally = Tally()
        self.on_file = on_file

    # -- fetching with the store ------------------------------------------------------------

    async def _fetch(self, url: str, role: str) -> _Got:
        """GET with the validators last stored for ``url``; a 304 gives the stored bytes back."""
        cached = self.store.http.get(url)
        by_sha = cached is not None and (role == "attachment" or cached["role"] == "attachment")
        usable = cached is not None and (
            by_sha or self.store.page_path(cached["sha256"]).exists())
        got = await self.fetcher.get(url, cached.get("etag") if usable else None,
                                     cached.get("last_modified") if usable else None)
        if got.error:
            return _Got(got, None, None, False)
        if got.not_modified and usable:
            data = None if by_sha else self.store.read_page(cached["sha256"])
            return _Got(got, data, cached["sha256"], True)
        data = got.content or b""
        return _Got(got, data, hashlib.sha256(data).hexdigest(), False)

    def _keep_html(self, url: str, got: _Got, role: str) -> None:
        if got.data is not None and got.sha256 and not got.unchanged:
            self.store.keep_page(got.sha256, got.data)
            self.store.remember(url, got.sha256, ".html", got.fetched.headers, role)

    def _ingest(self, url: str, got: _Got, file_name: str, role: str, src: Source,
                listing_url: str, published: date | None) -> str | None:
        """Put one file into the inbox and record its provenance; the error, or None."""
        suffix = "." + file_name.rsplit(".", 1)[-1].lower()
        if got.unchanged:
            self.tally.files_unchanged += 1
            return None
        assert got.data is not None and got.sha256
        outcome = self.inbox.ingest_bytes(got.data, file_name, origin=got.fetched.final_url,
                                          kind="report")
        if outcome.status == "error":
            return f"{url}: {outcome.reason}"
        if outcome.status == "new":
            self.tally.files_new += 1
        else:
            self.tally.files_unchanged += 1
        h = got.fetched.headers
        length = h.get("content-length")
        rec = {
            "sha256": got.sha256, "file_name": file_name, "url": url,
            "final_url": got.fetched.final_url, "listing_url": listing_url,
            "source_id": src.source_id, "year": self.year, "role": role, "fetched_at": now_iso(),
            "http": {"status": got.fetched.status, "content_type": h.get("content-type"),
                     "etag": h.get("etag"), "last_modified": h.get("last-modified"),
                     "content_length": int(length) if length and length.isdigit() else None},
            "published_date": published.isoformat() if published else None,
        }
        self.store.add_document(rec)
        self.store.remember(url, got.sha256, suffix, h, role)
        if self.on_file:
            self.on_file({"url": url, "status": outcome.status, "role": role})
        return None

    # -- the listing ---------------------------------------------------------------------

    async def find(self, src: Source) -> tuple[list[L.Candidate], int, list[str]]:
        """The report links of the first listing page that has any, best first.

        Returns (candidates, listing pages read, errors).
        """
        pages, errors = 0, []
        pattern = re.compile(src.link_pattern) if src.link_pattern else None
        for entry in src.listings:
            queue: deque[tuple[str, bool]] = deque([(entry, True)])
            seen: set[str] = set()
            while queue and pages < src.max_pages:
                url, is_entry = queue.popleft()
                if url in seen:
                    continue
                seen.add(url)
                got = await self._fetch(url, "listing")
                if got.data is None:
                    errors.append(f"列表页 / listing page {url}: {got.fetched.error}")
                    continue
                self._keep_html(url, got, "listing")
                html = P.decode_html(got.data, got.fetched.headers.get("content-type"),
                                     src.encoding)
                tree = L.parse(html)
                target = L.redirect_target(tree, html, got.fetched.final_url)
                if target and target not in seen:
                    queue.appendleft((target, is_entry))
                    continue
                pages += 1
                base = got.fetched.final_url
                found = [c for c in L.candidates(tree, base, self.year, src.names)
                         if pattern is None or pattern.search(c.link.url)]
                if found:
                    return found, pages, errors
                host = urlsplit(base).netloc
                further = L.next_pages(tree, html, base)
                if is_entry:
                    further += L.more_links(tree, base)
                for u in further:
                    if urlsplit(u).netloc == host and u not in seen:
                        queue.append((u, False))
        return [], pages, errors

    # -- the report ----------------------------------------------------------------------

    async def take(self, cand: L.Candidate, src: Source
                   ) -> tuple[list[str], list[str], dict] | None:
        """Fetch the report page (through stubs) and its attachments: (sha256s, errors, facts).

        None: the link's title was cut and the page's own title says it is another document.
        """
        url, listing_url = cand.link.url, cand.listing_url
        facts: dict = {"title": cand.link.label, "published": cand.published,
                       "date_source": "listing" if cand.published else None, "report_url": url}
        for _ in range(MAX_PAGE_HOPS + 1):
            got = await self._fetch(url, "page")
            if got.data is None and not got.unchanged:
                return [], [f"报告页 / report page {url}: {got.fetched.error}"], facts
            data = got.data or b""
            family = magic_family(data) if data else None
            if family not in (None, "html") or (got.unchanged and got.data is None):
                # the listing links the document itself
                sha, err = await self._attachment(P.Attachment(url, cand.link.label), src,
                                                  listing_url, facts, got)
                return ([sha] if sha else []), ([err] if err else []), facts
            html = P.decode_html(data, got.fetched.headers.get("content-type"), src.encoding)
            tree = L.parse(html)
            target = L.redirect_target(tree, html, got.fetched.final_url)
            if target and target != url:
                self._keep_html(url, got, "page")
                url = target
                continue
            break
        else:
            return [], [f"报告页跳转过多 / too many redirect stubs: {url}"], facts
        if cand.score.tentative:
            own = P.page_title(tree)
            if not L.score_title(own, self.year, src.names).accepted:
                self._keep_html(url, got, "page")
                return None
            facts["title"] = own
        facts["report_url"] = got.fetched.final_url
        if facts["published"] is None:
            on_page = L.page_date(tree)
            modified = _http_date(got.fetched.headers.get("last-modified"))
            facts["published"], facts["date_source"] = (
                (on_page, "page") if on_page else (modified, "http_last_modified" if modified
                                                   else None))
        shas, errors = [], []
        if P.holds_report(tree):
            name = _safe_name(facts["title"] or P.page_title(tree) or "report", ".html")
            if not got.unchanged and got.sha256:
                self.store.keep_page(got.sha256, data)  # before its validators are stored
            err = self._ingest(url, got, name, "page", src, listing_url, facts["published"])
            if err:
                errors.append(err)
            else:
                shas.append(got.sha256)
        else:
            self._keep_html(url, got, "page")
        for att in P.attachments(tree, got.fetched.final_url)[:MAX_ATTACHMENTS]:
            sha, err = await self._attachment(att, src, listing_url, facts)
            if err:
                errors.append(err)
            elif sha:
                shas.append(sha)
        if not shas and not errors:
            errors.append(f"报告页只有标题，既无报告正文也无附件 / the report page holds "
                          f"neither the report nor an attachment: {url}")
        return shas, errors, facts

    async def _attachment(self, att: P.Attachment, src: Source, listing_url: str, facts: dict,
                          got: _Got | None = None) -> tuple[str | None, str | None]:
        """Fetch, sniff and ingest one attachment: (its sha256, None) or (None, the error).

        (None, None): the link led to a web page, not a file (a 下载中心 page).
        """
        got = got or await self._fetch(att.url, "attachment")
        if got.fetched.error:
            return None, f"附件 / attachment {att.url}: {got.fetched.error}"
        if got.unchanged:
            self.tally.files_unchanged += 1
            return got.sha256, None
        named = disposition_name(got.fetched.headers.get("content-disposition"))
        raw_name = named or unquote(urlsplit(att.url).path.rsplit("/", 1)[-1]) or "attachment"
        declared = P.url_suffix("x/" + raw_name)
        found = sniff(got.data or b"", declared, got.fetched.headers.get("content-type"))
        if found.reason:
            return None, f"附件 / attachment {att.url}: {found.reason}"
        if found.family in ("html", None):  # a web page or an image behind a 下载 link
            return None, None
        name = _safe_name(named or _attachment_label(att.text) or facts["title"] or raw_name,
                          found.suffix or "")
        err = self._ingest(att.url, got, name, "attachment", src, listing_url, facts["published"])
        return (None, err) if err else (got.sha256, None)

    async def run(self, src: Source, body: ResolvedBody) -> dict:
        """Check one source for the year; the status record (not yet written)."""
        rec = {
            "source_id": src.source_id, "body_name": src.body_name, "body_id": body.body_id,
            "region_code": body.region_code, "year": self.year, "status": "failed",
            "reason": None, "report_url": None, "title": None, "published_date": None,
            "date_source": None, "sha256": [], "listing_url": src.listings[0] if src.listings
            else "", "checked_at": None,
        }
        if src.problem:
            rec["reason"] = src.problem
        elif body.body_id is None:
            rec["status"] = "unresolved_body"
            why = (f"名称对应多个地区 {', '.join(body.candidates)} / ambiguous: "
                   f"{', '.join(body.candidates)}") if body.candidates else (
                "名称无法对应到行政区划 / the name matches no division")
            rec["reason"] = f"机关无法识别：{src.body_name}（{why}）/ body not resolved"
        else:
            found, pages, errors = await self.find(src)
            taken = None
            for cand in found[:MAX_CANDIDATES]:
                taken = await self.take(cand, src)
                if taken is not None:
                    break
            if taken is None:
                if errors:
                    rec["reason"] = "；".join(errors[:3])
                else:
                    rec["status"] = "not_published"
                    cut = f"（{len(found)} 个截断标题经核对不是）/ ({len(found)} cut titles were " \
                          "not it)" if found else ""
                    rec["reason"] = (f"{pages} 个列表页中未找到 {self.year} 年度报告 / no "
                                     f"{self.year} report in {pages} listing pages{cut}")
            else:
                rec["listing_url"] = cand.listing_url
                shas, errs, facts = taken
                published = facts.get("published")
                rec.update(report_url=facts["report_url"], title=facts["title"],
                           published_date=published.isoformat() if published else None,
                           date_source=facts.get("date_source"),
                           sha256=list(dict.fromkeys(shas)),
                           status="found" if shas else "failed",
                           reason="；".join(errs[:3]) if errs else None)
        rec["checked_at"] = now_iso()
        return rec

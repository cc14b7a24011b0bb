"""The collect store under ``GONGKAI_HOME/collect/``: what the crawler saw, append-only.

Files (one JSON object a line, appended in one ``write`` each so a kill leaves at most a torn
last line, which readers skip):

- ``status.jsonl``: one record per (source, year) each time a source is checked; the last
  record per ``(source_id, year)`` is current (:func:`latest_status`).
- ``documents.jsonl``: one record per file put into the inbox, written only after the inbox
  has it — the provenance of a collected file (:func:`collected_documents`).
- ``http.jsonl``: the validators (ETag, Last-Modified) and content sha256 last seen per URL,
  for conditional requests on the next run.
- ``pages/<sha256>.html``: the bytes of listing pages and of report pages that are only a title
  and an attachment link (not ingested, kept so nothing fetched is lost and a 304 can be read).

Readers are pure and tolerant; writers are the :class:`Store` methods.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from pipelines.jsonlines import append_line

STATUS = "status.jsonl"
DOCUMENTS = "documents.jsonl"
HTTP = "http.jsonl"
PAGES = "pages"


def now_iso() -> str:
    """The current UTC time, ISO-8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _records(path: Path) -> Iterator[dict]:
    """The JSON objects of a JSON-lines file; a torn or garbled line (a kill) is skipped."""
    if not path.exists():
        return
    with path.open("rb") as f:
        for raw in f:
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(rec, dict):
                yield rec


def latest_status(root: Path) -> list[dict]:
    """The current status of every (source_id, year): the last record of each."""
    last: dict[tuple, dict] = {}
    for rec in _records(Path(root) / STATUS):
        last[(rec.get("source_id"), rec.get("year"))] = rec
    return list(last.values())


def collected_documents(root: Path) -> list[dict]:
    """The provenance of every collected file: the last record per sha256."""
    last: dict[str, dict] = {}
    for rec in _records(Path(root) / DOCUMENTS):
        if rec.get("sha256"):
            last[rec["sha256"]] = rec
    return list(last.values())


def http_cache(root: Path) -> dict[str, dict]:
    """URL → the last validators and sha256 seen for it."""
    return {rec["url"]: rec for rec in _records(Path(root) / HTTP) if rec.get("url")}


class Store:
    """Writes of one collect run; keeps the sets it needs to avoid duplicate lines."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.pages = self.root / PAGES
        self.documented = {d["sha256"] for d in collected_documents(self.root)}
        self.http = http_cache(self.root)

    def add_status(self, rec: dict) -> None:
        """Append a source's status record."""
        append_line(self.root / STATUS, rec)

    def add_document(self, rec: dict) -> bool:
        """Append a provenance record unless its sha256 has one already; True when written."""
        if rec["sha256"] in self.documented:
            return False
        append_line(self.root / DOCUMENTS, rec)
        self.documented.add(rec["sha256"])
        return True

    def remember(self, url: str, sha256: str, suffix: str, headers: dict, role: str) -> None:
        """Keep a URL's validators for the next run's conditional request."""
        rec = {"url": url, "sha256": sha256, "suffix": suffix, "role": role,
               "etag": headers.get("etag"), "last_modified": headers.get("last-modified"),
               "at": now_iso()}
        old = self.http.get(url)
        if old and all(old.get(k) == rec[k] for k in ("sha256", "etag", "last_modified")):
            return
        append_line(self.root / HTTP, rec)
        self.http[url] = rec

    def page_path(self, sha256: str) -> Path:
        """Where a page's bytes are kept."""
        return self.pages / f"{sha256}.html"

    def keep_page(self, sha256: str, data: bytes) -> None:
        """Keep a page's bytes (atomic: a temporary file renamed into place)."""
        target = self.page_path(sha256)
        if target.exists():
            return
        self.pages.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=self.pages, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target)

    def read_page(self, sha256: str) -> bytes | None:
        """A kept page's bytes, if kept."""
        try:
            return self.page_path(sha256).read_bytes()
        except OSError:
            return None

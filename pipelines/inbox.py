"""The content-addressed inbox: raw documents kept unchanged, keyed by their sha256.

Ingesting copies a file byte for byte to ``objects/<aa>/<sha256><ext>`` and appends one line of
origin metadata to ``index.jsonl``. The same content ingested twice is a no-op, so a scraper can
drop its whole folder again every night. Nothing here parses a document.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

REPORT_SUFFIXES = {".html", ".htm", ".txt", ".md", ".pdf", ".docx", ".json", ".js", ".shtml"}
LEDGER_SUFFIXES = {".csv", ".xlsx"}


@dataclass(frozen=True)
class InboxEntry:
    """One ingested document: its content address and where it came from."""

    sha256: str
    file_name: str
    suffix: str
    size_bytes: int
    origin: str
    ingested_at: str
    kind: str = "report"  # report | ledger


@dataclass(frozen=True)
class IngestOutcome:
    """What happened to one path: ``new``, ``duplicate`` or ``error`` (with the reason)."""

    path: str
    status: str
    sha256: str | None = None
    reason: str | None = None


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, streamed."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _walk(paths: Iterable[Path]) -> Iterator[Path]:
    for p in paths:
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith("."))
        else:
            yield p


class Inbox:
    """A content-addressed store of raw documents under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.index_path = root / "index.jsonl"

    def object_path(self, sha256: str, suffix: str) -> Path:
        """Where the bytes of ``sha256`` live."""
        return self.objects / sha256[:2] / f"{sha256}{suffix}"

    def entries(self) -> list[InboxEntry]:
        """Every document in the inbox, first ingestion wins."""
        if not self.index_path.exists():
            return []
        seen: dict[str, InboxEntry] = {}
        with self.index_path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    e = InboxEntry(**json.loads(line))
                    seen.setdefault(e.sha256, e)
        return list(seen.values())

    def ingest(self, paths: Iterable[Path], origin_base: Path | None = None) -> list[IngestOutcome]:
        """Copy files (folders are walked) into the inbox; the same content twice is a no-op."""
        known = {e.sha256 for e in self.entries()}
        outcomes = []
        self.objects.mkdir(parents=True, exist_ok=True)
        for path in _walk(paths):
            outcomes.append(self._ingest_one(path, known))
        return outcomes

    def _ingest_one(self, path: Path, known: set[str]) -> IngestOutcome:
        if not path.exists():
            return IngestOutcome(str(path), "error", reason="文件不存在 / file not found")
        suffix = path.suffix.lower()
        if suffix not in REPORT_SUFFIXES | LEDGER_SUFFIXES:
            return IngestOutcome(
                str(path),
                "error",
                reason=f"不支持的文件类型 {suffix or '(无扩展名)'} / unsupported type",
            )
        try:
            digest = sha256_file(path)
        except OSError as exc:
            return IngestOutcome(str(path), "error", reason=f"无法读取 / cannot read: {exc}")
        if digest in known:
            return IngestOutcome(str(path), "duplicate", digest)
        target = self.object_path(digest, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp_path = Path(tmp.name)
        shutil.copyfile(path, tmp_path)
        os.replace(tmp_path, target)
        entry = InboxEntry(
            sha256=digest,
            file_name=path.name,
            suffix=suffix,
            size_bytes=path.stat().st_size,
            origin=str(path.resolve()),
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            kind="ledger" if suffix in LEDGER_SUFFIXES else "report",
        )
        with self.index_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
        known.add(digest)
        return IngestOutcome(str(path), "new", digest)

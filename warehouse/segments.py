"""The core rows of every document, in shards by sha256 prefix and segments by arrival.

Why shards by sha256 prefix and not province × year: a document's province and year are known
only after it is read, but its sha256 is known the moment it is ingested, so each document has
its shard before any work is done, shards are even in size whatever the country's shape, and a
new document touches exactly one shard. Province and year come back in DuckDB, where every
mart is an aggregate over all shards.

Why segments inside a shard: 1,000 new reports spread over every shard, so rewriting a shard
for each new document would cost as much as a clean build. A shard is instead a list of
*segments*, each the Parquet rows of the documents that arrived together (at most
:data:`SEGMENT_DOCS`): a build writes segments for new documents only, and rewrites a segment
only when one of its documents was retired. The manifest (``manifest.json``, written last and
atomically) says which segments make up the shard; files it does not list are leftovers of an
interrupted build and are removed. Everything is keyed by :func:`generation` — engine, checker,
limits, weights and catalogues — so a new engine version starts new shards and never mixes
readings of two versions.

Each segment holds five tables, already validated by their pandera models: ``core_report``,
``core_value`` and ``core_finding`` rows, the report checker's per-document problems
(``out_report_check``; continuity with last year needs two reports, see
:mod:`warehouse.continuity`) and the bodies of its published reports (``dim_body``).
A segment is built from the cached extraction and text facts of its documents
(:mod:`pipelines.batch`), so no document is read twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

SHARDS: tuple[str, ...] = tuple("0123456789abcdef")
SEGMENT_DOCS = 1_000  # documents per segment: bounds a worker's memory (~0.2 MB a report)
TABLES = ("core_report", "core_value", "core_finding", "out_report_check", "dim_body",
          "report_wide")
# Tables whose rows reach the warehouse only from segments: searched for personal data when
# each segment is written (in parallel, and once), not again in the whole warehouse.
SCANNED_TABLES = ("core_value", "core_finding", "out_report_check")
SCAN_FILE = "personal_data.json"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class TableFiles:
    """A warehouse table given as the Parquet files that hold its rows (read by DuckDB).

    How the big tables pass from one asset to the next: by name, never by value.
    """

    table: str
    files: tuple[str, ...]
    rows: int = 0
    # column → values shaped like personal data, searched segment by segment as written
    personal_data: dict[str, int] = field(default_factory=dict)
    # core_value only: the segments' values pivoted per report (``report_wide.parquet``)
    wide: tuple[str, ...] = ()
    # rows of each file, aligned with ``files`` (empty when not counted)
    file_rows: tuple[int, ...] = ()


def footer_rows(path: str | Path) -> int:
    """Rows of a Parquet file, from its footer."""
    import polars as pl

    return pl.scan_parquet(path).select(pl.len()).collect().item()


def shard_of(sha256: str) -> str:
    """The shard of a document: the first hex digit of its sha256."""
    return sha256[0].lower()


def generation(*parts: str) -> str:
    """A short digest of everything a segment's rows depend on besides the documents."""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Segment:
    """One segment: its folder name and the documents (sha256) whose rows it holds.

    ``rows``: table → rows written, so a build gathering hundreds of segments need not open
    each file's footer to count them (empty in manifests written before it was kept).
    """

    name: str
    docs: tuple[str, ...]
    rows: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Shard:
    """The segments of one shard of one generation, as its manifest lists them."""

    folder: Path
    segments: list[Segment] = field(default_factory=list)
    # Segment names issued so far (kept in the manifest): a name is never given twice, even
    # after its segment is gone, so one name always stands for one content.
    issued: int = 0

    def docs(self) -> set[str]:
        """Every document the shard holds rows of."""
        return {d for s in self.segments for d in s.docs}

    def files(self, table: str) -> list[Path]:
        """The Parquet files of ``table`` across the shard's segments."""
        return [self.folder / s.name / f"{table}.parquet" for s in self.segments]

    def file_rows(self, table: str) -> list[int]:
        """Rows of ``table`` per segment, aligned with :meth:`files`.

        From the manifest; a segment written before the counts were kept is counted from its
        file's footer.
        """
        return [s.rows[table] if table in s.rows else footer_rows(f)
                for s, f in zip(self.segments, self.files(table), strict=True)]

    def personal_data(self) -> dict[str, int]:
        """``table.column`` → hits found in the shard's segments (only hits)."""
        out: dict[str, int] = {}
        for s in self.segments:
            found = json.loads((self.folder / s.name / SCAN_FILE).read_text(encoding="utf-8"))
            for k, n in found.items():
                out[k] = out.get(k, 0) + int(n)
        return out

    def next_name(self) -> str:
        """A segment name not used before in this shard (names only grow)."""
        used = [int(s.name.split("-")[1]) for s in self.segments]
        on_disk = [int(p.name.split("-")[1]) for p in self.folder.glob("seg-*")
                   if p.name.split("-")[1].isdigit()] if self.folder.is_dir() else []
        n = max([*used, *on_disk, self.issued - 1], default=-1) + 1
        self.issued = n + 1
        return f"seg-{n:06d}"


def read_shard(folder: Path) -> Shard:
    """The shard in ``folder``; an absent or damaged manifest is an empty shard (rebuilt)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        segments = [Segment(s["name"], tuple(s["docs"]),
                            {str(t): int(n) for t, n in (s.get("rows") or {}).items()})
                    for s in data["segments"]]
        issued = int(data.get("issued", 0))
    except (OSError, ValueError, KeyError, TypeError):
        return Shard(folder)
    complete = [s for s in segments
                if all((folder / s.name / f"{t}.parquet").is_file() for t in TABLES)
                and (folder / s.name / SCAN_FILE).is_file()]
    return Shard(folder, complete, issued)


def write_shard(shard: Shard) -> None:
    """Write the manifest atomically, then remove segment folders it does not list."""
    shard.folder.mkdir(parents=True, exist_ok=True)
    tmp = shard.folder / f".{MANIFEST}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"segments": [asdict(s) for s in shard.segments],
                               "issued": shard.issued}), encoding="utf-8")
    os.replace(tmp, shard.folder / MANIFEST)
    listed = {s.name for s in shard.segments}
    for p in shard.folder.iterdir():
        if p.is_dir() and p.name not in listed:
            shutil.rmtree(p, ignore_errors=True)


def chunks(items: Sequence, size: int = SEGMENT_DOCS) -> Iterable[Sequence]:
    """``items`` in runs of at most ``size``."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def prune_generations(root: Path, keep: str) -> list[Path]:
    """Remove the shard folders of other generations (a new engine version made them stale)."""
    gone = []
    if root.is_dir():
        for p in root.iterdir():
            if p.is_dir() and p.name != keep and not p.name.startswith("."):
                shutil.rmtree(p, ignore_errors=True)
                gone.append(p)
    return gone

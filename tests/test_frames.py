"""The raw-document inventory, built column-wise, equals what each entry says."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from pipelines.inbox import InboxEntry
from schemas.models import conform, empty_frame
from warehouse.frames import entries_frame, raw_document_frame, raw_document_from_entries


def _entry_by_entry(entries: list[InboxEntry]) -> pl.DataFrame:
    """The reference: each entry's fields, its time parsed by the standard library."""
    if not entries:
        return empty_frame("raw_document")
    return conform("raw_document", pl.DataFrame({
        "sha256": [e.sha256 for e in entries],
        "file_name": [e.file_name for e in entries],
        "container": [e.suffix.lstrip(".") for e in entries],
        "size_bytes": [e.size_bytes for e in entries],
        "ingested_at": [datetime.fromisoformat(e.ingested_at) for e in entries],
        "origin": [e.origin for e in entries],
    }).with_columns(pl.col("ingested_at").dt.replace_time_zone(None)))


def test_raw_document_from_the_entries_frame_equals_the_per_entry_frame() -> None:
    entries = [
        InboxEntry("a" * 64, "报告.pdf", ".pdf", 10, "/x/报告.pdf", "2026-12-03T09:14:49+00:00",
                   "report"),
        InboxEntry("b" * 64, "b.html", ".html", 0, "collect:https://x.gov.cn/b",
                   "2025-01-31T23:59:59.123456+08:00", "report"),
        InboxEntry("c" * 64, "c", "", 7, "/y/c", "2024-02-29T00:00:00+00:00", "report"),
    ]
    built = raw_document_from_entries(entries_frame(entries))
    assert built.equals(_entry_by_entry(entries))
    assert raw_document_frame(entries).equals(built)
    assert built["container"].to_list() == ["pdf", "html", ""]
    assert str(built["ingested_at"][1]) == "2025-01-31 15:59:59.123456"  # UTC, naive
    assert raw_document_from_entries(entries_frame([])).equals(_entry_by_entry([]))
    assert raw_document_frame([]).equals(_entry_by_entry([]))

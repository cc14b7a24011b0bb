"""Frames built column-wise equal the ones built entry by entry."""

from __future__ import annotations

from pipelines.assets.core import entries_frame
from pipelines.inbox import InboxEntry
from warehouse.frames import raw_document_frame, raw_document_from_entries


def test_raw_document_from_the_entries_frame_equals_the_per_entry_frame() -> None:
    entries = [
        InboxEntry("a" * 64, "报告.pdf", ".pdf", 10, "/x/报告.pdf", "2026-12-03T09:14:49+00:00",
                   "report"),
        InboxEntry("b" * 64, "b.html", ".html", 0, "collect:https://x.gov.cn/b",
                   "2025-01-31T23:59:59.123456+08:00", "report"),
        InboxEntry("c" * 64, "c", "", 7, "/y/c", "2024-02-29T00:00:00+00:00", "report"),
    ]
    built = raw_document_from_entries(entries_frame(entries))
    assert built.equals(raw_document_frame(entries))
    assert built["container"].to_list() == ["pdf", "html", ""]
    assert str(built["ingested_at"][1]) == "2025-01-31 15:59:59.123456"  # UTC, naive
    assert raw_document_from_entries(entries_frame([])).equals(raw_document_frame([]))

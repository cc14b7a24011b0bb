"""Where Gongkai keeps its data: one home folder, laid out by stage.

The home is ``$GONGKAI_HOME`` or ``./data``. Everything a run writes lives under it, so a test
points the whole pipeline at a temporary folder by setting one variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Paths:
    """The folders of one Gongkai home."""

    home: Path

    @property
    def inbox(self) -> Path:
        """Content-addressed raw documents, never modified."""
        return self.home / "inbox"

    @property
    def ledger_inbox(self) -> Path:
        """Application ledgers as received."""
        return self.home / "inbox" / "ledgers"

    @property
    def extract_cache(self) -> Path:
        """Extraction results keyed by engine version and sha256."""
        return self.home / "cache" / "extract"

    @property
    def parts(self) -> Path:
        """Core rows of every document as Parquet, by shard and segment (warehouse.segments)."""
        return self.home / "parts"

    @property
    def builds(self) -> Path:
        """Staging folder for warehouse builds before they are published."""
        return self.home / "build"

    @property
    def warehouse(self) -> Path:
        """The published DuckDB file that readers open."""
        return self.home / "warehouse" / "gongkai.duckdb"

    @property
    def export(self) -> Path:
        """The open-data export package."""
        return self.home / "export"

    @property
    def quality(self) -> Path:
        """Great Expectations results and Data Docs."""
        return self.home / "quality"

    @property
    def collect(self) -> Path:
        """The crawler's store: status/documents/http JSON lines (append-only) and pages/."""
        return self.home / "collect"

    @property
    def demo(self) -> Path:
        """Generated demo province (documents, expected values, ledgers)."""
        return self.home / "demo"


def default_paths() -> Paths:
    """Paths from ``$GONGKAI_HOME`` (default ``./data``)."""
    return Paths(Path(os.environ.get("GONGKAI_HOME", "data")).resolve())

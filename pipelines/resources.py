"""Dagster resources: where the data lives and how much parallelism a run may use."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.paths import Paths


class GongkaiHome(dg.ConfigurableResource):
    """The Gongkai home folder (``$GONGKAI_HOME`` or ``./data``) and the extraction workers."""

    home: str = ""
    workers: int = 0  # 0 = one process per core

    @property
    def paths(self) -> Paths:
        """The folders of this home."""
        return Paths(Path(self.home or os.environ.get("GONGKAI_HOME", "data")).resolve())

    @property
    def worker_count(self) -> int:
        """Processes used to extract documents in parallel."""
        return self.workers or max(1, os.cpu_count() or 1)

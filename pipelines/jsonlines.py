"""Append-only JSON-lines files (the inbox index, the collect store): one record, one write.

A line appended with a single ``write`` on an ``O_APPEND`` descriptor is never interleaved with
another writer's and never left half-written in the middle of the file; a kill can only tear
the last line, which every reader of these files skips or reports.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def append_line(path: Path, rec: dict) -> None:
    """Append ``rec`` as one JSON line in one write (the folder is made if missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)

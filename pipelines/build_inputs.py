"""What a build was made from, so an unchanged inbox does not rebuild the country.

A build's result depends only on the inbox (what was ingested and retired), the corrections
file (pipelines/review), the crawler's store (``gongkai collect`` records a report not yet
published without adding to the inbox), the reading limits, whether LibreOffice is there to
read old Office files, the assessor's weights and the code. Their digest is recorded beside the
published warehouse once a build has published and exported; ``gongkai build`` compares it
first and, when nothing changed and the warehouse and export are there, says so and stops in a
second instead of re-validating tens of millions of values. ``gongkai build --force`` rebuilds
anyway.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from pipelines.paths import Paths

REPO = Path(__file__).resolve().parents[1]
CODE = ("pipelines", "warehouse", "schemas")
RECORD = "inputs.json"


def _hash_file(h: hashlib._Hash, path: Path) -> None:
    h.update(path.name.encode())
    try:
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except FileNotFoundError:
        h.update(b"-")


def inputs_digest(paths: Paths) -> str:
    """Digest of the inbox, corrections and collect store, limits, weights, LibreOffice, code."""
    from pipelines.batch import reading_fingerprint
    from pipelines.checker.score import weights_path
    from pipelines.extract.limits import current_limits

    h = hashlib.sha256()
    for name in ("index.jsonl", "retired.jsonl"):
        _hash_file(h, paths.inbox / name)
    # A settled correction changes the warehouse as much as a new document does.
    from pipelines.collect.store import DOCUMENTS, STATUS
    from pipelines.review.store import store_path

    _hash_file(h, store_path(paths.home))
    for name in (STATUS, DOCUMENTS):
        _hash_file(h, paths.collect / name)
    h.update(reading_fingerprint(current_limits()).encode())
    _hash_file(h, Path(weights_path()))
    for package in CODE:
        for p in sorted((REPO / package).rglob("*")):
            if p.suffix in (".py", ".toml", ".csv", ".json", ".sql") and p.is_file():
                _hash_file(h, p)
    return h.hexdigest()


def _record_path(paths: Paths) -> Path:
    return paths.warehouse.parent / RECORD


def unchanged(paths: Paths) -> bool:
    """Whether the published warehouse and its export were built from exactly these inputs."""
    try:
        rec = json.loads(_record_path(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    export = Path(rec.get("export", ""))
    return (rec.get("inputs") == inputs_digest(paths) and paths.warehouse.is_file()
            and export.is_dir())


def record(paths: Paths, export: Path) -> None:
    """Remember the inputs of the build just published and exported (atomically)."""
    target = _record_path(paths)
    tmp = target.with_name(f".{RECORD}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"inputs": inputs_digest(paths), "export": str(export)}),
                   encoding="utf-8")
    os.replace(tmp, target)


def forget(paths: Paths) -> None:
    """Drop the record (a build that did not publish and export fully)."""
    _record_path(paths).unlink(missing_ok=True)

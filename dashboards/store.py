"""Where the published warehouse is, and cached read-only access to it.

A build publishes a new DuckDB file by atomic rename. The dashboard holds one read-only
connection per published file (its identity: inode, mtime, size) and gives every query its own
cursor: opening the file costs tens of milliseconds of catalogue loading (300-column marts),
more than most queries, so it is paid once per build, not once per query. A new build shows up
on the next rerun (a new identity, a new connection); the old connection is dropped and closes
when its last running query ends. Each connection attaches the file into its own in-memory
database, because ``duckdb.connect(path)`` would hand back the still-open instance of the old
file under the same path. Results are also cached under the file's identity, so old results are
never asked for again, and a half-written file is never seen (it only appears under the
published name once complete).
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import streamlit as st

from dashboards import data, exports
from pipelines.paths import default_paths
from schemas.sql import literal

T = TypeVar("T")


class WarehouseError(RuntimeError):
    """The warehouse file exists but could not be queried (wrong schema, unreadable file)."""


def warehouse_path() -> Path:
    """The published DuckDB file: ``$GONGKAI_WAREHOUSE``, else the one of ``$GONGKAI_HOME``.

    The home is resolved exactly as the CLI resolves it (``pipelines.paths``), so ``gongkai
    build`` and ``streamlit run dashboards/app.py`` started with the same environment always
    mean the same file; a repo-relative default once served another home's warehouse silently.
    """
    env = os.environ.get("GONGKAI_WAREHOUSE")
    return Path(env).resolve() if env else default_paths().warehouse


def inbox_path(path: Path | None = None) -> Path:
    """The inbox of the home the warehouse belongs to (``<home>/warehouse/gongkai.duckdb``).

    The source documents a value is traced back to live there, content-addressed by sha256.
    """
    return (path or warehouse_path()).parent.parent / "inbox"


def stamp(path: Path) -> tuple[int, int, int] | None:
    """The file's identity (inode, mtime in ns, size), or ``None`` when it does not exist.

    The inode changes on every atomic publish even when two builds land in the same mtime tick.
    """
    try:
        st_ = path.stat()
    except FileNotFoundError:
        return None
    return (st_.st_ino, st_.st_mtime_ns, st_.st_size)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only, so many app sessions and a running build never clash."""
    return duckdb.connect(str(path), read_only=True)


_OPEN_LOCK = threading.Lock()
_OPEN: dict[str, tuple[tuple, duckdb.DuckDBPyConnection]] = {}
# The connection a new build replaced, kept until the next one: closing it (or letting it be
# collected) would close the cursors of queries another session is still running on it.
_RETIRED: list[duckdb.DuckDBPyConnection] = []


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    """A private in-memory database with ``path`` attached read-only as its default catalogue."""
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH {literal(str(path))} AS warehouse (READ_ONLY)")
    con.execute("USE warehouse")
    return con


def cursor(path: Path, file_stamp: tuple) -> duckdb.DuckDBPyConnection:
    """A cursor on the shared connection of the file with identity ``file_stamp``.

    Close it after the query; the connection stays for the next one. A cursor is a new
    connection to the same database, so it selects the warehouse catalogue itself.
    """
    key = str(path)
    with _OPEN_LOCK:
        held = _OPEN.get(key)
        if held is None or held[0] != file_stamp:
            if held is not None:
                _RETIRED[:] = [held[1]]
            held = (file_stamp, _attach(path))
            _OPEN[key] = held
    cur = held[1].cursor()
    cur.execute("USE warehouse")
    return cur


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(path: str, file_stamp: tuple, name: str, args: tuple) -> Any:
    """Run ``dashboards.data.<name>(con, *args)`` on a cursor of the file; cached per file stamp."""
    # ``module:function`` names a query module beside ``data`` (e.g. ``dashboards.drill``).
    module, _, attr = name.rpartition(":")
    target = importlib.import_module(module) if module else data
    con = cursor(Path(path), file_stamp)
    try:
        return getattr(target, attr)(con, *args)
    finally:
        con.close()


def query(fn: Callable[..., T], *args: Any) -> T:
    """Call a ``dashboards.data`` query on the current published file, through the cache.

    Raises:
        WarehouseError: when the file is missing or DuckDB cannot answer, so the app can show a
            message instead of a traceback.
    """
    path = warehouse_path()
    file_stamp = stamp(path)
    if file_stamp is None:
        raise WarehouseError(f"{path} does not exist")
    try:
        name = fn.__name__ if fn.__module__ == data.__name__ else f"{fn.__module__}:{fn.__name__}"
        return _cached(str(path), file_stamp, name, tuple(args))
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from exc


@st.cache_data(show_spinner=False, max_entries=64)
def _table_bytes(path: str, file_stamp: tuple, table: str, fmt: str) -> bytes:
    """A whole table encoded for download; cached because full tables are the slow case.

    CSV and XLSX carry the schema's Chinese column names over the canonical ones.
    """
    df = _cached(path, file_stamp, "table", (table,))
    return exports.encode_view(df, exports.table_headers(table, df.columns), fmt)


def table_bytes(table: str, fmt: str) -> bytes:
    """``table`` of the current published file as ``fmt`` bytes (see ``dashboards.exports``)."""
    path = warehouse_path()
    file_stamp = stamp(path)
    if file_stamp is None:
        raise WarehouseError(f"{path} does not exist")
    try:
        return _table_bytes(str(path), file_stamp, table, fmt)
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from exc


def export_package(path: Path | None = None) -> dict[str, Any] | None:
    """The open-data export next to the warehouse, if one was written there.

    Looks for ``datapackage.json`` in the warehouse's folder, its subfolders, and the sibling
    folders of that folder (e.g. ``data/export/`` beside ``data/warehouse/``).

    Returns:
        ``{"path", "name", "version", "title", "resources": [{"name", "path"}]}`` or ``None``.
    """
    base = (path or warehouse_path()).parent
    candidates = [base / "datapackage.json", *sorted(base.glob("*/datapackage.json"))]
    candidates += sorted(base.parent.glob("*/datapackage.json"))
    for file in candidates:
        try:
            meta = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        resources = [
            {"name": r.get("name", ""), "path": str(r.get("path", ""))}
            for r in meta.get("resources", [])
            if isinstance(r, dict)
        ]
        return {
            "path": str(file.parent),
            "name": meta.get("name", ""),
            "version": meta.get("version", ""),
            "title": meta.get("title", ""),
            "resources": resources,
        }
    return None

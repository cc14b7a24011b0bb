"""How assets hand each other data: Parquet files and JSON under the Gongkai home.

Frames are written as Parquet, a dataclass of frames (the ledger tables) as a folder of
Parquet files, references to Parquet sets (:class:`TableFiles`) and small manifests as JSON.
Nothing is pickled: what one step hands the next can be opened by any tool (DuckDB, polars,
a text editor), stays readable across Python and library versions, and lives in the home
folder, which is the storage every executor's workers share (the multiprocess executor on one
machine, Celery or Kubernetes workers through a shared volume). The big tables never pass
through here at all: a :class:`TableFiles` names the segment files DuckDB reads directly.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from warehouse.segments import TableFiles

__all__ = ["GongkaiIOManager", "TableFiles", "gongkai_io_manager", "read_value", "write_value"]


def _type_name(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}:{cls.__qualname__}"


def _load_type(name: str) -> type:
    module, qual = name.split(":")
    obj: Any = importlib.import_module(module)
    for part in qual.split("."):
        obj = getattr(obj, part)
    return obj


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$type": _type_name(value),
                "fields": {f.name: _jsonable(getattr(value, f.name))
                           for f in dataclasses.fields(value)}}
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _from_jsonable(value: Any) -> Any:
    if isinstance(value, dict) and "$type" in value:
        cls = _load_type(value["$type"])
        fields = {k: _from_jsonable(v) for k, v in value["fields"].items()}
        hints = {f.name: f.type for f in dataclasses.fields(cls)}
        for k, v in fields.items():
            if isinstance(v, list) and "tuple" in str(hints.get(k, "")):
                fields[k] = tuple(v)
        return cls(**fields)
    if isinstance(value, list):
        return [_from_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _from_jsonable(v) for k, v in value.items()}
    return value


def write_value(base: Path, obj: Any) -> Path:
    """Write ``obj`` at ``base`` (+ suffix) atomically; the path written."""
    base.parent.mkdir(parents=True, exist_ok=True)
    tmp = base.with_name(f".{base.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    if isinstance(obj, pl.DataFrame):
        target = base.with_suffix(".parquet")
        obj.write_parquet(tmp, compression="zstd")
        os.replace(tmp, target)
        return target
    if dataclasses.is_dataclass(obj) and any(
        isinstance(getattr(obj, f.name), pl.DataFrame) for f in dataclasses.fields(obj)
    ):
        target = base.with_suffix(".frames")
        tmp.mkdir()
        plain = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if isinstance(value, pl.DataFrame):
                value.write_parquet(tmp / f"{f.name}.parquet", compression="zstd")
            else:
                plain[f.name] = _jsonable(value)
        (tmp / "object.json").write_text(
            json.dumps({"$type": _type_name(obj), "fields": plain}, ensure_ascii=False),
            encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
        return target
    target = base.with_suffix(".json")
    tmp.write_text(json.dumps(_jsonable(obj), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, target)
    return target


# The last frames read, by path and file identity: under the in-process executor the 16 shard
# steps and the gathering step all load ``raw_documents`` (200,000 rows nationally, about
# 0.13 s a read); a rewritten file has a new identity, so a stale frame is never returned.
_FRAME_MEMO: dict[str, tuple[tuple[int, int, int], pl.DataFrame]] = {}
_FRAME_MEMO_SIZE = 2


def _read_frame(path: Path) -> pl.DataFrame:
    st = path.stat()
    ident = (st.st_ino, st.st_size, st.st_mtime_ns)
    key = str(path)
    hit = _FRAME_MEMO.get(key)
    if hit is not None and hit[0] == ident:
        return hit[1]
    frame = pl.read_parquet(path)
    _FRAME_MEMO.pop(key, None)
    while len(_FRAME_MEMO) >= _FRAME_MEMO_SIZE:
        _FRAME_MEMO.pop(next(iter(_FRAME_MEMO)))
    _FRAME_MEMO[key] = (ident, frame)
    return frame


def read_value(base: Path) -> Any:
    """Read what :func:`write_value` wrote at ``base`` (frames are immutable: shared)."""
    if base.with_suffix(".parquet").is_file():
        return _read_frame(base.with_suffix(".parquet"))
    folder = base.with_suffix(".frames")
    if folder.is_dir():
        meta = json.loads((folder / "object.json").read_text(encoding="utf-8"))
        cls = _load_type(meta["$type"])
        fields = {k: _from_jsonable(v) for k, v in meta["fields"].items()}
        for p in folder.glob("*.parquet"):
            fields[p.stem] = pl.read_parquet(p)
        return cls(**fields)
    return _from_jsonable(json.loads(base.with_suffix(".json").read_text(encoding="utf-8")))


class GongkaiIOManager(dg.IOManager):
    """Step outputs as Parquet/JSON in ``<home>/io/<asset>``; see the module docstring.

    Runs never overlap (the build lock), so each asset keeps only its latest output.
    """

    def __init__(self, home: Path) -> None:
        self.home = home

    def _base(self, key: dg.AssetKey) -> Path:
        return self.home / "io" / "/".join(key.path)

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        """Write a step's output (nothing for ``None``)."""
        if obj is None:
            return
        write_value(self._base(context.asset_key), obj)

    def load_input(self, context: dg.InputContext) -> Any:
        """Read the latest output of the upstream asset."""
        return read_value(self._base(context.asset_key))


@dg.io_manager(required_resource_keys={"gongkai"})
def gongkai_io_manager(init_context: dg.InitResourceContext) -> GongkaiIOManager:
    """The io manager in the home of the run's ``gongkai`` resource, whatever that home is.

    Taken from the resource rather than from ``$GONGKAI_HOME``: a run given another home (a
    test, a second province on one machine) must keep its step outputs there too — two such
    runs once shared ``./data/io`` and read each other's staging warehouse.
    """
    return GongkaiIOManager(init_context.resources.gongkai.paths.home)

"""The extraction engine: from a published report file to canonical values (pure functions).

``extract_bytes(data, source)`` and ``extract_file(path)`` never raise; see ``engine.py`` for the
stages and ``docs/ARCHITECTURE.md`` for the contract of the returned :class:`Extraction`.

The engine's names are loaded on first use (PEP 562): the command line and the worker pool's
parent import :mod:`pipelines.extract.model` or :mod:`pipelines.extract.limits` without paying
for the readers and the body resolver, which only the worker processes run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipelines.extract.model import Body, Extraction, Finding

if TYPE_CHECKING:
    from pipelines.extract.engine import ENGINE_VERSION, extract_bytes, extract_file

__all__ = ["ENGINE_VERSION", "Body", "Extraction", "Finding", "extract_bytes", "extract_file"]
_ENGINE_NAMES = frozenset(("ENGINE_VERSION", "extract_bytes", "extract_file"))


def __getattr__(name: str) -> object:
    if name in _ENGINE_NAMES:
        from pipelines.extract import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

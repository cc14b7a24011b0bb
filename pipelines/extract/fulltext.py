"""The normalised running text of a report file, for tools that read the words, not the numbers.

It is the text the engine sees — the same reader and the same normalisation (simplified
script, ASCII digits). A build and ``gongkai check`` get it with the extraction instead, from
one reading (:func:`pipelines.extract.engine.read_document`); this hook serves scripts
(``scripts/prose_coverage.py``). It only reads; it never changes what :func:`extract_file`
returns.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.extract.readers import read_bytes


def text_of_bytes(data: bytes, source: str = "") -> str:
    """The document's normalised text (one line per line); ``""`` when it cannot be read."""
    try:
        return read_bytes(data, source).text
    except Exception:  # a corrupt file has no text; extraction reports why
        return ""


def document_text(path: str | Path) -> str:
    """The normalised text of a report file; ``""`` when it cannot be opened or read."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        return ""
    return text_of_bytes(data, p.name)

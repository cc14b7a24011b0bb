"""Quoting for SQL built as text (DuckDB): identifiers and string literals.

Table and column names come from the contract and file paths from the machine, so neither is
user input; they are still quoted by the rules, since a path may hold a quote.
"""

from __future__ import annotations

from collections.abc import Iterable


def ident(name: str) -> str:
    """``name`` as a quoted identifier (``"`` doubled)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as a string literal (``'`` doubled)."""
    return "'" + text.replace("'", "''") + "'"


def literal_list(texts: Iterable[str]) -> str:
    """Comma-separated literals, for ``IN (…)`` or ``read_parquet([…])``."""
    return ", ".join(map(literal, texts))

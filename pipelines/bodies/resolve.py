"""Resolve an issuing body's name to its region code, level and type (first stub)."""

from __future__ import annotations

from pipelines.extract.model import Body


def resolve_body(name: str | None, context: str = "") -> Body:
    """Map an issuer name (and surrounding text) to a :class:`Body`; unknown parts stay None."""
    return Body(name=name)

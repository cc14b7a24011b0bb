"""What a build does with the corrections in force: pure, from dicts to rows and statuses.

The as-published value is never touched: a settled figure becomes a row of
``core_value_reviewed`` beside it (``method = reviewed``), and the marts take the reviewed value
where one exists. Every correction also gets a status, so a reviewer sees what became of it:

============================  =================================================================
``applied``                   its values are in ``core_value_reviewed``
``engine_agrees``             the engine now reads every one of its values by itself (nothing to
                              apply; a later engine solved the item)
``document_changed``          the document with that sha256 is no longer published (retired, or
                              replaced by a new version): not applied, shown for a new look
``recorded``                  a body's place or a ledger column's field: kept on the record and
                              shown on the item, not a figure
============================  =================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipelines.review.items import VALUE_KINDS
from pipelines.review.store import Correction

STATUSES = ("applied", "engine_agrees", "document_changed", "recorded")


@dataclass(frozen=True)
class Applied:
    """The reviewed values of a build and the status of every correction in force."""

    rows: list[dict] = field(default_factory=list)
    status: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (status, note)


def apply_corrections(
    corrections: Mapping[str, Correction],
    reports: Mapping[str, tuple[str | None, int | None]],
    engine: Mapping[tuple[str, str], float],
    keys: frozenset[str],
    documents: frozenset[str] = frozenset(),
) -> Applied:
    """Reviewed rows and statuses for ``corrections`` (item_id → the correction in force).

    ``reports``: published report_id → (body_id, year); ``engine``: (report_id, key) → the value
    the engine published; ``keys``: the canonical keys a figure may have; ``documents``: other
    documents still in the inbox (ledgers), for corrections that are not figures.
    """
    out = Applied()
    # Two items may share a cell (a row total broken by two rules): the later decision wins.
    placed: dict[tuple[str, str], dict] = {}
    for c in sorted(corrections.values(), key=lambda c: (c.at, c.correction_id)):
        if c.report_id not in reports and c.report_id not in documents:
            out.status[c.correction_id] = (
                "document_changed",
                "该 sha256 的文件已不在收件箱中（已停用或被新版本替换），未应用 / the document "
                "with this sha256 is no longer published (retired or replaced): not applied")
            continue
        if c.kind not in VALUE_KINDS:
            out.status[c.correction_id] = ("recorded", "")
            continue
        figures = {k: float(v) for k, v in c.values.items()
                   if k in keys and isinstance(v, int | float)}
        unknown = sorted(set(c.values) - set(figures))
        differs = {k: v for k, v in figures.items() if engine.get((c.report_id, k)) != v}
        note = f"未知的键未应用 / unknown keys not applied: {unknown}" if unknown else ""
        if figures and not differs:
            out.status[c.correction_id] = ("engine_agrees", note)
            continue
        if not differs:
            out.status[c.correction_id] = ("recorded", note)
            continue
        body_id, year = reports[c.report_id]
        for k, v in sorted(differs.items()):
            placed[(c.report_id, k)] = {
                "report_id": c.report_id, "body_id": body_id, "year": year, "key": k,
                "value": v, "as_published": engine.get((c.report_id, k)),
                "method": "reviewed", "item_id": c.item_id, "correction_id": c.correction_id,
                "reviewer": c.reviewer, "reviewed_at": c.at, "note": c.note}
        out.status[c.correction_id] = ("applied", note)
    out.rows.extend(placed[k] for k in sorted(placed))
    return out

"""What a build does with the corrections in force: pure, from dicts to rows and statuses.

The as-published value is never touched: a settled figure becomes a row of
``core_value_reviewed`` beside it (``method = reviewed``), and the marts take the reviewed value
where one exists. Every correction also gets a status, so a reviewer sees what became of it:

============================  =================================================================
``applied``                   its values are in ``core_value_reviewed`` (a body's place: the
                              report's row of ``core_body_reviewed``; a ledger column: the
                              ledger was read with that column as the chosen field)
``engine_agrees``             the engine now reads every one of its values by itself (nothing to
                              apply; a later engine solved the item or placed the body there)
``document_changed``          the document with that sha256 is no longer published (retired, or
                              replaced by a new version): not applied, shown for a new look
``recorded``                  kept on the record and shown on the item, nothing to apply: a
                              value that cannot apply (an unknown key or ledger field, a region
                              code the division data does not hold; the note says)
============================  =================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pipelines.review.items import BODY_KEY, HEADER_KEY, LEDGER_KEY, VALUE_KINDS, item_id
from pipelines.review.store import Correction
from warehouse.ids import body_id as make_body_id

STATUSES = ("applied", "engine_agrees", "document_changed", "recorded")


@dataclass(frozen=True)
class Applied:
    """The reviewed values of a build and the status of every correction in force."""

    rows: list[dict] = field(default_factory=list)
    status: dict[str, tuple[str, str]] = field(default_factory=dict)  # id → (status, note)
    bodies: list[dict] = field(default_factory=list)  # rows of core_body_reviewed


def reviewed_body(c: Correction, report: Mapping[str, object],
                  regions: Mapping[str, str]) -> tuple[dict | None, str, str]:
    """The reviewed body of an ``ambiguous_body`` correction: (row or None, status, note).

    ``report``: the engine's reading of the report (``body_id, body_name, region_code, level,
    body_type, year``); ``regions``: every division code the data holds → its level. The body
    keeps the name and type the engine read and takes the chosen code, its level the engine's
    when it read one (a department of a county is county-level) else the code's — exactly what
    :mod:`pipelines.bodies.resolve` gives a body it placed by itself. Its id is the
    warehouse's ``region code|name``.
    """
    code = c.values.get(BODY_KEY)
    code = code.strip() if isinstance(code, str) else str(code) if isinstance(code, int) else ""
    if not code:
        return None, "recorded", f"缺少 {BODY_KEY}，未应用 / no {BODY_KEY}: not applied"
    if code not in regions:
        return None, "recorded", (f"区划代码 {code} 不在区划数据中，未应用 / region code {code} "
                                  "is not in the division data: not applied")
    if report.get("region_code") == code:
        return None, "engine_agrees", ""
    name = str(report.get("body_name") or "")
    return {
        "report_id": c.report_id, "year": report.get("year"), "body_id": make_body_id(name, code),
        "body_name": name, "region_code": code,
        "level": report.get("level") or regions[code], "body_type": report.get("body_type"),
        "as_published_body_id": report.get("body_id"),
        "as_published_region_code": report.get("region_code"),
        "method": "reviewed", "item_id": c.item_id, "correction_id": c.correction_id,
        "reviewer": c.reviewer, "reviewed_at": c.at, "note": c.note}, "applied", ""


def ledger_column(c: Correction, fields: frozenset[str]) -> tuple[str, str] | str:
    """(header, field) of an ``unmapped_ledger_column`` correction, or why it cannot apply.

    The header must be the one the item is about (its id is a digest of the ledger's sha256
    and the header), so a hand-edited or mismatched line cannot read another column.
    """
    header, chosen = c.values.get(HEADER_KEY), c.values.get(LEDGER_KEY)
    if not isinstance(header, str) or not header:
        return (f"没有列名（{HEADER_KEY}），请重新复核 / no column header ({HEADER_KEY}): "
                "settle it again")
    if item_id(c.report_id, c.kind, f"column:{header}") != c.item_id:
        return (f"列名 {header!r} 与事项不符 / header {header!r} is not the item's column")
    if chosen not in fields:
        return f"未知的台账字段 / unknown ledger field: {chosen!r}"
    return header, str(chosen)


def ledger_fixes(corrections: Mapping[str, Correction],
                 fields: frozenset[str]) -> dict[str, dict[str, str]]:
    """Ledger sha256 → {header: field} of the settled column corrections that can apply.

    What the ledger reader takes as a ledger-map ``[headers]`` section for that one ledger
    (:func:`warehouse.ledgers.ledger_tables`); a later decision on the same column wins.
    """
    out: dict[str, dict[str, str]] = {}
    for c in sorted(corrections.values(), key=lambda c: (c.at, c.correction_id)):
        if c.kind == "unmapped_ledger_column" and c.action == "settle":
            got = ledger_column(c, fields)
            if isinstance(got, tuple):
                out.setdefault(c.report_id, {})[got[0]] = got[1]
    return out


def apply_corrections(
    corrections: Mapping[str, Correction],
    reports: Mapping[str, tuple[str | None, int | None]],
    engine: Mapping[tuple[str, str], float],
    keys: frozenset[str],
    documents: frozenset[str] = frozenset(),
    bodies: Mapping[str, Mapping[str, object]] | None = None,
    regions: Mapping[str, str] | None = None,
    ledger_fields: frozenset[str] = frozenset(),
) -> Applied:
    """Reviewed rows and statuses for ``corrections`` (item_id → the correction in force).

    ``reports``: published report_id → (body_id, year); ``engine``: (report_id, key) → the value
    the engine published; ``keys``: the canonical keys a figure may have; ``documents``: other
    documents still in the inbox (ledgers), for corrections that are not figures. ``bodies``:
    published report_id → the engine's reading of its body (:func:`reviewed_body`), and
    ``regions``: division code → level, for ``ambiguous_body`` corrections; a reviewed figure
    of a report whose body was reviewed carries the reviewed body's id. ``ledger_fields``:
    what a ledger column may be read as; a column correction whose ledger is in ``documents``
    was read as its field by this build's ledger reader (:func:`ledger_fixes`): ``applied``.
    """
    out = Applied()
    placed_bodies: dict[str, dict] = {}
    for c in sorted(corrections.values(), key=lambda c: (c.at, c.correction_id)):
        if c.kind != "ambiguous_body" or c.report_id not in reports:
            continue
        row, status, note = reviewed_body(c, (bodies or {}).get(c.report_id, {}), regions or {})
        out.status[c.correction_id] = (status, note)
        if row is not None:
            placed_bodies[c.report_id] = row
    out.bodies.extend(placed_bodies[r] for r in sorted(placed_bodies))
    # Two items may share a cell (a row total broken by two rules): the later decision wins.
    placed: dict[tuple[str, str], dict] = {}
    for c in sorted(corrections.values(), key=lambda c: (c.at, c.correction_id)):
        if c.report_id not in reports and c.report_id not in documents:
            out.status[c.correction_id] = (
                "document_changed",
                "该 sha256 的文件已不在收件箱中（已停用或被新版本替换），未应用 / the document "
                "with this sha256 is no longer published (retired or replaced): not applied")
            continue
        if c.correction_id in out.status:
            continue
        if c.kind == "unmapped_ledger_column" and c.report_id in documents:
            got = ledger_column(c, ledger_fields)
            out.status[c.correction_id] = (("applied", "") if isinstance(got, tuple)
                                           else ("recorded", got))
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
        body_id = placed_bodies.get(c.report_id, {}).get("body_id", body_id)
        for k, v in sorted(differs.items()):
            placed[(c.report_id, k)] = {
                "report_id": c.report_id, "body_id": body_id, "year": year, "key": k,
                "value": v, "as_published": engine.get((c.report_id, k)),
                "method": "reviewed", "item_id": c.item_id, "correction_id": c.correction_id,
                "reviewer": c.reviewer, "reviewed_at": c.at, "note": c.note}
        out.status[c.correction_id] = ("applied", note)
    out.rows.extend(placed[k] for k in sorted(placed))
    return out

"""The review tables of a build: reviewed values before the marts, the queue after the ledgers.

:func:`load_reviewed` runs after ``core_report``, ``core_value`` and ``core_finding`` are loaded
and before ``dim_body``, ``dim_region`` and ``out_body_year``: it applies the corrections in force
(:mod:`pipelines.review.apply`) and loads ``core_value_reviewed``, ``core_body_reviewed`` and
``core_correction``; the build then adds the reviewed bodies to ``dim_body`` (and their regions
to ``dim_region``), and the body-year mart prefers a reviewed value and a reviewed body
(:func:`warehouse.marts.body_year_sql`). :func:`load_review_items` runs last, when every
finding (cross-year ones too) and the ledgers' set-aside columns are in, and loads
``out_review_item``. Both tables are small and rebuilt by every build, clean or incremental.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import duckdb
import polars as pl

from pipelines.review.apply import Applied, apply_corrections
from pipelines.review.items import (
    LEDGER_RULES,
    READING_RULES,
    ReviewItem,
    dedupe,
    finding_item,
    ledger_item,
    parse_detail,
)
from pipelines.review.settle import ledger_fields
from pipelines.review.store import Correction
from schemas.models import conform, validate
from schemas.registry import measures
from schemas.tables import ROLLUP_MEASURES
from warehouse.loading import load_table

TOTAL_KEY = "applications.new_received.total"


def _json(d: object) -> str | None:
    return json.dumps(d, ensure_ascii=False, sort_keys=True) if d else None


BODY_COLUMNS = ("body_id", "body_name", "region_code", "year")


def _body_candidates(con: duckdb.DuckDBPyConnection, report_ids: list[str]) -> dict[str, str]:
    """Report → the region codes its ``body_ambiguous`` finding listed (comma-separated)."""
    if not report_ids:
        return {}
    rows = con.execute("SELECT report_id, detail FROM core_finding WHERE rule = 'body_ambiguous' "
                       "AND list_contains($ids, report_id)", {"ids": report_ids}).fetchall()
    out = {}
    for report_id, detail in rows:
        codes = [c.get("body.region_code") for c in parse_detail(detail).get("candidates") or ()
                 if isinstance(c, dict)]
        out[report_id] = ",".join(str(c) for c in codes if c)
    return out


def load_reviewed(con: duckdb.DuckDBPyConnection, corrections: Mapping[str, Correction],
                  ledger_ids: frozenset[str] = frozenset(),
                  regions: Mapping[str, str] | None = None,
                  dim_body: pl.DataFrame | None = None) -> Applied:
    """Load ``core_value_reviewed``, ``core_body_reviewed`` and ``core_correction``.

    ``regions`` (division code → level) checks a reviewed body's code and ``dim_body`` (the
    engine's bodies, not loaded yet) gives its level and type; both are only needed when a
    body was settled. Returns what was applied: each correction's status and the reviewed
    bodies (the build adds them to ``dim_body``).
    """
    engine_bodies: dict[str, dict] = {}
    reports = {}
    # Only the reports a correction names: a national core_report is 200,000 rows, and
    # reading them all into Python cost a second of every build.
    named = sorted({c.report_id for c in corrections.values()})
    for r, *body in con.execute(
        f"SELECT report_id, {', '.join(BODY_COLUMNS)} FROM core_report "
        "WHERE status = 'published' AND list_contains($ids, report_id)", {"ids": named}
    ).fetchall() if named else ():
        engine_bodies[r] = dict(zip(BODY_COLUMNS, body, strict=True))
        reports[r] = (engine_bodies[r]["body_id"], engine_bodies[r]["year"])
    wanted = [(c.report_id, k) for c in corrections.values() for k in c.values]
    engine: dict[tuple[str, str], float] = {}
    if wanted:
        frame = pl.DataFrame(wanted, schema={"report_id": pl.Utf8, "key": pl.Utf8},
                             orient="row")
        con.register("_review_wanted", frame)
        engine = {(r, k): v for r, k, v in con.execute(
            "SELECT v.report_id, v.key, v.value FROM core_value v "
            "JOIN _review_wanted w USING (report_id, key)").fetchall()}
        con.unregister("_review_wanted")
    settled_bodies = {c.report_id for c in corrections.values() if c.kind == "ambiguous_body"}
    kinds: dict[str, tuple] = {}
    if settled_bodies and dim_body is not None:
        kinds = {b: (lv, t) for b, lv, t in dim_body.select(
            "body_id", "level", "body_type").iter_rows()}
    for r in settled_bodies & set(engine_bodies):
        level, body_type = kinds.get(engine_bodies[r]["body_id"], (None, None))
        engine_bodies[r].update(level=level, body_type=body_type)
    applied = apply_corrections(corrections, reports, engine,
                                frozenset(m.key for m in measures()), ledger_ids,
                                {r: engine_bodies[r] for r in settled_bodies if r in reports},
                                regions or {}, frozenset(ledger_fields()))
    candidates = _body_candidates(con, sorted({b["report_id"] for b in applied.bodies}))
    bodies = [{**b, "candidates": candidates.get(b["report_id"]) or None}
              for b in applied.bodies]
    load_table(con, "core_body_reviewed", validate("core_body_reviewed", conform(
        "core_body_reviewed", pl.DataFrame(bodies, infer_schema_length=None)))
        if bodies else _empty("core_body_reviewed"))
    schema = {"report_id": pl.Utf8, "body_id": pl.Utf8, "year": pl.Int64, "key": pl.Utf8,
              "value": pl.Float64, "as_published": pl.Float64, "method": pl.Utf8,
              "item_id": pl.Utf8, "correction_id": pl.Utf8, "reviewer": pl.Utf8,
              "reviewed_at": pl.Utf8, "note": pl.Utf8}
    rows = pl.DataFrame(applied.rows, schema=schema, orient="row") if applied.rows else \
        pl.DataFrame(schema=schema)
    load_table(con, "core_value_reviewed",
               validate("core_value_reviewed", conform("core_value_reviewed", rows)))
    listed = [
        {"correction_id": c.correction_id, "item_id": c.item_id, "report_id": c.report_id,
         "kind": c.kind or None, "values": _json(c.values), "reviewer": c.reviewer,
         "reviewed_at": c.at, "note": c.note or None, "source": c.source or None,
         "body_name": c.body_name or None, "year": c.year,
         "status": applied.status[c.correction_id][0],
         "status_note": applied.status[c.correction_id][1] or None}
        for c in sorted(corrections.values(), key=lambda c: c.at)
    ]
    frame = pl.DataFrame(listed, infer_schema_length=None) if listed else None
    load_table(con, "core_correction",
               validate("core_correction", conform("core_correction", frame))
               if frame is not None else _empty("core_correction"))
    return applied


def _empty(name: str) -> pl.DataFrame:
    from schemas.models import empty_frame

    return empty_frame(name)


def review_items(con: duckdb.DuckDBPyConnection, ledger_columns: pl.DataFrame | None = None,
                 ledger_ids: Mapping[str, str] | None = None) -> list[ReviewItem]:
    """Every review item of the warehouse being built, most important first."""
    rules = "', '".join(READING_RULES)
    rows = con.execute(f"""
        SELECT f.report_id, f.rule, f.severity, f.keys, f.message, f.blame, f.detail
        FROM core_finding f JOIN core_report r USING (report_id)
        WHERE r.status = 'published' AND (f.rule IN ('{rules}')
            OR (f.blame = 'publisher' AND f.severity IN ('error', 'warning')))
        """).fetchall()
    cols = ("report_id", "rule", "severity", "keys", "message", "blame", "detail")
    findings = [dict(zip(cols, r, strict=True)) for r in rows]
    wanted = {(f["report_id"], k) for f in findings for k in (f["keys"] or "").split(",") if k}
    wanted |= {(f["report_id"], TOTAL_KEY) for f in findings}
    printed: dict[str, dict[str, float]] = {}
    if wanted:
        frame = pl.DataFrame(sorted(wanted), schema={"report_id": pl.Utf8, "key": pl.Utf8},
                             orient="row")
        con.register("_review_keys", frame)
        for r, k, v in con.execute("SELECT v.report_id, v.key, v.value FROM core_value v "
                                   "JOIN _review_keys w USING (report_id, key)").fetchall():
            printed.setdefault(r, {})[k] = v
        con.unregister("_review_keys")
    rollup = frozenset(k for k, _, _ in ROLLUP_MEASURES)
    items = [finding_item(f, printed.get(f["report_id"], {}),
                          printed.get(f["report_id"], {}).get(TOTAL_KEY), rollup)
             for f in findings]
    if ledger_columns is not None and ledger_ids:
        for item, rule, reason in ledger_columns.select("item", "rule", "reason").iter_rows():
            source = item.split("#", 1)[0]
            if rule in LEDGER_RULES and source in ledger_ids:
                items.append(ledger_item(ledger_ids[source], source, item, rule, reason))
    return dedupe(i for i in items if i is not None)


def load_review_items(con: duckdb.DuckDBPyConnection, corrections: Mapping[str, Correction],
                      status: Mapping[str, tuple[str, str]],
                      ledger_columns: pl.DataFrame | None = None,
                      ledger_ids: Mapping[str, str] | None = None) -> int:
    """Load ``out_review_item`` (the queue with each item's state); return its rows."""
    items = review_items(con, ledger_columns, ledger_ids)
    named = sorted({it.report_id for it in items})
    reports = {r[0]: r[1:] for r in con.execute(
        "SELECT report_id, source, body_id, body_name, region_code, year FROM core_report "
        "WHERE list_contains($ids, report_id)", {"ids": named}
    ).fetchall()} if named else {}
    sources = {v: k for k, v in (ledger_ids or {}).items()}
    rows = []
    for it in items:
        source, body_id, body_name, region, year = reports.get(
            it.report_id, (sources.get(it.report_id), None, None, None, None))
        c = corrections.get(it.item_id)
        state = "open"
        if c is not None:
            state = ("engine_agrees" if status.get(c.correction_id, ("",))[0] == "engine_agrees"
                     else "settled")
        rows.append({
            "item_id": it.item_id, "report_id": it.report_id, "source": source,
            "body_id": body_id, "body_name": body_name, "region_code": region, "year": year,
            "kind": it.kind, "rule": it.rule, "keys": ",".join(it.keys) or None,
            "message": it.message, "candidates": _json(list(it.candidates)),
            "printed": _json(it.printed), "location": _json(it.location),
            "importance": float(it.importance), "status": state,
            "settled_values": _json(c.values) if c else None,
            "reviewer": c.reviewer if c else None, "reviewed_at": c.at if c else None,
            "correction_id": c.correction_id if c else None})
    frame = (pl.DataFrame(rows, infer_schema_length=None) if rows
             else _empty("out_review_item"))
    load_table(con, "out_review_item",
               validate("out_review_item", conform("out_review_item", frame)))
    return len(rows)

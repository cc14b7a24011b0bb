"""Turning a reviewer's choice into a correction: shared by ``gongkai review`` and the page.

Pure, apart from :func:`queue_item` and :func:`read_queue`, which read the published warehouse
(read-only) — both the command line and the dashboard settle what the published queue shows.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.review.items import BODY_KEY, HEADER_KEY, LEDGER_KEY
from pipelines.review.store import Correction, CorrectionError, make

ITEM_COLUMNS = ("item_id", "report_id", "source", "body_id", "body_name", "region_code", "year",
                "kind", "rule", "keys", "message", "candidates", "printed", "location",
                "importance", "status", "settled_values", "reviewer", "reviewed_at",
                "correction_id")


def _loads(text: str | None, default):
    try:
        return json.loads(text) if text else default
    except ValueError:
        return default


def item_dict(row: tuple) -> dict:
    """An ``out_review_item`` row as a dict, its JSON columns parsed."""
    d = dict(zip(ITEM_COLUMNS, row, strict=True))
    d["keys"] = [k for k in (d["keys"] or "").split(",") if k]
    d["candidates"] = _loads(d["candidates"], [])
    d["printed"] = _loads(d["printed"], {})
    d["location"] = _loads(d["location"], {})
    d["settled_values"] = _loads(d["settled_values"], {})
    return d


def read_queue(warehouse: Path, kind: str | None = None, status: str | None = None,
               limit: int | None = None) -> list[dict]:
    """The published queue, most important first."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        sql = (f"SELECT {', '.join(ITEM_COLUMNS)} FROM out_review_item "
               "WHERE ($k IS NULL OR kind = $k) AND ($s IS NULL OR status = $s) "
               "ORDER BY importance DESC, item_id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = con.execute(sql, {"k": kind, "s": status}).fetchall()
    finally:
        con.close()
    return [item_dict(r) for r in rows]


def queue_item(warehouse: Path, prefix: str) -> dict:
    """The published item whose id starts with ``prefix`` (≥ 6 characters, unique)."""
    import duckdb

    p = prefix.strip().lower()
    if len(p) < 6:
        raise CorrectionError(f"事项标识至少 6 位 / an item id needs at least 6 characters: "
                              f"{prefix!r}")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM out_review_item "
                           "WHERE starts_with(item_id, $p) LIMIT 2", {"p": p}).fetchall()
    finally:
        con.close()
    if not rows:
        raise CorrectionError(f"复核队列中没有事项 {prefix} / no review item {prefix}")
    if len(rows) > 1:
        raise CorrectionError(f"事项标识 {prefix} 不唯一 / item id {prefix} is ambiguous")
    return item_dict(rows[0])


def allowed_keys(item: dict, measure_keys: frozenset[str]) -> frozenset[str]:
    """The keys a correction of ``item`` may set.

    A withheld row or a publisher error: its own keys. An unplaced prose figure names no key,
    so any canonical key (the reviewer says where it belongs). A body: its region code; a
    ledger column: the field it is.
    """
    if item["kind"] == "ambiguous_body":
        return frozenset({BODY_KEY})
    if item["kind"] == "unmapped_ledger_column":
        return frozenset({LEDGER_KEY})
    if item["kind"] == "unplaced_prose" or not item["keys"]:
        return measure_keys
    return frozenset(item["keys"]) & measure_keys


def ledger_fields() -> tuple[str, ...]:
    """What a ledger column may be read as: a field of the ledger reader, or ``ignore``."""
    from pipelines.ledgers.headers import FIELDS, IGNORE

    return (*FIELDS, IGNORE)


def parse_value(key: str, text: str) -> float | str:
    """A typed value: a number for a figure, the text itself for a region code or a field."""
    if key in (BODY_KEY, LEDGER_KEY):
        if not text.strip():
            raise CorrectionError(f"{key} 不能为空 / {key} is empty")
        if key == LEDGER_KEY and text.strip() not in ledger_fields():
            raise CorrectionError(f"未知的台账字段 {text.strip()!r}；可用 / unknown ledger field "
                                  f"{text.strip()!r}; fields: {', '.join(ledger_fields())}")
        return text.strip()
    try:
        v = float(text.replace(",", "").replace("，", "").strip())
    except ValueError as exc:
        raise CorrectionError(f"{key} 的值不是数字 / {key}: not a number: {text!r}") from exc
    if v != v or v in (float("inf"), float("-inf")):
        raise CorrectionError(f"{key} 的值不是有限数 / {key}: not a finite number")
    return int(v) if v.is_integer() else v


def values_for(item: dict, pick: int | None, typed: dict[str, str],
               measure_keys: frozenset[str]) -> dict:
    """The values of a settle: candidate ``pick`` (1-based) and/or typed ``KEY=VALUE`` pairs.

    Typed values override the picked candidate's. Keys outside :func:`allowed_keys` are refused
    with the keys that are allowed.
    """
    values: dict = {}
    if pick is not None:
        cands = item["candidates"]
        if not 1 <= pick <= len(cands):
            raise CorrectionError(f"候选编号应在 1–{len(cands)} / pick a candidate 1–"
                                  f"{len(cands)}" if cands else
                                  "该事项没有候选读法，请输入数值 / this item has no candidates: "
                                  "type a value")
        values.update(cands[pick - 1])
    allowed = allowed_keys(item, measure_keys)
    for k, text in typed.items():
        if k not in allowed:
            shown = sorted(allowed)[:12]
            raise CorrectionError(f"该事项不能设置 {k}；可用的键 / this item cannot set {k}; "
                                  f"keys it may set: {shown}")
        values[k] = parse_value(k, text)
    if not values:
        raise CorrectionError("请选择候选读法或输入数值 / pick a candidate or type a value")
    return values


def correction_for(item: dict, values: dict, reviewer: str, note: str = "",
                   action: str = "settle") -> Correction:
    """The correction of ``item`` (with the context a person reading the file needs).

    A ledger column's correction also carries the column's header (``ledger.header``): the next
    build reads that column of that ledger as the chosen field, like a ledger-map entry.
    """
    if item["kind"] == "unmapped_ledger_column" and action == "settle":
        values = {**values, HEADER_KEY: item["location"].get("header", "")}
    return make(item["item_id"], item["report_id"], item["kind"], values, reviewer=reviewer,
                note=note, action=action, source=item.get("source") or "",
                body_name=item.get("body_name") or "", year=item.get("year"))

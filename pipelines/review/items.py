"""The review queue: one :class:`ReviewItem` per thing a person could settle, with a stable id.

An item is made from a finding (the engine's ``detail`` gives candidates and where it was read)
or from a ledger column the reader set aside. Pure: rows in, items out; the warehouse build
(:mod:`warehouse.review`) feeds it the findings of published reports and loads the items as
``out_review_item``.

Why the id is what it is: a correction must find its item again after the warehouse is rebuilt
from scratch (row order, segment names and shard layout all change) and after the engine is
upgraded (messages and offsets may change). What stays is the document (its sha256) and what the
item is about — the canonical keys of a withheld row, the sentence and figure of an unplaced
prose number, the header of a ledger column. The id is a digest of exactly those.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Kinds of items, in the order the page explains them.
KINDS: dict[str, tuple[str, str]] = {
    "ambiguous_split": ("数字串有多种拆分", "a digit run that several readings fit"),
    "lost_cell": ("表格行少了一个单元格", "a table row that lost a cell"),
    "unreadable_row": ("表格行无法读出", "a table row that could not be read"),
    "unplaced_prose": ("正文数字未能归位", "a prose figure the reader could not place"),
    "ambiguous_body": ("发布机关所在地不唯一", "a body name that fits several places"),
    "unmapped_ledger_column": ("台账列未能识别", "a ledger column that could not be mapped"),
    "publisher_error": ("发布方数字自相矛盾", "the publisher's own figures disagree"),
}
# Engine rules → item kind. Publisher-blamed errors and warnings are ``publisher_error``.
READING_RULES: dict[str, str] = {
    "ambiguous_split": "ambiguous_split",
    "lost_cell": "lost_cell",
    "blank_against_rules": "lost_cell",
    "unreadable_row": "unreadable_row",
    "shared_label": "unreadable_row",
    "ambiguous_label": "unreadable_row",
    "stats_table_columns": "unreadable_row",
    "unplaced_figure": "unplaced_prose",
    "body_ambiguous": "ambiguous_body",
}
# Ledger column findings (pipelines/ledgers/columns.py) a reviewer settles with a field name.
LEDGER_RULES = ("ambiguous_header", "deadline_column_unread", "duplicate_deadline_column")
# Item kinds whose settled values are figures under canonical keys (applied to the marts);
# the others are recorded on the item (a body's place, a ledger column's field).
VALUE_KINDS = ("ambiguous_split", "lost_cell", "unreadable_row", "unplaced_prose",
               "publisher_error")
BODY_KEY = "body.region_code"
LEDGER_KEY = "ledger.field"
# Stored beside the field in a ledger column's correction: the header it applies to (the item id
# is a digest, and the correction must say which column to read as that field on its own).
HEADER_KEY = "ledger.header"
# Scores are capped below 10^10: no figure of a report comes near it, and an 11-digit number
# is what the publish check's personal-data search takes for a mobile number.
MAX_IMPORTANCE = 9_999_999_999.0
_HEADER = re.compile(r"#列「(.+?)」")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


@dataclass(frozen=True)
class ReviewItem:
    """One thing a person could settle, with what they need to settle it."""

    item_id: str
    report_id: str  # the document's sha256 (a report or a ledger)
    kind: str
    rule: str
    keys: tuple[str, ...]
    subject: str  # what the id is a digest of, besides the document and the kind
    message: str
    candidates: tuple[dict, ...] = ()
    printed: dict = field(default_factory=dict)  # as published, for the item's keys
    location: dict = field(default_factory=dict)
    importance: float = 0.0


def item_id(report_id: str, kind: str, subject: str) -> str:
    """The stable id of an item: a digest of the document, the kind and what it is about."""
    return hashlib.sha256(f"{report_id}\n{kind}\n{subject}".encode()).hexdigest()[:20]


def kind_of(rule: str, blame: str, severity: str) -> str | None:
    """The item kind of a finding, or None when it is nothing to settle (e.g. ``yoy_jump``)."""
    if blame == "reading":
        return READING_RULES.get(rule)
    if blame == "publisher" and severity in ("error", "warning"):
        return "publisher_error"
    return None


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def subject_of(kind: str, rule: str, keys: tuple[str, ...], detail: Mapping) -> str:
    """What an item is about, in words that survive a rebuild and an engine upgrade.

    Keys are sorted (the order a reader emits them in is not identity). An unplaced prose
    figure has no key: its sentence (spaces removed) and the figure are. A publisher error is
    its rule over its keys (two rules may break over the same cells).
    """
    if kind == "unplaced_prose":
        return f"{detail.get('value')}{detail.get('unit', '')}|{_norm(detail.get('sentence', ''))}"
    if kind == "ambiguous_body":
        return "body"
    if kind == "publisher_error":
        return f"{rule}:{','.join(sorted(keys))}"
    return ",".join(sorted(keys))


def parse_detail(text: str | None) -> dict:
    """A finding's ``detail``; ``{}`` when absent or withheld by the personal-data redaction."""
    if not text:
        return {}
    try:
        out = json.loads(text)
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}


def importance(kind: str, keys: Iterable[str], candidates: Iterable[Mapping],
               printed: Mapping[str, float], detail: Mapping, report_total: float | None,
               rollup_keys: frozenset[str]) -> float:
    """How much settling the item could move the figures people read; the queue's order.

    Per key, the largest change a candidate would make to what is published (a withheld cell
    counts from 0); a key summed into the region totals (``out_region_year``) counts double.
    Without candidates: the size of the figure (an unplaced prose number, the largest number
    of a row left unread). A body or ledger item weighs what the report or ledger reports in
    all (its applications), since settling it moves all of them between regions.
    """
    if kind == "ambiguous_body":
        return min(float(report_total or 0.0) * 2, MAX_IMPORTANCE)
    score = 0.0
    cands = list(candidates)
    for k in keys:
        spread = max((abs(float(c[k]) - float(printed.get(k, 0.0))) for c in cands
                      if isinstance(c.get(k), int | float)), default=0.0)
        score += spread * (2 if k in rollup_keys else 1)
    if score:
        return min(score, MAX_IMPORTANCE)
    if isinstance(detail.get("value"), int | float):
        return float(detail["value"])
    tokens = [str(t) for t in detail.get("tokens") or ()]
    # An unread row's tokens are several cells glued together ("39573802895.90" for two
    # cells): the size of one figure is the head of a run cut into as many cells as it holds.
    per_token = max(1, len(tuple(keys)) // max(1, len(tokens)))
    numbers = []
    for t in tokens:
        for run in _DIGITS.findall(t):
            digits = run.split(".")[0]
            numbers.append(float(digits[:max(1, -(-len(digits) // per_token))]))
    numbers += [float(v) for v in (detail.get("printed") or {}).values()
                if isinstance(v, int | float)]
    return min(max(numbers, default=0.0), MAX_IMPORTANCE)


def finding_item(row: Mapping, printed: Mapping[str, float], report_total: float | None,
                 rollup_keys: frozenset[str] = frozenset()) -> ReviewItem | None:
    """The review item of one ``core_finding`` row of a published report, or None.

    ``row``: ``report_id, rule, severity, keys, message, blame, detail``; ``printed``: the
    report's published values of the finding's keys.
    """
    kind = kind_of(row["rule"], row["blame"], row["severity"])
    if kind is None:
        return None
    keys = tuple(k for k in (row.get("keys") or "").split(",") if k)
    detail = parse_detail(row.get("detail"))
    cands = tuple(c for c in detail.get("candidates") or () if isinstance(c, dict))
    if kind == "ambiguous_body":
        keys = (BODY_KEY,)
    location = {k: v for k, v in detail.items() if k != "candidates"}
    subject = subject_of(kind, row["rule"], keys, detail)
    mine = {k: printed[k] for k in keys if k in printed}
    return ReviewItem(
        item_id=item_id(row["report_id"], kind, subject), report_id=row["report_id"],
        kind=kind, rule=row["rule"], keys=keys, subject=subject, message=row["message"],
        candidates=cands, printed=mine, location=location,
        importance=importance(kind, keys, cands, mine, detail, report_total, rollup_keys))


def ledger_item(ledger_id: str, source: str, item: str, rule: str,
                reason: str) -> ReviewItem | None:
    """The review item of a ledger column set aside (``core_quarantine`` ``<file>#列「h」``)."""
    if rule not in LEDGER_RULES:
        return None
    m = _HEADER.search(item)
    if m is None:
        return None
    header = m.group(1)
    subject = f"column:{header}"
    return ReviewItem(
        item_id=item_id(ledger_id, "unmapped_ledger_column", subject), report_id=ledger_id,
        kind="unmapped_ledger_column", rule=rule, keys=(LEDGER_KEY,), subject=subject,
        message=reason, location={"source": source, "header": header})


def dedupe(items: Iterable[ReviewItem]) -> list[ReviewItem]:
    """One item per id, most important first (then by id, a stable order for equal scores).

    Two findings about the same cells are one thing to settle.
    """
    best: dict[str, ReviewItem] = {}
    for it in items:
        have = best.get(it.item_id)
        if have is None or it.importance > have.importance:
            best[it.item_id] = it
    return sorted(best.values(), key=lambda i: (-i.importance, i.item_id))

"""Corrections that are not figures: a body's place and a ledger column's field (issue 16).

Pure parts (:func:`pipelines.review.apply.reviewed_body`, :func:`apply_corrections`,
:func:`ledger_fixes`, :func:`warehouse.build.with_reviewed_bodies`) and the ledger reader with
a settled column, on a real inbox.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines.inbox import Inbox
from pipelines.review.apply import apply_corrections, ledger_fixes, reviewed_body
from pipelines.review.items import BODY_KEY, HEADER_KEY, LEDGER_KEY, item_id, ledger_item
from pipelines.review.settle import correction_for, ledger_fields, values_for
from pipelines.review.store import CorrectionError, make
from schemas.models import conform, validate
from warehouse.build import with_reviewed_bodies
from warehouse.ledgers import ledger_tables

SHA = "a" * 64
LEDGER = "b" * 64
REGIONS = {"320106": "county", "320302": "county", "320100": "city", "320000": "province"}
ENGINE = {"body_id": "000000|鼓楼区教育局", "body_name": "鼓楼区教育局", "region_code": None,
          "level": "county", "body_type": "department", "year": 2023}
FIELDS = frozenset(ledger_fields())


def _body(code: str, at: str = "2026-01-01T00:00:00Z", report: str = SHA):
    return make(item_id(report, "ambiguous_body", "body"), report, "ambiguous_body",
                {BODY_KEY: code}, reviewer="审核员", note="网站在南京", at=at)


def test_a_chosen_place_gives_the_body_the_resolver_would() -> None:
    row, status, _ = reviewed_body(_body("320106"), ENGINE, REGIONS)
    assert status == "applied"
    assert (row["body_id"], row["region_code"], row["level"], row["body_type"]) == (
        "320106|鼓楼区教育局", "320106", "county", "department")
    assert (row["as_published_body_id"], row["as_published_region_code"], row["method"]) == (
        "000000|鼓楼区教育局", None, "reviewed")
    # No level read by the engine: the code's own.
    row, _, _ = reviewed_body(_body("320100"), {**ENGINE, "level": None}, REGIONS)
    assert row["level"] == "city"


def test_a_place_that_cannot_apply_is_recorded_with_why() -> None:
    row, status, note = reviewed_body(_body("999999"), ENGINE, REGIONS)
    assert row is None and status == "recorded" and "999999" in note
    row, status, _ = reviewed_body(_body("320106"), {**ENGINE, "region_code": "320106"},
                                   REGIONS)
    assert row is None and status == "engine_agrees"


def test_apply_places_bodies_and_reviewed_figures_follow_them() -> None:
    key = "applications.new_received.total"
    body = _body("320302")
    figure = make(item_id(SHA, "lost_cell", key), SHA, "lost_cell", {key: 7}, reviewer="r",
                  at="2026-01-02T00:00:00Z")
    gone = _body("320106", report="c" * 64)
    out = apply_corrections(
        {body.item_id: body, figure.item_id: figure, gone.item_id: gone},
        {SHA: (ENGINE["body_id"], 2023)}, {}, frozenset({key}),
        bodies={SHA: ENGINE}, regions=REGIONS)
    assert [b["body_id"] for b in out.bodies] == ["320302|鼓楼区教育局"]
    assert [(r["body_id"], r["value"]) for r in out.rows] == [("320302|鼓楼区教育局", 7.0)]
    assert {c: s for c, (s, _) in out.status.items()} == {
        body.correction_id: "applied", figure.correction_id: "applied",
        gone.correction_id: "document_changed"}
    # A later decision on the same report wins.
    later = _body("320106", at="2026-02-01T00:00:00Z")
    out = apply_corrections({later.item_id: later}, {SHA: (ENGINE["body_id"], 2023)}, {},
                            frozenset(), bodies={SHA: ENGINE}, regions=REGIONS)
    assert [b["region_code"] for b in out.bodies] == ["320106"]


def test_dim_body_gains_each_reviewed_body_once() -> None:
    dim = validate("dim_body", conform("dim_body", pl.DataFrame(
        {"body_id": [ENGINE["body_id"]], "name": [ENGINE["body_name"]],
         "region_code": [None], "level": ["county"], "body_type": ["department"]},
        schema_overrides={"region_code": pl.Utf8})))
    row, _, _ = reviewed_body(_body("320106"), ENGINE, REGIONS)
    out = with_reviewed_bodies(dim, [row, row])
    assert out["body_id"].to_list() == ["000000|鼓楼区教育局", "320106|鼓楼区教育局"]
    assert out.filter(pl.col("region_code") == "320106")["level"].to_list() == ["county"]


def _ledger_item(sha: str, item: str, rule: str) -> dict:
    it = ledger_item(sha, item.split("#")[0], item, rule, "reason")
    return {"item_id": it.item_id, "report_id": sha, "kind": it.kind, "keys": list(it.keys),
            "candidates": [], "location": dict(it.location), "source": it.location["source"]}


def test_a_settled_ledger_column_is_read_as_its_field(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    name = "某县_2024_ledger.csv"
    (src / name).write_text("受理日期,申请人类型,征求第三方意见日期,答复日期,处理结果\n"
                            "2024-03-01,公民,2024-03-05,2024-03-20,予以公开\n", encoding="utf-8")
    inbox = Inbox(tmp_path / "inbox")
    inbox.ingest([src])
    (entry,) = inbox.entries()
    out = ledger_tables(inbox.entries(), inbox, {})
    (item_text,) = out.quarantine.filter(pl.col("rule") == "deadline_column_unread")["item"]
    item = _ledger_item(entry.sha256, item_text, "deadline_column_unread")
    with pytest.raises(CorrectionError, match="unknown ledger field"):
        values_for(item, None, {LEDGER_KEY: "third_party_reply"}, frozenset())
    c = correction_for(item, values_for(item, None, {LEDGER_KEY: "ignore"}, frozenset()), "r")
    assert c.values == {LEDGER_KEY: "ignore", HEADER_KEY: "征求第三方意见日期"}
    fixes = ledger_fixes({c.item_id: c}, FIELDS)
    assert fixes == {entry.sha256: {"征求第三方意见日期": "ignore"}}
    again = ledger_tables(inbox.entries(), inbox, {}, fixes=fixes)
    assert again.quarantine.filter(pl.col("item") == item_text).height == 0
    assert again.core_application.height == out.core_application.height
    status = apply_corrections({c.item_id: c}, {}, {}, frozenset(),
                               documents=frozenset({entry.sha256}), ledger_fields=FIELDS)
    assert status.status[c.correction_id][0] == "applied"
    # A line whose header is not its item's column (hand-edited) reads nothing.
    forged = make(c.item_id, c.report_id, c.kind, {**c.values, HEADER_KEY: "答复日期"},
                  reviewer="r")
    assert ledger_fixes({forged.item_id: forged}, FIELDS) == {}
    status = apply_corrections({forged.item_id: forged}, {}, {}, frozenset(),
                               documents=frozenset({entry.sha256}), ledger_fields=FIELDS)
    assert status.status[forged.correction_id][0] == "recorded"

"""Review items, the corrections store and how corrections apply (pure parts of issue 16)."""

from __future__ import annotations

import json

import pytest

from pipelines.extract.model import Extraction, Finding, detail
from pipelines.review import store
from pipelines.review.apply import apply_corrections
from pipelines.review.items import dedupe, finding_item, item_id, ledger_item
from pipelines.review.settle import values_for
from pipelines.review.yardstick import score
from schemas.registry import measures
from schemas.rules import check_all

SHA = "a" * 64
OTHER = "b" * 64
KEYS = frozenset(m.key for m in measures())
ROW = [f"applications.new_received.{c}" for c in
       ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org",
        "total")]


def _row(rule: str, keys: list[str], det: str, blame: str = "reading",
         severity: str = "warning", report: str = SHA, message: str = "m") -> dict:
    return {"report_id": report, "rule": rule, "severity": severity, "keys": ",".join(keys),
            "message": message, "blame": blame, "detail": det}


def test_item_id_is_the_document_and_what_it_is_about_not_order_or_wording() -> None:
    cands = [dict(zip(ROW, (1, 0, 0, 0, 0, 0, 1), strict=True)),
             dict(zip(ROW, (10, 0, 0, 0, 0, 0, 10), strict=True))]
    a = finding_item(_row("ambiguous_split", ROW, detail(candidates=cands, line=40)), {}, None)
    # The same cells, another message, another line and key order (an engine upgrade):
    b = finding_item(_row("ambiguous_split", ROW[::-1], detail(candidates=cands, line=52),
                          message="other words"), {}, None)
    other_doc = finding_item(_row("ambiguous_split", ROW, detail(line=40), report=OTHER), {},
                             None)
    assert a is not None and b is not None and other_doc is not None
    assert a.item_id == b.item_id
    assert a.item_id != other_doc.item_id
    assert a.kind == "ambiguous_split" and len(a.candidates) == 2
    # the largest change a candidate makes, the total counted double (a rollup key)
    rolled = finding_item(_row("ambiguous_split", ROW, detail(candidates=cands)), {}, None,
                          frozenset({ROW[-1]}))
    assert rolled.importance == 10 + 10 * 2


def test_unplaced_prose_is_identified_by_its_sentence_and_figure() -> None:
    d1 = detail(value=12, unit="件", sentence="全年 受理申请12件。", span=[3, 5])
    d2 = detail(value=12, unit="件", sentence="全年受理申请12件。", span=[90, 92])
    a = finding_item(_row("unplaced_figure", [], d1, severity="info"), {}, None)
    b = finding_item(_row("unplaced_figure", [], d2, severity="info"), {}, None)
    assert a.item_id == b.item_id and a.kind == "unplaced_prose" and a.importance == 12
    assert a.item_id == item_id(SHA, "unplaced_prose", "12件|全年受理申请12件。")


def test_rules_suggest_the_total_its_parts_add_up_to() -> None:
    values = dict(zip(ROW, (5, 1, 0, 0, 0, 0, 0), strict=True))  # total printed 0
    found = [f for f in check_all(values, {}, "2021") if f.rule == "row_total"]
    assert found and json.loads(found[0].detail)["candidates"] == [{ROW[-1]: 6}]
    it = finding_item(_row("row_total", list(found[0].keys), found[0].detail,
                           blame="publisher", severity="error"), values, None)
    assert it.kind == "publisher_error" and it.printed[ROW[-1]] == 0
    assert it.importance == 6
    # info findings (a year-over-year jump) are not items
    assert finding_item(_row("yoy_jump", ROW[-1:], "", blame="publisher", severity="info"),
                        {}, None) is None


def test_detail_survives_the_extraction_cache_round_trip() -> None:
    f = Finding("ambiguous_split", "warning", tuple(ROW), "m", "reading",
                detail(candidates=[{ROW[0]: 3}], tokens=["123"]))
    ex = Extraction(source="x.html", sha256=SHA, findings=[f])
    back = Extraction.from_json(json.loads(json.dumps(ex.to_json())))
    assert back.findings == [f]
    assert Extraction.from_json(Extraction("y", SHA).to_json()).findings == []


def test_ledger_columns_and_duplicates() -> None:
    it = ledger_item(OTHER, "a.csv", "a.csv#列「办理情况」", "ambiguous_header", "two fields")
    assert it.kind == "unmapped_ledger_column" and it.location["header"] == "办理情况"
    assert ledger_item(OTHER, "a.csv", "a.csv#列「x」", "unknown_body", "r") is None
    low = finding_item(_row("lost_cell", ROW[:1], detail(printed={ROW[1]: 4})), {}, None)
    high = finding_item(_row("lost_cell", ROW[:1], detail(printed={ROW[1]: 9})), {}, None)
    assert [i.importance for i in dedupe([low, high])] == [9]


def _item(kind: str = "publisher_error", keys=(ROW[-1],), cands=({ROW[-1]: 6},)) -> dict:
    return {"item_id": item_id(SHA, kind, ",".join(keys)), "report_id": SHA, "kind": kind,
            "keys": list(keys), "candidates": [dict(c) for c in cands], "source": "x.html",
            "body_name": "某局", "year": 2023}


def test_values_for_picks_or_types_and_refuses_other_keys() -> None:
    it = _item()
    assert values_for(it, 1, {}, KEYS) == {ROW[-1]: 6}
    assert values_for(it, None, {ROW[-1]: "1,204"}, KEYS) == {ROW[-1]: 1204}
    with pytest.raises(store.CorrectionError, match="cannot set"):
        values_for(it, None, {"appeals.review.total": "3"}, KEYS)
    with pytest.raises(store.CorrectionError, match="not a number"):
        values_for(it, None, {ROW[-1]: "many"}, KEYS)
    with pytest.raises(store.CorrectionError):
        values_for(it, 2, {}, KEYS)
    prose = _item("unplaced_prose", keys=(), cands=())
    assert values_for(prose, None, {"appeals.review.total": "3"}, KEYS) == {
        "appeals.review.total": 3}


def test_store_is_append_only_and_the_latest_line_is_in_force(tmp_path) -> None:
    path = tmp_path / "corrections" / store.FILE_NAME
    first = store.make("i1", SHA, "publisher_error", {ROW[-1]: 6}, reviewer="张三",
                       at="2026-01-01T00:00:00Z")
    second = store.make("i1", SHA, "publisher_error", {ROW[-1]: 7}, reviewer="李四",
                        note="重新核对", at="2026-01-02T00:00:00Z")
    other = store.make("i2", SHA, "lost_cell", {ROW[0]: 1}, reviewer="张三",
                       at="2026-01-01T00:00:00Z")
    gone = store.make("i2", SHA, "lost_cell", {}, reviewer="张三", action="withdraw",
                      at="2026-01-03T00:00:00Z")
    store.append(path, [first, second])
    store.append(path, [other, gone])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 and json.loads(lines[0])["reviewer"] == "张三"
    back = store.read(path)
    assert back == [first, second, other, gone]
    assert store.effective(back) == {"i1": second}
    with pytest.raises(store.CorrectionError, match="reviewer"):
        store.make("i1", SHA, "x", {ROW[-1]: 1}, reviewer=" ")
    path.write_text(path.read_text(encoding="utf-8") + "not json\n", encoding="utf-8")
    with pytest.raises(store.CorrectionError, match=f"{path}:5"):
        store.read(path)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_and_import_round_trip_without_duplicates(fmt: str) -> None:
    cs = [store.make("i1", SHA, "publisher_error", {ROW[-1]: 6}, reviewer="张三", note="a,b\"c",
                     year=2023, source="x.html"),
          store.make("i2", OTHER, "ambiguous_body", {"body.region_code": "320102"},
                     reviewer="李四")]
    text = store.to_csv(cs) if fmt == "csv" else store.to_json_text(cs)
    back = store.parse_shared(text, f"shared.{fmt}")
    assert back == cs
    assert store.new_for(cs[:1], back) == cs[1:]
    with pytest.raises(store.CorrectionError, match=r"shared\.csv"):
        store.parse_shared("item_id,values\nx,{}\n", "shared.csv")


def test_apply_keeps_the_printed_value_and_flags_changed_documents() -> None:
    c1 = store.make("i1", SHA, "publisher_error", {ROW[-1]: 6}, reviewer="r",
                    at="2026-01-01T00:00:00Z")
    c2 = store.make("i2", OTHER, "ambiguous_split", {ROW[0]: 3}, reviewer="r")
    c3 = store.make("i3", SHA, "lost_cell", {ROW[0]: 5}, reviewer="r")
    c4 = store.make("i4", SHA, "ambiguous_body", {"body.region_code": "320102"}, reviewer="r")
    reports = {SHA: ("b1", 2023)}  # OTHER is no longer published
    engine = {(SHA, ROW[-1]): 0.0, (SHA, ROW[0]): 5.0}
    out = apply_corrections({c.item_id: c for c in (c1, c2, c3, c4)}, reports, engine, KEYS)
    assert out.rows == [{
        "report_id": SHA, "body_id": "b1", "year": 2023, "key": ROW[-1], "value": 6.0,
        "as_published": 0.0, "method": "reviewed", "item_id": "i1",
        "correction_id": c1.correction_id, "reviewer": "r", "reviewed_at": c1.at, "note": ""}]
    status = {cid: s for cid, (s, _) in out.status.items()}
    assert status == {c1.correction_id: "applied", c2.correction_id: "document_changed",
                      c3.correction_id: "engine_agrees", c4.correction_id: "recorded"}


def test_yardstick_counts_agrees_differs_withheld_and_changed() -> None:
    cs = [store.make("i1", SHA, "ambiguous_split", {ROW[0]: 3, ROW[1]: 4}, reviewer="r"),
          store.make("i2", SHA, "lost_cell", {ROW[2]: 1}, reviewer="r"),
          store.make("i3", OTHER, "lost_cell", {ROW[3]: 1}, reviewer="r")]
    s = score({c.item_id: c for c in cs}, {SHA: {ROW[0]: 3, ROW[1]: 5}, OTHER: None})
    assert s.counts == {"agrees": 1, "differs": 1, "withheld": 1, "document_changed": 1}
    assert s.items == {"agrees": 0, "differs": 1, "withheld": 1, "document_changed": 1}


def test_a_glued_run_weighs_one_figure_not_the_run() -> None:
    it = finding_item(_row("ambiguous_split", ["proactive.x.a", "proactive.x.b"],
                           detail(tokens=["39573802895.90"])), {}, None)
    assert it.importance == 395738  # the first of two cells, never an 11-digit "phone"

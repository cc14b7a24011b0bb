"""Scoring in `gongkai eval`: bodies withheld, extra values, publisher errors per recorded error."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pipelines.cli import main
from pipelines.extract.evaluate import (
    DocResult,
    EvalResult,
    _compare,
    _score_publisher,
    evaluate,
    format_eval,
    ratchet_check,
    ratchet_floors,
)
from pipelines.extract.model import Body, Extraction, Finding

EXPECTED = {
    "year": 2025,
    "template": "2021",
    "body": {"name": "宿迁市沭阳县人民政府", "region_code": "321322"},
    "values": {"applications.new_received.total": 5},
}


def _ex(body: Body, findings: list[Finding]) -> Extraction:
    return Extraction(
        source="x.txt",
        sha256="0" * 64,
        body=body,
        year=2025,
        template="2021",
        values={"applications.new_received.total": 5},
        findings=findings,
    )


def test_withheld_ambiguous_body_is_counted_apart() -> None:
    ambiguous = Finding("body_ambiguous", "warning", (), "候选：321322", "reading")
    d = _compare(EXPECTED, _ex(Body("沭阳县人民政府"), [ambiguous]), "x.txt")
    assert d.body_withheld and d.meta_errors == []


def test_guessed_wrong_body_is_an_error() -> None:
    d = _compare(EXPECTED, _ex(Body("泗阳县人民政府", "321323"), []), "x.txt")
    assert not d.body_withheld
    assert [e.split(":")[0] for e in d.meta_errors] == ["body.name", "body.region_code"]


def test_missing_code_without_an_ambiguity_finding_is_an_error() -> None:
    d = _compare(EXPECTED, _ex(Body("宿迁市沭阳县人民政府"), []), "x.txt")
    assert [e.split(":")[0] for e in d.meta_errors] == ["body.region_code"]


# ---- honest evaluation (issue 10, part 7) ----------------------------------------------------

ROW = ("applications.new_received.total", "applications.total_processed.total")


def test_extra_values_are_listed_with_where_they_were_read() -> None:
    ex = _ex(Body("宿迁市沭阳县人民政府", "321322"), [])
    ex.values["headline.fees_yuan"] = 3940
    ex.provenance["headline.fees_yuan"] = {"method": "prose", "span": [10, 20]}
    ex.values["appeals.review.total"] = 2
    ex.provenance["appeals.review.total"] = {"method": "table", "table": "四", "row": "行政复议"}
    text = "全年收取政府信息公开信息处理费3940元。"
    d = _compare(EXPECTED, ex, "x.txt", text)
    assert d.extra == ["headline.fees_yuan", "appeals.review.total"]
    fee, review = d.extra_values
    assert (fee.file, fee.key, fee.value, fee.method) == ("x.txt", "headline.fees_yuan", 3940,
                                                          "prose")
    assert fee.where == "span 10–20 「全年收取政府信息公开信息处理费3940元」"
    assert review.where == "table 四 row 行政复议"
    report = format_eval(EvalResult(docs=[d]), "en")
    assert "values the gold does not have: 2 in 1 documents" in report
    assert "EXTRA x.txt: headline.fees_yuan = 3940 (prose: span 10–20" in report


def test_withheld_body_is_a_miss_of_the_body_rate_shown_apart() -> None:
    ambiguous = Finding("body_ambiguous", "warning", (), "候选", "reading")
    docs = [
        _compare(EXPECTED, _ex(Body("沭阳县人民政府"), [ambiguous]), "a.txt"),  # withheld
        _compare(EXPECTED, _ex(Body("泗阳县人民政府", "321323"), []), "b.txt"),  # wrong
        _compare(EXPECTED, _ex(Body("宿迁市沭阳县人民政府", "321322"), []), "c.txt"),  # right
    ]
    result = EvalResult(docs=docs)
    assert result.body_counts() == {"expected": 3, "right": 1, "wrong": 1, "withheld": 1,
                                    "rate": 1 / 3}
    report = format_eval(result, "en")
    assert "body read right 1/3 (33.33%) · wrong 1 · withheld as ambiguous, not read" in report
    assert "BODY-WITHHELD a.txt" in report


def test_publisher_precision_is_per_recorded_error() -> None:
    d = DocResult("x", "txt", "2021")
    expected = [{"rule": "row_total", "keys": [ROW[0]]}, {"rule": "outcomes_sum", "keys": [ROW[1]]}]
    found = [
        Finding("row_total", "error", (ROW[0],), "", "publisher"),
        Finding("row_total", "error", (ROW[0], "applications.x"), "", "publisher"),  # same error
        Finding("row_total", "error", (ROW[0],), "", "publisher"),  # same error, again
        Finding("appeals_total", "error", ("appeals.review.total",), "", "publisher"),  # false
        Finding("appeals_total", "error", ("appeals.review.total",), "", "publisher"),  # repeated
        Finding("text_vs_table", "warning", ("headline.items_published",), "", "publisher"),
    ]
    _score_publisher(d, expected, found)
    assert (d.pub_expected, d.pub_found, d.pub_false, d.pub_reported) == (2, 1, 2, 6)
    pub = EvalResult(docs=[d]).publisher_counts()
    assert (pub["found"], pub["missed"], pub["false"]) == (1, 1, 2)
    assert pub["recall"] == 0.5 and pub["precision"] == 1 / 3
    report = format_eval(EvalResult(docs=[d]), "en")
    assert ("recorded 2 · found 1 · missed 1 · false 2 (6 findings) · recall 50.00% · "
            "precision 33.33%") in report
    assert "PUB-MISSED x: outcomes_sum" in report and "PUB-FALSE x: appeals_total" in report


def test_a_report_read_as_another_kind_is_a_metadata_error() -> None:
    ex = _ex(Body("宿迁市沭阳县人民政府", "321322"), [])
    ex.document_kind = "work_plan"
    d = _compare(EXPECTED, ex, "x.txt")
    assert d.meta_errors == ["document_kind: 'work_plan' ≠ 'annual_report'"]


def _tiny_corpus(root: Path) -> None:
    (root / "docs").mkdir()
    (root / "expected").mkdir()
    (root / "docs" / "r.txt").write_text(
        "沭阳县人民政府2023年政府信息公开工作年度报告\n一、总体情况\n"
        "全年主动公开政府信息1234条，收取信息处理费0元。\n", encoding="utf-8")
    (root / "expected" / "r.json").write_text(json.dumps({
        "year": 2023, "values": {"headline.items_published": 1234}}), encoding="utf-8")
    (root / "docs" / "plan.txt").write_text("2024年政务公开工作要点\n一、总体要求\n",
                                            encoding="utf-8")


def test_eval_json_is_the_whole_result_and_the_ratchet_still_works(tmp_path: Path) -> None:
    _tiny_corpus(tmp_path)
    result = CliRunner().invoke(main, ["eval", "--json", str(tmp_path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert set(out) >= {"rates", "metadata", "body", "publisher_errors", "extra_values", "docs",
                        "unscored", "crashed"}
    assert out["rates"]["overall"]["all"] == 1.0
    assert out["unscored"] == ["plan.txt"]
    extras = out["extra_values"]
    assert extras["count"] == len(extras["values"]) == len(out["docs"][0]["extra_values"])
    for e in extras["values"]:
        assert set(e) == {"file", "key", "value", "method", "where"} and e["file"] == "r.txt"
    # floors from this result pass; a floor above it fails, naming the rate
    res = evaluate(tmp_path)
    ratchet = tmp_path / "ratchet.json"
    ratchet.write_text(json.dumps(ratchet_floors(res)), encoding="utf-8")
    assert ratchet_check(res, ratchet) == []
    ratchet.write_text(json.dumps({"overall": {"all": 1.0}, "table": {"appeals": 0.5}}),
                       encoding="utf-8")
    assert ratchet_check(res, ratchet) == ["table appeals: None < 0.5"]
    ok = CliRunner().invoke(main, ["--lang", "en", "eval", str(tmp_path), "--ratchet",
                                   str(ratchet)])
    assert ok.exit_code == 1 and "values the gold does not have" in ok.output


def test_the_ratchet_file_keeps_its_format() -> None:
    floors = json.loads((Path(__file__).parent / "corpus_ratchet.json").read_text())
    assert set(floors) == {"container", "overall", "prose", "table", "template"}
    assert all(isinstance(v, float) for names in floors.values() for v in names.values())

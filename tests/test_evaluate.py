"""Scoring of metadata in `gongkai eval`: a body withheld as ambiguous is not a wrong body."""

from __future__ import annotations

from pipelines.extract.evaluate import _compare
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

"""Demo application ledgers: readable in every variant, PII-shaped, and aggregating to truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path

import openpyxl
from test_demo_support import APPLICANTS, expected, full_province, small_province

from pipelines.demo.ledgers import (
    APPLICANT_LABELS,
    CHANNELS,
    HEADER_VARIANTS,
    OUTCOME_ALIASES,
    OUTCOME_LABELS,
    PENDING_LABEL,
)

FIELD_OF = {h: f for f, hs in HEADER_VARIANTS.items() for h in hs}
TYPE_OF = {lab: col for col, labs in APPLICANT_LABELS.items() for lab in labs}
OUTCOME_OF = {
    lab: key
    for key, labs in (*OUTCOME_LABELS.items(), *OUTCOME_ALIASES.items())
    for lab in labs
}


def _date(x: object) -> dt.date | None:
    if x in (None, ""):
        return None
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, int | float):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(x))
    s = str(x).strip()
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s) or re.match(
        r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
    assert m, s
    return dt.date(*(int(g) for g in m.groups()))


def _read(path: Path) -> list[dict]:
    if path.suffix == ".xlsx":
        ws = openpyxl.load_workbook(path, read_only=True).active
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        rows = list(csv.reader(io.StringIO(text)))
    header = [FIELD_OF[h] for h in rows[0]]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def _aggregate(records: list[dict], year: int) -> Counter:
    agg: Counter = Counter()
    for r in records:
        col = TYPE_OF[r["applicant_type"]]
        received = _date(r["received"])
        row = "new_received" if received.year == year else "carried_over"
        agg[f"applications.{row}.{col}"] += 1
        if r["outcome"] == PENDING_LABEL:
            assert _date(r["replied"]) is None
            agg[f"applications.carried_forward.{col}"] += 1
        else:
            replied = _date(r["replied"])
            assert replied.year == year and replied >= received
            agg[f"applications.{OUTCOME_OF[r['outcome']]}.{col}"] += 1
            agg[f"applications.total_processed.{col}"] += 1
    return agg


def _ledgers(out: Path) -> list[tuple[Path, dict]]:
    return [(p.with_name(p.name.replace(".truth.json", "")).with_suffix(""), json.loads(
        p.read_text(encoding="utf-8"))) for p in sorted((out / "ledgers").glob("*.truth.json"))]


def test_every_ledger_reads_back_to_its_truth() -> None:
    out, summary, _ = full_province()
    pairs = _ledgers(out)
    assert len(pairs) == summary["ledgers"] >= 10
    seen_headers: set[str] = set()
    seen_formats: Counter = Counter()
    for _, truth in pairs:
        path = out / "ledgers" / truth["source"]
        records = _read(path)
        assert len(records) == truth["rows"]
        agg = _aggregate(records, truth["year"])
        for key, value in truth["values"].items():
            if not key.endswith(".total"):
                assert agg[key] == value, (path.name, key)
        assert {r["channel"] for r in records} <= set(CHANNELS)
        seen_headers |= set(truth["format"]["header"])
        seen_formats[(truth["format"]["container"], truth["format"]["encoding"],
                      truth["format"]["dates"])] += 1
    assert {"申请日期", "收到申请日期", "受理时间", "申请人类型", "申请人性质"} <= seen_headers
    assert {c for c, _, _ in seen_formats} == {"csv", "xlsx"}
    assert {e for _, e, _ in seen_formats} >= {"utf-8", "utf-8-sig", "gb18030"}
    assert len({d for _, _, d in seen_formats}) >= 6


def test_ledger_truth_matches_the_true_report_values() -> None:
    out, _, _ = full_province()
    exp = expected(out)
    compared = 0
    for _, truth in _ledgers(out):
        e = exp[truth["report"].rsplit(".", 1)[0]]
        if e["publisher_errors"]:
            continue
        for key, value in e["values"].items():
            if key in truth["values"]:
                assert truth["values"][key] == value, (truth["source"], key)
                compared += 1
        if e["template"] == "2019":
            for c in (*APPLICANTS, "total"):
                assert e["values"][f"applications.other.{c}"] == sum(
                    truth["values"][f"applications.other.{s}.{c}"]
                    for s in ("no_correction", "unpaid_fee", "other"))
    assert compared > 1000


def test_ledgers_carry_fake_but_well_formed_personal_data() -> None:
    out, _, _ = small_province()
    ids = phones = embedded = 0
    for _, truth in _ledgers(out):
        for r in _read(out / "ledgers" / truth["source"]):
            if r.get("id_number"):
                num = str(r["id_number"])
                assert re.fullmatch(r"\d{17}[\dX]", num)
                w = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
                assert "10X98765432"[sum(int(d) * k for d, k in zip(num, w, strict=False)) % 11] \
                    == num[-1]
                ids += 1
            assert re.fullmatch(r"1\d{2}0000\d{4}", str(r["phone"]))
            phones += 1
            embedded += bool(re.search(r"\d{17}[\dX]|1\d{2}0000\d{4}", str(r["content"])))
    assert ids and phones and embedded

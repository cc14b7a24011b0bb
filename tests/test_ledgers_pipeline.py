"""Demo ledgers through the real Dagster run: applications, reconciliation, no personal data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from conftest import BuiltHome

from pipelines.cli import main
from pipelines.ledgers.read import read_ledger_bytes


def _truths(demo: Path) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((demo / "ledgers").glob("*.truth.json"))
    ]


def _ledger_files(demo: Path) -> list[Path]:
    return sorted(p for p in (demo / "ledgers").iterdir() if p.suffix in {".csv", ".xlsx"})


def _pii(demo: Path) -> dict[str, set[str]]:
    """Every fake identifier the generator wrote into the demo ledgers."""
    out: dict[str, set[str]] = {
        "name": set(),
        "id_number": set(),
        "phone": set(),
        "email": set(),
        "address": set(),
    }
    for p in _ledger_files(demo):
        table = read_ledger_bytes(p.read_bytes(), p.name).table
        for col, values in out.items():
            if col in table.columns:
                values |= {v for v in table[col].to_list() if v}
    return out


def test_the_dagster_run_loads_every_demo_application(built_home: BuiltHome) -> None:
    assert built_home.result.success
    truths = _truths(built_home.demo)
    assert truths
    con = duckdb.connect(str(built_home.warehouse), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM core_application").fetchone()[0]
        bodies = con.execute("SELECT count(*) FROM out_ledger_body_year").fetchone()[0]
        quarantined = con.execute(
            "SELECT count(*) FROM core_quarantine WHERE stage = 'ledger'"
        ).fetchone()[0]
    finally:
        con.close()
    assert n == sum(t["rows"] for t in truths)
    assert bodies == len({(t["body"]["name"], t["year"]) for t in truths if t["rows"]})
    assert quarantined == 0
    checks = {
        e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data.passed
        for e in built_home.result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert checks["no_personal_data"] is True


def test_reconciliation_agrees_with_the_ledger_truth(built_home: BuiltHome) -> None:
    expected = built_home.expected()
    con = duckdb.connect(str(built_home.warehouse), read_only=True)
    try:
        rec = con.execute(
            "SELECT body_name, year, key, ledger_value, report_value, status "
            "FROM out_reconciliation"
        ).fetchall()
    finally:
        con.close()
    by = {(b, y, k): (lv, rv, s) for b, y, k, lv, rv, s in rec}
    compared = clean = 0
    for truth in _truths(built_home.demo):
        faulty = bool(expected[truth["report"]]["publisher_errors"])
        for key, value in truth["values"].items():
            lv, rv, status = by[(truth["body"]["name"], truth["year"], key)]
            assert lv == value, (truth["source"], key)
            compared += 1
            if not faulty and status in ("match", "differs"):
                assert status == "match", (truth["source"], key, lv, rv)
                clean += 1
    assert compared == sum(len(t["values"]) for t in _truths(built_home.demo))
    assert clean > 100


def _texts_of_warehouse(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            cols = [
                c
                for c, t in con.execute(
                    f"SELECT column_name, data_type FROM duckdb_columns() "
                    f"WHERE table_name = '{table}'"
                ).fetchall()
                if t == "VARCHAR"
            ]
            for c in cols:
                parts += [
                    v
                    for (v,) in con.execute(
                        f'SELECT DISTINCT "{c}" FROM {table} WHERE "{c}" IS NOT NULL'
                    ).fetchall()
                ]
    finally:
        con.close()
    return "\n".join(parts)


def test_no_personal_data_in_warehouse_exports_or_cli(
    built_home: BuiltHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    pii = _pii(built_home.demo)
    assert pii["id_number"] and pii["phone"] and pii["name"]
    monkeypatch.setenv("GONGKAI_HOME", str(built_home.home))
    runner = CliRunner()
    files = [str(p) for p in _ledger_files(built_home.demo)]
    outputs = [
        runner.invoke(main, ["ledger", *args, *files]).output
        for args in (["--json"], ["--summary"], [])
    ]
    assert len(outputs[0].splitlines()) == sum(t["rows"] for t in _truths(built_home.demo))
    exports = "\n".join(
        p.read_text(encoding="utf-8-sig", errors="ignore")
        for p in (built_home.home / "export").rglob("*")
        if p.suffix in {".csv", ".json"}
    )
    haystacks = {
        "warehouse": _texts_of_warehouse(built_home.warehouse),
        "exports": exports,
        **{f"cli{i}": o for i, o in enumerate(outputs)},
    }
    persons = {n for n in pii["name"] if re.fullmatch(r"[\u4e00-\u9fff]{2,3}", n)}
    for where, text in haystacks.items():
        for kind in ("id_number", "phone", "email", "address"):
            leaked = [v for v in pii[kind] if v in text]
            assert not leaked, (where, kind, leaked[:3])
        # Two-character names also occur inside ordinary words; search them in ledger text.
        ledger_text = (
            text
            if where.startswith("cli")
            else "\n".join(line for line in text.splitlines() if "申请" in line)
        )
        leaked = [n for n in persons if (len(n) == 3 and n in text) or n in ledger_text]
        assert not leaked, (where, leaked[:3])


def test_cli_summary_uses_the_published_reports_for_the_body(
    built_home: BuiltHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_HOME", str(built_home.home))
    truth = next(t for t in _truths(built_home.demo) if t["rows"])
    out = CliRunner().invoke(
        main, ["ledger", "--summary", str(built_home.demo / "ledgers" / truth["source"])]
    )
    (obj,) = [json.loads(line) for line in out.output.splitlines()]
    assert obj["body_id"] == f"{truth['body']['region_code']}|{truth['body']['name']}"
    assert obj["year"] == truth["year"]
    assert {k: obj["values"][k] for k in truth["values"]} == truth["values"]

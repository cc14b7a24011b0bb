"""The whole Dagster job on the tiny demo province: values in DuckDB match the generator's truth."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pytest

from tests.conftest import BuiltHome

pytestmark = pytest.mark.slow


def _con(built: BuiltHome) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(built.warehouse), read_only=True)


def test_run_succeeds_and_every_check_ran(built_home: BuiltHome) -> None:
    result = built_home.result
    assert result.success
    evaluations = [
        e.asset_check_evaluation_data
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
    ]
    names = {ev.check_name for ev in evaluations}
    assert {"warehouse_schemas", "warehouse_expectations", "no_reading_errors_published"} <= names
    assert {
        "rule_carry_balance",
        "rule_row_total",
        "rule_outcomes_sum",
        "rule_appeals_total",
    } <= names
    blocking = {
        ev.check_name: ev.passed for ev in evaluations if ev.severity == dg.AssetCheckSeverity.ERROR
    }
    assert all(blocking.values()), blocking


def test_bad_files_are_quarantined_with_a_reason_and_the_rest_published(
    built_home: BuiltHome,
) -> None:
    con = _con(built_home)
    q = dict(con.execute("SELECT item, reason FROM core_quarantine").fetchall())
    for name in built_home.bad_files:
        assert q.get(name), name
    published = {
        r[0]
        for r in con.execute("SELECT source FROM core_report WHERE status='published'").fetchall()
    }
    assert published >= set(built_home.expected())  # every demo document published


def test_published_values_equal_the_generator_truth(built_home: BuiltHome) -> None:
    con = _con(built_home)
    truth = built_home.expected()
    rows = con.execute(
        "SELECT r.source, v.key, v.value FROM core_value v JOIN core_report r USING (report_id)"
    ).fetchall()
    got: dict[str, dict[str, float]] = {}
    for source, key, value in rows:
        got.setdefault(source, {})[key] = value
    compared = wrong = 0
    for source, exp in truth.items():
        for key, value in exp["values"].items():
            if key in got.get(source, {}):
                compared += 1
                wrong += got[source][key] != value
    assert compared >= 0.95 * sum(len(e["values"]) for e in truth.values())
    assert wrong == 0


def test_province_rollup_equals_sum_of_reports(built_home: BuiltHome) -> None:
    con = _con(built_home)
    truth = built_home.expected()
    key = "applications.new_received.total"
    by_year: dict[int, float] = {}
    for exp in truth.values():
        if key in exp["values"]:
            by_year[exp["year"]] = by_year.get(exp["year"], 0) + exp["values"][key]
    rows = dict(
        con.execute(
            f"SELECT year, \"{key}\" FROM out_region_year WHERE level = 'province' ORDER BY year"
        ).fetchall()
    )
    assert rows == by_year
    coverage = con.execute("SELECT min(coverage), max(coverage) FROM out_region_year").fetchall()[0]
    assert 0 < coverage[0] <= coverage[1] <= 1


def test_injected_faults_are_findings_blamed_on_the_publisher(built_home: BuiltHome) -> None:
    con = _con(built_home)
    findings = con.execute(
        "SELECT r.source, f.rule, f.blame FROM core_finding f JOIN core_report r USING (report_id)"
    ).fetchall()
    found = {(s, rule) for s, rule, blame in findings if blame == "publisher"}
    expected = {
        (src, e["rule"])
        for src, exp in built_home.expected().items()
        for e in exp.get("publisher_errors", [])
        if e["rule"] in ("row_total", "outcomes_sum", "appeals_total", "carry_balance")
    }
    assert expected, "the tiny demo must contain single-report faults"
    assert expected <= found


def test_provenance_traces_every_value_to_its_document(built_home: BuiltHome) -> None:
    con = _con(built_home)
    rows = con.execute(
        "SELECT r.source, v.provenance, v.method "
        "FROM core_value v JOIN core_report r USING (report_id) USING SAMPLE 200 ROWS"
    ).fetchall()
    assert rows
    for source, prov, method in rows:
        p = json.loads(prov)
        assert p["source"] == source
        assert method in ("table", "prose", "constraint")


def test_export_package_written(built_home: BuiltHome) -> None:
    folders = list((built_home.home / "export").glob("gongkai-*/datapackage.json"))
    assert len(folders) == 1
    package = json.loads(folders[0].read_text(encoding="utf-8"))
    assert package["demo"] is True
    names = {r["name"] for r in package["resources"]}
    assert {"out_body_year-csv", "out_body_year-parquet", "workbook-xlsx"} <= names


def test_data_docs_kept(built_home: BuiltHome) -> None:
    docs = list((built_home.home / "quality").rglob("data_docs/local_site/index.html"))
    assert docs and docs[0].stat().st_size > 1000

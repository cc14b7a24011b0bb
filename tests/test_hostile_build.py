"""A real build on hostile inputs: no personal data in any output, no live formula in any sheet.

The CLI runs as users run it (``gongkai ingest``, ``build``, ``export``, ``ledger``,
``scorecard``) in a subprocess with its own ``GONGKAI_HOME``, so the Dagster instance, its
event log and compute logs, the IO manager's pickles, the Great Expectations Data Docs, the
published DuckDB and the open-data package all land under that home. Every file there except the
inbox (which keeps the input bytes unchanged, by design) is read — Parquet, XLSX, DuckDB and
SQLite decoded — together with everything the commands printed and every dashboard download,
and searched for every personal-data string of the inputs, also as bare digits with any
separators in between.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import hostile_inputs as h
import openpyxl
import polars as pl
import pytest

from dashboards import data, exports
from pipelines.demo import generate
from warehouse.export import export_dataset
from warehouse.personal_data import PersonalDataFound, scan_database

pytestmark = pytest.mark.hostile

GONGKAI = Path(sys.executable).with_name("gongkai")


@dataclass
class HostileBuild:
    home: Path
    inputs: Path
    outputs: dict[str, str]  # command → stdout + stderr
    codes: dict[str, int]

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse" / "gongkai.duckdb"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> HostileBuild:
    root = tmp_path_factory.mktemp("hostile")
    home, inputs, demo = root / "home", root / "inputs", root / "demo"
    h.write_hostile_inputs(inputs)
    generate(demo, seed=7, scale=0.05)
    for doc in sorted((demo / "docs").glob("*_2023.*"))[:2]:  # reports that publish
        shutil.copy(doc, inputs / doc.name)
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "GONGKAI_PII_KEY")}
    env |= {"GONGKAI_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    ledgers = sorted(str(p) for p in inputs.iterdir() if p.suffix in (".csv", ".xlsx"))
    commands = {
        "ingest": ["ingest", str(inputs)],
        "build": ["build", "--workers", "2"],
        "export": ["export", str(root / "export_cli")],
        "ledger_json": ["ledger", "--json", *ledgers],
        "ledger_summary": ["ledger", "--summary", *ledgers],
        "ledger": ["ledger", *ledgers],
        "scorecard": ["scorecard", "--xlsx", str(root / "export_cli" / "fixes.xlsx")],
    }
    outputs, codes = {}, {}
    for name, args in commands.items():
        p = subprocess.run(
            [str(GONGKAI), *args], env=env, capture_output=True, text=True, timeout=600
        )
        outputs[name], codes[name] = p.stdout + p.stderr, p.returncode
    return HostileBuild(home, inputs, outputs, codes)


def test_the_hostile_build_publishes_with_every_gate_passed(hostile: HostileBuild) -> None:
    assert hostile.codes["build"] == 0, hostile.outputs["build"][-2000:]
    assert hostile.codes["export"] == 0, hostile.outputs["export"][-2000:]
    con = duckdb.connect(str(hostile.warehouse), read_only=True)
    try:
        assert scan_database(con) == {}
        reasons = con.sql("SELECT reason FROM core_quarantine WHERE rule = 'unreadable_row'").pl()[
            "reason"
        ]
        apps = con.sql("SELECT body_name, request_text FROM core_application").pl()
    finally:
        con.close()
    # swapped rows are quarantined and the reason says what the cell looks like
    assert reasons.len() >= 8
    assert reasons.str.contains("收到日期：不是日期（18 位号码，疑似证件号）").any()
    assert reasons.str.contains("not a date \\(11 digits, looks like a mobile number\\)").any()
    # the good rows arrive with the body from the file name, not from the PII-laden title
    assert set(apps["body_name"]) == {"南京市玄武区人民政府"}
    text = "\n".join(apps["request_text"])
    assert "[证件号]" in text and "[电话]" in text and "[邮箱]" in text
    for kept in h.KEPT_IN_REQUEST:
        assert kept in text


def _dashboard_downloads(warehouse: Path) -> dict[str, bytes]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            f"{name}.{fmt}": exports.encode(data.table(con, name), fmt)
            for name in data.EXPORT_TABLES
            for fmt in exports.FORMATS
        }
    finally:
        con.close()


def _download_texts(downloads: dict[str, bytes]) -> dict[str, str]:
    out = {}
    for name, raw in downloads.items():
        if name.endswith(".csv"):
            out[name] = raw.decode("utf-8-sig")
        elif name.endswith(".parquet"):
            out[name] = pl.read_parquet(io.BytesIO(raw)).write_csv()
        else:
            wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
            out[name] = "\n".join(
                "\t".join("" if c is None else str(c) for c in r)
                for ws in wb.worksheets
                for r in ws.iter_rows(values_only=True)
            )
    return out


def test_no_personal_data_in_any_output(hostile: HostileBuild) -> None:
    texts = {
        **{f"cli:{k}": v for k, v in hostile.outputs.items()},
        **h.file_texts(hostile.home, skip=(hostile.home / "inbox",)),
        **h.file_texts(hostile.inputs.parent / "export_cli"),
        **_download_texts(_dashboard_downloads(hostile.warehouse)),
    }
    places = set(texts)
    # the scan reached every kind of output
    assert any(p.startswith("quality/") and p.endswith(".html") for p in places)
    assert any(p.startswith("dagster/") for p in places)
    assert any(p.endswith("core_quarantine.parquet") for p in places)
    assert any(p.endswith("gongkai.xlsx") for p in places)
    assert any(":duckdb:core_application" in p for p in places)
    assert h.leaks(texts) == {}
    # and the scanner is honest: the inputs themselves are full of it
    inputs = h.file_texts(hostile.inputs)
    assert set(h.leaks(inputs)["南京市玄武区人民政府2023年依申请公开台账.csv"]) == set(
        h.pii_values()
    )


def _csv_titles(path: Path) -> set[str]:
    rows = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig")))
    return {r["title"] for r in rows}


def test_formula_titles_are_neutralised_in_every_sheet(hostile: HostileBuild) -> None:
    exported = next((hostile.home / "export").glob("gongkai-*"))
    titles = _csv_titles(exported / "data" / "core_report.csv")
    assert {"'" + t for t in h.FORMULA_TITLES} <= titles
    assert not [t for t in titles if t[:1] in h.FORMULA_TRIGGERS]
    # Parquet keeps the exact title; nothing else changes
    exact = set(pl.read_parquet(exported / "data" / "core_report.parquet")["title"].drop_nulls())
    assert set(h.FORMULA_TITLES) <= exact
    assert {t for t in exact if t[:1] not in h.FORMULA_TRIGGERS} <= titles
    for root in (hostile.home / "export", hostile.inputs.parent / "export_cli"):
        assert h.formula_cells(root) == {}
    downloads = _dashboard_downloads(hostile.warehouse)
    csv_titles = {
        r["title"]
        for r in csv.DictReader(io.StringIO(downloads["core_report.csv"].decode("utf-8-sig")))
    }
    assert {"'" + t for t in h.FORMULA_TITLES} <= csv_titles
    ws = openpyxl.load_workbook(io.BytesIO(downloads["core_report.xlsx"])).active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]


def test_a_warehouse_with_personal_data_is_neither_published_nor_exported(
    hostile: HostileBuild, tmp_path: Path
) -> None:
    from pipelines.assets.checks import no_personal_data_published

    bad = tmp_path / "gongkai.duckdb"
    shutil.copy(hostile.warehouse, bad)
    con = duckdb.connect(str(bad))
    con.execute(
        "INSERT INTO core_quarantine VALUES "
        "('x.csv', 'ledger', 'unreadable_row', '联系 139 1234 5678', now()::TIMESTAMP)"
    )
    con.execute("UPDATE core_report SET title = title || ' 320102199001011234' WHERE true")
    con.close()
    result = no_personal_data_published(str(bad))
    assert not result.passed
    hits = result.metadata["hits"].value
    assert hits["core_quarantine.reason"] == 1 and hits["core_report.title"] >= 1
    with pytest.raises(PersonalDataFound) as err:
        export_dataset(bad, tmp_path / "out")
    assert "core_quarantine.reason (1)" in str(err.value) and "1391234" not in str(err.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

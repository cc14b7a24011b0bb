"""The dashboard's pure parts: queries on the fixture warehouse, exports, file identity."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from dashboard_fixture import make_fixture_warehouse

from dashboards import data, exports, store


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    path = make_fixture_warehouse(tmp_path_factory.mktemp("wh") / "gongkai.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_kpis_recompute_rate_from_sums(con) -> None:
    k = data.kpis(con, 2023)
    assert (k["reports"], k["bodies"], k["quarantined"], k["findings"]) == (4, 4, 1, 3)
    assert k["applications"] == 540
    assert k["disclosure_rate"] == pytest.approx(370 / 540)
    assert data.kpis(con, 2021)["has_data"] is False


def test_ranking_ties_and_missing(con) -> None:
    df = data.ranking(con, 2023, "county", data.APPLICATIONS)
    assert df["region_name"].to_list() == ["乙市西县", "甲市东县", "乙市南县"]
    assert df["value"].to_list() == [80, 40, None]
    assert df["rank"].to_list() == [1, 2, 3]


def test_levels_years_meta(con) -> None:
    assert data.levels(con) == ["province", "city", "county"]
    assert data.years(con) == [2022, 2023]
    meta = data.meta(con)
    assert meta["is_demo"] is True
    assert meta["dataset_version"] == "demo-2024.03.01"


def test_outcome_mix_uses_category_subtotals(con) -> None:
    mix = data.outcome_mix(con).filter(pl.col("year") == 2023)
    values = dict(zip(mix["outcome"], mix["value"], strict=True))
    assert values == {
        "granted": 275,
        "partially_granted": 95,
        "denied": 52,
        "unable": 91,
        "not_processed": 22,
        "other": 5,
    }


def test_reasons_share_within_category_for_a_city(con) -> None:
    df = data.reasons(con, 2023, "990200").filter(pl.col("value").is_not_null())
    shares = dict(zip(df["reason"], df["share"], strict=True))
    assert shares["denied.third_party_rights"] == 0.75
    assert shares["unable.not_held"] == pytest.approx(55 / 65)


def test_findings_filters(con) -> None:
    assert data.findings(con, 2023, None, "reading")["rule"].to_list() == ["row_total"]
    # The findings list names the document (source file), not the hash.
    assert data.findings(con, None, "outcome_sum", None)["report_id"].to_list() == [
        "r-B1-2023.html",
        "r-B2-2022.html",
    ]
    summary = data.finding_summary(con)
    assert summary.filter(pl.col("rule") == "outcome_sum")["reports"].to_list() == [2]


def test_table_refuses_unknown_names(con) -> None:
    with pytest.raises(ValueError):
        data.table(con, "meta_build; DROP TABLE x")
    assert data.table(con, "core_finding").height == 4


def test_csv_has_bom_and_flattens_lists(con) -> None:
    raw = exports.to_csv(data.table(con, "core_finding"))
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "办理结果总计与各项之和不符" in text
    assert "applications.total_processed.total" in text


def test_parquet_and_xlsx_round_trip(con) -> None:
    df = data.ranking(con, 2023, "city", data.APPLICATIONS)
    assert pl.read_parquet(io.BytesIO(exports.to_parquet(df))).equals(df)
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(df))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("rank", "region_code", "region_name", "display_name", "value")
    assert rows[1][2:5] == ("乙市", "乙市", 380)


def test_stamp_changes_on_atomic_publish(tmp_path: Path) -> None:
    path = make_fixture_warehouse(tmp_path / "gongkai.duckdb")
    before = store.stamp(path)
    staged = make_fixture_warehouse(tmp_path / "next.duckdb")
    os.replace(staged, path)
    assert store.stamp(path) != before
    assert store.stamp(tmp_path / "missing.duckdb") is None


def test_export_package_found_beside_warehouse(tmp_path: Path) -> None:
    wh = tmp_path / "warehouse" / "gongkai.duckdb"
    wh.parent.mkdir()
    assert store.export_package(wh) is None
    (tmp_path / "export").mkdir()
    package = {"name": "gongkai", "version": "1.2", "resources": [{"name": "a", "path": "a.csv"}]}
    (tmp_path / "export" / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    found = store.export_package(wh)
    assert found["version"] == "1.2"
    assert found["resources"] == [{"name": "a", "path": "a.csv"}]

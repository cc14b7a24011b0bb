"""The open-data export: Parquet, CSV (UTF-8 with BOM) and XLSX, with a Frictionless descriptor.

Everything a downloader needs to trust and understand the data travels with it: a
``datapackage.json`` describing every field in Chinese and English (generated from the same
registry as the warehouse), sha256 checksums, the dataset version and the build it came from.
CSV gets a BOM because Excel as used in China opens BOM-less UTF-8 as GBK and garbles it. Text
cells that a spreadsheet would run as a formula (a title starting with ``=``, ``+``, ``-``, ``@``,
a tab or CR) get a leading ``'`` in CSV and XLSX (``warehouse.safe_cells``); Parquet keeps exact
values. Nothing is written from a warehouse in which any column looks like personal data
(``warehouse.personal_data``).
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.inbox import sha256_file
from schemas.tables import Column, Table, tables
from warehouse.personal_data import ensure_no_personal_data
from warehouse.safe_cells import neutralise_formulas

EXPORT_TABLES = (
    "dim_region",
    "dim_body",
    "dim_year",
    "dim_measure",
    "core_report",
    "core_value",
    "core_finding",
    "core_quarantine",
    "out_body_year",
    "out_region_year",
)
# XLSX holds at most 1,048,576 rows per sheet; the long fact table goes to CSV/Parquet only.
XLSX_TABLES = ("dim_region", "dim_body", "dim_measure", "out_body_year", "out_region_year")

FORMULA_NOTE = (
    "以 = + - @、制表符或回车开头的文本单元格前加单引号 '，"
    "以免电子表格当作公式执行（Parquet 为原值）"
    " / text cells starting with = + - @, a tab or CR carry a leading ' so spreadsheets do not "
    "run them as formulas (Parquet holds the exact values)"
)
_FRICTIONLESS_TYPES = {
    "VARCHAR": "string",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "DOUBLE": "number",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "datetime",
}


def field_descriptor(column: Column) -> dict:
    """Frictionless Table Schema field, bilingual."""
    d: dict = {
        "name": column.name,
        "type": _FRICTIONLESS_TYPES[column.type],
        "title": column.zh,
        "description": f"{column.zh} / {column.en}",
        "zh": column.zh,
        "en": column.en,
    }
    constraints: dict = {}
    if not column.nullable:
        constraints["required"] = True
    if column.ge is not None:
        constraints["minimum"] = column.ge
    if column.le is not None:
        constraints["maximum"] = column.le
    if column.isin:
        constraints["enum"] = list(column.isin)
    if constraints:
        d["constraints"] = constraints
    if column.unit:
        d["unit"] = column.unit
    return d


def resource_descriptor(table: Table, files: dict[str, Path], root: Path) -> list[dict]:
    """One Frictionless resource per file format of a table."""
    out = []
    for fmt, path in files.items():
        r = {
            "name": f"{table.name}-{fmt}",
            "path": str(path.relative_to(root)),
            "format": fmt,
            "title": table.zh,
            "description": f"{table.zh} / {table.en}",
            "hash": f"sha256:{sha256_file(path)}",
            "bytes": path.stat().st_size,
        }
        if fmt == "csv":
            r.update({"mediatype": "text/csv", "encoding": "utf-8-sig"})
            r["description"] += f" {FORMULA_NOTE}"
        if fmt in ("csv", "parquet"):
            schema: dict = {"fields": [field_descriptor(c) for c in table.columns]}
            if table.primary_key:
                schema["primaryKey"] = list(table.primary_key)
            r["schema"] = schema
        out.append(r)
    return out


def export_dataset(warehouse: Path, out_dir: Path) -> Path:
    """Export the published warehouse to ``out_dir/gongkai-<version>/``; return that folder.

    The folder is written beside its final name and renamed into place, so a half-written
    export is never mistaken for a finished one.
    """
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        # The build checked this before publishing; an export of any other file checks again.
        ensure_no_personal_data(con)
        meta = con.execute(
            "SELECT dataset_version, built_at, is_demo, engine_version FROM meta_build"
        ).fetchall()[0]
        version, built_at, is_demo, engine_version = meta
        final = out_dir / f"gongkai-{version}"
        staging = out_dir / f".gongkai-{version}.partial"
        if staging.exists():
            shutil.rmtree(staging)
        (staging / "data").mkdir(parents=True)
        frames = {name: con.sql(f"SELECT * FROM {name}").pl() for name in EXPORT_TABLES}
    finally:
        con.close()

    resources = []
    for name, frame in frames.items():
        files = {
            "parquet": staging / "data" / f"{name}.parquet",
            "csv": staging / "data" / f"{name}.csv",
        }
        frame.write_parquet(files["parquet"])  # exact values: Parquet cells are never run
        files["csv"].write_bytes(csv_bytes(frame))
        resources += resource_descriptor(tables()[name], files, staging)

    xlsx = staging / "data" / "gongkai.xlsx"
    _write_xlsx(xlsx, {n: frames[n] for n in XLSX_TABLES})
    resources.append(
        {
            "name": "workbook-xlsx",
            "path": str(xlsx.relative_to(staging)),
            "format": "xlsx",
            "title": "汇总工作簿（维表与宽表，每表一页）",
            "description": f"Workbook: dimensions and marts, one sheet per table. {FORMULA_NOTE}",
            "hash": f"sha256:{sha256_file(xlsx)}",
            "bytes": xlsx.stat().st_size,
        }
    )
    package = {
        "profile": "data-package",
        "name": "gongkai-disclosure-statistics",
        "title": "政府信息公开工作年度报告统计数据",
        "description": (
            "各级行政机关政府信息公开工作年度报告中的统计数字，按统一数据契约抽取、校验。"
            " / Statistics of Chinese government information-disclosure annual reports, "
            "extracted into one canonical contract and checked against the reports' own rules."
            + (" 演示数据（生成）/ DEMO DATA (generated)." if is_demo else "")
        ),
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "built_at": built_at.isoformat() if built_at else None,
        "engine_version": engine_version,
        "demo": bool(is_demo),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "sources": [
            {"title": "政府信息公开工作年度报告（各机关公开发布）", "path": "core_report.csv"}
        ],
        "resources": resources,
    }
    (staging / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    files = [p for p in sorted(staging.rglob("*")) if p.is_file()]
    sums = [f"{sha256_file(p)}  {p.relative_to(staging)}" for p in files]
    (staging / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    return final


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM, formula-like text cells neutralised (``warehouse.safe_cells``)."""
    return b"\xef\xbb\xbf" + neutralise_formulas(frame).write_csv().encode("utf-8")


def _write_xlsx(path: Path, frames: dict[str, pl.DataFrame]) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(str(path)) as wb:
        for name, frame in frames.items():
            neutralise_formulas(frame).write_excel(wb, worksheet=name[:31], autofit=False)

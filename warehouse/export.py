"""The open-data export: Parquet, CSV (UTF-8 with BOM) and XLSX, with a Frictionless descriptor.

Everything a downloader needs to trust and understand the data travels with it: a
``datapackage.json`` describing every field in Chinese and English (generated from the same
registry as the warehouse), sha256 checksums, the dataset version and the build it came from.

Tables are streamed from DuckDB to their files (:mod:`warehouse.stream_out`), never held in
memory, so a national warehouse (40 million values) exports in constant memory. The long fact
table is written one folder per year and one file per data segment
(``data/core_value/year=2023/<segment>.parquet`` and ``.csv``; ``part.*`` for a warehouse whose
segments are not at hand), the others one file each (``data/out_body_year.csv``). The XLSX
workbook has a sheet for every table that fits a worksheet (1,048,576 rows) and 5 million
cells; a larger one gets a workbook per province, a longer one none, and ``datapackage.json``
says which and why. Files unchanged since the previous export are linked from it
(:mod:`warehouse.export_reuse`).
CSV gets a BOM because Excel as used in China opens BOM-less UTF-8 as GBK and garbles it. Text
cells that a spreadsheet would run as a formula (a title starting with ``=``, ``+``, ``-``, ``@``,
a tab or CR) get a leading ``'`` in CSV and XLSX (``warehouse.safe_cells``); Parquet keeps exact
values. Nothing is written from a warehouse in which any column looks like personal data
(``warehouse.personal_data``).
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.inbox import sha256_file
from schemas.tables import Column, Table, tables
from warehouse import export_reuse, stream_out
from warehouse.personal_data import ensure_no_personal_data

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
    # Reviewed values beside the as-published core_value, the corrections in force and the
    # review queue (pipelines/review): exports carry both readings.
    "core_value_reviewed",
    "core_body_reviewed",
    "core_correction",
    "out_review_item",
    "core_collect_status",
    "core_collected_document",
    "out_publication_timeliness",
)
# Written one file per year: the long fact table (40 million rows at national size).
PARTITIONED = ("core_value",)
SEGMENT_THREADS = os.cpu_count() or 1  # segments of the fact table written at a time
# The workbook's sheets (dimensions and marts, what a spreadsheet reader looks at), each only
# while it fits a worksheet; the core tables are for CSV and Parquet.
XLSX_TABLES = ("dim_region", "dim_body", "dim_measure", "out_body_year", "out_region_year",
               "out_publication_timeliness")
XLSX_MAX_ROWS = stream_out.XLSX_MAX_ROWS
# Cells of one worksheet beyond which a table goes into one workbook per province instead.
# A workbook is written again whenever one of its rows changes, and writing costs about 5 µs a
# cell; a province's workbook is linked from the previous export while its rows are unchanged.
# So a national table is split: 1,000 new reports of one province rewrite that province's
# workbooks only (the demo province's tables stay well under this, on the one workbook).
XLSX_MAX_CELLS = 1_000_000


def xlsx_omitted_note(table: str, rows: int) -> dict:
    """Why a table has no worksheet in the workbook, in Chinese and English."""
    return {
        "table": table,
        "rows": rows,
        "reason": (
            f"{rows:,} 行，超过 Excel 工作表上限 1,048,576 行（含表头），未写入 XLSX；"
            "请使用 CSV 或 Parquet"
            f" / {rows:,} rows, over Excel's limit of 1,048,576 rows per worksheet (header "
            "included): not in the XLSX workbook; use CSV or Parquet"
        ),
    }

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


def resource_descriptor(
    table: Table,
    files: dict[str, Path],
    root: Path,
    digests: dict[Path, str] | None = None,
    year: int | str | None = "",
    extra: dict | None = None,
) -> list[dict]:
    """One Frictionless resource per file format of a table (of one year's partition).

    ``digests`` memoises the files' sha256 (they are hashed once, for here and SHA256SUMS);
    ``year`` (``None`` for the partition of reports without a year) names a partition.
    """
    digests = digests if digests is not None else {}
    out = []
    part = "" if year == "" else f"-{'unknown' if year is None else year}"
    for fmt, path in files.items():
        if path not in digests:
            digests[path] = sha256_file(path)
        r = {
            "name": f"{table.name}{part}-{fmt}",
            "path": str(path.relative_to(root)),
            "format": fmt,
            "title": table.zh,
            "description": f"{table.zh} / {table.en}",
            "hash": f"sha256:{digests[path]}",
            "bytes": path.stat().st_size,
        }
        if part:
            r["title"] += f"（{'年度不详' if year is None else f'{year} 年'}）"
            r["description"] += f" — year={'unknown' if year is None else year}"
            r["partition"] = {"table": table.name, "year": year}
        if extra:
            r["name"] += f"-{extra['stem']}" if "stem" in extra else ""
            r["content_key"] = extra["content_key"]
            if "part" in extra:
                r["partition"]["part"] = extra["part"]
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


def _table_files(
    con: duckdb.DuckDBPyConnection, name: str, data: Path
) -> list[tuple[int | str | None, dict[str, Path]]]:
    """Write one table's Parquet and CSV (per year when partitioned); ``(year, files)`` each."""
    if name not in PARTITIONED:
        files = {"parquet": data / f"{name}.parquet", "csv": data / f"{name}.csv"}
        stream_out.copy_parquet(con, name, files["parquet"])  # exact values: never run
        stream_out.copy_csv(con, name, files["csv"])
        return [("", files)]
    return [(year, _year_files(con, name, data, "part", year))
            for year in stream_out.years(con, name)]


def _year_files(con: duckdb.DuckDBPyConnection, name: str, data: Path, stem: str,
                year: int | None, source: str | None = None) -> dict[str, Path]:
    """Write ``data/<table>/year=<year>/<stem>.parquet|.csv``; the files by format.

    The rows are the table's of that year, or ``source``'s (a segment file) when given.
    """
    folder = data / name / f"year={'unknown' if year is None else year}"
    files = {"parquet": folder / f"{stem}.parquet", "csv": folder / f"{stem}.csv"}
    where = stream_out.year_filter(year)
    stream_out.copy_parquet(con, name, files["parquet"], where, source)
    stream_out.copy_csv(con, name, files["csv"], where, source)
    return files


def _segment_files(con: duckdb.DuckDBPyConnection, name: str, parts: Path | None
                   ) -> list[tuple[str, Path]] | None:
    """The segment files the warehouse loaded ``name`` from, when all are still on disk."""
    if parts is None:
        return None
    has = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta_part'"
                      ).fetchall()[0][0]
    if not has:
        return None
    listed = con.execute("SELECT part FROM meta_part WHERE table_name = $t ORDER BY part",
                         {"t": name}).fetchall()
    files = [(p, parts / p) for (p,) in listed]
    if not files or not all(f.is_file() for _, f in files):
        return None
    return files


def _table_resources(
    con: duckdb.DuckDBPyConnection, name: str, root: Path, parts: Path | None,
    previous: dict, digests: dict[Path, str],
) -> list[dict]:
    """Write one table's files and return their resources.

    The partitioned fact table goes one file per year per segment when the warehouse says
    which segments it was loaded from (:mod:`warehouse.export_reuse`): a segment exported by
    the previous build is linked from it, not written again.
    """
    table = tables()[name]
    segments = _segment_files(con, name, parts) if name in PARTITIONED else None
    if segments is None:
        out = []
        for year, files in _table_files(con, name, root / "data"):
            out += resource_descriptor(table, files, root, digests, year)
        return out

    def one(segment: tuple[str, Path]) -> list[dict]:
        part, file = segment
        key = f"part:{part}"
        reused = export_reuse.reuse(previous.get(key), root, digests)
        if reused is not None:
            return reused
        stem = part.rsplit("/", 1)[0].replace("/", "-")
        cur = con.cursor()
        try:
            source = stream_out.segment_rows(cur, file)
            found = cur.execute(f"SELECT DISTINCT year FROM {source} ORDER BY 1 NULLS LAST"
                                ).fetchall()
            out = []
            for (year,) in found:
                files = _year_files(cur, name, root / "data", stem, year, source)
                out += resource_descriptor(table, files, root, digests, year,
                                           {"stem": stem, "content_key": key, "part": part})
            return out
        finally:
            cur.close()

    # Segments are written one per core at a time (a national export writes 2,880 files),
    # each statement on one DuckDB thread: a segment is too small to gain from more, and its
    # rows sorted back into file order on several threads cost more (a national fact table:
    # 80 s instead of 90 s). Resources keep the segments' order whatever order the files are
    # written in.
    threads = max(1, min(SEGMENT_THREADS, len(segments)))
    if threads > 1:
        con.execute("SET threads = 1")
    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return [r for rs in pool.map(one, segments) for r in rs]
    finally:
        if threads > 1:
            con.execute("RESET threads")


def _write_province(warehouse: str, path: str, table: str, where: str) -> str:
    """Write one province's workbook from its own read-only connection; its sha256.

    Top level: a worker process of :func:`_write_all` runs it.
    """
    con = duckdb.connect(warehouse, read_only=True)
    try:
        stream_out.write_xlsx(con, Path(path), [table], where)
    finally:
        con.close()
    return sha256_file(Path(path))


def _write_all(con: duckdb.DuckDBPyConnection, warehouse: Path | None,
               todo: list[tuple[Path, str, str]]) -> dict[Path, str]:
    """Write the workbooks ``(path, table, where)``; their sha256 by path.

    xlsxwriter is pure Python, about 5 µs a cell: a clean national export has some 60 million
    cells in province workbooks, so with several to write they go to one process per core
    (each streams from its own read-only connection). One or two are written here: starting
    processes would cost more than it saves.
    """
    workers = min(os.cpu_count() or 1, len(todo))
    if warehouse is None or workers < 2 or len(todo) < 3:
        out = {}
        for path, table, where in todo:
            stream_out.write_xlsx(con, path, [table], where)
            out[path] = sha256_file(path)
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {path: pool.submit(_write_province, str(warehouse), str(path), table, where)
                   for path, table, where in todo}
        return {path: f.result() for path, f in futures.items()}


def _province_workbooks(
    con: duckdb.DuckDBPyConnection, table: str, root: Path, previous: dict,
    digests: dict[Path, str], warehouse: Path | None = None,
) -> list[dict]:
    """One workbook per province for a table too large for one sheet; unchanged ones linked."""
    provinces = [p for (p,) in con.execute(
        f"SELECT DISTINCT left(region_code, 2) FROM {table} ORDER BY 1 NULLS LAST").fetchall()]
    out: list[dict] = []
    todo: list[tuple[Path, str, str]] = []
    for prov in provinces:
        label = "unknown" if prov is None else f"{prov}0000"
        where = "region_code IS NULL" if prov is None else f"left(region_code, 2) = '{prov}'"
        key = export_reuse.rows_key(con, stream_out.select_sql(con, table, where))
        path = root / "data" / "xlsx" / table / f"province={label}.xlsx"
        rel = str(path.relative_to(root))
        old = [(r, f) for r, f in previous.get(key, []) if r["path"] == rel]
        reused = export_reuse.reuse(old, root, digests)
        if reused is not None:
            out += reused
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        todo.append((path, table, where))
        out.append({
            "name": f"{table}-province={label}-xlsx",
            "path": rel,
            "format": "xlsx",
            "title": f"{tables()[table].zh}（{'省份不详' if prov is None else label} 工作簿）",
            "description": f"{tables()[table].zh} / {tables()[table].en} — province={label}. "
                           f"{FORMULA_NOTE}",
            "sheets": [table],
            "partition": {"table": table, "province": label},
            "content_key": key,
        })
    written = _write_all(con, warehouse, todo)
    digests.update(written)
    for resource in out:
        path = root / resource["path"]
        if path in written:
            resource["hash"] = f"sha256:{written[path]}"
            resource["bytes"] = path.stat().st_size
    return out


def _workbook(
    con: duckdb.DuckDBPyConnection, staging: Path, digests: dict[Path, str],
    previous: dict | None = None, warehouse: Path | None = None,
) -> tuple[list[dict], list[dict], list[str]]:
    """Write the XLSX workbooks; their resources, the tables left out, the ones by province.

    A table goes on a sheet of ``gongkai.xlsx`` while it fits a worksheet and
    :data:`XLSX_MAX_CELLS`; over the cells (a national body-year table: 70 million cells,
    minutes to write and more to open) into one workbook per province; over Excel's row limit,
    nowhere (CSV and Parquet have it), as ``datapackage.json`` says.
    """
    counts = {name: stream_out.row_count(con, name) for name in XLSX_TABLES}
    widths = {name: len(stream_out.table_columns(con, name)) for name in XLSX_TABLES}
    fits = [n for n in XLSX_TABLES if counts[n] <= XLSX_MAX_ROWS]
    placed = {n for n in XLSX_TABLES if "region_code" in tables()[n].column_names}
    by_province = [n for n in fits if counts[n] * widths[n] > XLSX_MAX_CELLS and n in placed]
    sheets = [n for n in fits if n not in by_province]
    omitted = [xlsx_omitted_note(n, counts[n]) for n in XLSX_TABLES if n not in fits]
    xlsx = staging / "data" / "gongkai.xlsx"
    stream_out.write_xlsx(con, xlsx, sheets)
    digests[xlsx] = sha256_file(xlsx)
    description = f"Workbook: dimensions and marts, one sheet per table. {FORMULA_NOTE}"
    if omitted:
        left_out = ", ".join(f"{o['table']} ({o['rows']:,})" for o in omitted)
        description += (
            f" 超过 Excel 行数上限、未写入工作簿的表 / tables over Excel's row limit, not in the "
            f"workbook: {left_out}"
        )
    if by_province:
        description += (
            f" 过大的表按省份分册（data/xlsx/<表>/province=<代码>.xlsx）/ tables too large for "
            f"one sheet, one workbook per province: {', '.join(by_province)}"
        )
    resource = {
        "name": "workbook-xlsx",
        "path": str(xlsx.relative_to(staging)),
        "format": "xlsx",
        "title": "汇总工作簿（维表与宽表，每表一页）",
        "description": description,
        "sheets": sheets,
        "hash": f"sha256:{digests[xlsx]}",
        "bytes": xlsx.stat().st_size,
    }
    resources = [resource]
    for name in by_province:
        resources += _province_workbooks(con, name, staging, previous or {}, digests,
                                         warehouse)
    return resources, omitted, by_province


def export_dataset(warehouse: Path, out_dir: Path, parts: Path | None = None,
                   checked: bool = False) -> Path:
    """Export the published warehouse to ``out_dir/gongkai-<version>/``; return that folder.

    The folder is written beside its final name and renamed into place, so a half-written
    export is never mistaken for a finished one. Tables stream from DuckDB to their files.
    ``parts`` (the home's segment folder) lets the fact table go out segment by segment and
    files of the previous export be reused (:mod:`warehouse.export_reuse`). ``checked``: the
    caller published this very file after the blocking no-personal-data check passed on it
    (the build's export asset); any other export searches the file again first.
    """
    previous = export_reuse.previous_files(out_dir)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.execute("SET enable_progress_bar = false")  # the command prints its own lines
        if not checked:
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
        digests: dict[Path, str] = {}
        resources = []
        for name in EXPORT_TABLES:
            resources += _table_resources(con, name, staging, parts, previous, digests)
        workbooks, omitted, by_province = _workbook(con, staging, digests, previous, warehouse)
        resources += workbooks
    finally:
        con.close()
    package = _package(version, built_at, is_demo, engine_version, resources, omitted)
    package["xlsx_by_province"] = by_province
    (staging / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    files = [p for p in sorted(staging.rglob("*")) if p.is_file()]
    sums = [f"{digests.get(p) or sha256_file(p)}  {p.relative_to(staging)}" for p in files]
    (staging / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    staging.rename(final)
    return final


def _package(version, built_at, is_demo, engine_version, resources, omitted) -> dict:
    """The ``datapackage.json`` descriptor."""
    return {
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
        "layout": export_reuse.LAYOUT,
        "partitioning": {
            "tables": list(PARTITIONED),
            "layout": "data/<table>/year=<year>/<segment>.parquet|.csv (part.* without segments)",
            "note": "按年度分目录，每个数据分段一个文件；年度不详的记录在 year=unknown / "
            "one folder per report year, one file per data segment; rows without a year in "
            "year=unknown",
        },
        "xlsx_omitted": omitted,
        "resources": resources,
    }

"""Write warehouse tables to Parquet, CSV and XLSX straight from DuckDB, in constant memory.

A national warehouse holds some 40 million ``core_value`` rows: read into a data frame and
encoded in memory, one export needed tens of gigabytes. Here DuckDB's ``COPY … TO`` streams
each table (or each year of a partitioned one) to its file, and XLSX rows go from a cursor to
xlsxwriter's constant-memory writer a batch at a time. The rules stay those of
:mod:`warehouse.safe_cells`, written in SQL:

* CSV and XLSX text cells starting with ``=`` ``+`` ``-`` ``@``, a tab or CR get a leading ``'``
  (Parquet keeps exact values);
* CSV starts with a UTF-8 BOM (Excel as used in China reads BOM-less UTF-8 as GBK). DuckDB
  cannot write one, so the first column's header is named with the BOM in front: the file's
  first three bytes are the BOM and every reader that honours it sees the plain name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from schemas.sql import ident, literal
from warehouse.safe_cells import TRIGGERS

BOM = "\ufeff"
XLSX_MAX_ROWS = 1_048_575  # a worksheet's 1,048,576 rows, one of them the header
_BATCH = 10_000
SOURCE_ORDER = "file_row_number"  # a row's place in its segment file (DuckDB's read_parquet)


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """``(name, type)`` of every column of ``table``, in order."""
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {ident(table)}").fetchall()]


def neutralised(column: str) -> str:
    """SQL for a text column with formula-like cells quoted (the rule of ``safe_cells``)."""
    col = ident(column)
    # ord() is the first character's code point: an integer test, where left(…, 1) made a
    # string of every cell (a sixth of the time of writing the fact table's CSV).
    triggers = ", ".join(str(ord(t)) for t in TRIGGERS)
    return f"CASE WHEN ord({col}) IN ({triggers}) THEN '''' || {col} ELSE {col} END"


def select_sql(
    con: duckdb.DuckDBPyConnection, table: str, where: str = "TRUE", spreadsheet: bool = False,
    source: str | None = None,
) -> str:
    """``SELECT`` of ``table``'s rows matching ``where``; for a spreadsheet, text neutralised.

    ``source`` reads the rows from elsewhere: a relation with the table's columns and
    :data:`SOURCE_ORDER` (a segment's rows, :func:`segment_rows`). Rows come in the order of
    the table's key, so the same rows give the same file however the build wrote them (an
    incremental build appends the rows it rebuilt, :mod:`warehouse.mart_delta`); a segment's
    rows come in their order in its file, which is already fixed (sorting 40 million rows by
    key would cost minutes). Without an ``ORDER BY`` a segment's CSV rows came in the order
    DuckDB's threads finished its row groups, which changed from run to run.
    """
    from schemas.tables import UNDECLARED_KEYS, tables

    exprs = []
    columns = table_columns(con, table)
    for name, dtype in columns:
        expr = neutralised(name) if spreadsheet and dtype == "VARCHAR" else ident(name)
        exprs.append(f"{expr} AS {ident(name)}")
    key = tables()[table].primary_key if table in tables() else ()
    keyed = bool(key) and set(key) <= {name for name, _ in columns}
    if source is not None:
        order = f" ORDER BY {SOURCE_ORDER}"
    elif keyed and table not in UNDECLARED_KEYS:
        order = " ORDER BY " + ", ".join(ident(k) for k in key)
    else:
        order = ""
    return f"SELECT {', '.join(exprs)} FROM {source or ident(table)} WHERE {where}{order}"


def _with_bom_header(sql: str, first_column: str) -> str:
    """``sql`` with its first output column renamed ``BOM + name`` (see the module docstring)."""
    alias = f"AS {ident(first_column)}"
    head, sep, tail = sql.partition(alias)
    return head + f"AS {ident(BOM + first_column)}" + tail if sep else sql


def segment_rows(con: duckdb.DuckDBPyConnection, file: Path) -> str:
    """Read a segment's Parquet file once into this connection's temporary table; its name.

    Each of a segment's years is written to two files: read from the Parquet file, the whole
    segment was read and decompressed again for each (twelve times for six years). The table
    keeps each row's place in the file (:data:`SOURCE_ORDER`), the order the files are
    written in. A temporary table is the connection's own: each export thread uses its own.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE segment_rows AS SELECT * FROM "
                f"read_parquet({literal(str(file))}, file_row_number = true)")
    return "segment_rows"


def copy_parquet(con: duckdb.DuckDBPyConnection, table: str, path: Path, where: str = "TRUE",
                 source: str | None = None) -> None:
    """Stream ``table``'s rows (matching ``where``) to a zstd Parquet file, exact values."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sql = select_sql(con, table, where, source=source)
    con.execute(f"COPY ({sql}) TO {literal(str(path))} (FORMAT parquet, COMPRESSION zstd)")


def copy_csv(con: duckdb.DuckDBPyConnection, table: str, path: Path, where: str = "TRUE",
             source: str | None = None) -> None:
    """Stream ``table``'s rows to CSV: UTF-8 with BOM, header, formula-like text quoted."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first = table_columns(con, table)[0][0]
    sql = _with_bom_header(select_sql(con, table, where, spreadsheet=True, source=source),
                           first)
    con.execute(f"COPY ({sql}) TO {literal(str(path))} (FORMAT csv, HEADER)")


def years(con: duckdb.DuckDBPyConnection, table: str) -> list[int | None]:
    """The distinct ``year`` values of ``table``, ascending, a null year last."""
    rows = con.execute(
        f"SELECT DISTINCT year FROM {ident(table)} ORDER BY year NULLS LAST"
    ).fetchall()
    return [r[0] for r in rows]


def year_filter(year: int | None) -> str:
    """The ``WHERE`` clause of one year's partition (a null year is its own)."""
    return "year IS NULL" if year is None else f"year = {int(year)}"


def row_count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows of ``table``."""
    return int(con.execute(f"SELECT count(*) FROM {ident(table)}").fetchall()[0][0])


def write_xlsx(con: duckdb.DuckDBPyConnection, path: Path, sheets: Sequence[str],
               where: str = "TRUE") -> None:
    """One worksheet per table, streamed from DuckDB through xlsxwriter's constant memory mode.

    Callers pass only tables that fit a worksheet (:data:`XLSX_MAX_ROWS`). Text is neutralised
    in SQL and written as text (xlsxwriter's own formula and URL guessing is off); dates and
    times get a date format per column.
    """
    import xlsxwriter

    options = {"constant_memory": True, **XLSX_OPTIONS}
    with xlsxwriter.Workbook(str(path), options) as wb:
        formats = {
            "DATE": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "TIMESTAMP": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        }
        bold = wb.add_format({"bold": True})
        for table in sheets:
            ws = wb.add_worksheet(table[:31])
            columns = table_columns(con, table)
            writers = []
            for i, (_, dtype) in enumerate(columns):
                if dtype in formats:
                    ws.set_column(i, i, 20, formats[dtype])
                writers.append(_writer(ws, dtype))
            ws.write_row(0, 0, [name for name, _ in columns], bold)
            cur = con.execute(select_sql(con, table, where, spreadsheet=True))
            row = 1
            while batch := cur.fetchmany(_BATCH):
                for values in batch:
                    for col, value in enumerate(values):
                        if value is not None:  # a missing value stays an empty cell
                            writers[col](row, col, value)
                    row += 1


XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
}


def write_frame(wb, sheet: str, frame, widths: dict[str, int] | None = None) -> None:
    """``frame`` (polars) as one worksheet: bold header, filter, typed cells, column widths.

    Each column gets its typed writer, as :func:`write_xlsx` streams tables: polars'
    ``write_excel`` spent some 6 µs a cell, most of a province's list of fixes for download.
    Text must be neutralised by the caller (``warehouse.safe_cells``).
    """
    import polars as pl

    ws = wb.add_worksheet(sheet[:31])
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    times = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, frame.columns, wb.add_format({"bold": True}))
    for col, (name, dtype) in enumerate(frame.schema.items()):
        fmt = times if dtype == pl.Datetime else dates if dtype == pl.Date else None
        width = (widths or {}).get(name)
        if width or fmt:
            ws.set_column(col, col, width or 20, fmt)
        if dtype.is_numeric():
            write = ws.write_number
        elif dtype == pl.Boolean:
            write = ws.write_boolean
        elif dtype in (pl.Date, pl.Datetime):
            write = ws.write_datetime
        elif dtype == pl.Utf8:
            write = ws.write_string
        else:
            write = ws.write
        for row, value in enumerate(frame.get_column(name).to_list(), start=1):
            if value is not None:  # a missing value stays an empty cell
                write(row, col, value)
    if frame.width:
        ws.autofilter(0, 0, max(frame.height, 1), frame.width - 1)
        ws.freeze_panes(1, 0)


def _writer(ws, dtype: str):
    """The typed cell writer of a column: skips xlsxwriter's guessing per cell (2× faster)."""
    if dtype in ("DOUBLE", "FLOAT", "REAL") or dtype.startswith(("DECIMAL", "INT", "BIGINT")):
        return ws.write_number
    if dtype in ("SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
        return ws.write_number
    if dtype == "BOOLEAN":
        return ws.write_boolean
    if dtype in ("DATE", "TIMESTAMP"):
        return ws.write_datetime
    if dtype == "VARCHAR":
        return ws.write_string
    return ws.write

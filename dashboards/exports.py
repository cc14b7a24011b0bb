"""Frames to download bytes: CSV (UTF-8 with BOM), Parquet and XLSX.

The BOM is there because Excel in China opens a BOM-less UTF-8 CSV as GBK and garbles every
Chinese name. List and struct columns (e.g. ``core_finding.keys``) are written as text in CSV and
XLSX, which cannot hold them; Parquet keeps them as they are. Text cells a spreadsheet would
run as a formula (a report titled ``=HYPERLINK(…)``) get a leading ``'`` in CSV and XLSX
(``warehouse.safe_cells``); Parquet keeps exact values.
"""

from __future__ import annotations

import io

import polars as pl

from warehouse.safe_cells import neutralise_formulas

XLSX_MAX_ROWS = 1_048_575  # one row is the header
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "parquet": ("Parquet", "application/vnd.apache.parquet"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _as_text(name: str, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if isinstance(dtype, pl.Struct):
        return col.struct.json_encode()
    if isinstance(dtype, pl.Array):
        col = col.arr.to_list()
    return col.list.eval(pl.element().cast(pl.String)).list.join("; ")


def _flat(df: pl.DataFrame) -> pl.DataFrame:
    nested = {c: t for c, t in df.schema.items() if isinstance(t, pl.List | pl.Array | pl.Struct)}
    if not nested:
        return df
    return df.with_columns(_as_text(c, t) for c, t in nested.items())


def to_csv(df: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark, formula-like text cells neutralised."""
    return neutralise_formulas(_flat(df)).write_csv(include_bom=True).encode("utf-8")


def to_parquet(df: pl.DataFrame) -> bytes:
    """Parquet (zstd), the master format of the open data."""
    buf = io.BytesIO()
    df.write_parquet(buf, compression="zstd")
    return buf.getvalue()


def to_xlsx(df: pl.DataFrame, sheet: str = "data") -> bytes:
    """One worksheet with a header row; callers check ``XLSX_MAX_ROWS`` first."""
    buf = io.BytesIO()
    neutralise_formulas(_flat(df)).write_excel(buf, worksheet=sheet[:31], autofit=df.width <= 50)
    return buf.getvalue()


def encode(df: pl.DataFrame, fmt: str) -> bytes:
    """Bytes of ``df`` in ``fmt`` (``csv``, ``parquet`` or ``xlsx``)."""
    writers = {"csv": to_csv, "parquet": to_parquet, "xlsx": to_xlsx}
    return writers[fmt](df)


def with_header_rows(df: pl.DataFrame, headers: list[str]) -> pl.DataFrame:
    """The frame as text under two header rows: Chinese labels, then the canonical keys.

    A reader sees 地区, 分子 …; a script finds the column by its key on the second row. Values
    become text (a CSV/XLSX cell shows them alike); Parquet keeps the typed frame instead.
    """
    flat = _flat(df)
    body = flat.select(pl.col(c).cast(pl.Utf8) for c in flat.columns)
    keys = pl.DataFrame([pl.Series(c, [c], dtype=pl.Utf8) for c in flat.columns])
    out = pl.concat([keys, body], how="vertical")
    return out.rename(dict(zip(flat.columns, _unique(headers), strict=True)))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n}（{seen[n]}）")
    return out


def table_headers(table: str, columns: list[str]) -> list[str]:
    """Chinese names of a warehouse table's columns (``schemas.tables``), else the name."""
    from schemas.tables import tables

    spec = tables().get(table)
    out = []
    for c in columns:
        try:
            out.append(spec.column(c).zh if spec else c)
        except KeyError:
            out.append(c)
    return out


def encode_view(df: pl.DataFrame, headers: list[str], fmt: str) -> bytes:
    """A view as shown: CSV/XLSX with Chinese headers over the canonical keys; Parquet as is."""
    if fmt == "parquet":
        return to_parquet(df)
    return encode(with_header_rows(df, headers), fmt)

"""Text cells that a spreadsheet would run as a formula, neutralised before CSV and XLSX.

Titles, body names and messages come from the documents publishers wrote, so a report titled
``=HYPERLINK("http://x","y")`` would put a live formula into every CSV a reader opens in Excel or
WPS (CSV/formula injection). The standard defence (OWASP "CSV Injection") is applied here once,
for every writer of CSV or XLSX (the open-data export, the dashboard downloads, the scorecard's
list of fixes): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a single quote in front, which spreadsheets show as text and do not evaluate.

Only text (Utf8) columns are touched: numbers stay numbers, and a negative figure lives in a
numeric column, so it is never quoted. Parquet is written as is: it is not a spreadsheet format
and its readers (pandas, DuckDB, Arrow) never evaluate cells, so the data keeps its exact values.
"""

from __future__ import annotations

import polars as pl

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = "^[" + "".join("\\" + c if c in "-" else c for c in TRIGGERS) + "]"


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every text cell starting with a formula trigger prefixed by ``'``."""
    text = [c for c, t in df.schema.items() if t == pl.Utf8]
    if not text:
        return df
    return df.with_columns(
        pl.when(pl.col(c).str.contains(_STARTS)).then("'" + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )

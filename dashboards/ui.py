"""Widgets and formatting shared by the pages, so every page picks years and measures alike.

Measure labels come from ``schemas.registry`` (canonical keys) or ``i18n`` (derived columns and
the few bookkeeping columns of the marts); numbers are formatted once here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from dashboards import data, exports
from dashboards.i18n import STRINGS, frozen, lang, level_name, t
from dashboards.store import query
from schemas import registry

# Measures offered first; every other measure column of the mart follows in registry order.
COMMON_MEASURES = (
    "applications.new_received.total",
    "derived.disclosure_rate",
    "applications.total_processed.total",
    "applications.granted.total",
    "applications.partially_granted.total",
    "applications.denied.total",
    "applications.unable.total",
    "applications.not_processed.total",
    "appeals.review.total",
    "appeals.litigation_direct.total",
    "headline.items_published",
    "coverage",
    "reports",
)
BOOKKEEPING = {"reports": "col.reports", "bodies": "col.bodies", "coverage": "col.coverage"}


def measure_label(key: str) -> str:
    """A column's label: registry for canonical keys, ``i18n`` for derived/bookkeeping ones."""
    if key in BOOKKEEPING:
        return t(BOOKKEEPING[key])
    if key in STRINGS:
        return t(key)
    return registry.label(key, lang())


def row_label(row: str) -> str:
    """Label of an application row or outcome category (``granted``, ``unable.not_held``)."""
    for r in registry.APPLICATION_ROWS:
        if r.key == row:
            return r.label_zh if lang() == "zh" else r.label_en
    for key, zh, en in registry.OUTCOME_CATEGORIES:
        if key == row:
            return zh if lang() == "zh" else en
    return row


def labelled(df: pl.DataFrame, column: str, to_label: Callable[[str], str]) -> pl.DataFrame:
    """Add ``<column>_label`` by mapping each distinct value through ``to_label``.

    The mapping is built here, in the script thread, because the labels depend on the session's
    language and polars UDF threads cannot see ``st.session_state``.
    """
    mapping = {v: to_label(v) for v in df[column].unique().to_list() if v is not None}
    return df.with_columns(
        pl.col(column)
        .replace_strict(mapping, default=None, return_dtype=pl.Utf8)
        .alias(f"{column}_label")
    )


def is_rate(key: str) -> bool:
    """Rates and shares are fractions (0-1) shown as percentages."""
    return key == "coverage" or key.endswith("_rate") or key.startswith("derived.share.")


def fmt_number(value: Any, rate: bool = False) -> str:
    """``1,234`` for counts, ``68.5%`` for rates, ``—`` for a missing value (never 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if rate:
        return f"{value * 100:.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def year_select(key: str, container: Any = st) -> int | None:
    """A year picker defaulting to the latest report year; ``None`` when there are no years."""
    years = query(data.years)
    if not years:
        return None
    return container.selectbox(t("w.year"), years[::-1], key=key)


def level_select(key: str, container: Any = st) -> str | None:
    """Region level picker (city/county/…), defaulting to city where there is one."""
    levels = query(data.levels)
    if not levels:
        return None
    index = levels.index("city") if "city" in levels else 0
    return container.selectbox(
        t("w.level"), levels, index=index, format_func=frozen(level_name), key=key
    )


def measure_select(key: str, container: Any = st) -> str:
    """A measure of ``out_region_year``: common ones first, then every other measure column."""
    present = query(data.columns, "out_region_year")
    common = [m for m in COMMON_MEASURES if m in present]
    rest = [m.key for m in registry.measures() if m.key in present and m.key not in common]
    return container.selectbox(
        t("w.measure"), common + rest, format_func=frozen(measure_label), key=key
    )


def show_table(df: pl.DataFrame, labels: dict[str, str], rates: tuple[str, ...] = ()) -> None:
    """A read-only table with translated headers; rates shown as percentages."""
    shown = df.select([c for c in labels if c in df.columns])
    config = {
        c: st.column_config.NumberColumn(labels[c], format="percent" if c in rates else None)
        if shown.schema[c].is_numeric()
        else st.column_config.Column(labels[c])
        for c in shown.columns
    }
    st.dataframe(shown, column_config=config, hide_index=True, width="stretch")


def set_current_view(page: str, name: str, df: pl.DataFrame) -> None:
    """Remember what a page shows, so the downloads page can offer exactly that."""
    st.session_state["current_view"] = {"page": page, "name": name, "frame": df}


def download_buttons(df: pl.DataFrame, stem: str, key: str) -> None:
    """CSV (UTF-8 with BOM), Parquet and XLSX buttons for one frame, side by side."""
    format_buttons(stem, key, df.height, lambda fmt: exports.encode(df, fmt))


def format_buttons(stem: str, key: str, rows: int, encode: Callable[[str], bytes]) -> None:
    """One download button per export format; XLSX only when ``rows`` fit in a worksheet."""
    cols = st.columns(len(exports.FORMATS))
    for col, (fmt, (name, mime)) in zip(cols, exports.FORMATS.items(), strict=True):
        if fmt == "xlsx" and rows > exports.XLSX_MAX_ROWS:
            col.caption(t("downloads.too_big_xlsx"))
            continue
        col.download_button(
            name,
            # Encoded when clicked, not on every render: a whole table is the slow case.
            data=lambda fmt=fmt: encode(fmt),
            file_name=f"{stem}.{fmt}",
            mime=mime,
            key=f"{key}-{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )

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

from dashboards import data, exports, rates, urlstate
from dashboards.i18n import STRINGS, frozen, lang, level_name, t
from dashboards.store import query
from schemas import registry

# Measures offered first; every other measure column of the mart follows in registry order.
COMMON_MEASURES = (
    "applications.new_received.total",
    "rate.disclosure",
    "rate.review_correction",
    "rate.litigation_correction",
    "rate.denied",
    "rate.unable",
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
    return (
        key == "coverage"
        or key.endswith("_rate")
        or key.startswith(("derived.share.", rates.MEASURE_PREFIX))
    )


MISSING = "—"  # a value the report does not give: never 0, never "None"


def fmt_number(value: Any, rate: bool = False) -> str:
    """``1,234`` for counts, ``68.5%`` for rates, ``—`` for a missing value (never 0)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if rate:
        return f"{value * 100:.1f}%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def year_select(key: str, container: Any = st, param: str = "year") -> int | None:
    """A year picker defaulting to the latest report year, kept in the URL as ``?year=``."""
    years = query(data.years)
    if not years:
        return None
    return urlstate.selectbox(container, t("w.year"), years[::-1], key, param, int)


def level_select(key: str, container: Any = st, param: str = "level") -> str | None:
    """Region level picker (city/county/…), defaulting to city; kept in the URL as ``?level=``."""
    levels = query(data.levels)
    if not levels:
        return None
    index = levels.index("city") if "city" in levels else 0
    return urlstate.selectbox(
        container, t("w.level"), levels, key, param, str, index=index,
        format_func=frozen(level_name),
    )


def measure_options(with_rates: bool = True) -> list[str]:
    """Rates (from sums, ``out_region_rate``) and counts first, then every other measure."""
    present = set(query(data.columns, "out_region_year"))
    common = [m for m in COMMON_MEASURES if m in present or (with_rates and rates.rate_id(m))]
    if not with_rates:
        common.insert(1, "derived.disclosure_rate")
    rest = [m.key for m in registry.measures() if m.key in present and m.key not in common]
    return common + rest


def measure_select(
    key: str, container: Any = st, param: str = "measure", with_rates: bool = True
) -> str:
    """A measure picker: rates and common counts first; kept in the URL as ``?measure=``."""
    return urlstate.selectbox(
        container, t("w.measure"), measure_options(with_rates), key, param, str,
        format_func=frozen(measure_label),
    )


def _column(
    label: str, dtype: pl.DataType, rate: bool, name: str = "", width: int | None = None
) -> Any:
    """Column config: one decimal for %, thousands separators for counts (not for years)."""
    if name == "year" or name.isdigit():
        return st.column_config.NumberColumn(label, format="%d", width=width)
    if rate:
        return st.column_config.NumberColumn(label, format="%.1f%%", width=width)
    if dtype.is_numeric():
        return st.column_config.NumberColumn(label, format="localized", width=width)
    return st.column_config.Column(label, width=width)


def shown_frame(
    df: pl.DataFrame, labels: dict[str, str], rates: tuple[str, ...] = ()
) -> pl.DataFrame:
    """The columns of ``labels`` as they are displayed: rates ×100, flags and nulls in words.

    Pure shaping, shared by the table on screen and the "current view" download, so the file
    holds exactly what the screen shows.
    """
    shown = df.select([c for c in labels if c in df.columns])
    return shown.with_columns(
        [(pl.col(c) * 100).round(1) for c in shown.columns if c in rates]
        + [
            pl.when(pl.col(c)).then(pl.lit(t("w.yes"))).otherwise(pl.lit("")).alias(c)
            for c, dtype in shown.schema.items()
            if dtype == pl.Boolean
        ]
    )


def show_table(
    df: pl.DataFrame,
    labels: dict[str, str],
    rates: tuple[str, ...] = (),
    key: str | None = None,
    on_select: bool = False,
    widths: dict[str, int] | None = None,
    links: tuple[str, ...] = (),
) -> Any:
    """A read-only table with translated headers; rates as percentages with one decimal.

    With ``on_select`` a row can be clicked; the selection event is returned. ``widths`` fixes
    columns' widths in pixels, so the figures a reader compares fit beside each other.
    ``links`` are URL columns shown as links (the caller keeps only web addresses in them).
    """
    shown = shown_frame(df, labels, rates)
    config = {
        c: st.column_config.LinkColumn(labels[c], width=(widths or {}).get(c))
        if c in links else
        _column(labels[c], shown.schema[c], c in rates, c, (widths or {}).get(c))
        for c in shown.columns
    }
    # A missing value is a dash, as in fmt_number: Streamlit's own placeholder is "None".
    common = {"column_config": config, "hide_index": True, "width": "stretch", "key": key,
              "placeholder": MISSING}
    if on_select:
        return st.dataframe(shown, on_select="rerun", selection_mode="single-row", **common)
    st.dataframe(shown, **common)
    return None


def chart_note(formula: str, source: str) -> None:
    """The line under a chart: what the number is, which table it comes from, which build."""
    version = query(data.meta).get("dataset_version") or "—"
    st.caption(t("note.chart", formula=formula, source=source, version=version))


def coverage_note(bodies: Any, expected: Any) -> str:
    """``覆盖 23/25`` when some expected bodies did not report, else empty."""
    if bodies is None or expected is None or not expected or bodies >= expected:
        return ""
    return t("note.coverage", bodies=int(bodies), expected=int(expected))


def with_coverage_notes(df: pl.DataFrame) -> pl.DataFrame:
    """Add ``note`` (coverage under 100 %) and ``coverage_text`` (reported/expected) columns."""
    notes = [coverage_note(b, e) for b, e in zip(df["bodies"], df["bodies_expected"], strict=True)]
    texts = [
        "—" if b is None or e is None else f"{int(b):,}/{int(e):,}"
        for b, e in zip(df["bodies"], df["bodies_expected"], strict=True)
    ]
    return df.with_columns(
        pl.Series("note", notes, dtype=pl.Utf8), pl.Series("coverage_text", texts, dtype=pl.Utf8)
    )


def set_current_view(
    page: str, name: str, df: pl.DataFrame, labels: dict[str, str] | None = None,
    rates: tuple[str, ...] = (),
) -> None:
    """Remember what a page shows, so the downloads page can offer exactly that.

    With ``labels`` the view is the table as displayed (its columns, order and formatting) and
    the download gets Chinese headers with the canonical column names in a second header row.
    """
    frame = shown_frame(df, labels, rates) if labels else df
    keys = list(frame.columns)
    headers = [labels[c] for c in keys] if labels else keys
    st.session_state["current_view"] = {
        "page": page, "name": name, "frame": frame, "headers": headers, "keys": keys,
    }


def download_buttons(df: pl.DataFrame, stem: str, key: str) -> None:
    """CSV (UTF-8 with BOM), Parquet and XLSX buttons for one frame, side by side."""
    format_buttons(stem, key, df.height, lambda fmt: exports.encode(df, fmt))


def format_buttons(stem: str, key: str, rows: int, encode: Callable[[str], bytes]) -> None:
    """One download button per export format; XLSX only when ``rows`` fit in a worksheet."""
    cols = st.columns(len(exports.FORMATS))
    for col, (fmt, (name, mime)) in zip(cols, exports.FORMATS.items(), strict=True):
        if fmt == "xlsx" and rows + 1 > exports.XLSX_MAX_ROWS:  # + the row of canonical keys
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

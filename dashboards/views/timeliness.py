"""答复时效 Timeliness: what the application ledgers say, and whether the reports agree.

Median working days to reply, the share answered by the statutory deadline and the overdue
count, with the outcome mix, by city and year (from ``core_application``); then, per body, the
cell-by-cell reconciliation of the ledger's table 三 with the body's published report.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import data, ui
from dashboards.i18n import t
from dashboards.store import query


def _regions() -> None:
    df = query(data.ledger_timeliness)
    if df.height == 0:
        st.info(t("timeliness.none"))
        return
    ui.show_table(
        df,
        {
            "region_name": t("col.region"),
            "year": t("col.year"),
            "applications": t("timeliness.applications"),
            "median_working_days": t("timeliness.median"),
            "on_time_share": t("timeliness.on_time"),
            "overdue": t("timeliness.overdue"),
            "disclosed_share": t("timeliness.disclosed"),
            "denied_share": t("timeliness.denied"),
        },
        rates=("on_time_share", "disclosed_share", "denied_share"),
    )
    ui.set_current_view(t("page.timeliness"), "ledger-timeliness", df)


def _reconciliation() -> None:
    bodies = query(data.ledger_bodies)
    if bodies.height == 0:
        return
    st.subheader(t("timeliness.reconcile"))
    names = dict(zip(bodies["body_id"], bodies["body_name"], strict=True))
    body = st.selectbox(
        t("timeliness.body"), list(names), format_func=lambda b: names[b] or b, key="rec_body"
    )
    df = query(data.reconciliation, body)
    counts = df.group_by("status").len().sort("status")
    st.caption(
        " · ".join(f"{t('rec.' + s)}: {n}" for s, n in counts.iter_rows())
    )
    shown = df.filter(pl.col("status") != "match").with_columns(
        pl.col("status").map_elements(lambda s: t("rec." + s), return_dtype=pl.Utf8),
        pl.col("key").map_elements(ui.measure_label, return_dtype=pl.Utf8).alias("label"),
    )
    if shown.height == 0:
        st.success(t("timeliness.all_match"))
        return
    ui.show_table(
        shown,
        {
            "year": t("col.year"),
            "label": t("timeliness.cell"),
            "ledger_value": t("timeliness.ledger_value"),
            "report_value": t("timeliness.report_value"),
            "difference": t("timeliness.difference"),
            "status": t("timeliness.status"),
        },
    )


def render() -> None:
    """Draw the page."""
    st.title(t("page.timeliness"))
    st.caption(t("timeliness.help"))
    _regions()
    _reconciliation()


render()

"""数据质量 Data quality: which reports break which rule, and what was held back.

Findings are split by blame: ``publisher`` (the report's own numbers disagree; kept as printed
and flagged) and ``reading`` (we could not read it reliably). The quarantine list shows every
item kept out of the marts with its stage, rule and reason.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, ui
from dashboards.i18n import blame_name, frozen, t
from dashboards.store import query

FINDING_COLUMNS = (
    "report_id",
    "body",
    "year",
    "rule",
    "severity",
    "blame_label",
    "keys",
    "message",
)


def _summary(year: int | None) -> pl.DataFrame:
    summary = ui.labelled(query(data.finding_summary, year), "blame", blame_name)
    by_blame = {
        b: int(summary.filter(pl.col("blame") == b)["findings"].sum())
        for b in ("publisher", "reading")
    }
    c1, c2, c3 = st.columns(3)
    c1.metric(blame_name("publisher"), f"{by_blame['publisher']:,}", border=True)
    c2.metric(blame_name("reading"), f"{by_blame['reading']:,}", border=True)
    c3.metric(t("kpi.quarantined"), f"{query(data.quarantined_reports).height:,}", border=True)
    st.subheader(t("quality.by_rule"))
    if summary.height:
        st.altair_chart(
            charts.findings_by_rule(summary, t("col.rule"), t("col.findings"), t("col.blame")),
            width="stretch",
        )
    return summary


def _findings(year: int | None, rules: list[str]) -> pl.DataFrame:
    st.subheader(t("quality.findings"))
    c1, c2 = st.columns(2)
    rule = c1.selectbox(
        t("w.rule"), ["", *rules], format_func=frozen(lambda r: r or t("w.all")), key="quality_rule"
    )
    blame = c2.selectbox(
        t("w.blame"),
        ["", "publisher", "reading"],
        format_func=frozen(lambda b: blame_name(b) if b else t("w.all")),
        key="quality_blame",
    )
    df = ui.labelled(query(data.findings, year, rule or None, blame or None), "blame", blame_name)
    ui.show_table(
        df,
        {c: t(f"col.{c}") for c in FINDING_COLUMNS}
        | {"report_id": t("col.report"), "blame_label": t("col.blame")},
    )
    return df


def _quarantine() -> None:
    st.subheader(t("quality.quarantine"))
    ui.show_table(
        query(data.quarantine),
        {c: t(f"col.{c}") for c in ("item", "stage", "rule")}
        | {"reason": t("col.reason_q"), "detected_at": t("col.detected_at")},
    )
    st.markdown(f"**{t('quality.quarantined_reports')}**")
    ui.show_table(
        query(data.quarantined_reports),
        {
            "report_id": t("col.report"),
            "body": t("col.body"),
            "year": t("col.year"),
            "quarantine_reason": t("col.reason_q"),
        },
    )


def render() -> None:
    """Draw the page."""
    st.title(t("page.quality"))
    st.caption(t("quality.intro"))
    years = query(data.years)
    year = st.selectbox(
        t("w.year"),
        [None, *years[::-1]],
        format_func=frozen(lambda y: t("w.all") if y is None else str(y)),
        key="quality_year",
    )
    summary = _summary(year)
    df = _findings(year, sorted(summary["rule"].unique().to_list()))
    _quarantine()
    ui.set_current_view(t("page.quality"), f"findings-{year or 'all'}", df.drop("blame_label"))


render()

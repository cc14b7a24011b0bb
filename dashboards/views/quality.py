"""数据质量 Data quality: which reports break which rule, and what was held back.

Findings are split by blame: ``publisher`` (the report's own numbers disagree; kept as printed
and flagged) and ``reading`` (we could not read it reliably). The quarantine list shows every
item kept out of the marts with its stage, rule and reason.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, quality_data, trace_view, ui, urlstate
from dashboards.i18n import (
    blame_name,
    check_name,
    finding_message,
    frozen,
    lang,
    reason_text,
    rule_name,
    severity_name,
    t,
)
from dashboards.store import query

FINDING_COLUMNS = {  # column → label key, 说明 early so it is on screen without scrolling
    "body": "col.body",
    "year": "col.year",
    "rule_label": "col.rule",
    "message_label": "col.message",
    "severity_label": "col.severity",
    "blame_label": "col.blame",
    "report_id": "col.source",
}


def _inconsistent(year: int | None) -> pl.DataFrame:
    """Reports whose own numbers disagree, worst first; a selected row opens its problems."""
    st.subheader(t("quality.bodies"))
    st.caption(t("quality.bodies_help"))
    df = query(quality_data.inconsistent_reports, year)
    if df.height == 0:
        st.info(t("nodata"))
        return df
    # The checker's Chinese wording, through finding_message so a warehouse built before the
    # carry-balance rewording shows it in words too.
    df = ui.labelled(df, "first_message", finding_message)
    message = "first_message_en" if lang() == "en" else "first_message_label"
    names = {r: rule_name(r) for r in set(df["rules"].explode().drop_nulls().to_list())}
    df = df.with_columns(
        pl.col("rules")
        .list.eval(pl.element().replace_strict(names, default=pl.element()))
        .list.join("、")
        .alias("rules_label")
    )
    labels = {
        "body_name": t("col.body"),
        "region_name": t("col.region"),
        "year": t("col.year"),
        message: t("col.first_message"),
        "rules_label": t("col.rule"),
        "errors": t("col.errors_n"),
        "problems": t("col.problems"),
        "location_text": t("col.location_text"),
    }
    event = ui.show_table(df, labels, key="quality_reports", on_select=True)
    ui.set_current_view(t("page.quality"), f"inconsistent-{year or 'all'}", df, labels)
    rows = event.selection.rows if event is not None else []
    if rows:
        picked = df.row(rows[0], named=True)
        _report(picked)
    return df


def _report(picked: dict) -> None:
    """All problems of one report, then the source of the first problem's cells."""
    st.markdown("#### " + t("quality.report_problems", body=picked["body_name"],
                             year=picked["year"]))
    problems = query(quality_data.report_problems, picked["report_id"])
    message = "message_en" if lang() == "en" else "message_zh_label"
    shown = ui.labelled(ui.labelled(problems, "rule", rule_name), "severity", severity_name)
    shown = ui.labelled(shown, "message_zh", finding_message)
    shown = ui.labelled(shown, "check", check_name)
    ui.show_table(
        shown,
        {
            "severity_label": t("col.severity"),
            "check_label": t("col.check"),
            "rule_label": t("col.rule"),
            "location_text": t("col.location"),
            message: t("col.message"),
        },
    )
    keys = tuple(k for k in (picked["first_keys"] or "").split(",") if k)[:3]
    if keys:
        trace_view.value_panel(picked["report_id"], keys)


def _summary(year: int | None) -> pl.DataFrame:
    summary = ui.labelled(query(data.finding_summary, year), "blame", blame_name)
    summary = ui.labelled(summary, "rule", rule_name)
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
            charts.findings_by_rule(
                summary.with_columns(pl.col("rule_label").alias("rule")),
                t("col.rule"), t("col.findings"), t("col.blame"),
            ),
            width="stretch",
        )
        ui.chart_note(t("quality.intro"), "core_finding")
    return summary


def _findings(year: int | None, rules: list[str]) -> pl.DataFrame:
    st.subheader(t("quality.findings"))
    c1, c2 = st.columns(2)
    rule = c1.selectbox(
        t("w.rule"),
        ["", *rules],
        format_func=frozen(lambda r: rule_name(r) if r else t("w.all")),
        key="quality_rule",
    )
    blame = c2.selectbox(
        t("w.blame"),
        ["", "publisher", "reading"],
        format_func=frozen(lambda b: blame_name(b) if b else t("w.all")),
        key="quality_blame",
    )
    df = ui.labelled(query(data.findings, year, rule or None, blame or None), "blame", blame_name)
    df = ui.labelled(ui.labelled(df, "rule", rule_name), "severity", severity_name)
    df = ui.labelled(df, "message", finding_message)
    ui.show_table(df, {c: t(k) for c, k in FINDING_COLUMNS.items()})
    return df


def _quarantine() -> None:
    st.subheader(t("quality.quarantine"))
    quarantine = ui.labelled(query(data.quarantine), "rule", rule_name)
    quarantine = quarantine.with_columns(
        pl.Series("reason", [reason_text(r) for r in quarantine["reason"]], dtype=pl.Utf8)
    )
    quarantine = ui.labelled(quarantine, "stage", lambda s: t(f"stage.{s}"))
    ui.show_table(
        quarantine,
        {"item": t("col.item"), "stage_label": t("col.stage"), "rule_label": t("col.rule")}
        | {"reason": t("col.reason_q"), "detected_at": t("col.detected_at")},
    )
    st.markdown(f"**{t('quality.quarantined_reports')}**")
    reports = query(data.quarantined_reports)
    reports = reports.with_columns(
        pl.Series("quarantine_reason", [reason_text(r) for r in reports["quarantine_reason"]],
                  dtype=pl.Utf8)
    )
    ui.show_table(
        reports,
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
    # 0 stands for every year (a URL can say ?year=0; a None option cannot be set by AppTest)
    year = urlstate.selectbox(
        st, t("w.year"), [0, *years[::-1]], "quality_year", "year", int,
        format_func=frozen(lambda y: str(y) if y else t("w.all")),
    ) or None
    summary = _summary(year)
    _inconsistent(year)
    _findings(year, sorted(summary["rule"].unique().to_list()))
    _quarantine()


render()

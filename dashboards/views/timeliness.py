"""答复时效 Timeliness: were the reports published on time; what the application ledgers say.

First the annual reports themselves: published by the deadline or not, by the date
``gongkai collect`` recorded on the body's site where there is one, else by the report's text
(``out_publication_timeliness``; the date-from column says which). Then median working days
to reply, the share answered by the statutory deadline and the overdue count, with the outcome
mix, by city and year (from ``core_application``); then, per body, the cell-by-cell
reconciliation of the ledger's table 三 with the body's published report.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import collect_data, data, store, timeliness_data, ui, urlstate
from dashboards.i18n import date_source_name, frozen, t
from dashboards.store import query


def _publication() -> None:
    """Reports published by the deadline: counts, where the dates came from, late ones first."""
    years = query(timeliness_data.publication_years)
    if not years:
        return
    c1, c2 = st.columns([1, 3])
    year = urlstate.selectbox(c1, t("w.year"), years[::-1], "publication_year", "pub_year", int)
    cities = query(data.regions, "city")
    names = {"": t("w.all_regions")} | dict(
        zip(cities["region_code"], cities["region_name"], strict=True)
    )
    region = urlstate.selectbox(
        c2, t("w.region"), list(names), "publication_region", "pub_region", str,
        format_func=frozen(names.__getitem__),
    ) or None
    st.subheader(t("timeliness.publication", year=year))
    st.caption(t("timeliness.publication_help"))
    summary = query(collect_data.publication_summary, year, region)
    shown = ("on_time", "late", "not_published", "date_unknown")
    for col, status in zip(st.columns(len(shown)), shown, strict=True):
        col.metric(t("pub.status." + status), f"{summary['statuses'].get(status, 0):,}",
                   border=True)
    if summary["date_sources"]:
        st.caption(t("timeliness.date_sources", sources=" · ".join(
            f"{date_source_name(k)} {n:,}" for k, n in sorted(summary["date_sources"].items()))))
    df = query(timeliness_data.publication, year, region)
    df = ui.labelled(df, "status", lambda s: t("pub.status." + s))
    df = ui.labelled(df, "date_source", date_source_name)
    labels = {
        "body_name": t("col.body"),
        "region_name": t("col.region"),
        "status_label": t("col.pub_status"),
        "published_date": t("col.published_date"),
        "date_source_label": t("col.date_source"),
        "deadline": t("col.deadline"),
        "days_late": t("col.days_late"),
    }
    ui.show_table(df, labels, key="publication_bodies")
    ui.chart_note(t("collect.formula"), collect_data.MART)


def _bodies() -> None:
    """Late bodies first: overdue count and share, median days, sample size, coverage."""
    years = query(timeliness_data.ledger_years)
    if not years:
        return
    st.subheader(t("timeliness.bodies"))
    c1, c2 = st.columns([1, 3])
    year = urlstate.selectbox(c1, t("w.year"), years[::-1], "timeliness_year", "year", int)
    cities = query(data.regions, "city")
    names = {"": t("w.all_regions")} | dict(
        zip(cities["region_code"], cities["region_name"], strict=True)
    )
    region = urlstate.selectbox(
        c2, t("w.region"), list(names), "timeliness_region", "region", str,
        format_func=frozen(names.__getitem__),
    ) or None
    cover = query(timeliness_data.ledger_coverage, year, region)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("timeliness.overdue_share"), ui.fmt_number(cover["overdue_share"], rate=True),
              border=True, help=t("timeliness.formula"))
    m2.metric(t("timeliness.overdue"), f"{cover['overdue']:,}", border=True)
    share = cover["bodies"] / cover["expected"] if cover["expected"] else None
    m3.metric(t("col.coverage_text"), f"{cover['bodies']:,}/{cover['expected']:,}", border=True)
    st.caption(
        t("timeliness.ledger_coverage", bodies=cover["bodies"], expected=cover["expected"],
          share=ui.fmt_number(share, rate=True))
        + "　" + t("timeliness.small", n=timeliness_data.SMALL_SAMPLE)
    )
    df = query(timeliness_data.late_bodies, year, region)
    labels = {
        "body_name": t("col.body"),
        "region_name": t("col.region"),
        "overdue_share": t("timeliness.overdue_share"),
        "overdue": t("timeliness.overdue"),
        "replied": t("timeliness.replied"),
        "small_sample": t("col.small_sample"),
        "median_working_days": t("timeliness.median"),
        "on_time_share": t("timeliness.on_time"),
        "applications": t("timeliness.applications"),
    }
    shown_rates = ("overdue_share", "on_time_share")
    ui.show_table(df, labels, shown_rates, key="timeliness_bodies")
    ui.chart_note(t("timeliness.formula"), "out_ledger_body_year")
    ui.set_current_view(
        t("page.timeliness"), f"timeliness-{region or 'all'}-{year}", df, labels, shown_rates
    )
    ui.format_buttons(
        "out_ledger_body_year", "dl-ledger", query(data.row_count, "out_ledger_body_year"),
        lambda fmt: store.table_bytes("out_ledger_body_year", fmt),
    )


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
    shown = ui.labelled(df.filter(pl.col("status") != "match"), "status", lambda s: t("rec." + s))
    shown = ui.labelled(shown, "key", ui.measure_label).with_columns(
        pl.col("status_label").alias("status"), pl.col("key_label").alias("label")
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
    _publication()
    st.caption(t("timeliness.help"))
    _bodies()
    _regions()
    _reconciliation()


render()

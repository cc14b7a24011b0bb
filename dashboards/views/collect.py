"""采集情况 Collection: what ``gongkai collect`` found on the bodies' sites, per source and year.

Counts per result, the sources with their result, reason, publication date (and where it was
read) and links to the report and the listing page; the bodies that did not publish by the
deadline; the failed checks with their reasons. Filters (year, result, region) live in the URL.
A warehouse without collect records shows how to collect instead.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl
import streamlit as st

from dashboards import collect_data, ui, urlstate
from dashboards.i18n import chinese_half, date_source_name, frozen, lang, t
from dashboards.store import query
from pipelines.checker.timeliness import deadline
from schemas.tables import COLLECT_STATUSES


def reason_in(text: str | None, language: str) -> str | None:
    """A crawler's bilingual reason (``列表页 404 / listing page 404``) in one language."""
    if text is None:
        return None
    if language == "zh":
        return chinese_half(text)
    head, sep, tail = text.partition(" / ")
    return tail.strip() if sep and re.search(r"[\u4e00-\u9fff]", head) else text


def _words(df: pl.DataFrame) -> pl.DataFrame:
    """Statuses, date sources and reasons in the page's language (built in the script thread)."""
    language = lang()
    out = df
    if "status" in df.columns:
        prefix = "pub.status." if "deadline" in df.columns else "collect.status."
        out = ui.labelled(out, "status", lambda s: t(prefix + s))
    if "date_source" in df.columns:
        out = ui.labelled(out, "date_source", date_source_name)
    if "reason" in df.columns:
        out = out.with_columns(pl.Series(
            "reason", [reason_in(r, language) for r in df["reason"].to_list()], dtype=pl.Utf8))
    return out


def _empty() -> None:
    st.info(t("collect.empty"), icon=":material/travel_explore:")
    # Reports on last year are the ones due (31 January): the year a first collect wants.
    year = date.today().year - 1
    st.code(f"gongkai collect --year {year} --sources sources.yaml\ngongkai build",
            language="bash")
    st.caption(t("collect.empty_help"))


def _filters(years: list[int]) -> tuple[int, tuple[str, ...], str | None]:
    c1, c2, c3 = st.columns([1, 2, 2])
    year = urlstate.selectbox(c1, t("w.year"), years[::-1], "collect_year", "year", int)
    statuses = urlstate.multiselect(
        c2, t("collect.status_filter"), list(COLLECT_STATUSES), [], "collect_status", "status",
        format_func=frozen(lambda s: t("collect.status." + s)),
    )
    regions = query(collect_data.region_options, year)
    names = {"": t("w.all_regions")} | dict(
        zip(regions["region_code"], regions["region_name"], strict=True))
    region = urlstate.selectbox(
        c3, t("w.region"), list(names), "collect_region", "region", str,
        format_func=frozen(names.__getitem__),
    ) or None
    return year, tuple(statuses), region


def _counts(year: int, region: str | None) -> None:
    counts = query(collect_data.status_counts, year, region)
    cols = st.columns(6)
    cols[0].metric(t("collect.sources"), f"{counts['sources']:,}", border=True)
    for col, status in zip(cols[1:5], COLLECT_STATUSES, strict=True):
        col.metric(t("collect.status." + status), f"{counts[status]:,}", border=True)
    cols[5].metric(t("collect.missed"), f"{counts['missed']:,}", border=True,
                   help=t("collect.formula"))


def _sources(year: int, statuses: tuple[str, ...], region: str | None) -> None:
    st.subheader(t("collect.table", year=year))
    df = _words(query(collect_data.sources, year, statuses, region))
    labels = {
        "body_name": t("col.body"),
        "region_name": t("col.region"),
        "status_label": t("col.collect_status"),
        "reason": t("col.collect_reason"),
        "published_date": t("col.published_date"),
        "date_source_label": t("col.date_source"),
        "report_link": t("col.report_link"),
        "listing_link": t("col.listing_link"),
        "checked_at": t("col.checked_at"),
        "source_id": t("col.source_id"),
    }
    links = ("report_link", "listing_link")
    ui.show_table(df, labels, key="collect_sources", links=links)
    ui.set_current_view(t("page.collect"), f"collect-{region or 'all'}-{year}", df, labels)
    ui.download_buttons(ui.shown_frame(df, labels), f"collect-{region or 'all'}-{year}",
                        "dl-collect")


def _missed(year: int, region: str | None) -> None:
    due = deadline(year)
    st.subheader(t("collect.missed_title", year=year,
                   deadline=f"{due:%Y年%-m月%-d日}" if lang() == "zh" else due.isoformat()))
    df = _words(query(collect_data.missed_deadline, year, region))
    if not df.height:
        st.success(t("collect.missed_none"))
        return
    ui.show_table(df, {
        "body_name": t("col.body"),
        "region_name": t("col.region"),
        "status_label": t("col.pub_status"),
        "published_date": t("col.published_date"),
        "date_source_label": t("col.date_source"),
        "days_late": t("col.days_late"),
        "days_waited": t("col.days_waited"),
        "checked_at": t("col.checked_at"),
        "report_link": t("col.report_link"),
        "listing_link": t("col.listing_link"),
    }, key="collect_missed", links=("report_link", "listing_link"))
    ui.chart_note(t("collect.formula"), collect_data.MART)


def _failures(year: int, region: str | None) -> None:
    st.subheader(t("collect.failures"))
    df = _words(query(collect_data.failures, year, region))
    if not df.height:
        st.success(t("collect.failures_none"))
        return
    ui.show_table(df, {
        "body_name": t("col.body"),
        "region_name": t("col.region"),
        "status_label": t("col.collect_status"),
        "reason": t("col.collect_reason"),
        "listing_link": t("col.listing_link"),
        "checked_at": t("col.checked_at"),
        "source_id": t("col.source_id"),
    }, key="collect_failures", links=("listing_link",))


def render() -> None:
    """Draw the page."""
    st.title(t("page.collect"))
    st.caption(t("collect.intro"))
    years = query(collect_data.collect_years)
    if not years:
        _empty()
        return
    year, statuses, region = _filters(years)
    _counts(year, region)
    _sources(year, statuses, region)
    _missed(year, region)
    _failures(year, region)


render()

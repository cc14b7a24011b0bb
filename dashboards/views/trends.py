"""年度趋势 Trends: one measure across report years for the regions a user picks.

Every point carries its coverage (bodies reported / expected): a year under 100 % is a hollow
point labelled 覆盖 x/y on the chart, so a year with missing reports is not read as a real
drop. The table beside gives each year's value, coverage and change on the previous year (in
percentage points for rates).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, rates, trends_data, ui, urlstate
from dashboards.i18n import t
from dashboards.store import query


def _default_regions(level: str, measure: str) -> list[str]:
    """The five regions ranked highest on the measure in the latest year."""
    years = query(data.years)
    if not years:
        return []
    rate = rates.rate_id(measure)
    if rate:
        top = query(rates.region_rates, years[-1], level, rate)
    else:
        top = query(data.ranking, years[-1], level, measure)
    return top.filter(pl.col("value").is_not_null())["region_code"].head(5).to_list()


def _spans(df: pl.DataFrame, is_rate: bool) -> None:
    """One line per region: first year → last year and the change, coverage named if partial."""
    for row in trends_data.span_change(df, is_rate).iter_rows(named=True):
        if row["change"] is None:
            change = ui.MISSING
        elif is_rate:
            change = t("trends.points", points=f"{row['change']:+.1f}")
        else:
            change = f"{row['change'] * 100:+.1f}%"
        partial = [
            t("trends.partial_year", year=y)
            for y, c in ((row["first_year"], row["first_coverage"]),
                         (row["last_year"], row["last_coverage"]))
            if c is not None and c < 1
        ]
        st.markdown(t(
            "trends.span", region=row["region_name"], first_year=row["first_year"],
            first=ui.fmt_number(row["first"], is_rate), last_year=row["last_year"],
            last=ui.fmt_number(row["last"], is_rate), change=change,
        ) + ("（" + "、".join(partial) + "）" if partial else ""))


def render() -> None:
    """Draw the page."""
    st.title(t("page.trends"))
    c1, c2 = st.columns([1, 3])
    level = ui.level_select("trends_level", c1)
    if level is None:
        st.info(t("nodata"))
        return
    measure = ui.measure_select("trends_measure", c2)
    regions = query(data.regions, level)
    names = dict(zip(regions["region_code"], regions["region_name"], strict=True))
    chosen = urlstate.multiselect(
        st,
        t("w.regions"),
        list(names),
        _default_regions(level, measure),
        f"trends_regions_{level}",
        "regions",
        format_func=names.__getitem__,
        help=t("trends.help"),
    )
    rate = rates.rate_id(measure)
    if rate:
        df = query(rates.rate_trend, tuple(chosen), rate)
    else:
        df = query(trends_data.trend, tuple(chosen), measure)
    if df.filter(pl.col("value").is_not_null()).height == 0:
        st.info(t("nodata"))
        return
    label, is_rate = ui.measure_label(measure), ui.is_rate(measure)
    df = trends_data.with_change(ui.with_coverage_notes(df), is_rate)
    st.altair_chart(charts.trend_lines(df, label, t("col.year"), is_rate), width="stretch")
    formula = t(f"formula.{rate}") if rate else t("formula.sum", measure=label)
    ui.chart_note(formula, "out_region_rate" if rate else "out_region_year")
    if df["note"].str.len_chars().max():
        st.caption(t("trends.partial"))
    _spans(df, is_rate)
    st.subheader(t("trends.table"))
    labels = {
        "region_name": t("col.region"),
        "year": t("col.year"),
        "value": label,
        "change": t("col.change"),
        "numerator": t("col.numerator"),
        "denominator": t("col.denominator"),
        "coverage_text": t("col.coverage_text"),
        "coverage": t("col.coverage"),
    }
    shown_rates = ("value", "coverage") if is_rate else ("coverage",)
    if not is_rate:
        shown_rates += ("change",)
    ui.show_table(df, labels, shown_rates, key="trends_table")
    ui.set_current_view(t("page.trends"), f"trend-{level}-{measure}", df, labels, shown_rates)


render()

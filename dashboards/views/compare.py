"""地区比较 Compare regions: a ranking of one level's regions by one measure in one year.

Rates come from ``out_region_rate`` (sums over bodies, numerator and denominator beside them,
small samples pale); counts from ``out_region_year``. Coverage under 100 % is written on the
bar itself. Selecting a row shows the bodies behind the figure, each traceable to its report.
"""

from __future__ import annotations

import streamlit as st

from dashboards import charts, data, rates, trace_view, ui, urlstate
from dashboards.i18n import level_name, t
from dashboards.store import query

# Pixel widths of the table's columns: the rate, its numerator and denominator, the reports and
# the coverage fit beside the region's name on a laptop screen, without horizontal scrolling.
WIDTHS = {"rank": 56, "display_name": 150, "value": 120, "numerator": 64, "denominator": 64,
          "reports": 72, "coverage_text": 140, "small_sample": 64, "reports_with_data": 96,
          "coverage": 96, "region_code": 90}


def _labels(label: str) -> dict[str, str]:
    """Columns in reading order: what is compared first, the bookkeeping behind it after."""
    return {
        "rank": t("col.rank"),
        "display_name": t("col.region"),
        "value": label,
        "numerator": t("col.numerator"),
        "denominator": t("col.denominator"),
        "reports": t("col.reports"),
        "coverage_text": t("col.coverage_text"),
        "small_sample": t("col.small_sample"),
        "reports_with_data": t("col.reports_with_data"),
        "coverage": t("col.coverage"),
        "region_code": t("col.region_code"),
    }


def render() -> None:
    """Draw the page."""
    st.title(t("page.compare"))
    c1, c2, c3 = st.columns([1, 1, 3])
    year = ui.year_select("compare_year", c1)
    level = ui.level_select("compare_level", c2)
    if year is None or level is None:
        st.info(t("nodata"))
        return
    measure = ui.measure_select("compare_measure", c3)
    label, is_rate = ui.measure_label(measure), ui.is_rate(measure)
    rate = rates.rate_id(measure)
    if rate:
        df = query(rates.region_rates, year, level, rate)
        title = t("compare.rate_title", year=year, level=level_name(level), measure=label)
        formula = t(f"formula.{rate}") + "；" + t("formula.small", n=rates.SMALL_SAMPLE)
        source = "out_region_rate"
    else:
        df = query(data.ranking, year, level, measure)
        title = t("compare.title", year=year, level=level_name(level), measure=label)
        formula, source = t("formula.sum", measure=label), "out_region_year"
    st.subheader(title)
    if df.height == 0:
        st.info(t("nodata"))
        return
    df = ui.with_coverage_notes(df)
    labels = _labels(label)
    shown_rates = ("coverage", "value") if is_rate else ("coverage",)
    # The table across the page, above the chart: the rate with its numerator, denominator,
    # reports and coverage is the answer, and a half-width column hid all but the rate.
    event = ui.show_table(
        df, labels, shown_rates, key="compare_table", on_select=True, widths=WIDTHS
    )
    st.altair_chart(charts.ranking_bar(df, label, is_rate), width="stretch")
    ui.chart_note(formula, source)
    ui.set_current_view(
        t("page.compare"), f"ranking-{level}-{year}-{measure}", df, labels, shown_rates
    )
    # The selected region lives in the URL too (?region=), so a traced view can be shared.
    codes = df["region_code"].to_list()
    region = urlstate.picked_row(event, "region", codes)
    if region is not None:
        picked = df.row(codes.index(region), named=True)
        trace_view.region_bodies(picked["region_code"], picked["display_name"], year, measure)


render()

"""年度趋势 Trends: one measure across report years for the regions a user picks."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, ui
from dashboards.i18n import t
from dashboards.store import query


def _default_regions(level: str, measure: str) -> list[str]:
    """The five regions ranked highest on the measure in the latest year."""
    years = query(data.years)
    if not years:
        return []
    top = query(data.ranking, years[-1], level, measure).filter(pl.col("value").is_not_null())
    return top["region_code"].head(5).to_list()


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
    chosen = st.multiselect(
        t("w.regions"),
        list(names),
        default=_default_regions(level, measure),
        format_func=names.__getitem__,
        help=t("trends.help"),
        key=f"trends_regions_{level}",
    )
    df = query(data.trend, tuple(chosen), measure)
    if df.filter(pl.col("value").is_not_null()).height == 0:
        st.info(t("nodata"))
        return
    label, rate = ui.measure_label(measure), ui.is_rate(measure)
    st.altair_chart(charts.trend_lines(df, label, t("col.year"), rate), width="stretch")
    wide = df.pivot(on="year", index="region_name", values="value", sort_columns=True)
    ui.show_table(
        wide,
        {"region_name": t("col.region"), **{c: c for c in wide.columns if c != "region_name"}},
        rates=tuple(c for c in wide.columns if c != "region_name") if rate else (),
    )
    ui.set_current_view(t("page.trends"), f"trend-{level}-{measure}", df)


render()

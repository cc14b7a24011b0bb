"""地区比较 Compare regions: a ranking of one level's regions by one measure in one year."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, data, ui
from dashboards.i18n import level_name, t
from dashboards.store import query


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
    label, rate = ui.measure_label(measure), ui.is_rate(measure)
    df = query(data.ranking, year, level, measure)
    st.subheader(t("compare.title", year=year, level=level_name(level), measure=label))
    if df.height == 0:
        st.info(t("nodata"))
        return
    left, right = st.columns([3, 2])
    left.altair_chart(charts.ranking_bar(df, label, rate), width="stretch")
    with right:
        ui.show_table(
            df,
            {
                "rank": t("col.rank"),
                "region_name": t("col.region"),
                "value": label,
                "reports": t("col.reports"),
                "coverage": t("col.coverage"),
                "region_code": t("col.region_code"),
            },
            rates=("coverage", "value") if rate else ("coverage",),
        )
    ui.set_current_view(t("page.compare"), f"ranking-{level}-{year}-{measure}", df)


render()

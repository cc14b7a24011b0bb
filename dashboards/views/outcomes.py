"""办理结果 Outcomes: how applications were answered, and why they were refused.

The mix of outcomes (予以公开 … 其他处理) is shown as shares per year; the reasons of 不予公开 /
无法提供 / 不予处理 as shares within their category for one year. Scope is the whole dataset or
one region (a city includes its counties).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, ui, urlstate
from dashboards.i18n import frozen, level_name, t
from dashboards.store import query


def _scope() -> tuple[int | None, str | None, str]:
    """Year, region code (``None`` = all) and the scope's name, from three pickers."""
    c1, c2, c3 = st.columns([1, 1, 2])
    year = ui.year_select("outcomes_year", c1)
    level = ui.level_select("outcomes_level", c2)
    names = {"": t("w.all_regions")}
    if level is not None:
        regions = query(data.regions, level)
        names |= dict(zip(regions["region_code"], regions["region_name"], strict=True))
    code = urlstate.selectbox(
        c3, t("w.region"), list(names), f"outcomes_region_{level}", "region", str,
        format_func=frozen(names.__getitem__),
        help=level_name(level) if level else None,
    )
    return year, code or None, names[code]


def _mix(region: str | None) -> None:
    mix = ui.labelled(query(data.outcome_mix, region), "outcome", ui.row_label)
    st.subheader(t("outcomes.mix"))
    if mix.filter(pl.col("value") > 0).height == 0:
        st.info(t("nodata"))
        return
    st.altair_chart(
        charts.stacked_shares(
            mix,
            "year",
            "outcome_label",
            t("col.year"),
            t("col.outcome"),
            order=[ui.row_label(r) for r in data.OUTCOME_ROWS],
            colors=charts.reason_colors([(r, r) for r in data.OUTCOME_ROWS]),
        ),
        width="stretch",
    )
    ui.chart_note(t("outcomes.mix_formula"), "out_body_year")


def _reasons(year: int, region: str | None, scope: str) -> pl.DataFrame:
    df = query(data.reasons, year, region)
    df = ui.labelled(ui.labelled(df, "category", ui.row_label), "reason", ui.row_label)
    st.subheader(t("outcomes.reasons", year=year))
    st.caption(t("outcomes.scope", region=scope))
    if df.filter(pl.col("value") > 0).height == 0:
        st.info(t("nodata"))
        return df
    st.altair_chart(
        charts.stacked_shares(
            df,
            "category_label",
            "reason_label",
            t("w.category"),
            t("col.reason"),
            order=[ui.row_label(r) for r in df["reason"].to_list()],
            horizontal=True,
            colors=charts.reason_colors(list(zip(df["category"], df["reason"], strict=True))),
        ),
        width="stretch",
    )
    ui.chart_note(t("outcomes.reasons_formula"), "out_body_year")
    labels = {
        "category_label": t("w.category"),
        "reason_label": t("col.reason"),
        "value": t("col.count"),
        "share": t("col.share"),
    }
    ui.show_table(df.filter(pl.col("value") > 0), labels, rates=("share",))
    st.session_state["_outcomes_view"] = (df.filter(pl.col("value") > 0), labels)
    return df


def render() -> None:
    """Draw the page."""
    st.title(t("page.outcomes"))
    year, region, scope = _scope()
    if year is None:
        st.info(t("nodata"))
        return
    _mix(region)
    st.session_state.pop("_outcomes_view", None)
    _reasons(year, region, scope)
    if shown := st.session_state.get("_outcomes_view"):
        ui.set_current_view(
            t("page.outcomes"), f"reasons-{year}-{region or 'all'}", shown[0], shown[1],
            ("share",),
        )


render()

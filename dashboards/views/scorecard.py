"""年报评分 Report scorecard: the ranking of a region's bodies, one body's problems, its trend.

Scores and problems come from ``out_scorecard`` and ``out_report_check`` (built with the
assessor's weights in the warehouse build). The list of fixes of the chosen region and year can
be downloaded as XLSX, one row per problem, to send to the bodies as a task list.
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboards import data, ui, urlstate
from dashboards.i18n import frozen, lang, t
from dashboards.store import query

CHECK_COLUMNS = ("on_time", "sections", "template", "consistency", "text_vs_table",
                 "continuity", "catalogue")


def _pickers() -> tuple[str, int] | None:
    years = query(data.scorecard_years)
    regions = query(data.scorecard_regions)
    if not years or not regions.height:
        st.info(t("scorecard.none"))
        return None
    names = dict(zip(regions["region_code"], regions["name"], strict=True))
    c1, c2 = st.columns(2)
    year = urlstate.selectbox(c1, t("w.year"), years[::-1], "scorecard_year", "year", int)
    region = urlstate.selectbox(c2, t("w.region"), list(names), "scorecard_region", "region", str,
                                format_func=frozen(names.__getitem__))
    return region, year


def _ranking(region: str, name: str, year: int) -> pl.DataFrame:
    st.subheader(t("scorecard.ranking", region=name, year=year))
    df = query(data.scorecard_ranking, region, year)
    labels = {"rank": t("col.rank"), "body_name": t("col.body"), "score": t("col.score"),
              "errors": t("col.errors"), "warnings": t("col.warnings"), "infos": t("col.infos")}
    labels |= {f"problems_{c}": t(f"check.{c}") for c in CHECK_COLUMNS}
    ui.show_table(df, labels)
    st.session_state["_scorecard_labels"] = labels
    st.download_button(
        t("scorecard.download"),
        # Written when clicked: a province's list of fixes is thousands of rows of XLSX.
        data=lambda: query(data.scorecard_xlsx, region, year),
        file_name=f"scorecard-{region}-{year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="scorecard-xlsx",
        on_click="ignore",
        icon=":material/download:",
    )
    return df


def _body(df: pl.DataFrame, year: int) -> None:
    names = dict(zip(df["body_id"], df["body_name"], strict=True))
    body = st.selectbox(t("scorecard.body"), list(names), format_func=frozen(names.__getitem__),
                        key="scorecard_body")
    st.subheader(t("scorecard.problems", body=names[body], year=year))
    problems = query(data.scorecard_problems, body, year)
    if not problems.height:
        st.success(t("scorecard.no_problems"))
    else:
        message = "message_en" if lang() == "en" else "message_zh"
        shown = problems.with_columns(
            pl.col("severity").replace_strict(
                {s: t(f"severity.{s}") for s in ("error", "warning", "info")},
                default=pl.col("severity")).alias("severity_label"),
            pl.col("check").replace_strict(
                {c: t(f"check.{c}") for c in (*CHECK_COLUMNS, "reading")},
                default=pl.col("check")).alias("check_label"),
        )
        ui.show_table(shown, {"severity_label": t("col.severity"), "check_label": t("col.check"),
                              "location_text": t("col.location"), message: t("col.message"),
                              "deduction": t("col.deduction")})
    st.subheader(t("scorecard.trend", body=names[body]))
    trend = query(data.scorecard_trend, body)
    chart = (
        alt.Chart(trend.to_pandas())
        .mark_line(point=True)
        .encode(x=alt.X("year:O", title=t("col.year"), axis=alt.Axis(labelAngle=0)),
                y=alt.Y("score:Q", title=t("col.score"), scale=alt.Scale(domain=[0, 100])),
                tooltip=[alt.Tooltip("year:O", title=t("col.year")),
                         alt.Tooltip("score:Q", title=t("col.score")),
                         alt.Tooltip("rank:Q", title=t("col.rank"))])
    )
    st.altair_chart(chart, width="stretch")
    ui.chart_note(t("scorecard.formula"), "out_scorecard")


def render() -> None:
    """Draw the page."""
    st.title(t("page.scorecard"))
    st.caption(t("scorecard.intro"))
    picked = _pickers()
    if picked is None:
        return
    region, year = picked
    names = query(data.scorecard_regions)
    name = names.filter(pl.col("region_code") == region)["name"].item()
    df = _ranking(region, name, year)
    if not df.height:
        st.info(t("nodata"))
        return
    ui.set_current_view(t("page.scorecard"), f"scorecard-{region}-{year}", df,
                        st.session_state.get("_scorecard_labels"))
    _body(df, year)


render()

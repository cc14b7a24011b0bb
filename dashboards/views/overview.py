"""总览 Overview: the headline figures of one year and their change on the previous year."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import charts, data, ui
from dashboards.i18n import t
from dashboards.store import query

KPIS = (  # (kpi key, is rate, more is worse)
    ("reports", False, False),
    ("bodies", False, False),
    ("applications", False, False),
    ("disclosure_rate", True, False),
    ("findings", False, True),
)


def _delta(cur: float | None, prev: float | None, rate: bool) -> str | None:
    """Change on the previous year: percentage points for rates, absolute and relative else."""
    if cur is None or prev is None:
        return None
    if rate:
        return t("kpi.pp", value=f"{(cur - prev) * 100:+.1f}")
    diff = cur - prev
    relative = f" ({diff / prev:+.1%})" if prev else ""
    return f"{diff:+,.0f}{relative}"


def _help(key: str, has_prev: bool, prev_year: int) -> str:
    text = t("kpi.vs" if has_prev else "kpi.no_prev", year=prev_year)
    return f"{t('kpi.disclosure_rate.help')} {text}" if key == "disclosure_rate" else text


def _metrics(cur: dict, prev: dict) -> None:
    has_prev = prev["has_data"]
    for col, (key, rate, worse) in zip(st.columns(len(KPIS)), KPIS, strict=True):
        col.metric(
            t(f"kpi.{key}"),
            ui.fmt_number(cur[key], rate=rate),
            delta=_delta(cur[key], prev[key], rate) if has_prev else None,
            delta_color="inverse" if worse else "normal",
            help=_help(key, has_prev, prev["year"]),
            border=True,
        )


def _by_city(year: int) -> None:
    """Applications and disclosure rate per city: the two things people compare first."""
    if "city" not in query(data.levels):
        return
    charts_ = (
        (data.APPLICATIONS, "overview.by_city"),
        ("derived.disclosure_rate", "overview.rate_by_city"),
    )
    for col, (measure, title) in zip(st.columns(2), charts_, strict=True):
        df = query(data.ranking, year, "city", measure)
        if df.height:
            col.subheader(t(title))
            col.altair_chart(
                charts.ranking_bar(
                    ui.with_coverage_notes(df), ui.measure_label(measure), ui.is_rate(measure)
                ),
                width="stretch",
            )
            with col:
                formula = (
                    t("formula.disclosure") if ui.is_rate(measure)
                    else t("formula.sum", measure=ui.measure_label(measure))
                )
                ui.chart_note(formula, "out_region_year")


def render() -> None:
    """Draw the page."""
    st.title(t("page.overview"))
    year = ui.year_select("overview_year", st.columns([1, 4])[0])
    if year is None:
        st.info(t("nodata"))
        return
    cur, prev = query(data.kpis, year), query(data.kpis, year - 1)
    _metrics(cur, prev)
    coverage = ui.coverage_note(cur["bodies"], cur["bodies_expected"]) or (
        t("kpi.full_coverage", bodies=cur["bodies"]) if cur["bodies_expected"] else ""
    )
    st.caption(t("kpi.quarantined") + f"：{cur['quarantined']}　{coverage}")
    _by_city(year)
    view = pl.DataFrame(
        {
            "kpi": [t(f"kpi.{k}") for k, _, _ in KPIS],
            str(year): [cur[k] for k, _, _ in KPIS],
            str(year - 1): [prev[k] for k, _, _ in KPIS],
        },
        strict=False,
    )
    ui.set_current_view(
        t("page.overview"), f"kpi-{year}", view,
        {"kpi": t("w.measure"), str(year): str(year), str(year - 1): str(year - 1)},
    )


render()

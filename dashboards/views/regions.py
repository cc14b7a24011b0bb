"""地区下钻 Regions: province → city → county → body, coverage beside every figure.

Every level shows its regions ranked by one measure with reports, bodies reported / expected,
coverage and the share from inconsistent reports, so a total never hides missing reports. At the
bottom, one body's figures over the years with its cross-year findings. A map would need an
offline boundary package with a permissive licence (none is a dependency yet), so the chosen
measure is shown as a ranked table.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboards import drill, ui
from dashboards.i18n import (
    body_type_name,
    finding_message,
    level_name,
    rule_name,
    severity_name,
    t,
    template_name,
)
from dashboards.store import query

_RATES = ("coverage", "inconsistent_share")


def _labels(measure_label: str) -> dict[str, str]:
    return {
        "rank": t("col.rank"),
        "region_name": t("col.region"),
        "level_label": t("w.level"),
        "value": measure_label,
        "reports": t("col.reports"),
        "bodies": t("regions.bodies"),
        "bodies_expected": t("regions.bodies_expected"),
        "coverage": t("col.coverage"),
        "quarantined": t("regions.quarantined"),
        "inconsistent_share": t("regions.inconsistent_share"),
        "region_code": t("col.region_code"),
    }


def _pick(frame, key: str, label: str) -> str | None:
    """A region picker over ``frame``'s rows; None (= stay at this level) by default."""
    if frame.height == 0:
        return None
    names = dict(zip(frame["region_code"], frame["region_name"], strict=True))
    options = [None, *names]
    return st.selectbox(
        label,
        options,
        format_func=lambda c: t("regions.none") if c is None else f"{names[c]}（{c}）",
        key=key,
    )


def _level_table(year: int, parent: str | None, measure: str, depth: int) -> str | None:
    """Show one level's ranked table; return the region the user drills into."""
    df = query(drill.children, year, parent, measure)
    if df.height == 0:
        return None
    level = df["level"][0]
    label, rate = ui.measure_label(measure), ui.is_rate(measure)
    st.subheader(t("regions.level", level=level_name(level), measure=label))
    df = ui.labelled(df, "level", level_name)
    shown_rates = _RATES + (("value",) if rate else ())
    ui.show_table(df, _labels(label), rates=shown_rates)
    st.session_state["_regions_view"] = (df, _labels(label), shown_rates)
    return _pick(
        df, f"regions_pick_{depth}_{parent}", t("regions.drill_into", level=level_name(level))
    )


def _bodies(year: int, region: str, name: str, measure: str) -> None:
    label = ui.measure_label(measure)
    df = query(drill.bodies, year, region, measure)
    st.subheader(t("regions.bodies_at", region=name, code=region))
    if df.height == 0:
        st.info(t("nodata"))
        return
    df = ui.labelled(ui.labelled(df, "body_type", body_type_name), "template", template_name)
    labels = {
        "body_name": t("regions.body"),
        "body_type_label": t("regions.body_type"),
        "value": label,
        "template_label": t("regions.template"),
        "findings": t("regions.findings"),
        "region_code": t("col.region_code"),
    }
    shown_rates = ("value",) if ui.is_rate(measure) else ()
    ui.show_table(df, labels, rates=shown_rates)
    st.session_state["_regions_view"] = (df, labels, shown_rates)
    names = dict(zip(df["body_id"], df["body_name"], strict=True))
    body = st.selectbox(
        t("regions.body"), list(names), format_func=names.__getitem__, key=f"regions_body_{region}"
    )
    if body is None:
        return
    st.markdown(f"**{names[body]}**")
    history = ui.labelled(query(drill.body_history, body, measure), "template", template_name)
    ui.show_table(
        history,
        {"year": t("col.year"), "template_label": t("regions.template"), "value": label},
        rates=("value",) if ui.is_rate(measure) else (),
    )
    findings = query(drill.cross_year_findings, body)
    st.markdown(t("regions.cross_year", n=findings.height))
    if findings.height:
        shown = ui.labelled(ui.labelled(findings, "rule", rule_name), "severity", severity_name)
        shown = ui.labelled(shown, "message", finding_message)
        ui.show_table(
            shown,
            {
                "year": t("col.year"),
                "rule_label": t("w.rule"),
                "message_label": t("regions.message"),
                "severity_label": t("regions.severity"),
            },
        )


def render() -> None:
    """Draw the page."""
    st.title(t("page.regions"))
    st.caption(t("regions.intro"))
    c1, c2 = st.columns([1, 3])
    year = ui.year_select("regions_year", c1)
    if year is None:
        st.info(t("nodata"))
        return
    measure = ui.measure_select("regions_measure", c2, with_rates=False)
    st.session_state.pop("_regions_view", None)
    region: str | None = None
    name = ""
    for depth in range(3):  # province → city → county
        chosen = _level_table(year, region, measure, depth)
        if chosen is None:
            break
        region = chosen
        view = st.session_state["_regions_view"][0]
        name = view.filter(pl.col("region_code") == region)["region_name"].item()
    if region is not None:
        _bodies(year, region, name, measure)
    # "Current view" is the deepest table on screen (a county's bodies, not its city's table).
    shown = st.session_state.get("_regions_view")
    if shown is not None:
        df, labels, shown_rates = shown
        ui.set_current_view(
            t("page.regions"), f"regions-{region or 'all'}-{year}-{measure}", df, labels,
            shown_rates,
        )


render()

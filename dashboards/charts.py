"""Altair chart builders: frames with already-translated labels in, charts out.

Kept free of Streamlit and of the language switch so a chart is a pure function of its data and
its titles; the pages pass labels from ``i18n`` and the registry.
"""

from __future__ import annotations

import altair as alt
import polars as pl

BLAME_COLORS = {"publisher": "#d62728", "reading": "#ff7f0e"}


def _fmt(is_rate: bool) -> str:
    return ".1%" if is_rate else ",.0f"


def ranking_bar(df: pl.DataFrame, value_title: str, is_rate: bool = False) -> alt.Chart:
    """Horizontal bars, largest on top: a ranking reads top-down like the table beside it."""
    data = df.filter(pl.col("value").is_not_null()).select("region_name", "value")
    bars = (
        alt.Chart(data)
        .mark_bar(color="#1f77b4")
        .encode(
            x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=_fmt(is_rate))),
            y=alt.Y("region_name:N", title=None, sort="-x"),
            tooltip=[
                alt.Tooltip("region_name:N", title=" "),
                alt.Tooltip("value:Q", title=value_title, format=_fmt(is_rate)),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=3).encode(text=alt.Text("value:Q", format=_fmt(is_rate)))
    return (bars + text).properties(height=alt.Step(26))


def trend_lines(
    df: pl.DataFrame, value_title: str, year_title: str, is_rate: bool = False
) -> alt.Chart:
    """One line per region across years, with points so single years stay visible."""
    return (
        alt.Chart(df.filter(pl.col("value").is_not_null()))
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title=year_title),
            y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=_fmt(is_rate))),
            color=alt.Color("region_name:N", title=None),
            tooltip=[
                "region_name:N",
                "year:O",
                alt.Tooltip("value:Q", title=value_title, format=_fmt(is_rate)),
            ],
        )
        .properties(height=360)
    )


def stacked_shares(
    df: pl.DataFrame,
    x: str,
    color: str,
    x_title: str,
    color_title: str,
    order: list[str] | None = None,
    horizontal: bool = False,
) -> alt.Chart:
    """Bars normalised to 100 %: the mix matters more than the size when comparing years.

    ``order`` fixes the stacking and legend order (e.g. 予以公开 first), which alphabetical
    order of translated labels would scramble.
    """
    data = df.filter(pl.col("value") > 0)
    present = set(data[color].to_list())
    domain = [v for v in order if v in present] if order else sorted(present)
    rank = {v: i for i, v in enumerate(domain)}
    data = data.with_columns(
        pl.col(color).replace_strict(rank, default=len(rank), return_dtype=pl.Int32).alias("_o")
    )
    pos = alt.X if horizontal else alt.Y
    cat = alt.Y if horizontal else alt.X
    legend = alt.Legend(orient="bottom", columns=2, labelLimit=360, title=color_title)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            pos("value:Q", stack="normalize", title=None, axis=alt.Axis(format="%")),
            cat(f"{x}:N", title=x_title, axis=alt.Axis(labelAngle=0)),
            color=alt.Color(
                f"{color}:N", sort=domain, legend=legend, scale=alt.Scale(domain=domain)
            ),
            order=alt.Order("_o:Q"),
            tooltip=[f"{x}:N", f"{color}:N", alt.Tooltip("value:Q", format=",.0f")],
        )
        .properties(height=alt.Step(44) if horizontal else 320)
    )


def findings_by_rule(
    df: pl.DataFrame, rule_title: str, count_title: str, blame_title: str
) -> alt.Chart:
    """Findings per rule, split by who is to blame, so publisher and reading errors stand apart."""
    labels = df.select("blame", "blame_label").unique()
    scale = alt.Scale(
        domain=labels["blame_label"].to_list(),
        range=[BLAME_COLORS.get(b, "#7f7f7f") for b in labels["blame"].to_list()],
    )
    return (
        alt.Chart(df)
        .mark_bar()
        .encode(
            x=alt.X("findings:Q", title=count_title, axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("rule:N", title=rule_title, sort="-x"),
            color=alt.Color("blame_label:N", title=blame_title, scale=scale),
            tooltip=["rule:N", "blame_label:N", "findings:Q", "reports:Q"],
        )
        .properties(height=alt.Step(30))
    )

"""Altair chart builders: frames with already-translated labels in, charts out.

Kept free of Streamlit and of the language switch so a chart is a pure function of its data and
its titles; the pages pass labels from ``i18n`` and the registry.
"""

from __future__ import annotations

import altair as alt
import polars as pl

BLAME_COLORS = {"publisher": "#d62728", "reading": "#ff7f0e"}


BAR = "#1f77b4"
MUTED = "#9ecae1"  # a bar over a small sample: visible, but not read like the others
# One hue per outcome category; each reason of the category gets its own shade of it.
CATEGORY_HUES = {"denied": 0.0, "unable": 0.58, "not_processed": 0.33, "other": 0.08}


def _fmt(is_rate: bool) -> str:
    return ".1%" if is_rate else ",.0f"


def _value_axis(title: str, is_rate: bool) -> alt.Axis:
    """Percent with one decimal for rates; whole numbers only for counts (no 0.5 applications)."""
    if is_rate:
        return alt.Axis(format=".0%", title=title)
    return alt.Axis(format=",d", tickMinStep=1, title=title)


def ranking_bar(df: pl.DataFrame, value_title: str, is_rate: bool = False) -> alt.Chart:
    """Horizontal bars, largest on top: a ranking reads top-down like the table beside it.

    ``display_name`` (else ``region_name``) labels the bars. Where the frame has them, a bar
    over a small sample (``small_sample``) is drawn pale, and ``note`` (coverage under 100 %)
    is written after the value, on the chart itself, so a short bar is not misread as a low
    figure when bodies are missing.
    """
    name = "display_name" if "display_name" in df.columns else "region_name"
    data = df.filter(pl.col("value").is_not_null())
    data = data.with_columns(
        pl.col(name).alias("_name"),
        (pl.col("small_sample") if "small_sample" in data.columns else pl.lit(False)).alias(
            "_small"
        ),
        (pl.col("note") if "note" in data.columns else pl.lit("")).fill_null("").alias("_note"),
    ).select("_name", "value", "_small", "_note")
    order = data.sort("value", descending=True)["_name"].to_list()
    base = alt.Chart(data).encode(
        x=alt.X("value:Q", axis=_value_axis(value_title, is_rate)),
        y=alt.Y("_name:N", title=None, sort=order, axis=alt.Axis(labelLimit=220)),
        tooltip=[
            alt.Tooltip("_name:N", title=" "),
            alt.Tooltip("value:Q", title=value_title, format=_fmt(is_rate)),
            alt.Tooltip("_note:N", title=" "),
        ],
    )
    bars = base.mark_bar().encode(
        color=alt.condition("datum._small", alt.value(MUTED), alt.value(BAR)),
    )
    text = base.mark_text(align="left", dx=3).encode(
        text=alt.Text("label:N"),
    ).transform_calculate(
        label=f"format(datum.value, '{_fmt(is_rate)}') + (datum._note ? '  ' + datum._note : '')"
    )
    return (bars + text).properties(height=alt.Step(26))


def trend_lines(
    df: pl.DataFrame, value_title: str, year_title: str, is_rate: bool = False
) -> alt.Chart:
    """One line per region across years; a year under full coverage is a hollow point, labelled.

    ``note`` (e.g. 覆盖 23/25) is written beside such a point, so a year with missing reports
    is not read as a real drop. Year labels stay horizontal.
    """
    data = df.filter(pl.col("value").is_not_null()).with_columns(
        (pl.col("note") if "note" in df.columns else pl.lit("")).fill_null("").alias("_note"),
        pl.col("year").cast(pl.Utf8).alias("_year"),
    )
    base = alt.Chart(data).encode(
        x=alt.X("_year:O", title=year_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", axis=_value_axis(value_title, is_rate)),
        color=alt.Color("region_name:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("region_name:N", title=" "),
            alt.Tooltip("_year:O", title=year_title),
            alt.Tooltip("value:Q", title=value_title, format=_fmt(is_rate)),
            alt.Tooltip("_note:N", title=" "),
        ],
    )
    lines = base.mark_line()
    full = base.transform_filter("datum._note == ''").mark_point(filled=True, size=60)
    partial = base.transform_filter("datum._note != ''").mark_point(
        filled=False, size=120, strokeWidth=2
    )
    notes = base.transform_filter("datum._note != ''").mark_text(
        dy=-12, fontSize=11
    ).encode(text="_note:N")
    return (lines + full + partial + notes).properties(height=360)


def reason_colors(reasons: list[tuple[str, str]]) -> list[str]:
    """A distinct colour per reason: one hue per category, a shade of it per reason.

    ``reasons`` is ``(category, reason)`` in legend order; a category's reasons go from dark to
    light, so the legend reads as groups and no two reasons share a colour.
    """
    import colorsys

    counts: dict[str, int] = {}
    for category, _ in reasons:
        counts[category] = counts.get(category, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for category, _ in reasons:
        i = seen.get(category, 0)
        seen[category] = i + 1
        n = counts[category]
        light = 0.28 + 0.5 * (i / max(n - 1, 1))
        r, g, b = colorsys.hls_to_rgb(CATEGORY_HUES.get(category, 0.75), light, 0.65)
        out.append(f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}")
    return out


def stacked_shares(
    df: pl.DataFrame,
    x: str,
    color: str,
    x_title: str,
    color_title: str,
    order: list[str] | None = None,
    horizontal: bool = False,
    colors: list[str] | None = None,
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
    if colors and order:
        by_label = dict(zip(order, colors, strict=False))
        scale = alt.Scale(domain=domain, range=[by_label[v] for v in domain])
    else:
        scale = alt.Scale(domain=domain)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            pos("value:Q", stack="normalize", title=None, axis=alt.Axis(format="%")),
            cat(f"{x}:N", title=x_title, axis=alt.Axis(labelAngle=0)),
            color=alt.Color(
                f"{color}:N", sort=domain, legend=legend, scale=scale
            ),
            order=alt.Order("_o:Q"),
            tooltip=[
                alt.Tooltip(f"{x}:N", title=x_title),
                alt.Tooltip(f"{color}:N", title=color_title),
                alt.Tooltip("value:Q", title=" ", format=",.0f"),
            ],
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
            tooltip=[
                alt.Tooltip("rule:N", title=rule_title),
                alt.Tooltip("blame_label:N", title=blame_title),
                alt.Tooltip("findings:Q", title=count_title),
            ],
        )
        .properties(height=alt.Step(30))
    )

"""The traceability panel: from a figure on screen to the report, cell and text it came from.

Pages call ``region_bodies`` when a region's row is selected (the bodies behind the figure)
and ``value_panel`` for one report: each key's value, how it was read (table cell or sentence),
the source text around it (the row with its neighbours, the PDF page, or the sentence) and the
findings on it. The bytes are read from the inbox once per report and cached.
"""

from __future__ import annotations

import html

import streamlit as st

from dashboards import store, trace, ui, urlstate
from dashboards.i18n import finding_message, rule_name, severity_name, t
from dashboards.store import query


@st.cache_data(show_spinner=False, max_entries=32)
def _document(inbox: str, report_id: str, source: str) -> trace.DocumentText | None:
    """A report's document read once with the engine's reader, shared by all its values.

    A rate's trace shows up to four values of one report; reading the PDF per value made the
    first trace take four reads (about 1.6 s on the demo).
    """
    from pathlib import Path

    path = trace.inbox_file(Path(inbox), report_id)
    if path is None:
        return None
    return trace.document_text(path.read_bytes(), source)


def _context(
    inbox: str, report_id: str, source: str, provenance: str
) -> trace.SourceContext | None:
    """The source text around one value; no read at all when the value has no place in it."""
    prov = trace.provenance_of(provenance)
    if not trace.needs_document(prov):
        from pathlib import Path

        found = trace.inbox_file(Path(inbox), report_id) is not None
        return trace.SourceContext() if found else None
    doc = _document(inbox, report_id, source)
    return None if doc is None else trace.context_in(doc, prov)


def region_bodies(region: str, name: str, year: int, measure: str) -> None:
    """The bodies behind a region's figure; selecting one opens its report's values."""
    st.subheader(t("trace.bodies") + f"：{name}（{year}）")
    st.caption(t("trace.pick"))
    df = query(trace.region_bodies, year, region, measure)
    if df.height == 0:
        st.info(t("nodata"))
        return
    rate = ui.is_rate(measure)
    labels = {"body_name": t("col.body"), "value": ui.measure_label(measure)}
    if "denominator" in df.columns:
        labels |= {"numerator": t("col.numerator"), "denominator": t("col.denominator")}
    event = ui.show_table(
        df, labels, ("value",) if rate else (), key=f"trace_bodies_{region}_{year}", on_select=True
    )
    report = urlstate.picked_row(event, "report", df["report_id"].to_list())
    if report is not None:
        value_panel(report, trace.measure_keys(measure))


def _where(row: dict, prov: dict) -> str:
    if row["method"] == "prose":
        return t("trace.method.prose")
    if prov.get("table"):
        text = t(
            "trace.cell", table=prov.get("table"), row=prov.get("row", "—"),
            column=ui.measure_label(row["key"]).split("｜")[-1],
        )
        return text
    return t(f"trace.method.{row['method']}")


def _show_context(ctx: trace.SourceContext | None, report_id: str) -> None:
    if ctx is None:
        st.warning(t("trace.no_source", sha=report_id[:12]))
        return
    if not ctx.found and not ctx.sentence:
        return
    head = t("trace.context") + (f"（{t('trace.page', page=ctx.page)}）" if ctx.page else "")
    if ctx.lines:
        body = "<br>".join(
            (f"<mark><b>{n:>4}  {html.escape(text)}</b></mark>" if hit
             else f"{n:>4}  {html.escape(text)}")
            for n, text, hit in ctx.lines
        )
    else:
        body = (
            html.escape(ctx.before) + f"<mark><b>{html.escape(ctx.sentence)}</b></mark>"
            + html.escape(ctx.after)
        ).replace("\n", "<br>")
    st.markdown(
        f"**{head}**<div style='font-family:monospace;font-size:0.85rem;white-space:pre-wrap;"
        f"border-left:3px solid #b71c1c;padding-left:8px'>{body}</div>",
        unsafe_allow_html=True,
    )
    if ctx.lines and any("□" in text for _, text, _ in ctx.lines):
        st.caption(t("trace.blank_mark"))


def show_source(report_id: str, source: str, provenance: dict) -> None:
    """The document around a place given as provenance (a line or a sentence).

    For what has no ``core_value`` row to trace, e.g. a value the engine withheld (review page).
    """
    import json

    inbox = str(store.inbox_path())
    _show_context(_context(inbox, report_id, source, json.dumps(provenance)), report_id)


def value_panel(report_id: str, keys: tuple[str, ...]) -> None:
    """Each key's value in one report, how it was read, the source text and its findings."""
    header = query(trace.report_header, report_id)
    if not header:
        st.info(t("nodata"))
        return
    st.markdown(
        f"#### {t('trace.title')}：{header['body_name'] or '—'} · {header['year']} · "
        f"{header['source']}"
    )
    values = query(trace.report_values, report_id, keys)
    present = set(values["key"].to_list())
    inbox = str(store.inbox_path())
    for row in values.iter_rows(named=True):
        prov = trace.provenance_of(row["provenance"])
        kind = t(f"trace.cell_kind.{row['cell_kind']}")
        st.markdown(
            f"**{ui.measure_label(row['key'])}** = {ui.fmt_number(row['value'])}"
            f"　{t('trace.method')}：{t('trace.method.' + row['method'])}（{kind}）"
            f"　{t('trace.where', where=_where(row, prov))}"
        )
        _show_context(_context(inbox, report_id, row["source"], row["provenance"]), report_id)
    for key in keys:
        if key not in present:
            st.caption(f"{ui.measure_label(key)}：{t('trace.none')}")
    findings = query(trace.findings_on, report_id, keys)
    st.markdown(f"**{t('trace.findings')}**")
    if findings.height == 0:
        st.caption(t("trace.no_findings"))
        return
    shown = ui.labelled(findings, "rule", rule_name)
    shown = ui.labelled(ui.labelled(shown, "severity", severity_name), "message", finding_message)
    ui.show_table(
        shown,
        {
            "rule_label": t("col.rule"),
            "severity_label": t("col.severity"),
            "message_label": t("col.message"),
        },
    )

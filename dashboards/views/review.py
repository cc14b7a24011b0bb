"""人工复核 Review: what the engine withheld and what publishers got wrong, settled by a person.

The queue (``out_review_item`` of the published warehouse) most important first; the selected
item's source beside it (the document's lines or sentence, through the trace view); a form
that picks a candidate reading or takes a typed value, with a note and the reviewer's name,
and appends the correction to the same file ``gongkai review settle`` writes (the name
defaults to ``$GONGKAI_REVIEWER``). The page never
writes the warehouse: corrections apply on the next build, which a button starts (under the
build lock) and whose publication the page reports.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import polars as pl
import streamlit as st

from dashboards import review_build, review_data, store, trace_view, ui, urlstate
from dashboards.i18n import STRINGS, frozen, lang, t
from dashboards.store import query


def _home() -> Path:
    return store.warehouse_path().parent.parent


def _kind_name(kind: str | None) -> str:
    from pipelines.review.items import KINDS

    zh, en = KINDS.get(kind or "", (kind or "—", kind or "—"))
    return en if lang() == "en" else zh


def _key_name(key: str) -> str:
    """A canonical key's label; a body's place or a ledger column's field by what it is."""
    if key.startswith(("body.", "ledger.")):
        return t("review.key." + key) if "review.key." + key in STRINGS else key
    return ui.measure_label(key)


def _keys_text(keys: str | None) -> str:
    """The queue's comma-separated keys as labels."""
    return "、".join(_key_name(k) for k in keys.split(",") if k) if keys else ""


def _values_text(values: dict) -> str:
    """``label = value`` pairs (a region code or ledger field as itself)."""
    def one(k: str, v: object) -> str:
        name = _key_name(k)
        shown = ui.fmt_number(v) if isinstance(v, int | float) else str(v)
        return f"{name} = {shown}"

    return "；".join(one(k, v) for k, v in values.items())


def _source_beside(it: dict) -> None:
    """The document around the item: its row or sentence, or each published key's cell."""
    loc = it["location"]
    st.markdown(f"**{t('review.source')}**：{it['source'] or '—'}")
    if it["kind"] == "publisher_error" and it["keys"]:
        trace_view.value_panel(it["report_id"], tuple(it["keys"]))
        return
    prov: dict = {}
    if isinstance(loc.get("line"), int):
        prov = {"line": loc["line"], "table": loc.get("table")}
    elif loc.get("sentence"):
        prov = {"sentence": loc["sentence"], "span": loc.get("span")}
    if prov:
        trace_view.show_source(it["report_id"], it["source"] or "", prov)
    elif loc.get("tokens"):
        st.code(" ".join(map(str, loc["tokens"])), language=None)
    else:
        st.caption(t("review.no_location"))


def _form(it: dict) -> None:
    """Pick a candidate or type a value, with a note and a name; append to the store."""
    from pipelines.review import store as corrections
    from pipelines.review.settle import allowed_keys, correction_for, values_for
    from schemas.registry import measures

    measure_keys = frozenset(m.key for m in measures())
    cands = it["candidates"]
    options = [*range(1, len(cands) + 1), 0]

    def label(n: int) -> str:
        return (t("review.type_value") if n == 0
                else t("review.candidate", n=n) + "：" + _values_text(cands[n - 1]))

    keys = sorted(allowed_keys(it, measure_keys), key=lambda k: (k not in it["keys"], k))
    with st.form(f"settle_{it['item_id']}", border=True):
        suffix = it["item_id"]
        choice = st.radio(t("review.choice"), options, format_func=frozen(label),
                          key="pick_" + suffix)
        key = st.selectbox(t("review.key"), keys, format_func=frozen(
            _key_name), key="typed_key_" + suffix)
        typed = st.text_input(t("review.value"), key="typed_value_" + it["item_id"],
                              placeholder=t("review.value_hint"))
        note = st.text_input(t("review.note"), key="note_" + it["item_id"])
        who = st.text_input(t("review.reviewer"), key="reviewer_" + it["item_id"],
                            value=st.session_state.get("reviewer_default")
                            or os.environ.get("GONGKAI_REVIEWER", ""))
        sent = st.form_submit_button(t("review.submit"), type="primary")
    if not sent:
        return
    try:
        pick = choice or None
        values = values_for(it, pick, {key: typed} if choice == 0 else {}, measure_keys)
        c = correction_for(it, values, who, note)
    except corrections.CorrectionError as exc:
        st.error(str(exc))
        return
    corrections.append(corrections.store_path(_home()), [c])
    st.session_state["reviewer_default"] = who
    st.success(t("review.saved", values=_values_text(values), cid=c.correction_id))


def _build_section() -> None:
    """Start a build (the corrections apply then) and say when the new warehouse is out."""
    st.subheader(t("review.build"))
    st.caption(t("review.build_note"))
    home = _home()
    started: review_build.StartedBuild | None = st.session_state.get("review_build")
    if started is not None:
        _build_status(started)
        return
    holder = review_build.running_holder(home)
    if holder is not None:
        st.info(t("review.build_busy", pid=holder.pid, since=holder.started))
    if st.button(t("review.build_start"), key="build_start", disabled=holder is not None):
        st.session_state["review_build"] = review_build.start(
            home, store.stamp(store.warehouse_path()))
        st.rerun()


@st.fragment(run_every=2)
def _build_status(started: review_build.StartedBuild) -> None:
    code = started.proc.poll()
    if code is None:
        st.info(t("review.build_running", secs=int(time.monotonic() - started.started)))
        return
    now = store.stamp(store.warehouse_path())
    if code == 0 and now != started.before:
        st.success(t("review.build_published"))
    elif code == 0:
        st.info(t("review.build_unchanged"))
    else:
        st.error(t("review.build_failed", code=code))
    st.code(review_build.tail(started.log), language=None)
    if st.button(t("review.build_again"), key="build_again"):
        del st.session_state["review_build"]
        st.rerun(scope="app")


def main() -> None:
    """The page."""
    st.title(t("page.review"))
    st.caption(t("review.intro"))
    if not query(review_data.has_review):
        st.warning(t("review.rebuild"))
        _build_section()
        return
    n = query(review_data.counts)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("review.open"), f"{n.get('open', 0):,}", border=True)
    c2.metric(t("review.settled"), f"{n.get('settled', 0):,}", border=True)
    c3.metric(t("review.engine_agrees"), f"{n.get('engine_agrees', 0):,}", border=True)
    c4.metric(t("review.flagged"), f"{n.get('document_changed', 0):,}", border=True)
    kinds = query(review_data.kinds)
    f1, f2 = st.columns(2)
    kind = urlstate.selectbox(f1, t("review.kind"), ["", *kinds], "review_kind", "kind", str,
                              format_func=frozen(lambda k: _kind_name(k) if k else t("review.all")))
    statuses = ["open", "settled", "engine_agrees", ""]
    status = urlstate.selectbox(
        f2, t("review.status"), statuses, "review_status", "status", str,
        format_func=frozen(lambda s: t(f"review.{s}") if s else t("review.all")))
    df = query(review_data.queue, kind or None, status or None)
    if df.height == 0:
        st.info(t("review.empty"))
    else:
        shown = df.with_columns(pl.col("kind").map_elements(_kind_name, return_dtype=pl.Utf8),
                                pl.col("keys").map_elements(_keys_text, return_dtype=pl.Utf8),
                                pl.col("status").map_elements(lambda s: t(f"review.{s}"),
                                                              return_dtype=pl.Utf8))
        labels = {"kind": t("review.kind"), "body_name": t("col.body"), "year": t("w.year"),
                  "keys": t("review.keys"), "importance": t("review.importance"),
                  "status": t("review.status")}
        event = ui.show_table(shown.drop("item_id", "source"), labels, key="review_queue",
                              on_select=True)
        picked = urlstate.picked_row(event, "item", df["item_id"].to_list())
        row = query(review_data.item, picked or df["item_id"][0])
        if row is not None:
            from pipelines.review.settle import item_dict

            it = item_dict(row)
            left, right = st.columns([3, 2])
            with left:
                st.markdown(f"#### {_kind_name(it['kind'])} · {it['body_name'] or '—'} · "
                            f"{it['year'] or '—'}")
                st.caption(f"{it['item_id']} · {it['message']}")
                if it["printed"]:
                    st.markdown(f"**{t('review.printed')}**：{_values_text(it['printed'])}")
                if it["settled_values"]:
                    st.markdown(f"**{t('review.settled_as')}**："
                                f"{_values_text(it['settled_values'])}"
                                f"（{it['reviewer']}，{it['reviewed_at']}）")
                _source_beside(it)
            with right:
                _form(it)
    reviewed = query(review_data.reviewed_values)
    if reviewed.height:
        st.subheader(t("review.in_force"))
        st.caption(t("review.in_force_note"))
        ui.show_table(ui.labelled(reviewed, "key", ui.measure_label).drop("key"), {
            "body_name": t("col.body"), "year": t("w.year"), "key_label": t("review.key"),
            "as_published": t("review.as_published"), "value": t("review.reviewed_value"),
            "reviewer": t("review.reviewer"), "reviewed_at": t("review.at"),
            "note": t("review.note")}, key="review_in_force")
    flagged = query(review_data.flagged)
    if flagged.height:
        st.subheader(t("review.flagged"))
        st.caption(t("review.flagged_note"))
        ui.show_table(flagged, {
            "source": t("review.source"), "body_name": t("col.body"), "year": t("w.year"),
            "values": t("review.reviewed_value"), "reviewer": t("review.reviewer"),
            "reviewed_at": t("review.at"), "note": t("review.note"),
            "status_note": t("review.why")}, key="review_flagged")
    _build_section()


main()

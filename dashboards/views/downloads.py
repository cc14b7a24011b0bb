"""下载 Downloads: the current view and whole warehouse tables as CSV / Parquet / XLSX.

The current view is whatever the last visited page showed (pages register it through
``ui.set_current_view``). Whole tables come from the published file, encoded once per build
(cached). If an open-data package (``datapackage.json``) lies next to the warehouse, it is
described here too, since that is the documented, checksummed release.
"""

from __future__ import annotations

import streamlit as st

from dashboards import data, exports, store, ui
from dashboards.i18n import frozen, t
from dashboards.store import query


def _current_view() -> None:
    st.subheader(t("downloads.current"))
    view = st.session_state.get("current_view")
    if not view:
        st.info(t("downloads.current_none"))
        return
    df = view["frame"]
    headers = view.get("headers") or list(df.columns)
    st.caption(t("downloads.current_name", page=view["page"], name=view["name"], rows=df.height))
    st.caption(t("downloads.headers"))
    st.dataframe(
        df.head(200),
        column_config={
            c: st.column_config.Column(h) for c, h in zip(df.columns, headers, strict=True)
        },
        hide_index=True,
        width="stretch",
        placeholder=ui.MISSING,
    )
    ui.format_buttons(
        view["name"], "dl-current", df.height,
        lambda fmt: exports.encode_view(df, headers, fmt),
    )


def _full_dataset() -> None:
    st.subheader(t("downloads.full"))
    st.caption(t("downloads.full_help"))
    name = st.selectbox(
        t("w.table"),
        data.EXPORT_TABLES,
        format_func=frozen(lambda n: t("table." + n)),
        key="downloads_table",
    )
    cols = query(data.columns, name)
    rows = query(data.row_count, name)
    st.caption(t("downloads.rows", rows=f"{rows:,}", cols=len(cols)))
    ui.format_buttons(name, "dl-full", rows, lambda fmt: store.table_bytes(name, fmt))


def _export_package() -> None:
    st.subheader(t("downloads.export"))
    package = store.export_package()
    if package is None:
        st.caption(t("downloads.export_none"))
        return
    st.markdown(
        t("downloads.export_found", path=package["path"], version=package["version"] or "—")
    )
    if package["title"]:
        st.caption(package["title"])
    st.dataframe(package["resources"], hide_index=True, width="stretch", placeholder=ui.MISSING)


def render() -> None:
    """Draw the page."""
    st.title(t("page.downloads"))
    _current_view()
    _full_dataset()
    _export_package()


render()

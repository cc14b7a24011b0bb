"""Entry point of the dashboard: ``streamlit run dashboards/app.py``.

Only wiring lives here: page config, the language toggle, the navigation, the demo badge and
the messages for a missing or unreadable warehouse. This script runs before every page, so what
it draws (badge, sidebar) appears on all of them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import streamlit as st

if __package__ in (None, ""):  # `streamlit run dashboards/app.py` runs this file as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboards import data, store
from dashboards.i18n import LANG_NAMES, LANGS, t

HERE = Path(__file__).resolve().parent
FAVICON = HERE / "assets" / "favicon.png"
# The page scripts live in views/, not pages/: a folder named pages/ beside the entry script puts
# Streamlit into its legacy multipage mode, which runs a deep-linked page (/compare) on its own,
# without this script, so the page loses the navigation, language toggle and demo badge.
PAGES = (
    ("overview", ":material/dashboard:"),
    ("compare", ":material/leaderboard:"),
    ("trends", ":material/show_chart:"),
    ("outcomes", ":material/pie_chart:"),
    ("quality", ":material/fact_check:"),
    ("timeliness", ":material/timer:"),
    ("collect", ":material/travel_explore:"),
    ("scorecard", ":material/grading:"),
    ("regions", ":material/account_tree:"),
    ("review", ":material/rate_review:"),
    ("downloads", ":material/download:"),
)


def _navigation() -> st.navigation:
    pages = [
        st.Page(
            HERE / "views" / f"{name}.py",
            title=t(f"page.{name}"),
            icon=icon,
            url_path=name,
            default=name == "overview",
        )
        for name, icon in PAGES
    ]
    return st.navigation(pages)


def _missing(path: Path) -> None:
    """Tell the user how to get a warehouse instead of showing a traceback."""
    st.error(t("missing.title"), icon=":material/database_off:")
    st.markdown(t("missing.body", path=path))
    st.code("gongkai build", language="bash")
    st.caption(t("missing.env"))


def _broken(path: Path, error: Exception) -> None:
    st.error(t("broken.title"), icon=":material/error:")
    st.markdown(t("broken.body", path=path, error=error))


def _header(meta: dict, path: Path) -> None:
    """Demo badge on every page; dataset version and file in the sidebar."""
    if meta.get("is_demo"):
        st.badge(t("demo.badge"), icon=":material/science:", color="orange")
        st.caption(t("demo.caption"))
        st.sidebar.badge(t("demo.badge"), icon=":material/science:", color="orange")
    if meta:
        st.sidebar.caption(
            t("app.version", version=meta.get("dataset_version"), built=meta.get("built_at"))
        )
    st.sidebar.caption(t("app.source", path=path))


def main() -> None:
    """Draw the frame, then the chosen page (or a message when there is no warehouse)."""
    # A local favicon: a material icon as page_icon makes the browser fetch it from the
    # internet, and the dashboard must work offline.
    st.set_page_config(page_title=t("app.title"), page_icon=str(FAVICON), layout="wide")
    # `gongkai --lang en serve` passes its language on; the sidebar toggle wins afterwards.
    if "lang" not in st.session_state and os.environ.get("GONGKAI_LANG") in LANGS:
        st.session_state["lang"] = os.environ["GONGKAI_LANG"]
    st.sidebar.radio(
        t("app.lang"), LANGS, format_func=LANG_NAMES.__getitem__, key="lang", horizontal=True
    )
    nav = _navigation()
    path = store.warehouse_path()
    if store.stamp(path) is None:
        _missing(path)
        return
    try:
        _header(store.query(data.meta), path)
        nav.run()
    except store.WarehouseError as exc:
        _broken(path, exc)


main()

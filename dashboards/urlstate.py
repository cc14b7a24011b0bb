"""Filters in the URL (``?year=2024&level=county&measure=rate.review_correction``).

A link then opens exactly the view it was copied from. Each picker reads its starting value
from ``st.query_params`` and writes its current value back on every run, so the address bar
always describes the screen. The page itself is the URL path (``/compare``), set by
``st.navigation``.

The picker's ``index`` is always the position of the URL's value, which after the first run
*is* the current value: the index never changes under a widget, so Streamlit never resets it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from dashboards.i18n import t


def parse_param(raw: str | None, options: Sequence[Any], cast: Callable[[str], Any]) -> Any:
    """``raw`` as one of ``options`` (through ``cast``), or ``None`` when it is not one."""
    if raw is None:
        return None
    try:
        value = cast(raw)
    except (TypeError, ValueError):
        return None
    return value if value in options else None


def url_value(param: str, options: Sequence[Any], cast: Callable[[str], Any]) -> Any:
    """The URL's value of ``param`` when it is one of ``options``, else ``None``."""
    return parse_param(st.query_params.get(param), options, cast)


def remember(param: str, value: Any) -> None:
    """Write ``value`` into the URL (remove the parameter for ``None``/empty)."""
    if value is None or value == "" or value == []:
        if param in st.query_params:
            del st.query_params[param]
        return
    text = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    if st.query_params.get(param) != text:
        st.query_params[param] = text


def picked_row(event: Any, param: str, values: Sequence[Any]) -> Any:
    """The value of the table row a person selected, kept in the URL as ``param``.

    ``event`` is the table's selection event; ``values`` holds one value per row. A selection
    is written to the URL, so the view can be shared; without one, the URL's value is used
    while it is still among ``values``.
    """
    rows = event.selection.rows if event is not None else []
    if rows:
        remember(param, values[rows[0]])
    return url_value(param, values, str)


def selectbox(
    container: Any,
    label: str,
    options: Sequence[Any],
    key: str,
    param: str,
    cast: Callable[[str], Any],
    index: int = 0,
    **kwargs: Any,
) -> Any:
    """A selectbox whose value lives in the URL as ``param``."""
    options = list(options)
    wanted = url_value(param, options, cast)
    if wanted is not None:
        index = options.index(wanted)
    kwargs.setdefault("placeholder", t("w.choose"))
    value = container.selectbox(label, options, index=index, key=key, **kwargs)
    remember(param, value)
    return value


def multiselect(
    container: Any,
    label: str,
    options: Sequence[Any],
    default: Sequence[Any],
    key: str,
    param: str,
    **kwargs: Any,
) -> list[Any]:
    """A multiselect whose values live in the URL as ``param`` (comma-separated)."""
    raw = st.query_params.get(param)
    if raw is not None:
        wanted = [v for v in raw.split(",") if v in options]
        default = wanted or default
    kwargs.setdefault("placeholder", t("w.choose"))  # Streamlit's own says "Choose an option"
    value = container.multiselect(label, list(options), default=list(default), key=key, **kwargs)
    remember(param, value)
    return value

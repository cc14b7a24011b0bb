"""Where a canonical key sits in a report, in words a reader can find on the page.

Table keys are placed by the registry (table 三 row and column labels); the extraction's
provenance adds the line or page it was read from. Prose keys are placed by their text span.
"""

from __future__ import annotations

from schemas.registry import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_CATEGORIES,
    label,
)

_TABLES = {"applications": "三", "appeals": "四", "proactive": "二"}
_ROWS = {r.key: (r.label_zh, r.label_en) for r in APPLICATION_ROWS}
_ROWS.update({c: (zh, en) for c, zh, en in OUTCOME_CATEGORIES})
_COLS = {c: (zh, en) for c, zh, en in APPLICANT_COLUMNS}
_GROUPS = {g: (zh, en) for g, zh, en in APPEAL_GROUPS}
_RESULTS = {r: (zh, en) for r, zh, en in APPEAL_RESULTS}


def row_column(key: str, lang: str = "zh") -> tuple[str, str]:
    """Row and column labels of a table key (``applications.granted.total`` → 予以公开, 总计)."""
    i = 1 if lang == "en" else 0
    table, _, rest = key.partition(".")
    if table == "applications":
        row, _, col = rest.rpartition(".")
        return _ROWS.get(row, (row, row))[i], _COLS.get(col, (col, col))[i]
    if table == "appeals":
        group, _, result = rest.partition(".")
        return _GROUPS.get(group, (group, group))[i], _RESULTS.get(result, (result, result))[i]
    text = label(key, lang)
    row, _, col = text.partition("·")
    return row, col


def key_label(key: str, lang: str = "zh") -> str:
    """A key in words: ``予以公开·总计``."""
    if key.split(".")[0] in ("applications", "appeals"):
        row, col = row_column(key, lang)
        return f"{row}·{col}" if lang == "zh" else f"{row} · {col}"
    return label(key, lang)


def cell_location(key: str, provenance: dict | None = None) -> dict:
    """The location of a key: table, row and column labels, plus the line/page it was read on."""
    prov = provenance or {}
    if prov.get("method") == "prose" and prov.get("span"):
        return {"span": list(prov["span"]), "key": key}
    table = _TABLES.get(key.split(".")[0])
    if table is None:
        return {"key": key}
    row, col = row_column(key)
    out: dict = {"table": table, "row": row, "column": col}
    for k in ("page", "line"):
        if prov.get(k) is not None:
            out[k] = prov[k]
    return out


def number_text(value: float | int) -> str:
    """A printed figure as a reader would write it: 12, not 12.0."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"

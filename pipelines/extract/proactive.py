"""Table 二 (主动公开政府信息情况): rows by label, columns by template version.

The 2021 and 2019 templates print different columns for the same row labels, so the template
decides how many cells a row has and what they mean. Flattened rows with several possible digit
splits have no rule to choose between them and are left out.
"""

from __future__ import annotations

from pipelines.extract import flattened, labels
from pipelines.extract.model import Finding
from pipelines.extract.tables import TableRead, direct_cells
from pipelines.extract.tokens import Group
from schemas.registry import PROACTIVE_2019, PROACTIVE_2021


def _columns(template: str) -> dict[str, list[str]]:
    spec = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    cols: dict[str, list[str]] = {}
    for key, *_ in spec:
        row, col = key.split(".")
        cols.setdefault(row, []).append(col)
    return cols


def _read_row(g: Group, n: int) -> list[tuple] | None:
    direct = direct_cells(g.values, n)
    if direct is not None:
        return direct
    runs = [t.text for t in g.values]
    cands = flattened.split_runs(runs, n) if len(runs) < n else []
    if len(cands) == 1:
        return [(v, "number") for v in cands[0]]
    return None


def read_proactive(groups: list[Group], end: int, template: str | None, reader: str) -> TableRead:
    """Table 二 rows found before table 三 (``end``), read with the template's columns."""
    out = TableRead()
    if template not in ("2021", "2019"):
        return out
    cols = _columns(template)
    start = next((i for i, g in enumerate(groups[:end]) if "第二十条" in g.label), None)
    if start is None:
        return out
    seen: set[str] = set()
    for g in groups[start:end]:
        row = labels.classify_proactive(g.label, g.last_label)
        if row is None or row not in cols or row in seen or not g.values:
            continue
        seen.add(row)
        cells = _read_row(g, len(cols[row]))
        if cells is None:
            out.findings.append(Finding(
                "ambiguous_split", "warning", tuple(f"proactive.{row}.{c}" for c in cols[row]),
                f"表二“{g.last_label[:12]}”行 {[t.text for t in g.values]} 无法唯一读成 "
                f"{len(cols[row])} 个单元格，未发布", "reading"))
            continue
        for col, (value, kind) in zip(cols[row], cells, strict=True):
            out.put(f"proactive.{row}.{col}", value, kind, {
                "method": "table", "reader": reader, "table": "二", "row": g.last_label[:40],
                "column": col, "line": g.line})
    return out

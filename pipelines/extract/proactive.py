"""Table 二 (主动公开政府信息情况): rows by label, columns by template version.

The 2021 and 2019 templates print different columns for the same row labels, so the template
decides how many cells a row has and what they mean. Flattened rows with several possible digit
splits have no 勾稽 rule to choose between them; the prose sometimes states the same figures
("本年度制发的规范性文件88件", "现行有效行政规范性文件698件"), and a split must then agree with
them. A prose figure no split agrees with is dropped (a scope difference or a garbled cell), and
only the cells on which every remaining split agrees are kept — otherwise the row is left out.
"""

from __future__ import annotations

import re

from pipelines.extract import flattened, labels
from pipelines.extract.model import Finding, detail
from pipelines.extract.tables import TableRead, direct_cells, may_cut
from pipelines.extract.tokens import Group
from schemas.registry import PROACTIVE_2019, PROACTIVE_2021


def _columns(template: str) -> dict[str, list[str]]:
    spec = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    cols: dict[str, list[str]] = {}
    for key, *_ in spec:
        row, col = key.split(".")
        cols.setdefault(row, []).append(col)
    return cols


_THIS_YEAR = r"(?:本年度?|全年|今年|年内)[^。，；]{0,8}?"
_DOCS = r"(?:的|了)?(?:行政)?规范性文件(?:共计?)?(\d+)件"
# (row, column) → the prose wording that states that cell of table 二.
PROSE_CELLS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("normative_docs", "issued", re.compile(_THIS_YEAR + r"制发" + _DOCS)),
    ("normative_docs", "repealed", re.compile(_THIS_YEAR + r"废止" + _DOCS)),
    ("normative_docs", "in_force", re.compile(r"现行有效" + _DOCS)),
)


def prose_cells(text: str) -> dict[tuple[str, str], int]:
    """Table-二 cells the prose states, as ``{(row, column): value}`` (first statement wins)."""
    out: dict[tuple[str, str], int] = {}
    for row, col, pat in PROSE_CELLS:
        m = pat.search(text)
        if m:
            out.setdefault((row, col), int(m.group(1)))
    return out


def _agreed(cands: list[tuple[int, ...]], fixed: dict[int, int]) -> list | None:
    """Cells of the splits that agree with the prose figures; None where they differ."""
    constrained = False
    for i, v in fixed.items():
        kept = [c for c in cands if c[i] == v]
        if kept:
            cands, constrained = kept, True
    if len(cands) == 1:
        return [(v, "number") for v in cands[0]]
    if not cands or not constrained:
        return None
    cols = [{c[i] for c in cands} for i in range(len(cands[0]))]
    return [(next(iter(vs)), "number") if len(vs) == 1 else None for vs in cols]


def _read_row(g: Group, n: int, fixed: dict[int, int]) -> tuple[list | None, str]:
    """The row's cells (None where unsure) and the method: ``table`` or ``constraint``."""
    direct = direct_cells(g.values, n)
    if direct is not None:
        return direct, "table"
    runs = [t.text for t in g.values]
    # Only numbers that ran together are cut (never one printed in a cell of its own); a cut is
    # kept when it is the only one, or when the prose's figures leave one (see :func:`_agreed`).
    cands = flattened.split_runs(runs, n) if len(runs) < n and may_cut(g.values) else []
    return _agreed(cands, fixed), "constraint"


def read_proactive(
    groups: list[Group], end: int, template: str | None, reader: str, text: str = ""
) -> TableRead:
    """Table 二 rows found before table 三 (``end``), read with the template's columns.

    ``text`` is the compacted prose, whose figures settle flattened rows with several splits.
    """
    out = TableRead()
    if template not in ("2021", "2019"):
        return out
    cols = _columns(template)
    start = next((i for i, g in enumerate(groups[:end]) if labels.starts_proactive(g.label)), None)
    if start is None:
        return out
    seen: set[str] = set()
    stated = prose_cells(text) if text else {}
    for g in groups[start:end]:
        row = labels.classify_proactive(g.label, g.last_label)
        if row is None or row not in cols or row in seen or not g.values:
            continue
        seen.add(row)
        fixed = {i: stated[(row, c)] for i, c in enumerate(cols[row]) if (row, c) in stated}
        cells, method = _read_row(g, len(cols[row]), fixed)
        where = {"table": "二", "row": g.last_label[:40], "line": g.line,
                 "tokens": [t.text for t in g.values]}
        if cells is not None and None in cells:
            unsure = [f"proactive.{row}.{c}" for c, x in zip(cols[row], cells, strict=True)
                      if x is None]
            out.findings.append(Finding(
                "ambiguous_split", "warning", tuple(unsure),
                f"表二“{g.last_label[:12]}”行 {[t.text for t in g.values]} 经正文数字约束后"
                f"仍有多种拆分，{unsure} 未发布", "reading", detail(**where)))
        if cells is None:
            out.findings.append(Finding(
                "ambiguous_split", "warning", tuple(f"proactive.{row}.{c}" for c in cols[row]),
                f"表二“{g.last_label[:12]}”行 {[t.text for t in g.values]} 无法唯一读成 "
                f"{len(cols[row])} 个单元格，未发布", "reading", detail(**where)))
            continue
        for col, cell in zip(cols[row], cells, strict=True):
            if cell is None:
                continue
            value, kind = cell
            out.put(f"proactive.{row}.{col}", value, kind, {
                "method": method, "reader": reader, "table": "二", "row": g.last_label[:40],
                "column": col, "line": g.line})
    return out

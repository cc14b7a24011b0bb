"""Template tables 二, 三 and 四, found by their row and column labels.

The document's token groups (see :mod:`tokens`) are matched to canonical rows by label; the
values after a label are read as that row's cells in template column order. Rows whose cells
ran together are cut by :mod:`flattened` under the 勾稽 rules. A row that cannot be read with
certainty is left out and reported, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.extract import detached, flattened, labels
from pipelines.extract.model import Finding, detail
from pipelines.extract.normalize import EMPTY_MARK, cell_value
from pipelines.extract.tokens import Group, Token
from schemas.registry import APPEAL_GROUPS, APPEAL_RESULTS, APPLICANT_COLUMNS

APP_COLUMNS = tuple(c for c, _, _ in APPLICANT_COLUMNS)
APPEAL_KEYS = tuple(f"{g}.{r}" for g, _, _ in APPEAL_GROUPS for r, _, _ in APPEAL_RESULTS)
OUTCOME_ROWS = ("granted", "partially_granted", "denied", "unable", "not_processed", "other")


@dataclass
class TableRead:
    """Cells read from one table: values, cell kinds, provenance and findings."""

    values: dict[str, int | float] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, dict] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    end: int = 0  # index of the first group after the table

    def put(self, key: str, value: int | float, kind: str, prov: dict) -> None:
        """Store one cell (kind ``number`` is implied and not stored in ``cells``)."""
        self.values[key] = value
        if kind != "number":
            self.cells[key] = kind
        self.provenance[key] = prov


# --- reading a row's values -----------------------------------------------------------------


def direct_cells(values: list[Token], n: int) -> list[tuple[int | float, str]] | None:
    """The row's ``n`` cells when they are printed as separate cells; None otherwise."""
    toks = list(values)
    # Label columns of PDF/HTML tables leave blank cells around a row's values.
    while len(toks) > n and toks[0].text == EMPTY_MARK:
        toks.pop(0)
    while len(toks) > n and toks[-1].text == EMPTY_MARK:
        toks.pop()
    if len(toks) != n:
        return None
    out = []
    for t in toks:
        cv = cell_value(t.text)
        if cv is None:
            return None
        out.append(cv)
    return out


def may_cut(values: list[Token]) -> bool:
    """True when a row's numbers may be cut into several cells.

    A real table cell holds one number, so a row with any number printed in a cell of its own
    is never cut; only text that ran together is.
    """
    return not any(t.in_cell for t in values)


def row_candidates(values: list[Token], n: int, row_total: bool) -> tuple[list[tuple], str]:
    """Readings of a row and how they were read.

    One direct reading (``table``), or every digit split that satisfies the total
    (``constraint``: the rule chose the cut, even when it left a single reading).
    """
    direct = direct_cells(values, n)
    if direct is not None:
        return [tuple(direct)], "table"
    runs = [t.text for t in values]
    if len(runs) < n and may_cut(values) and all(flattened.is_digit_run(r) for r in runs):
        cands = (flattened.split_with_total(runs, n) if row_total
                 else flattened.split_runs(runs, n))
        return [tuple((v, "number") for v in c) for c in cands], "constraint"
    return [], "table"


# --- table 三 -------------------------------------------------------------------------------


def _named_rows(g: Group, category: str | None) -> set[str]:
    """The template rows named by the separate label pieces of a group."""
    return {k for piece in g.labels
            if (k := labels.classify_application(piece, piece, category)) is not None}


def _app_rows(
    groups: list[Group], start: int
) -> tuple[dict[str, tuple[list, Group, str]], int, list[tuple[set[str], Group]]]:
    """Collect table-三 label groups from ``start`` until 结转下年度 (inclusive).

    A group whose nearest label names no row while its other label pieces name several rows
    (labels detached from their numbers: "5.属于三类内部事务信 息 1.本机关不掌握相关政 府信息"
    followed by one row of cells) cannot say which row its cells belong to: it is returned in
    the third list and not read. So is a second group whose label names a row already read,
    with other numbers: two rows never silently share one label.
    """
    rows: dict[str, tuple[list, Group, str]] = {}
    unsure: list[tuple[set[str], Group]] = []
    category: str | None = None
    i = start
    while i < len(groups):
        g = groups[i]
        category = labels.category_of(g.label) or category
        key = labels.classify_application(g.label, g.last_label, category)
        if key is not None and "." in key:
            category = key.split(".")[0]
        own = labels.classify_application(g.last_label, g.last_label, category)
        named = _named_rows(g, category) if own is None and key is not None else set()
        if len(named) > 1 and g.values:
            unsure.append((named, g))
        elif key is not None and g.values and key not in rows:
            cands, how = row_candidates(g.values, 7, row_total=True)
            rows[key] = (cands, g, how)
        elif key is not None and g.values and _texts(g) != _texts(rows[key][1]):
            unsure.append(({key}, g))  # a second row with the first one's label
        i += 1
        if key == "carried_forward":
            break
    return rows, i, unsure


def _texts(g: Group) -> list[str]:
    return [t.text for t in g.values]


def _column_rules_hold(rows: dict[str, tuple]) -> bool:
    """Rules 1 and 3, per column, on candidate cell tuples (blank/dash read as 0)."""
    def col(key: str, c: int) -> int | float:
        return rows[key][c][0]

    for c in range(7):
        if all(k in rows for k in ("new_received", "carried_over", "total_processed",
                                   "carried_forward")) and (
            col("new_received", c) + col("carried_over", c)
            != col("total_processed", c) + col("carried_forward", c)
        ):
            return False
        if "total_processed" in rows:
            parts = [k for k in rows if k.split(".")[0] in OUTCOME_ROWS and "." in k]
            parts += [k for k in rows if k in OUTCOME_ROWS and not any(
                p.startswith(k + ".") for p in rows)]
            if parts and sum(col(k, c) for k in parts) != col("total_processed", c):
                return False
    return True


def _complete(rows: dict[str, tuple[list, Group, str]]) -> bool:
    """Every row of a template read by its label, each with exactly one reading."""
    got = {k for k, (cands, _, _) in rows.items() if len(cands) == 1}
    return any(set(order) <= got for order in detached.ORDERS.values())


def _put_detached(out: TableRead, det: detached.DetachedRead, reader: str) -> None:
    """Store rows assigned in template order; a cell that could not be placed is reported."""
    for k, cols in det.blanked.items():
        keys = tuple(f"applications.{k}.{c}" for c in cols)
        out.findings.append(Finding(
            "blank_against_rules", "warning", keys,
            f"表三第 {det.lines[k] + 1} 行 {list(keys)} 印为空白，但勾稽关系要求其有数值"
            "（可能在转写中丢失），未发布", "reading",
            detail(table="三", row=k, line=det.lines[k])))
    for k, cells in det.rows.items():
        lost = [f"applications.{k}.{c}" for c, cell in zip(APP_COLUMNS, cells, strict=True)
                if cell is None and c not in det.blanked.get(k, ())]
        if lost:
            printed = {f"applications.{k}.{c}": cell[0]
                       for c, cell in zip(APP_COLUMNS, cells, strict=True) if cell is not None}
            out.findings.append(Finding(
                "lost_cell", "warning", tuple(lost),
                f"表三第 {det.lines[k] + 1} 行少印一个单元格，无法确定其位置，未发布：{lost}",
                "reading", detail(table="三", row=k, line=det.lines[k], printed=printed)))
        for col, cell in zip(APP_COLUMNS, cells, strict=True):
            if cell is not None:
                out.put(f"applications.{k}.{col}", cell[0], cell[1], {
                    "method": "constraint", "reader": reader, "table": "三", "row": k,
                    "column": col, "line": det.lines[k], "note": "template row order"})


# A reviewer chooses among readings; more than this many is a list nobody reads.
MAX_CANDIDATES = 12


def _candidates_detail(keys: tuple[str, ...], readings: list, table: str, g: Group | None,
                       tokens: list[str] | None = None) -> str:
    """A withheld row's ``detail``: each reading the digits allow as ``{key: value}``.

    ``readings`` are tuples of values (or of ``(value, kind)`` cells) in ``keys`` order.
    """
    cands = []
    for r in readings[:MAX_CANDIDATES]:
        vals = [c[0] if isinstance(c, tuple) else c for c in r]
        cands.append(dict(zip(keys, vals, strict=True)))
    return detail(
        table=table, row=g.last_label[:40] if g is not None else None,
        line=g.line if g is not None else None,
        tokens=tokens if tokens is not None else ([t.text for t in g.values] if g else None),
        candidates=cands or None)


def read_applications(groups: list[Group], reader: str) -> TableRead:
    """Table 三 from the label groups: 7 cells per row, by label, rules-resolved when flattened."""
    out = TableRead()
    start = next((i for i, g in enumerate(groups)
                  if labels.starts_applications(g.label) and g.values), None)
    if start is None:
        return out
    rows, out.end, unsure = _app_rows(groups, start)
    if not _complete(rows):
        det = detached.read_detached(groups[start:out.end])
        if det is not None:
            _put_detached(out, det, reader)
            return out
    for named, g in unsure:
        if len(named) == 1:
            (key,) = named
            first = rows.pop(key, None)
            out.findings.append(Finding(
                "shared_label", "warning", tuple(f"applications.{key}.{c}" for c in APP_COLUMNS),
                f"表三两行数字 {_texts(first[1]) if first else []} 与 {_texts(g)} 的标签"
                f"“{g.last_label[:20]}”都指向同一行 {key}，无法确定哪一行是，未发布", "reading"))
            continue
        out.findings.append(Finding(
            "ambiguous_label", "warning",
            tuple(f"applications.{k}.{c}" for k in sorted(named) for c in APP_COLUMNS),
            f"表三一行数字 {[t.text for t in g.values][:9]} 前的标签指向多行 {sorted(named)}，"
            "无法确定所属行，未发布", "reading"))
    readable = {k: v[0] for k, v in rows.items() if v[0]}
    for k, (cands, g, _) in rows.items():
        if not cands:
            out.findings.append(Finding(
                "unreadable_row", "warning", tuple(f"applications.{k}.{c}" for c in APP_COLUMNS),
                f"表三“{g.last_label[:20]}”行的数字无法读成 7 个单元格："
                f"{[t.text for t in g.values]}",
                "reading", _candidates_detail((), [], "三", g)))
    chosen, ambiguous = flattened.resolve_jointly(readable, _column_rules_hold)
    for k in ambiguous:
        g = rows[k][1]
        keys = tuple(f"applications.{k}.{c}" for c in APP_COLUMNS)
        out.findings.append(Finding(
            "ambiguous_split", "warning", keys,
            f"表三“{g.last_label[:20]}”行 {[t.text for t in g.values]} "
            "有多种符合勾稽关系的拆分，未发布",
            "reading", _candidates_detail(keys, readable[k], "三", g)))
    for k, cells in chosen.items():
        g, how = rows[k][1], rows[k][2]
        method = "constraint" if len(readable[k]) > 1 or how == "constraint" else "table"
        for col, (value, kind) in zip(APP_COLUMNS, cells, strict=True):
            out.put(f"applications.{k}.{col}", value, kind, {
                "method": method, "reader": reader, "table": "三", "row": g.last_label[:40],
                "column": col, "line": g.line})
    return out


# --- table 四 -------------------------------------------------------------------------------


def read_appeals(groups: list[Group], start: int, reader: str) -> TableRead:
    """Table 四: the first 15 values after the 行政复议 header, checked by rule 4 when cut."""
    out = TableRead()
    i = next((j for j in range(start, len(groups)) if labels.starts_appeals(groups[j].label)),
             None)
    if i is None:
        return out
    values: list[Token] = []
    for g in groups[i:]:
        if values and g.labels and not labels.is_appeals_header(g.label):
            break
        if not values and g.labels and not labels.is_appeals_header(g.last_label) and (
                not labels.starts_appeals(g.label)):
            break
        if len(g.values) < 15 and all(t.text == EMPTY_MARK for t in g.values):
            continue  # blank cells of the header layout, not data
        values.extend(g.values)
        if len(values) >= 15:
            break
    cands, _ = row_candidates(values, 15, row_total=False)
    if len(cands) > 1 or (cands and len(values) < 15):
        accept = flattened.groups_total_hold(5)
        cands = [c for c in cands if accept(tuple(v for v, _ in c))]
    if len(cands) != 1:
        if values:
            keys = tuple(f"appeals.{k}" for k in APPEAL_KEYS)
            readings = [tuple(v for v, _ in c) for c in cands]
            out.findings.append(Finding(
                "ambiguous_split" if len(cands) > 1 else "unreadable_row", "warning",
                keys,
                f"表四的数字 {[t.text for t in values][:20]} 无法唯一读成 15 个单元格，未发布",
                "reading", _candidates_detail(keys, readings, "四", None,
                                              [t.text for t in values][:20])))
        return out
    method = "constraint" if len(values) < 15 else "table"
    for key, (value, kind) in zip(APPEAL_KEYS, cands[0], strict=True):
        out.put(f"appeals.{key}", value, kind, {
            "method": method, "reader": reader, "table": "四", "column": key})
    return out

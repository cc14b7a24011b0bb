"""Table 三 whose rows came apart from their labels: rows read in template order, under the rules.

Text extracted from a PDF by a third party often prints the row labels of table 三 as a block of
broken lines and the numbers as rows of bare cells, some with their label on the same line and
some without (``| 0 | 0 | 0 | 0 | 0 | 0 | 0 |``). Grouping by label then glues two rows together
or gives a row its neighbour's label. But the template fixes the order and number of the rows,
so when the document prints exactly as many rows of seven cells as its template has, in order,
each row can be given its template key — and the reading is kept only when

* every row that does carry a label on its own line is given that label's key, and
* rules 1–3 (row totals, carry balance, outcome sums) hold on every column.

Otherwise nothing is read this way (the label reading's findings stand). A row that lost one
blank cell (Markdown drops empty pipe cells) is placed by the rules too: each position of the
lost cell is tried, and only the columns every consistent placement agrees on are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.extract import labels
from pipelines.extract.normalize import EMPTY_MARK, cell_value
from pipelines.extract.tokens import Group, Token
from schemas.registry import APPLICANT_COLUMNS, APPLICATION_ROWS
from schemas.rules import carry_balance, category_sum, outcomes_sum, row_total

COLUMNS = tuple(c for c, _, _ in APPLICANT_COLUMNS)
ORDER_2021 = tuple(r.key for r in APPLICATION_ROWS)
ORDER_2019 = tuple(
    k for r in APPLICATION_ROWS if "2019" in r.templates
    for k in (("other", r.key) if r.key == "total_processed" else (r.key,))
)
# The row count tells the template apart (the 2019 (六)其他处理 is one row, not three).
ORDERS = {len(ORDER_2021): ORDER_2021, len(ORDER_2019): ORDER_2019}

Cell = tuple[int | float, str]


@dataclass
class LineRow:
    """The labels and values printed on one line of the document."""

    line: int
    labels: list[str] = field(default_factory=list)
    values: list[Token] = field(default_factory=list)

    @property
    def label(self) -> str:
        """All label text on the line."""
        return "".join(self.labels)


@dataclass
class DetachedRead:
    """Rows assigned in template order: full rows, and rows with one lost cell resolved."""

    rows: dict[str, list[Cell | None]]  # None = a cell that could not be placed
    lines: dict[str, int]
    # cells printed blank where the rules need a figure: withheld, not a lost cell
    blanked: dict[str, list[str]] = field(default_factory=dict)


def line_rows(groups: list[Group]) -> list[LineRow]:
    """The label and value tokens of ``groups``, regrouped by the line they were printed on."""
    by_line: dict[int, LineRow] = {}
    for g in groups:
        for text, ln in zip(g.labels, g.label_lines, strict=False):
            by_line.setdefault(ln, LineRow(ln)).labels.append(text)
        for t in g.values:
            by_line.setdefault(t.line, LineRow(t.line)).values.append(t)
    return [by_line[k] for k in sorted(by_line)]


def _cells(values: list[Token]) -> list[Cell] | None:
    toks = [t for t in values if t.text != EMPTY_MARK] if len(values) > 7 else list(values)
    out = []
    for t in toks:
        cv = cell_value(t.text)
        if cv is None or not t.separate:
            return None
        out.append(cv)
    return out


def _values(rows: dict[str, list[Cell | None]]) -> tuple[dict, dict]:
    values: dict[str, int | float] = {}
    cells: dict[str, str] = {}
    for key, row in rows.items():
        for col, cell in zip(COLUMNS, row, strict=True):
            if cell is None:
                continue
            k = f"applications.{key}.{col}"
            values[k] = cell[0]
            if cell[1] != "number":
                cells[k] = cell[1]
    return values, cells


def rules_hold(rows: dict[str, list[Cell | None]]) -> bool:
    """Rules 1–3 on the assigned rows (a missing cell only skips the checks it is part of)."""
    values, cells = _values(rows)
    return not any(check(values, cells) for check in (
        row_total, carry_balance, outcomes_sum, category_sum))


def _failures(rows: dict[str, list[Cell | None]]) -> int:
    values, cells = _values(rows)
    return sum(len(check(values, cells)) for check in (
        row_total, carry_balance, outcomes_sum, category_sum))


def _doubt_blanks(rows: dict[str, list[Cell | None]]
                  ) -> tuple[dict[str, list[Cell | None]], dict[str, list[str]]]:
    """Rows whose blank cells break the rules, with those blanks withheld (``None``).

    Text extracted from a PDF by a third party loses values as well as cells: a blank the
    rules say must hold a figure (结转下年度's 总计 blank while its columns add up to 1) is
    not read as 0. A row's blanks are withheld only when that removes failures.
    """
    rows = dict(rows)
    blanked: dict[str, list[str]] = {}
    for key, row in list(rows.items()):
        if not any(c is not None and c[1] == "empty" for c in row):
            continue
        trial = [None if c is not None and c[1] == "empty" else c for c in row]
        if _failures({**rows, key: trial}) < _failures(rows):
            rows[key] = trial
            blanked[key] = [col for col, c in zip(COLUMNS, row, strict=True)
                            if c is not None and c[1] == "empty"]
    return rows, blanked


def _place_lost_cell(six: list[Cell], key: str, rows: dict) -> list[Cell | None] | None:
    """A row printed with 6 of its 7 cells: the columns every consistent placement agrees on."""
    survivors = []
    for hole in range(7):
        trial = [*six[:hole], None, *six[hole:]]
        if rules_hold({**rows, key: trial}):
            survivors.append(trial)
    if not survivors:
        return None
    return [s[0] if all(t[c] == s[0] for t in survivors) and s[0] is not None else None
            for c, s in enumerate(zip(*survivors, strict=True))]


def read_detached(groups: list[Group]) -> DetachedRead | None:
    """Table 三 rows in template order when the row count and rules allow it; else None."""
    lines = line_rows(groups)
    printed: list[tuple[LineRow, list[Cell]]] = []
    for ln in lines:
        if not ln.values:
            continue
        cells = _cells(ln.values)
        if cells is None:
            return None  # digit runs or notes among the rows: not this layout
        if len(cells) == 7 or (len(cells) == 6 and ln.labels):
            printed.append((ln, cells))
        elif len(cells) > 1:
            return None  # a row of another width: the rows are not simply detached
    order = ORDERS.get(len(printed))
    if order is None:
        return None
    category: str | None = None
    for key, (ln, _) in zip(order, printed, strict=True):
        category = key.split(".")[0] if "." in key else category
        if ln.labels:
            own = labels.classify_application(ln.label, ln.labels[-1], category)
            if own is not None and own != key:
                return None
    rows: dict[str, list[Cell | None]] = {
        key: list(cells) for key, (_, cells) in zip(order, printed, strict=True)
        if len(cells) == 7}
    blanked: dict[str, list[str]] = {}
    if not rules_hold(rows):
        rows, blanked = _doubt_blanks(rows)
        if not rules_hold(rows):
            return None
    for key, (_, cells) in zip(order, printed, strict=True):
        if len(cells) == 6:
            placed = _place_lost_cell(cells, key, rows)
            if placed is None:
                return None
            rows[key] = placed
    lines_of = {key: ln.line for key, (ln, _) in zip(order, printed, strict=True)}
    return DetachedRead(rows, lines_of, blanked)

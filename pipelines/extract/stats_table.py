"""The pre-2019 statistics table (政府信息公开情况统计表): one figure per indicator.

Most 2008–2018 reports end with a short table — 指标名称 / 计量单位 / 本年度 / 历年累计 — whose
rows each province worded its own way. Rows are found by meaning (the scored matcher over
:mod:`schemas.vocabulary.stats_table`), and only the year's figure is kept. Scraped text glues
the year and cumulative cells together (``主动公开文件数条294981916``), so a glued run is cut
under the constraints the table itself gives:

* the cumulative figure is never smaller than the year's;
* a 其中 row is never larger than its total, and its rows together never exceed it;
* a figure the prose states for the same thing (主动公开政府信息2949条) picks the reading that
  agrees with it, when exactly such readings exist.

A row that more than one reading still fits is withheld with a reading finding, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pipelines.extract import flattened
from pipelines.extract.matcher import Matcher
from pipelines.extract.model import Finding, detail
from pipelines.extract.normalize import EMPTY_MARK
from pipelines.extract.tables import TableRead, direct_cells
from pipelines.extract.tokens import Group, Token
from schemas.vocabulary import stats_table as vocab

MATCHER = Matcher(vocab.SENSES, floor=1.5)
_HEADER = tuple(sorted((w.text for w in vocab.HEADER_WORDS), key=len, reverse=True))
_MARKERS = tuple(w.text for w in vocab.TABLE_MARKERS)
_NUMBERING = re.compile(r"^(?:其中[:：]?|[(（]?[一二三四五六七八九十\d]{1,2}[)）.、．]?\s*)+")
_UNIT_TAIL = re.compile(r"(?:[(（](?:" + "|".join(vocab.UNIT_WORDS) + r")[)）]|"
                        + "|".join(sorted(vocab.UNIT_WORDS, key=len, reverse=True)) + r")$")
_SENTENCE = re.compile(r"[，。；！？,;]")
_COLUMN_WORDS = sorted(
    [(w.text, "cumulative") for w in vocab.CUMULATIVE_COLUMN]
    + [(w.text, "change") for w in vocab.CHANGE_COLUMN]
    + [(w.text, "previous") for w in vocab.PREVIOUS_COLUMN]
    + [(w.text, "year") for w in vocab.YEAR_COLUMN]
    + [(w.text, "period") for w in vocab.PERIOD_COLUMN]
    + [(w.text, "code") for w in vocab.CODE_COLUMN],
    key=lambda tw: -len(tw[0]))
MAX_LABEL = 24  # a row label is short; prose that happens to hold a key word is not a row
MAX_GAP = 3  # groups that are not rows (headings, notes) the table may hold between its rows
MAX_UNKNOWN_ROWS = 20  # rows with no key (咨询数, 收费减免金额, a form's own sub-rows)

Cell = tuple[int | float, str]
LITIGATION_KINDS = ("appeals.litigation_direct.total", "appeals.litigation_after_review.total")


@dataclass
class _Row:
    key: str
    label: str
    values: list[Token]
    line: int
    group: int


def row_label(label: str) -> str:
    """A group's label as a row label: after any header words, without numbering and unit."""
    text = label
    for word in _HEADER:
        cut = text.rfind(word)
        if cut >= 0 and MATCHER.match(text[cut + len(word):].strip()).key:
            text = text[cut + len(word):]
    text = _NUMBERING.sub("", text.strip())
    return _UNIT_TAIL.sub("", text).strip() or text


def classify_row(label: str) -> str | None:
    """The key a statistics-table row label means, or None (a header, a note, prose).

    A row a form adds (``_local.*``: 信息不存在答复数 under 否决公开) is known as a row but has
    no key: :func:`row_like` still lets the table run on past it.
    """
    key = _row_key(label)
    return None if key is None or key.startswith("_local.") else key


def _row_key(label: str) -> str | None:
    text = row_label(label)
    if not text or len(text) > MAX_LABEL or _SENTENCE.search(text):
        return None
    return MATCHER.match(text).key


def row_like(label: str) -> bool:
    """A short label without sentence punctuation: a row even if it has no key.

    咨询数 or 网站访问量 are rows of the table; prose, which ends the table, is not.
    """
    text = row_label(label)
    return bool(text) and len(text) <= MAX_LABEL and not _SENTENCE.search(text)


def _is_marker(g: Group) -> bool:
    return any(m in piece for piece in g.labels for m in _MARKERS)


def column_kinds(header: str) -> list[str]:
    """The value columns a header names, in order.

    Kinds: ``year`` (本年度), ``cumulative`` (历年累计), ``previous`` (上年度), ``change``
    (增减), ``period`` (a return's 本期) and ``code`` (a return's row codes).
    """
    spans: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for word, kind in _COLUMN_WORDS:
        for m in re.finditer(re.escape(word), header):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            spans.append((m.start(), kind))
    kinds = [k for _, k in sorted(spans)]
    # "2011 年度 历年累计" and "本年度 数量" name one year column, however many words say it.
    out: list[str] = []
    for k in kinds:
        if not out or out[-1] != k:
            out.append(k)
    return out


def _find_table(groups: list[Group]) -> tuple[int, list[_Row]] | None:
    """The marker group and the rows of the longest run of row groups after a marker."""
    best: tuple[int, list[_Row]] | None = None
    for i, g in enumerate(groups):
        if not _is_marker(g):
            continue
        rows: list[_Row] = []
        gap = 0
        unknown = 0
        for j in range(i, len(groups)):
            h = groups[j]
            key = classify_row(h.label) if h.values else None
            if key is None:
                if j > i and h.values and row_like(h.label) and unknown < MAX_UNKNOWN_ROWS:
                    unknown += 1  # a row with no key (咨询数): the table goes on
                    continue
                if j > i and (gap := gap + 1) > MAX_GAP:
                    break
                continue
            gap = 0
            rows.append(_Row(key, row_label(h.label), list(h.values), h.line, j))
        if len(rows) >= 3 and (best is None or len(rows) > len(best[1])):
            best = (i, rows)
    return best


def _header_text(groups: list[Group], start: int, first: _Row) -> str:
    """The text from the table's marker to its first row's label: where the column heads are."""
    text = "".join(g.label for g in groups[start:first.group + 1])
    end = text.rfind(first.label)
    text = text[:end] if end >= 0 else text
    head = groups[start].label
    cut = min((p for m in _MARKERS if (p := head.rfind(m)) >= 0), default=0)
    return text[cut:]


def _direct(values: list[Token], n: int) -> tuple[Cell, ...] | None:
    """The row read as printed, when every number stands apart (glued runs are cut instead)."""
    if not all(t.separate or t.text == EMPTY_MARK for t in values):
        return None
    cells = direct_cells(values, n)
    return tuple(cells) if cells is not None else None


def row_readings(values: list[Token], kinds: list[str], glued: bool = True
                 ) -> tuple[list[tuple[Cell, ...]], str]:
    """Every reading of a row's values as one cell per column, and how it was read.

    Separate cells are read as printed (``table``); a glued digit run is cut every way that
    keeps the cumulative figure at least the year's (``constraint``). A number printed as a
    cell of its own is cut only in a table whose rows all ran together (``glued``): in a table
    of separate cells, a short row lost a cell and is not re-cut.
    """
    n = max(len(kinds), 1)
    direct = _direct(values, n)
    if direct is not None:
        return [direct], "table"
    if n == 1 and len(values) > 1:
        return [], "table"
    if not glued and all(t.separate for t in values):
        return [], "table"
    runs = [t.text for t in values]
    if not all(flattened.is_digit_run(r) for r in runs) or len(runs) > n:
        return [], "constraint"
    year, cum = _column(kinds, "year"), _column(kinds, "cumulative")
    cands = [c for c in flattened.split_runs(runs, n)
             if cum is None or year is None or c[cum] >= c[year]]
    return [tuple((v, "number") for v in c) for c in cands], "constraint"


def _column(kinds: list[str], kind: str) -> int | None:
    return kinds.index(kind) if kind in kinds else None


def _children_fit(rows: Mapping[str, tuple], width: int) -> bool:
    """Every 其中 row within its total, and the rows of one total together within it."""
    for c in range(width):
        sums: dict[str, float] = {}
        for key, cells in rows.items():
            parent = vocab.PARENTS.get(key)
            if parent is None or parent not in rows:
                continue
            if cells[c] > rows[parent][c]:
                return False
            sums[parent] = sums.get(parent, 0) + cells[c]
        if any(s > rows[p][c] for p, s in sums.items()):
            return False
    return True


def _prefer_stated(cands: list[tuple[Cell, ...]], year: int, stated: float | None) -> list:
    """The readings whose year figure is the one the prose states, when there are such."""
    if stated is None or len(cands) < 2:
        return cands
    agree = [c for c in cands if c[year][0] == stated]
    return agree or cands


def read_stats_table(groups: list[Group], reader: str,
                     stated: Mapping[str, float] | None = None) -> TableRead:
    """The statistics table's year figures under their keys, with findings for what is withheld.

    ``stated``: figures the prose gives for the same things (``proactive.items_published`` →
    主动公开政府信息…条), used only to choose among readings the table's own constraints allow.
    """
    out = TableRead()
    found = _find_table(groups)
    if found is None:
        return out
    start, rows = found
    kinds = column_kinds(_header_text(groups, start, rows[0]))
    if not kinds:
        widths = {len(r.values) for r in rows if all(t.separate for t in r.values)}
        kinds = ["year"] if widths == {1} else ["year", "cumulative"] if widths == {2} else []
    year = _column(kinds, "year")
    if year is None:
        year = _column(kinds, "period")
    if year is None:
        out.findings.append(Finding(
            "stats_table_columns", "warning", tuple(sorted({r.key for r in rows})),
            f"统计表的列头 {kinds or '（无）'} 未说明哪一列是本年度数字，未发布", "reading"))
        return out
    stated = stated or {}
    width = max(len(kinds), 1)
    glued = sum(1 for r in rows if len(r.values) < width) * 2 > len(rows)
    readings: dict[str, list[tuple[Cell, ...]]] = {}
    how: dict[str, tuple[str, _Row]] = {}
    for r in rows:
        if r.key in readings:
            continue  # the first row of a meaning wins; a repeat is a restatement
        cands, method = row_readings(r.values, kinds, glued)
        prose_key = "headline.items_published" if r.key == "proactive.items_published" else (
            "headline.applications_received" if r.key == "applications.new_received.total"
            else None)
        cands = _prefer_stated(cands, year, stated.get(prose_key) if prose_key else None)
        readings[r.key] = cands
        how[r.key] = (method, r)
    _store(out, readings, how, kinds, year, reader)
    return out


def _store(out: TableRead, readings: dict, how: dict, kinds: list[str], year: int,
           reader: str) -> None:
    unreadable = [k for k, c in readings.items() if not c]
    for k in unreadable:
        r = how[k][1]
        out.findings.append(Finding(
            "unreadable_row", "warning", (k,),
            f"统计表“{r.label}”行的数字 {[t.text for t in r.values]} 无法读成 {len(kinds)} 列，"
            "未发布", "reading",
            detail(table="统计表", row=r.label, line=r.line, tokens=[t.text for t in r.values])))
    numeric = {k: [tuple(v for v, _ in c) for c in cands] for k, cands in readings.items() if cands}
    chosen, ambiguous = flattened.resolve_jointly(
        numeric, lambda trial: _children_fit(trial, len(kinds)))
    for k in ambiguous:
        r = how[k][1]
        options = sorted({c[year] for c in numeric[k]})
        out.findings.append(Finding(
            "ambiguous_split", "warning", (k,),
            f"统计表“{r.label}”行 {[t.text for t in r.values]} 可读作本年度 {options}，"
            "表内约束与正文都不能确定，未发布", "reading",
            detail(table="统计表", row=r.label, line=r.line,
                   tokens=[t.text for t in r.values],
                   candidates=[{k: v} for v in options[:12]])))
    for k, nums in chosen.items():
        method, r = how[k]
        kind = next(c[year][1] for c in readings[k] if tuple(v for v, _ in c) == nums)
        if len(numeric[k]) > 1:
            method = "constraint"
        out.put(k, nums[year], kind, {
            "method": method, "reader": reader, "table": "统计表", "row": r.label,
            "column": "本年度", "line": r.line})
    lit = out.values.get("appeals.litigation.total")
    if lit == 0:
        for k in LITIGATION_KINDS:
            out.put(k, 0, out.cells.get("appeals.litigation.total", "number"), {
                **out.provenance["appeals.litigation.total"],
                "note": "行政诉讼数为 0：两类诉讼均为 0"})

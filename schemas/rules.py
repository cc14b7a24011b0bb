"""The 勾稽 consistency rules of the data contract, as pure functions returning findings.

Each rule takes the values of one report (``values``: key → number), the cell kinds (``cells``:
key → empty/dash/text) and the template, and returns :class:`Finding`s for what fails. These
rules run on the document's own printed numbers, so a failure is blamed on the publisher; the
extraction engine turns its own reading problems into reading-blamed findings elsewhere.
:data:`RULES` describes every rule (including the cross-year ones the warehouse checks in SQL)
for asset checks and the data dictionary.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pipelines.extract.model import Finding, detail
from schemas.registry import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_CATEGORIES,
)

Values = Mapping[str, int | float]
Cells = Mapping[str, str]

COLUMNS = tuple(c for c, _, _ in APPLICANT_COLUMNS)
PARTS = COLUMNS[:-1]
CATEGORIES = tuple(c for c, _, _ in OUTCOME_CATEGORIES)
SUBROWS = {c: tuple(r.key for r in APPLICATION_ROWS if r.category == c) for c in CATEGORIES}
SIMPLE_OUTCOMES = ("granted", "partially_granted")
OTHER_REPLY = "applications.other_reply.total"  # pre-2019 统计表: 其他类型答复数

RULES: list[dict] = [
    {"id": "carry_balance", "severity": "error", "scope": "report",
     "zh": "每列：本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理",
     "en": "per column: new received + carried over = total processed + carried forward"},
    {"id": "row_total", "severity": "error", "scope": "report",
     "zh": "每行：总计 = 自然人 + 五类法人或其他组织之和",
     "en": "per row: total = natural persons + the five kinds of organisations"},
    {"id": "outcomes_sum", "severity": "error", "scope": "report",
     "zh": "每列：办理结果总计 = 予以公开 + 部分公开 + 不予公开 + 无法提供 + 不予处理 + 其他处理",
     "en": "per column: total processed = sum of the outcome categories"},
    {"id": "category_sum", "severity": "error", "scope": "report",
     "zh": "每列：类别小计 = 其各项细分之和（如不予公开 = 1–8 项之和）",
     "en": "per column: a category subtotal equals the sum of its numbered sub-rows"},
    {"id": "appeals_total", "severity": "error", "scope": "report",
     "zh": "表四每组：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
     "en": "table 4, per group: total = upheld + corrected + other + pending"},
    {"id": "non_negative", "severity": "error", "scope": "report",
     "zh": "件数为非负整数，金额为非负数（本年增/减除外）",
     "en": "counts are non-negative integers, money non-negative (except the change columns)"},
    {"id": "text_vs_table", "severity": "warning", "scope": "report",
     "zh": "正文所述数字与表格数字一致（如受理申请件数 = 本年新收总计）",
     "en": "a figure stated in the prose agrees with the table (e.g. applications received)"},
    {"id": "carry_over_years", "severity": "error", "scope": "cross_year",
     "zh": "同一机关：第 N 年结转下年度 = 第 N+1 年上年结转",
     "en": "same body: carried forward in year N = carried over in year N+1"},
    {"id": "in_force_continuity", "severity": "warning", "scope": "cross_year",
     "zh": "2021 模板：现行有效(N) = 现行有效(N-1) + 本年制发(N) − 本年废止(N)",
     "en": "2021 template: in force(N) = in force(N-1) + issued(N) - repealed(N)"},
]


def _blank_note(keys: list[str], cells: Cells) -> str:
    blank = [k for k in keys if cells.get(k) in ("empty", "dash", "text")]
    return f"（含 {len(blank)} 个空白/横线/文字单元格按 0 计）" if blank else ""


def _check_sum(
    rule: str, total_key: str, part_keys: list[str], values: Values, cells: Cells
) -> Finding | None:
    """Finding when ``total`` != sum(parts); None when it holds or a figure is missing."""
    if total_key not in values or any(k not in values for k in part_keys) or not part_keys:
        return None
    total = values[total_key]
    got = sum(values[k] for k in part_keys)
    if abs(got - total) < 1e-9:
        return None
    note = _blank_note([total_key, *part_keys], cells)
    # The one correction the rule itself suggests: the total as its parts add up. A reviewer
    # may instead find a part misprinted (the demo's outcomes_sum fault) and type that.
    return Finding(rule, "error", (total_key, *part_keys),
                   f"{total_key} 印为 {total}，但各项之和为 {got}{note}", "publisher",
                   detail(candidates=[{total_key: got}]))


def _holds_only_by_blanks(keys: list[str], cells: Cells) -> bool:
    return any(cells.get(k) in ("empty", "dash") for k in keys)


def carry_balance(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Rule 1: per column, new_received + carried_over = total_processed + carried_forward."""
    out = []
    for c in COLUMNS:
        keys = [f"applications.{r}.{c}" for r in
                ("new_received", "carried_over", "total_processed", "carried_forward")]
        if any(k not in values for k in keys):
            continue
        a, b, t, f = (values[k] for k in keys)
        if a + b != t + f:
            out.append(Finding("carry_balance", "error", tuple(keys),
                               f"{c}: {a} + {b} ≠ {t} + {f}{_blank_note(keys, cells)}",
                               "publisher"))
    return out


def _present_rows(values: Values) -> list[str]:
    rows = [r.key for r in APPLICATION_ROWS] + list(CATEGORIES)
    return [r for r in rows if any(f"applications.{r}.{c}" in values for c in COLUMNS)]


def row_total(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Rule 2: per row, total = the six applicant columns."""
    out = []
    for r in _present_rows(values):
        f = _check_sum("row_total", f"applications.{r}.total",
                       [f"applications.{r}.{c}" for c in PARTS], values, cells)
        if f:
            out.append(f)
    return out


def _category_parts(values: Values, cat: str, c: str) -> list[str] | None:
    subs = [f"applications.{s}.{c}" for s in SUBROWS[cat]]
    if all(k in values for k in subs):
        return subs
    if f"applications.{cat}.{c}" in values:
        return [f"applications.{cat}.{c}"]
    if any(k in values for k in subs):
        return None  # some sub-rows missing: the rule cannot be checked
    return []


def outcomes_sum(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Rule 3: per column, total_processed = the outcome categories (sub-rows where printed)."""
    out = []
    if template == "pre2019" and OTHER_REPLY not in values:
        # The statistics table lists 同意/部分/否决 and, where printed, 其他类型答复; without
        # that row the listed replies need not add up to the total.
        return out
    for c in COLUMNS:
        total = f"applications.total_processed.{c}"
        if total not in values:
            continue
        parts = [f"applications.{r}.{c}" for r in SIMPLE_OUTCOMES]
        if c == "total" and OTHER_REPLY in values:
            parts.append(OTHER_REPLY)
        cats = [_category_parts(values, cat, c) for cat in CATEGORIES]
        if any(p is None for p in cats) or not all(p in values for p in parts):
            continue
        for p in cats:
            parts += p or []
        f = _check_sum("outcomes_sum", total, parts, values, cells)
        if f:
            out.append(f)
    return out


def category_sum(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Rule 3b: a category subtotal printed beside its sub-rows equals their sum."""
    out = []
    for cat in CATEGORIES:
        for c in COLUMNS:
            subs = [f"applications.{s}.{c}" for s in SUBROWS[cat]]
            present = [k for k in subs if k in values]
            if present:
                f = _check_sum("category_sum", f"applications.{cat}.{c}", present, values, cells)
                if f:
                    out.append(f)
    return out


def appeals_total(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Rule 4: per group of table 四, total = upheld + corrected + other + pending."""
    out = []
    for g, _, _ in APPEAL_GROUPS:
        parts = [f"appeals.{g}.{r}" for r, _, _ in APPEAL_RESULTS[:-1]]
        f = _check_sum("appeals_total", f"appeals.{g}.total", parts, values, cells)
        if f:
            out.append(f)
    return out


def non_negative(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Rule 7: counts and money are non-negative (the 2019 本年增/减 columns may be negative)."""
    return [
        Finding("non_negative", "error", (k,), f"{k} 为负数 {v}", "publisher")
        for k, v in values.items()
        if v < 0 and not k.endswith(".change")
    ]


TEXT_VS_TABLE = (
    ("headline.applications_received", "applications.new_received.total"),
    ("headline.items_published", "proactive.items_published"),
)


def text_vs_table(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Prose headline figures against the table figures they restate."""
    out = []
    for prose_key, table_key in TEXT_VS_TABLE:
        if prose_key in values and table_key in values and values[prose_key] != values[table_key]:
            # "收到申请" sometimes counts new plus carried-over applications: that agrees too.
            carried = values.get("applications.carried_over.total", 0)
            if values[prose_key] == values[table_key] + carried:
                continue
            out.append(Finding("text_vs_table", "warning", (prose_key, table_key),
                               f"正文为 {values[prose_key]}，表格为 {values[table_key]}",
                               "publisher",
                               detail(candidates=[{prose_key: values[table_key]},
                                                  {table_key: values[prose_key]}])))
    return out


CHECKS: tuple[Callable[[Values, Cells, str | None], list[Finding]], ...] = (
    carry_balance, row_total, outcomes_sum, category_sum, appeals_total, non_negative,
    text_vs_table,
)


def _echoes_blank_totals(f: Finding, flagged: set[str], cells: Cells) -> bool:
    """A column sum that fails only because its parts were printed blank, already flagged.

    When a publisher leaves the 总计 column of the outcome rows blank (017: 上海市政府办公厅
    2019), every such row fails rule 2; the outcome sum over that same blank column then fails
    too, but it is the same fault seen twice, not a second error.
    """
    parts = f.keys[1:]
    return (f.rule in ("outcomes_sum", "category_sum")
            and all(cells.get(k) in ("empty", "dash") for k in parts)
            and any(k in flagged for k in parts))


def check_all(values: Values, cells: Cells, template: str | None = None) -> list[Finding]:
    """Every single-report rule, in the order of :data:`RULES` (one fault reported once)."""
    out: list[Finding] = []
    for check in CHECKS:
        out.extend(check(values, cells, template))
    flagged = {f.keys[0] for f in out if f.rule == "row_total"}
    return [f for f in out if not _echoes_blank_totals(f, flagged, cells)]

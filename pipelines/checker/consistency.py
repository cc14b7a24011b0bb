"""The 勾稽 rules of the data contract and the agreement of the prose with the tables.

The rules themselves live in :mod:`schemas.rules` and run inside the extraction engine; here their
publisher-blamed findings become problems with a location and a plain message, and the figures
the prose states about table 三 ("无法提供265件") are compared with the table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pipelines.checker.facts import ProseFigure
from pipelines.checker.locate import cell_location, key_label, number_text
from pipelines.checker.model import Problem
from pipelines.extract.model import Finding
from schemas.rules import COLUMNS, PARTS, RULES, SUBROWS

CONSISTENCY_RULES = ("carry_balance", "row_total", "outcomes_sum", "category_sum",
                     "appeals_total", "non_negative")
_RULE_TEXT = {r["id"]: (r["zh"], r["en"]) for r in RULES}
_KEY = re.compile(r"(?:applications|appeals|proactive|headline)\.[a-z_.]+[a-z]")
CARRY_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
# The rule engine's carry-balance message: "<column>: new + carried over ≠ processed + forward".
_CARRY = re.compile(r"^([a-z_]+): (-?[\d.]+) \+ (-?[\d.]+) ≠ (-?[\d.]+) \+ (-?[\d.]+)")


def carry_balance_zh(message: str) -> str | None:
    """The engine's ``total: 0 + 1 ≠ 5 + 0`` with each figure named by its table-三 cell.

    The engine keeps its message short and language-neutral; readers of the scorecard and the
    dashboard need to know which cells the figures are, in the labels the scorecard uses
    (``本年新收政府信息公开申请数量·总计 0 + 上年结转…·总计 1 ≠ …``). ``None`` when the
    message is not a carry-balance one.
    """
    m = _CARRY.match(message)
    if m is None or m.group(1) not in COLUMNS:
        return None
    names = [key_label(f"applications.{row}.{m.group(1)}") for row in CARRY_ROWS]
    a, b, t, f = m.group(2, 3, 4, 5)
    return (f"{names[0]} {a} + {names[1]} {b} ≠ {names[2]} {t} + {names[3]} {f}"
            + message[m.end():])


def _zh_message(f: Finding) -> str:
    """The finding's message with canonical keys replaced by their Chinese labels."""
    text = carry_balance_zh(f.message) or _KEY.sub(lambda m: key_label(m.group(0)), f.message)
    return f"{text}。规则：{_RULE_TEXT.get(f.rule, ('', ''))[0]}"


def _en_message(f: Finding, values: Mapping) -> str:
    rule_en = _RULE_TEXT.get(f.rule, ("", f.rule))[1]
    got = {k: values[k] for k in f.keys if k in values}
    if f.rule == "text_vs_table" and len(got) == 2:
        prose, table = (number_text(got[k]) for k in f.keys)
        return (f"The text gives {key_label(f.keys[0], 'en')} = {prose}, the table "
                f"{key_label(f.keys[1], 'en')} = {table}. Rule: {rule_en}")
    if f.rule == "carry_balance" and len(got) == 4:
        a, b, t, c = (number_text(got[k]) for k in f.keys)
        return f"{key_label(f.keys[0], 'en')}: {a} + {b} ≠ {t} + {c}. Rule: {rule_en}"
    if f.keys and f.keys[0] in got and len(f.keys) > 1:
        parts = sum(values.get(k, 0) for k in f.keys[1:])
        return (f"{key_label(f.keys[0], 'en')} is printed as {number_text(got[f.keys[0]])}, "
                f"but its parts add up to {number_text(parts)}. Rule: {rule_en}")
    return f"{', '.join(key_label(k, 'en') for k in f.keys)}: {rule_en}"


def check_rules(findings: Sequence[Finding], values: Mapping,
                provenance: Mapping[str, dict]) -> list[Problem]:
    """Publisher-blamed findings of the 勾稽 rules, and the engine's text-vs-table finding."""
    out = []
    for f in findings:
        if f.blame != "publisher":
            continue
        check = "consistency" if f.rule in CONSISTENCY_RULES else (
            "text_vs_table" if f.rule == "text_vs_table" else None)
        if check is None:
            continue
        first = f.keys[0] if f.keys else ""
        loc = cell_location(first, provenance.get(first)) if first else {}
        if check == "text_vs_table" and len(f.keys) > 1:
            loc = cell_location(f.keys[0], provenance.get(f.keys[0]))
            loc["table_cell"] = cell_location(f.keys[1], provenance.get(f.keys[1]))
        out.append(Problem(check, f.rule, f.severity, tuple(f.keys), loc, _zh_message(f),
                           _en_message(f, values)))
    return out


def _row_total(row: str, values: Mapping, cells: Mapping) -> float | None:
    """A row's total; where the publisher left the 总计 cell blank, the sum of its columns."""
    key = f"applications.{row}.total"
    parts = [f"applications.{row}.{c}" for c in PARTS]
    if cells.get(key) in ("empty", "dash") and all(k in values for k in parts):
        return sum(values[k] for k in parts)
    return values.get(key)


def table_total(key: str, values: Mapping, cells: Mapping | None = None) -> float | None:
    """A table-三 total (keys joined by ``+`` are added): printed, else from its sub-rows."""
    cells = cells or {}
    if "+" in key:
        totals = [table_total(k, values, cells) for k in key.split("+")]
        return None if any(t is None for t in totals) else sum(totals)
    row = key.split(".")[1]
    subs = SUBROWS.get(row, ())
    if subs and all(f"applications.{s}.total" in values for s in subs):
        totals = [_row_total(s, values, cells) for s in subs]
        return None if any(t is None for t in totals) else sum(totals)
    return _row_total(row, values, cells)


def total_is_computed(key: str, values: Mapping, cells: Mapping | None = None) -> bool:
    """True when :func:`table_total` had to add columns up: a 总计 involved was printed blank."""
    cells = cells or {}
    rows: list[str] = []
    for k in key.split("+"):
        row = k.split(".")[1]
        subs = SUBROWS.get(row, ())
        rows += list(subs) if subs and all(
            f"applications.{s}.total" in values for s in subs) else [row]
    return any(cells.get(f"applications.{r}.total") in ("empty", "dash") for r in rows)


def check_prose_figures(figures: Sequence[ProseFigure], values: Mapping,
                        cells: Mapping | None = None) -> list[Problem]:
    """A figure stated in the words that differs from the table it restates (a warning)."""
    out = []
    for fig in figures:
        table = table_total(fig.key, values, cells)
        if table is None or abs(table - fig.value) < 1e-9:
            continue
        keys = tuple(fig.key.split("+"))
        name = "+".join(key_label(k).split("·")[0] for k in keys)
        name_en = " + ".join(key_label(k, "en").split(" · ")[0] for k in keys)
        n = number_text(table)
        if total_is_computed(fig.key, values, cells):
            zh = f"表三“{name}”的总计印为空白，按各列相加为 {n}"
            en = f"table 3 prints the {name_en} total blank; its columns add up to {n}"
        else:
            zh, en = f"表三“{name}”总计为 {n}", f"table 3 gives {name_en} = {n}"
        out.append(Problem(
            "text_vs_table", "prose_figure", "warning", keys,
            {"span": list(fig.span), "text": fig.text, "table": "三", "row": name},
            f"正文称“{fig.text}”，{zh}。", f"The text says \"{fig.text}\" but {en}."))
    return out

"""Publisher faults and cell kinds injected into the demo reports, and the 勾稽 checker.

Fault shares (of all documents; one primary fault per document at most, chosen as an exact
count ``round(share × documents)``, at least one of each kind once a province has 20 or more
documents, so tiny test provinces still contain every kind):

=====================  =====  ==================================================================
primary fault          share  what the document prints
=====================  =====  ==================================================================
``row_total``          1.5 %  one table-三 row's 总计 off by 1–9 (mis-added)
``outcomes_sum``       1.0 %  one outcome cell and its row total off by the same amount, so the
                              outcome rows no longer add up to （七）总计
``zero_total``         1.5 %  a total printed 0 beside non-zero parts: a table-四 总计 (洪泽区 2023
                              style) or, without appeals, a table-三 row total
``carry_over_years``   1.0 %  上年结转 ≠ last year's 结转下年度 (the year itself balances)
``text_vs_table``      1.0 %  the 总体情况 prose states another number of applications received
=====================  =====  ==================================================================

Together 6.0 % of documents (documented range 5–8 %). A primary fault can break several rules
(a wrong row total also breaks the column balance); ``publisher_errors`` lists **every** broken
rule instance, found by :func:`check_document` and :func:`check_years`, with the rule ids
``row_total``, ``outcomes_sum``, ``carry_balance``, ``appeals_total``, ``carry_over_years`` and
``text_vs_table``. Instance keys: ``row_total`` → ``[applications.<row>.total]``;
``outcomes_sum`` → ``[applications.total_processed.<col>]``; ``carry_balance`` → the column's
four balance keys; ``appeals_total`` → ``[appeals.<group>.total]``; ``carry_over_years`` →
``[applications.carried_over.<col>]`` (in the later year's document); ``text_vs_table`` →
``[headline.applications_received, applications.new_received.total]``.

Cell kinds (not faults: every rule still holds reading them as 0). Each document prints the
zero cells of tables 三 and 四 in one style:

=========  =====  ==========================================
style      share  printed as (``cells`` kind)
=========  =====  ==========================================
zero       62 %   ``0`` (a number)
empty      15 %   blank / ``&nbsp;`` (``empty``) — never in .txt, where a blank cell would vanish
dash       10 %   ``—`` (``dash``)
hyphen      3 %   ``-`` (``dash``)
slash       5 %   ``/`` (``dash``)
none_text   5 %   ``无`` (``text``)
=========  =====  ==========================================
"""

from __future__ import annotations

import numpy as np

from .layout import table3_rows
from .numbers import COLUMNS

FAULT_SHARES: dict[str, float] = {
    "row_total": 0.015,
    "outcomes_sum": 0.010,
    "zero_total": 0.015,
    "carry_over_years": 0.010,
    "text_vs_table": 0.010,
}
FAULT_RANGE = (0.05, 0.08)
RULES = ("row_total", "outcomes_sum", "carry_balance", "appeals_total", "carry_over_years",
         "text_vs_table")
CELL_STYLES: dict[str, tuple[float, str, str]] = {  # style → (share, printed text, kind)
    "zero": (0.62, "0", ""),
    "empty": (0.15, "", "empty"),
    "dash": (0.10, "—", "dash"),
    "hyphen": (0.03, "-", "dash"),
    "slash": (0.05, "/", "dash"),
    "none_text": (0.05, "无", "text"),
}
_COLS = (*COLUMNS, "total")
_GROUPS = ("review", "litigation_direct", "litigation_after_review")


def fault_counts(n_docs: int) -> dict[str, int]:
    """Exact number of documents per primary fault for a province of ``n_docs`` documents."""
    floor = 1 if n_docs >= 20 else 0
    return {k: max(floor, round(s * n_docs)) for k, s in FAULT_SHARES.items()}


def pick_style(rng: np.random.Generator, container: str) -> str:
    """Zero-cell style of a document (``empty`` is not used for flattened text)."""
    styles = [s for s in CELL_STYLES if not (container == "txt" and s == "empty")]
    p = np.array([CELL_STYLES[s][0] for s in styles])
    return str(styles[int(rng.choice(len(styles), p=p / p.sum()))])


def _a(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def _outcome_rows(template: str) -> list[str]:
    return table3_rows(template)[2:-2]


def apply_fault(kind: str, values: dict, template: str, rng: np.random.Generator) -> str | None:
    """Mutate the printed ``values`` of one document by a primary fault.

    Args:
        kind: a key of :data:`FAULT_SHARES` other than ``carry_over_years`` (that one is made
            in :func:`pipelines.demo.numbers.body_chain`).
        values: printed values (modified in place).
        template: ``"2019"`` or ``"2021"``.
        rng: the document's generator.

    Returns:
        A note describing the change, or ``None`` when the document cannot carry this fault.
    """
    delta = int(rng.integers(1, 10)) * (1 if rng.random() < 0.6 else -1)
    if kind == "row_total":
        rows = [r for r in table3_rows(template) if values[_a(r, "total")] >= 3]
        if not rows:
            return None
        row = rows[int(rng.integers(len(rows)))]
        key = _a(row, "total")
        values[key] = max(0, values[key] + delta)
        return f"{key} printed {values[key]} (mis-added)"
    if kind == "outcomes_sum":
        rows = [r for r in _outcome_rows(template) if values[_a(r, "natural_person")] >= 1]
        if not rows:
            return None
        row = rows[int(rng.integers(len(rows)))]
        d = delta if values[_a(row, "natural_person")] + delta >= 0 else abs(delta)
        values[_a(row, "natural_person")] += d
        values[_a(row, "total")] += d
        return f"{_a(row, 'natural_person')} and its total printed {d:+d} off"
    if kind == "zero_total":
        groups = [g for g in _GROUPS if values[f"appeals.{g}.total"] > 0]
        if groups:
            g = groups[int(rng.integers(len(groups)))]
            values[f"appeals.{g}.total"] = 0
            return f"appeals.{g}.total printed 0"
        rows = [r for r in _outcome_rows(template) if values[_a(r, "total")] > 0]
        if not rows:
            return None
        row = rows[int(rng.integers(len(rows)))]
        values[_a(row, "total")] = 0
        return f"{_a(row, 'total')} printed 0"
    if kind == "text_vs_table":
        true = values["applications.new_received.total"]
        if true < 2:
            return None
        # new + carried over is a legitimate "收到申请" count (see check_document), not a fault
        agreeing = {true, true + values["applications.carried_over.total"]}
        options = [values["applications.new_received.natural_person"],
                   true + delta, int(str(true)[::-1]) if len(str(true)) > 1 else true + 1]
        options = [o for o in options if o not in agreeing and o >= 0]
        if not options:
            return None
        values["headline.applications_received"] = options[int(rng.integers(len(options)))]
        return f"prose states {values['headline.applications_received']} applications"
    raise ValueError(kind)


def _err(rule: str, keys: list[str], message: str) -> dict:
    return {"rule": rule, "keys": keys, "message": message}


def check_document(values: dict, template: str) -> list[dict]:
    """Every broken 勾稽 rule instance of one document's printed values.

    Args:
        values: printed values (blank/dash/text cells as 0).
        template: ``"2019"`` or ``"2021"``.

    Returns:
        ``publisher_errors`` entries ``{"rule", "keys", "message"}`` in a stable order.
    """
    out: list[dict] = []
    for row in table3_rows(template):
        parts = sum(values[_a(row, c)] for c in COLUMNS)
        if parts != values[_a(row, "total")]:
            out.append(_err("row_total", [_a(row, "total")],
                            f"{row}: 总计 printed {values[_a(row, 'total')]}, "
                            f"the applicant columns add up to {parts}"))
    for c in _COLS:
        parts = sum(values[_a(r, c)] for r in _outcome_rows(template))
        if parts != values[_a("total_processed", c)]:
            out.append(_err("outcomes_sum", [_a("total_processed", c)],
                            f"（七）总计 printed {values[_a('total_processed', c)]} in column {c}, "
                            f"the outcome rows add up to {parts}"))
    for c in _COLS:
        left = values[_a("new_received", c)] + values[_a("carried_over", c)]
        right = values[_a("total_processed", c)] + values[_a("carried_forward", c)]
        if left != right:
            out.append(_err("carry_balance", [_a(r, c) for r in
                                              ("new_received", "carried_over", "total_processed",
                                               "carried_forward")],
                            f"column {c}: 新收+上年结转 = {left} but 总计+结转下年度 = {right}"))
    for g in _GROUPS:
        parts = sum(values[f"appeals.{g}.{r}"] for r in ("upheld", "corrected", "other",
                                                           "pending"))
        if parts != values[f"appeals.{g}.total"]:
            out.append(_err("appeals_total", [f"appeals.{g}.total"],
                            f"{g}: 总计 printed {values[f'appeals.{g}.total']}, "
                            f"the results add up to {parts}"))
    said = values.get("headline.applications_received")
    new = values["applications.new_received.total"]
    # Prose that counts new plus carried-over applications agrees with the table, as the
    # engine's text_vs_table rule reads it (corpus 018 words it so).
    if said is not None and said not in (new, new + values["applications.carried_over.total"]):
        out.append(_err("text_vs_table",
                        ["headline.applications_received", "applications.new_received.total"],
                        f"prose: 收到申请{said}件; table 三 本年新收 总计 "
                        f"{values['applications.new_received.total']}"))
    return out


def check_years(previous: dict, values: dict) -> list[dict]:
    """Broken ``carry_over_years`` instances between a body's consecutive reports.

    Args:
        previous: printed values of year N.
        values: printed values of year N+1 (the document the errors are recorded in).

    Returns:
        ``publisher_errors`` entries, one per mismatching column.
    """
    out = []
    for c in _COLS:
        was, now = previous[_a("carried_forward", c)], values[_a("carried_over", c)]
        if was != now:
            out.append(_err("carry_over_years", [_a("carried_over", c)],
                            f"column {c}: 上年结转 printed {now}, last year's report printed "
                            f"结转下年度 {was}"))
    return out

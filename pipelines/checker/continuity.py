"""Continuity with the same body's previous report (rules 5 and 6 of the data contract).

What a body carried forward into this year must be what it reports as carried over, column by
column (an error: one of the two reports is wrong). Normative documents and rules in force must
follow from last year's count plus this year's issued minus repealed (a warning: bodies re-count
their catalogues).
"""

from __future__ import annotations

from collections.abc import Mapping

from pipelines.checker.locate import cell_location, key_label, number_text
from pipelines.checker.model import Problem
from schemas.rules import COLUMNS


def check_carry_over(values: Mapping, previous: Mapping, prev_year: int,
                     provenance: Mapping[str, dict]) -> list[Problem]:
    """上年结转 (this year) = 结转下年度继续办理 (last year), per applicant column."""
    out = []
    for c in COLUMNS:
        now, before = f"applications.carried_over.{c}", f"applications.carried_forward.{c}"
        if now not in values or before not in previous or values[now] == previous[before]:
            continue
        out.append(Problem(
            "continuity", "carry_over_years", "error", (now,),
            cell_location(now, provenance.get(now)),
            f"“{key_label(now)}”印为 {number_text(values[now])}，但 {prev_year} 年度报告的"
            f"“结转下年度继续办理”为 {number_text(previous[before])}。",
            f"{key_label(now, 'en')} is {number_text(values[now])}, but the {prev_year} report "
            f"carried forward {number_text(previous[before])}."))
    return out


def check_in_force(values: Mapping, previous: Mapping, prev_year: int,
                   provenance: Mapping[str, dict]) -> list[Problem]:
    """2021 template: in force(N) = in force(N-1) + issued(N) - repealed(N)."""
    out = []
    for kind in ("rules", "normative_docs"):
        keys = [f"proactive.{kind}.{k}" for k in ("in_force", "issued", "repealed")]
        before = f"proactive.{kind}.in_force"
        if any(k not in values for k in keys) or before not in previous:
            continue
        want = previous[before] + values[keys[1]] - values[keys[2]]
        if want == values[keys[0]]:
            continue
        name = key_label(keys[0]).split("·")[0]
        out.append(Problem(
            "continuity", "in_force_continuity", "warning", tuple(keys),
            cell_location(keys[0], provenance.get(keys[0])),
            f"表二“{name}”现行有效件数印为 {number_text(values[keys[0]])}，但 {prev_year} 年的 "
            f"{number_text(previous[before])} + 本年制发 {number_text(values[keys[1]])} − 本年废止 "
            f"{number_text(values[keys[2]])} = {number_text(want)}。",
            f"Table 2, {key_label(keys[0], 'en')}: printed {number_text(values[keys[0]])}, but "
            f"{number_text(previous[before])} in force in {prev_year} + issued "
            f"{number_text(values[keys[1]])} - repealed {number_text(values[keys[2]])} = "
            f"{number_text(want)}."))
    return out


def check_continuity(year: int | None, values: Mapping, provenance: Mapping[str, dict],
                     previous: Mapping | None, prev_year: int | None) -> list[Problem]:
    """Both continuity rules, when the previous year's report of the same body is known."""
    if year is None or previous is None or prev_year != year - 1:
        return []
    return (check_carry_over(values, previous, prev_year, provenance)
            + check_in_force(values, previous, prev_year, provenance))

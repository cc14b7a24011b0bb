"""Shared demo provinces for the test_demo_* modules (generated once per process) + checks.

The independent 勾稽 checker below re-implements the spec's rules from scratch (it does not use
``pipelines.demo.faults``), so the tests compare the generator's recorded publisher errors with
an outside reading of the printed values.
"""

from __future__ import annotations

import atexit
import csv
import json
import shutil
import tempfile
import time
from functools import cache
from pathlib import Path

from pipelines.demo import generate

APPLICANTS = ("natural_person", "commercial", "research", "social_org", "legal_service",
              "other_org")
COLS = (*APPLICANTS, "total")


def _tmp() -> Path:
    d = Path(tempfile.mkdtemp(prefix="gongkai-demo-"))
    atexit.register(shutil.rmtree, d, True)
    return d


@cache
def small_province(seed: int = 20240201) -> tuple[Path, dict, float]:
    out = _tmp() / "demo"
    t = time.process_time()  # CPU time: wall time depends on the machine's load
    summary = generate(out, seed=seed, scale=0.05)
    return out, summary, time.process_time() - t


@cache
def full_province() -> tuple[Path, dict, float]:
    out = _tmp() / "demo"
    t = time.process_time()
    summary = generate(out, scale=1.0)
    return out, summary, time.process_time() - t


def manifest(out: Path) -> list[dict]:
    with open(out / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def expected(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((out / "expected").glob("*.json"))}


def table3_rows(values: dict) -> list[str]:
    """Printed table-三 rows, read off the keys present."""
    rows = []
    for key in values:
        if key.startswith("applications.") and key.endswith(".total"):
            rows.append(key[len("applications."):-len(".total")])
    return rows


def independent_errors(values: dict) -> set[tuple[str, tuple[str, ...]]]:
    """(rule, keys) of every broken within-document rule, per the spec."""
    out: set[tuple[str, tuple[str, ...]]] = set()
    rows = table3_rows(values)
    a = lambda r, c: values[f"applications.{r}.{c}"]  # noqa: E731
    for r in rows:
        if sum(a(r, c) for c in APPLICANTS) != a(r, "total"):
            out.add(("row_total", (f"applications.{r}.total",)))
    outcomes = [r for r in rows if r not in ("new_received", "carried_over", "total_processed",
                                             "carried_forward")]
    for c in COLS:
        if sum(a(r, c) for r in outcomes) != a("total_processed", c):
            out.add(("outcomes_sum", (f"applications.total_processed.{c}",)))
        if a("new_received", c) + a("carried_over", c) != a("total_processed", c) + a(
                "carried_forward", c):
            out.add(("carry_balance", tuple(f"applications.{r}.{c}" for r in (
                "new_received", "carried_over", "total_processed", "carried_forward"))))
    for g in ("review", "litigation_direct", "litigation_after_review"):
        parts = sum(values[f"appeals.{g}.{r}"] for r in ("upheld", "corrected", "other", "pending"))
        if parts != values[f"appeals.{g}.total"]:
            out.add(("appeals_total", (f"appeals.{g}.total",)))
    said = values.get("headline.applications_received")
    # "收到申请" may count new plus carried-over applications: that agrees with the table.
    if said is not None and said not in (a("new_received", "total"),
                                         a("new_received", "total") + a("carried_over", "total")):
        out.add(("text_vs_table", ("headline.applications_received",
                                   "applications.new_received.total")))
    return out


def test_support_checker_flags_a_broken_row() -> None:
    values = {f"applications.{r}.{c}": 0 for r in ("new_received", "carried_over", "granted",
                                                    "total_processed", "carried_forward")
              for c in COLS}
    values |= {f"appeals.{g}.{r}": 0 for g in ("review", "litigation_direct",
                                              "litigation_after_review")
               for r in ("upheld", "corrected", "other", "pending", "total")}
    assert independent_errors(values) == set()
    values["applications.granted.total"] = 2
    assert ("row_total", ("applications.granted.total",)) in independent_errors(values)

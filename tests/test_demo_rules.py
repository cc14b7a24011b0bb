"""The demo numbers obey the 勾稽 rules except exactly the faults each document lists."""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict

import pytest
from test_demo_support import (
    COLS,
    expected,
    full_province,
    independent_errors,
    manifest,
    small_province,
)

from pipelines.demo.faults import FAULT_RANGE, FAULT_SHARES, fault_counts

WITHIN = {"row_total", "outcomes_sum", "carry_balance", "appeals_total", "text_vs_table"}


def _chains(exp: dict) -> dict[str, list[dict]]:
    by_body: dict[str, list[dict]] = defaultdict(list)
    for e in exp.values():
        by_body[e["body"]["name"]].append(e)
    return {k: sorted(v, key=lambda e: e["year"]) for k, v in by_body.items()}


@pytest.mark.parametrize("which", ["small", "full"])
def test_every_document_obeys_the_rules_except_the_faults_it_lists(which: str) -> None:
    out, _, _ = small_province() if which == "small" else full_province()
    for stem, e in expected(out).items():
        listed = {(err["rule"], tuple(err["keys"])) for err in e["publisher_errors"]
                  if err["rule"] in WITHIN}
        assert independent_errors(e["values"]) == listed, stem


@pytest.mark.parametrize("which", ["small", "full"])
def test_carry_over_matches_across_years_except_listed(which: str) -> None:
    out, _, _ = small_province() if which == "small" else full_province()
    mismatches = 0
    for chain in _chains(expected(out)).values():
        for prev, cur in itertools.pairwise(chain):
            assert cur["year"] == prev["year"] + 1
            listed = {tuple(err["keys"]) for err in cur["publisher_errors"]
                      if err["rule"] == "carry_over_years"}
            found = {(f"applications.carried_over.{c}",) for c in COLS
                     if prev["values"][f"applications.carried_forward.{c}"]
                     != cur["values"][f"applications.carried_over.{c}"]}
            assert found == listed, cur["source"]
            mismatches += bool(found)
    assert mismatches >= 1


def test_fault_share_is_within_the_documented_range() -> None:
    out, summary, _ = full_province()
    n = summary["documents"]
    assert abs(sum(FAULT_SHARES.values()) - 0.06) < 1e-9
    assert summary["faults"] == fault_counts(n)
    faulty = sum(1 for e in expected(out).values() if e["publisher_errors"])
    assert FAULT_RANGE[0] <= faulty / n <= FAULT_RANGE[1]
    notes = Counter(e["notes"].split("Injected fault ")[1].split(":")[0]
                    for e in expected(out).values() if "Injected fault" in e["notes"])
    assert notes == Counter(fault_counts(n))
    rules = summary["publisher_error_rules"]
    assert {"row_total", "outcomes_sum", "carry_balance", "appeals_total", "carry_over_years",
            "text_vs_table"} <= set(rules)


def test_small_province_has_every_fault_kind() -> None:
    _, summary, _ = small_province()
    assert set(summary["faults"]) == set(FAULT_SHARES)


def test_zero_total_fault_prints_a_zero_total_beside_nonzero_parts() -> None:
    out, _, _ = full_province()
    seen = 0
    for e in expected(out).values():
        for err in e["publisher_errors"]:
            if err["rule"] == "appeals_total" and e["values"][err["keys"][0]] == 0:
                g = err["keys"][0].split(".")[1]
                assert sum(e["values"][f"appeals.{g}.{r}"] for r in ("upheld", "corrected",
                                                                    "other", "pending")) > 0
                seen += 1
    assert seen >= 1


def test_in_force_follows_issued_and_repealed_in_2021_template_years() -> None:
    out, _, _ = full_province()
    checked = 0
    for chain in _chains(expected(out)).values():
        for prev, cur in itertools.pairwise(chain):
            if prev["template"] == cur["template"] == "2021":
                for g in ("rules", "normative_docs"):
                    v, p = cur["values"], prev["values"]
                    assert v[f"proactive.{g}.in_force"] == (
                        p[f"proactive.{g}.in_force"] + v[f"proactive.{g}.issued"]
                        - v[f"proactive.{g}.repealed"]), cur["source"]
                    checked += 1
    assert checked > 500


def test_templates_print_their_own_rows() -> None:
    out, _, _ = small_province()
    for e in expected(out).values():
        keys = e["values"]
        if e["template"] == "2019":
            assert "applications.other.total" in keys
            assert "applications.other.other.total" not in keys
            assert "proactive.procurement.amount_yuan" in keys
            assert "proactive.rules.in_force" not in keys
        else:
            assert "applications.other.no_correction.total" in keys
            assert "applications.other.total" not in keys
            assert "proactive.fees.amount_10k_yuan" in keys
            assert "proactive.licensing.prev_items" not in keys


def test_headlines_are_recorded_and_no_applications_is_text() -> None:
    out, _, _ = full_province()
    texts = 0
    for e in expected(out).values():
        v = e["values"]
        assert {"headline.items_published", "headline.applications_received"} <= set(v)
        if v["headline.applications_received"] == 0:
            assert e["cells"]["headline.applications_received"] == "text"
            texts += 1
    assert texts >= 1


def test_volumes_are_realistic_and_long_tailed() -> None:
    out, _, _ = full_province()
    bodies = {}
    import csv

    with open(out / "bodies.csv", encoding="utf-8") as f:
        for b in csv.DictReader(f):
            bodies[b["name"]] = b
    groups: dict[str, list[int]] = defaultdict(list)
    for e in expected(out).values():
        b = bodies[e["body"]["name"]]
        n = e["values"]["applications.new_received.total"]
        if b["level"] == "township":
            groups["township"].append(n)
        elif b["type"] == "government":
            groups[f"{b['level']}_gov"].append(n)
        elif b["department"] in ("natural_resources", "housing"):
            groups["land_housing"].append(n)
        elif b["department"] in ("education", "finance", "health"):
            groups["quiet_dept"].append(n)
    med = {k: statistics.median(v) for k, v in groups.items()}
    assert med["township"] < med["county_gov"] < med["city_gov"]
    assert med["quiet_dept"] < med["land_housing"]
    every = [e["values"]["applications.new_received.total"] for e in expected(out).values()]
    assert max(every) > 8 * statistics.median(every)
    assert Counter(r["level"] for r in manifest(out))["township"] > 0


def test_text_vs_table_faults_never_state_new_plus_carried_over() -> None:
    """Prose counting new + carried-over applications agrees (engine rule, corpus 018)."""
    import numpy as np

    from pipelines.demo.faults import apply_fault

    out, _, _ = full_province()
    for e in expected(out).values():
        v = e["values"]
        said = v["headline.applications_received"]
        agreeing = (v["applications.new_received.total"],
                    v["applications.new_received.total"] + v["applications.carried_over.total"])
        listed = any(p["rule"] == "text_vs_table" for p in e["publisher_errors"])
        assert listed == (said not in agreeing), e["source"]
    values = {"applications.new_received.total": 5, "applications.carried_over.total": 2,
              "applications.new_received.natural_person": 7, "headline.applications_received": 7}
    for seed in range(50):
        trial = dict(values)
        if apply_fault("text_vs_table", trial, "2021", np.random.default_rng(seed)):
            assert trial["headline.applications_received"] not in (5, 7)

from schemas.rules import (
    RULES,
    appeals_total,
    carry_balance,
    category_sum,
    check_all,
    non_negative,
    outcomes_sum,
    row_total,
    text_vs_table,
)


def _row(row, cells):
    cols = ("natural_person", "commercial", "research", "social_org", "legal_service",
            "other_org", "total")
    return {f"applications.{row}.{c}": v for c, v in zip(cols, cells, strict=True)}


def test_rules_list_describes_every_rule():
    ids = {r["id"] for r in RULES}
    assert {"carry_balance", "row_total", "outcomes_sum", "category_sum", "appeals_total",
            "non_negative", "text_vs_table", "carry_over_years", "in_force_continuity"} == ids
    assert all(r["zh"] and r["en"] and r["severity"] in ("error", "warning") for r in RULES)


def test_carry_balance():
    v = {**_row("new_received", [5, 0, 0, 0, 0, 0, 5]),
         **_row("carried_over", [1, 0, 0, 0, 0, 0, 1]),
         **_row("total_processed", [4, 0, 0, 0, 0, 0, 4]),
         **_row("carried_forward", [2, 0, 0, 0, 0, 0, 2])}
    assert carry_balance(v, {}) == []
    v["applications.carried_forward.total"] = 1
    f = carry_balance(v, {})
    assert len(f) == 1 and f[0].blame == "publisher" and f[0].rule == "carry_balance"


def test_row_total_notes_blank_cells():
    v = _row("granted", [3, 1, 0, 0, 0, 0, 0])
    f = row_total(v, {"applications.granted.total": "empty"})
    assert len(f) == 1 and "空白" in f[0].message
    assert row_total(_row("granted", [3, 1, 0, 0, 0, 0, 4]), {}) == []


def test_outcomes_sum_with_subrows_and_single_other_row():
    v = {**_row("total_processed", [5, 0, 0, 0, 0, 0, 5]), **_row("granted", [2, 0, 0, 0, 0, 0, 2]),
         **_row("partially_granted", [1, 0, 0, 0, 0, 0, 1]), **_row("other", [2, 0, 0, 0, 0, 0, 2])}
    assert outcomes_sum(v, {}) == []
    v["applications.other.natural_person"] = 1
    f = outcomes_sum(v, {})
    assert [x.keys[0] for x in f] == ["applications.total_processed.natural_person"]


def test_category_sum():
    v = {**_row("denied", [2, 0, 0, 0, 0, 0, 2]),
         **_row("denied.state_secret", [1, 0, 0, 0, 0, 0, 1])}
    f = category_sum(v, {})
    assert f and f[0].rule == "category_sum"


def test_appeals_total_and_non_negative_and_text_vs_table():
    v = {"appeals.review.upheld": 10, "appeals.review.corrected": 1, "appeals.review.other": 0,
         "appeals.review.pending": 0, "appeals.review.total": 0}
    assert appeals_total(v, {})[0].keys[0] == "appeals.review.total"
    neg = {"proactive.licensing.change": -3, "appeals.review.total": -1}
    assert non_negative(neg, {})[0].keys == ("appeals.review.total",)
    t = {"headline.applications_received": 17, "applications.new_received.total": 95}
    assert text_vs_table(t, {})[0].rule == "text_vs_table"
    t = {"headline.applications_received": 75, "applications.new_received.total": 74,
         "applications.carried_over.total": 1}
    assert text_vs_table(t, {}) == []
    assert len(check_all(v, {})) == 1

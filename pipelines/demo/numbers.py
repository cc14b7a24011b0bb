"""True, consistent figures of every body and year (before any fault is injected).

Figures are generated per body as a chain over the report years, so that by construction

* per applicant column ``new_received + carried_over = total_processed + carried_forward``;
* every row's ``total`` is the sum of its six applicant columns;
* ``total_processed`` is the sum of the outcome rows (all 2021 sub-rows are always generated;
  the 2019 template prints their sum as the single ``other`` row);
* table 四 ``total = upheld + corrected + other + pending``;
* ``carried_forward(N) = carried_over(N+1)`` (except where a ``carry_over_years`` fault shifts
  the next year's opening balance — the rest of that year stays consistent);
* ``in_force(N) = in_force(N-1) + issued(N) - repealed(N)`` for rules and normative documents.

Volumes follow long-tailed distributions: a lognormal body intensity times the body's weight
(city governments and 自然资源/住建 departments high, townships low), Poisson counts per year.
Every body draws from its own RNG stream (seed, body id), so a body's numbers do not change
when the province is scaled.
"""

from __future__ import annotations

import hashlib

import numpy as np

from schemas.registry import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
)

from .province import Body

COLUMNS = tuple(c for c, _, _ in APPLICANT_COLUMNS if c != "total")
BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")
OUTCOME_ROWS = tuple(r.key for r in APPLICATION_ROWS if r.key not in BALANCE_ROWS)
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)

_COLUMN_BASE = np.array([0.88, 0.07, 0.004, 0.006, 0.03, 0.01])
_OUTCOME_BASE = {
    "granted": 0.36, "partially_granted": 0.08,
    "denied.state_secret": 0.004, "denied.prohibited_by_law": 0.006,
    "denied.security_stability": 0.004, "denied.third_party_rights": 0.01,
    "denied.internal_affairs": 0.006, "denied.process_info": 0.01,
    "denied.enforcement_file": 0.006, "denied.inquiry_matter": 0.01,
    "unable.not_held": 0.22, "unable.needs_creation": 0.03,
    "unable.unclear_after_correction": 0.015,
    "not_processed.petition_complaint": 0.04, "not_processed.duplicate": 0.03,
    "not_processed.publication": 0.004, "not_processed.excessive": 0.008,
    "not_processed.confirmation": 0.01,
    "other.no_correction": 0.03, "other.unpaid_fee": 0.003, "other.other": 0.05,
}
_YEAR_TREND = {2019: 0.8, 2020: 0.9, 2021: 1.15, 2022: 1.05, 2023: 1.0, 2024: 0.95}

# department slug → (licensing, penalty, coercion, fees in 万元) median volumes
_ENFORCEMENT = {
    "public_security": (3000, 20000, 2000, 800.0),
    "market_regulation": (8000, 800, 60, 20.0),
    "natural_resources": (1500, 120, 15, 300.0),
    "housing": (1200, 60, 10, 50.0),
    "ecology": (300, 150, 20, 0.0),
    "transport": (2000, 1500, 80, 30.0),
    "human_resources": (400, 10, 0, 5.0),
    "education": (200, 2, 0, 10.0),
    "health": (900, 300, 10, 8.0),
    "finance": (20, 1, 0, 2.0),
    # further departments of the national demo (pipelines.demo.country)
    "development_reform": (600, 20, 0, 5.0),
    "civil_affairs": (500, 10, 0, 2.0),
    "agriculture": (900, 200, 20, 10.0),
    "water": (300, 60, 10, 40.0),
    "commerce": (250, 30, 2, 1.0),
    "culture_tourism": (400, 150, 10, 3.0),
    "emergency": (350, 250, 30, 2.0),
    "justice": (150, 5, 0, 1.0),
    "audit": (5, 2, 0, 0.0),
    "veterans": (60, 0, 0, 0.0),
    "medical_security": (300, 120, 5, 1.0),
    "statistics": (5, 40, 0, 0.0),
    "": (2500, 100, 10, 40.0),
}


def rng_for(seed: int, *parts: object) -> np.random.Generator:
    """A numpy generator seeded from ``seed`` and a tag (stable across runs and platforms)."""
    tag = "|".join(str(p) for p in (seed, *parts)).encode()
    return np.random.default_rng(int.from_bytes(hashlib.sha256(tag).digest()[:8], "big"))


def _lognormal(rng: np.random.Generator, median: float, sigma: float = 0.6) -> float:
    return float(median * rng.lognormal(0.0, sigma))


def _app_key(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


def _applications(rng, lam: float, opening: dict[str, int], col_p, out_p) -> dict[str, int]:
    """Table 三 for one year from a Poisson volume and the opening balance per column."""
    v: dict[str, int] = {}
    new = rng.multinomial(int(rng.poisson(lam)), col_p)
    p_forward = float(rng.beta(2, 30))
    for i, c in enumerate(COLUMNS):
        avail = int(new[i]) + opening[c]
        forward = int(rng.binomial(avail, p_forward))
        outs = rng.multinomial(avail - forward, out_p)
        v[_app_key("new_received", c)] = int(new[i])
        v[_app_key("carried_over", c)] = opening[c]
        for row, n in zip(OUTCOME_ROWS, outs, strict=True):
            v[_app_key(row, c)] = int(n)
        v[_app_key("total_processed", c)] = avail - forward
        v[_app_key("carried_forward", c)] = forward
    for row in (*BALANCE_ROWS, *OUTCOME_ROWS):
        v[_app_key(row, "total")] = sum(v[_app_key(row, c)] for c in COLUMNS)
    return v


def _appeals(rng, processed: int, is_gov: bool) -> dict[str, int]:
    v: dict[str, int] = {}
    rates = {"review": 0.02, "litigation_direct": 0.008, "litigation_after_review": 0.004}
    for g, _, _ in APPEAL_GROUPS:
        n = int(rng.poisson(rates[g] * processed + (0.15 if is_gov else 0.02)))
        parts = rng.multinomial(n, [0.55, 0.12, 0.2, 0.13])
        for (r, _, _), k in zip(APPEAL_RESULTS[:4], parts, strict=True):
            v[f"appeals.{g}.{r}"] = int(k)
        v[f"appeals.{g}.total"] = n
    return v


class _Catalogue:
    """Running state of a body's rule and normative-document catalogues and item lists."""

    def __init__(self, rng: np.random.Generator, body: Body):
        gov = body.type == "government"
        self.makes_rules = gov and body.level in ("province", "city")
        self.rules_in_force = int(rng.integers(150, 260)) if body.level == "province" else (
            int(rng.integers(20, 80)) if self.makes_rules else 0)
        scale = {"province": 3.0, "city": 1.5, "county": 1.0, "township": 0.1}[body.level]
        self.doc_rate = scale * (4.0 if gov else 1.5)
        self.docs_in_force = int(rng.integers(5, 60) * scale) if body.type != "office" else 0
        self.rules_published = self.rules_in_force + int(rng.integers(0, 40))
        self.docs_published = self.docs_in_force + int(rng.integers(0, 80))
        small = body.level == "township"
        self.items = {k: int(rng.integers(0, 12) if small else rng.integers(8, 160))
                      for k in ("licensing", "other_services", "penalty", "coercion", "fees")}
        if body.type == "office":
            self.items = dict.fromkeys(self.items, 0)


def _proactive(rng, body: Body, cat: _Catalogue, year: int) -> dict[str, float]:
    v: dict[str, float] = {}
    r_issued = int(rng.poisson(3.0 if body.level == "province" else 1.2)) if cat.makes_rules else 0
    r_repealed = min(int(rng.poisson(0.8)) if cat.makes_rules else 0, cat.rules_in_force)
    d_issued = int(rng.poisson(cat.doc_rate)) if body.type != "office" else 0
    d_repealed = min(int(rng.poisson(cat.doc_rate * 0.5)), cat.docs_in_force)
    cat.rules_in_force += r_issued - r_repealed
    cat.docs_in_force += d_issued - d_repealed
    v |= {"proactive.rules.issued": r_issued, "proactive.rules.repealed": r_repealed,
          "proactive.rules.in_force": cat.rules_in_force,
          "proactive.normative_docs.issued": d_issued,
          "proactive.normative_docs.repealed": d_repealed,
          "proactive.normative_docs.in_force": cat.docs_in_force}
    # 2019-template view of the same catalogues
    r_pub = r_issued if rng.random() < 0.9 else int(rng.integers(0, r_issued + 1))
    d_pub = d_issued if rng.random() < 0.85 else int(rng.integers(0, d_issued + 1))
    cat.rules_published += r_pub
    cat.docs_published += d_pub
    v |= {"proactive.rules.new_made": r_issued, "proactive.rules.new_published": r_pub,
          "proactive.rules.total_published": cat.rules_published,
          "proactive.normative_docs.new_made": d_issued,
          "proactive.normative_docs.new_published": d_pub,
          "proactive.normative_docs.total_published": cat.docs_published}
    lic, pen, coe, fee = _ENFORCEMENT[body.department]
    level_f = {"province": 0.5, "city": 1.0, "county": 0.6, "township": 0.02}[body.level]
    if body.type == "office":
        level_f = 0.0
    decisions = {
        "licensing": lic, "other_services": lic * 0.3, "penalty": pen, "coercion": coe,
    }
    for k, median in decisions.items():
        n = round(_lognormal(rng, median * level_f, 0.7)) if median * level_f >= 1 else 0
        v[f"proactive.{k}.decisions"] = n
        change = round(rng.normal(0, 2.5)) if cat.items[k] else 0
        change = max(change, -cat.items[k])
        v[f"proactive.{k}.prev_items"] = cat.items[k]
        v[f"proactive.{k}.change"] = change
        cat.items[k] += change
    fee_change = max(round(rng.normal(0, 1.0)), -cat.items["fees"]) if cat.items["fees"] else 0
    v["proactive.fees.prev_items"] = cat.items["fees"]
    v["proactive.fees.change"] = fee_change
    cat.items["fees"] += fee_change
    amount = _lognormal(rng, fee * level_f, 0.9) if fee * level_f > 0.05 else 0.0
    v["proactive.fees.amount_10k_yuan"] = round(amount, 2)
    items = int(rng.poisson(40 * level_f)) if body.type != "office" else int(rng.poisson(3))
    v["proactive.procurement.items"] = items
    v["proactive.procurement.amount_yuan"] = round(items * _lognormal(rng, 120000, 0.8), 2)
    return v


def _headlines(rng, body: Body) -> dict[str, int]:
    if body.level == "township":
        return {"items_published": int(_lognormal(rng, 120, 0.5)),
                "policy_interpretations": int(rng.poisson(3)), "press_conferences": 0}
    gov = body.type in ("government", "office")
    return {
        "items_published": int(_lognormal(rng, 1800 if gov else 400, 0.6)),
        "policy_interpretations": int(_lognormal(rng, 60 if gov else 12, 0.6)),
        "press_conferences": int(rng.poisson(15 if gov else 3)),
    }


def body_chain(
    body: Body, years: tuple[int, ...], seed: int, carry_shift: dict[int, int] | None = None
) -> dict[int, dict[str, float]]:
    """True figures of one body for consecutive ``years``.

    Args:
        body: the publishing body.
        years: consecutive report years, ascending.
        seed: province seed.
        carry_shift: year → shift of that year's ``carried_over.natural_person`` against the
            previous year's ``carried_forward`` (a ``carry_over_years`` fault); the shifted
            opening balance flows consistently through that year.

    Returns:
        year → {canonical key: value}, plus ``headline.*`` figures (without
        ``headline.applications_received``, which is stated from the printed table).
    """
    rng = rng_for(seed, body.body_id)
    carry_shift = carry_shift or {}
    intensity = body.weight * 6.0 * float(rng.lognormal(0.0, 0.7))
    col_p = rng.dirichlet(_COLUMN_BASE * 60)
    out_p = rng.dirichlet(np.array(list(_OUTCOME_BASE.values())) / sum(_OUTCOME_BASE.values()) * 60)
    cat = _Catalogue(rng, body)
    first = rng.multinomial(int(rng.poisson(intensity * 0.05)), col_p)
    opening = {c: int(n) for c, n in zip(COLUMNS, first, strict=True)}
    out: dict[int, dict[str, float]] = {}
    for year in years:
        shift = carry_shift.get(year, 0)
        if shift:
            opening = dict(opening)
            base = opening["natural_person"]
            opening["natural_person"] = base + shift if base + shift >= 0 else base + abs(shift)
        lam = intensity * _YEAR_TREND[year] * float(rng.lognormal(0.0, 0.25))
        apps = _applications(rng, lam, opening, col_p, out_p)
        v: dict[str, float] = dict(apps)
        v |= _appeals(rng, apps["applications.total_processed.total"], body.type == "government")
        v |= _proactive(rng, body, cat, year)
        v |= {f"headline.{k}": n for k, n in _headlines(rng, body).items()}
        out[year] = v
        opening = {c: apps[_app_key("carried_forward", c)] for c in COLUMNS}
    return out

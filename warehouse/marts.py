"""SQL of the marts (``out_*`` tables), generated from the registry.

The wide body × year mart pivots the long fact table with one conditional aggregate per
canonical key, so a key added to the registry becomes a column without editing SQL. Derived rates
are separate, labelled columns: a printed number is never replaced by a computed one.
"""

from __future__ import annotations

from schemas.registry import measures
from schemas.tables import ROLLUP_MEASURES, SHARE_ROWS, YOY_KEYS


def q(name: str) -> str:
    """Quote an identifier (canonical keys contain dots)."""
    return '"' + name.replace('"', '""') + '"'


def _sub_rows(category: str) -> list[str]:
    return [m.key for m in SHARE_ROWS if m.row.split(".")[0] == category]


def body_year_sql() -> str:
    """``out_body_year``: one published report per body and year, every key a column."""
    pivots = ",\n        ".join(
        f"max(v.value) FILTER (WHERE v.key = '{m.key}') AS {q(m.key)}" for m in measures()
    )
    shares = []
    for m in SHARE_ROWS:
        category = m.row.split(".")[0]
        denominator = " + ".join(f"coalesce({q(k)}, 0)" for k in _sub_rows(category))
        shares.append(
            f"CASE WHEN ({denominator}) > 0 THEN {q(m.key)} / ({denominator}) END "
            f"AS {q('derived.share.' + m.row)}"
        )
    yoy = [
        f"CASE WHEN lag(year) OVER w = year - 1 AND lag({q(k)}) OVER w > 0 "
        f"THEN {q(k)} / lag({q(k)}) OVER w - 1 END AS {q('derived.yoy.' + k)}"
        for k in YOY_KEYS
    ]

    def rate(num: list[str], den: list[str]) -> str:
        n = " + ".join(f"coalesce({q(k)}, 0)" for k in num)
        d = " + ".join(f"coalesce({q(k)}, 0)" for k in den)
        return f"CASE WHEN ({d}) > 0 THEN ({n}) / ({d}) END"

    corr = ["upheld", "corrected", "other"]
    lit = ["litigation_direct", "litigation_after_review"]
    derived = [
        "CASE WHEN coalesce({tp}, 0) > 0 THEN (coalesce({g}, 0) + coalesce({p}, 0)) / {tp} END "
        "AS {name}".format(
            tp=q("applications.total_processed.total"),
            g=q("applications.granted.total"),
            p=q("applications.partially_granted.total"),
            name=q("derived.disclosure_rate"),
        ),
        rate(["appeals.review.corrected"], [f"appeals.review.{r}" for r in corr])
        + f" AS {q('derived.review_correction_rate')}",
        rate(
            [f"appeals.{g}.corrected" for g in lit], [f"appeals.{g}.{r}" for g in lit for r in corr]
        )
        + f" AS {q('derived.litigation_correction_rate')}",
    ]
    return f"""
CREATE TABLE out_body_year AS
WITH ranked AS (
    SELECT r.*, row_number() OVER (
        PARTITION BY r.body_id, r.year ORDER BY r.values_count DESC, r.report_id) AS rn
    FROM core_report r
    WHERE r.status = 'published' AND r.body_id IS NOT NULL AND r.year IS NOT NULL
),
wide AS (
    SELECT r.body_id, b.name AS body_name, b.region_code, b.level, b.body_type, r.year,
        r.template, r.report_id,
        {pivots}
    FROM ranked r
    JOIN dim_body b USING (body_id)
    LEFT JOIN core_value v ON v.report_id = r.report_id
    WHERE r.rn = 1
    GROUP BY ALL
)
SELECT *,
    {", ".join(derived)},
    {", ".join(shares)},
    {", ".join(yoy)}
FROM wide
WINDOW w AS (PARTITION BY body_id ORDER BY year)
ORDER BY body_id, year
"""


def _category_or_subrows(key: str) -> str:
    """A category total as printed, else the sum of its printed sub-rows (2021 prints only those).

    This is an aggregate we compute, not a number we attribute to a report, so filling the
    category from its own sub-rows rewrites nothing a body published.
    """
    parts = key.split(".")
    subs = _sub_rows(parts[1]) if len(parts) == 3 and parts[2] == "total" else []
    if not subs:
        return f"b.{q(key)}"
    any_sub = " OR ".join(f"b.{q(k)} IS NOT NULL" for k in subs)
    total = " + ".join(f"coalesce(b.{q(k)}, 0)" for k in subs)
    return f"coalesce(b.{q(key)}, CASE WHEN {any_sub} THEN {total} END)"


def region_year_sql() -> str:
    """``out_region_year``: county → city → province sums with coverage beside them."""
    sums = ",\n    ".join(
        f"sum({_category_or_subrows(k)}) AS {q(k)}" for k, _, _ in ROLLUP_MEASURES
    )
    g, p, tp = (
        q("applications.granted.total"),
        q("applications.partially_granted.total"),
        q("applications.total_processed.total"),
    )
    return f"""
CREATE TABLE out_region_year AS
WITH placed AS (
    SELECT o.*, x.rollup_code, x.rollup_level
    FROM out_body_year o
    JOIN dim_region d ON d.region_code = o.region_code
    CROSS JOIN LATERAL (
        SELECT * FROM (VALUES
            (d.province_code, 'province'),
            (d.city_code, 'city'),
            (CASE WHEN d.level IN ('county', 'township') THEN d.region_code END, 'county')
        ) t(rollup_code, rollup_level)
    ) x
    WHERE x.rollup_code IS NOT NULL
),
expected AS (
    SELECT rollup_code, count(DISTINCT body_id) AS bodies_expected FROM placed GROUP BY 1
),
quarantined AS (
    SELECT x.rollup_code, r.year, count(*) AS quarantined
    FROM core_report r
    JOIN dim_region d ON d.region_code = r.region_code
    CROSS JOIN LATERAL (SELECT * FROM (VALUES (d.province_code), (d.city_code),
        (CASE WHEN d.level IN ('county', 'township') THEN d.region_code END)) t(rollup_code)) x
    WHERE r.status = 'quarantined' AND x.rollup_code IS NOT NULL
    GROUP BY ALL
)
SELECT b.rollup_code AS region_code, rg.name AS region_name, b.rollup_level AS level, b.year,
    count(*)::INTEGER AS reports,
    count(DISTINCT b.body_id)::INTEGER AS bodies,
    any_value(e.bodies_expected)::INTEGER AS bodies_expected,
    count(DISTINCT b.body_id) / any_value(e.bodies_expected) AS coverage,
    coalesce(any_value(qq.quarantined), 0)::INTEGER AS quarantined,
    {sums},
    CASE WHEN sum(coalesce(b.{tp}, 0)) > 0
        THEN sum(coalesce(b.{g}, 0) + coalesce(b.{p}, 0)) / sum(b.{tp}) END
        AS {q("derived.disclosure_rate")}
FROM placed b
JOIN expected e USING (rollup_code)
LEFT JOIN dim_region rg ON rg.region_code = b.rollup_code
LEFT JOIN quarantined qq ON qq.rollup_code = b.rollup_code AND qq.year = b.year
GROUP BY b.rollup_code, rg.name, b.rollup_level, b.year
ORDER BY b.rollup_level, b.rollup_code, b.year
"""


def cross_year_findings_sql() -> str:
    """Rules 5 and 6 across a body's consecutive reports, as findings on the later report.

    Rule 5: carried_forward(N) = carried_over(N+1) per applicant column. Rule 6 (2021 template,
    a warning because bodies re-count their catalogues): in_force(N) = in_force(N-1) + issued(N)
    - repealed(N) for rules and normative documents.
    """
    parts = []
    for col in (
        "natural_person",
        "commercial",
        "research",
        "social_org",
        "legal_service",
        "other_org",
        "total",
    ):
        fwd = q(f"applications.carried_forward.{col}")
        over = q(f"applications.carried_over.{col}")
        parts.append(f"""
SELECT cur.report_id, cur.body_id, cur.year, 'carry_over_years' AS rule, 'warning' AS severity,
    'applications.carried_forward.{col},applications.carried_over.{col}' AS keys,
    format('{{}}年结转下年度 {{}} 件，{{}}年上年结转 {{}} 件（{col}）/ '
        || 'carried forward {{}} in {{}} but carried over {{}} in {{}}',
        prev.year, prev.{fwd}::BIGINT, cur.year, cur.{over}::BIGINT,
        prev.{fwd}::BIGINT, prev.year, cur.{over}::BIGINT, cur.year) AS message,
    'publisher' AS blame
FROM out_body_year cur JOIN out_body_year prev
    ON prev.body_id = cur.body_id AND prev.year = cur.year - 1
WHERE prev.{fwd} IS NOT NULL AND cur.{over} IS NOT NULL AND prev.{fwd} <> cur.{over}""")
    for doc in ("rules", "normative_docs"):
        f = {k: q(f"proactive.{doc}.{k}") for k in ("in_force", "issued", "repealed")}
        parts.append(f"""
SELECT cur.report_id, cur.body_id, cur.year, 'in_force_continuity', 'warning',
    'proactive.{doc}.in_force,proactive.{doc}.issued,proactive.{doc}.repealed',
    format('现行有效 {{}} ≠ 上年 {{}} + 制发 {{}} − 废止 {{}}（{doc}）/ '
        || 'in force {{}} ≠ {{}} + {{}} − {{}}',
        cur.{f["in_force"]}::BIGINT, prev.{f["in_force"]}::BIGINT, cur.{f["issued"]}::BIGINT,
        cur.{f["repealed"]}::BIGINT, cur.{f["in_force"]}::BIGINT, prev.{f["in_force"]}::BIGINT,
        cur.{f["issued"]}::BIGINT, cur.{f["repealed"]}::BIGINT),
    'publisher'
FROM out_body_year cur JOIN out_body_year prev
    ON prev.body_id = cur.body_id AND prev.year = cur.year - 1
WHERE cur.{f["in_force"]} IS NOT NULL AND prev.{f["in_force"]} IS NOT NULL
    AND cur.{f["issued"]} IS NOT NULL AND cur.{f["repealed"]} IS NOT NULL
    AND cur.{f["in_force"]} <> prev.{f["in_force"]} + cur.{f["issued"]} - cur.{f["repealed"]}""")
    return "INSERT INTO core_finding " + "\nUNION ALL\n".join(parts)

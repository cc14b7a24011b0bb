"""SQL of the marts (``out_*`` tables), generated from the registry.

The wide body × year mart pivots the long fact table with one conditional aggregate per
canonical key, so a key added to the registry becomes a column without editing SQL. Derived rates
are separate, labelled columns: a printed number is never replaced by a computed one.
"""

from __future__ import annotations

from pipelines.review.items import BODY_KEY
from schemas.registry import measures
from schemas.sql import ident
from schemas.tables import RATES, ROLLUP_MEASURES, SHARE_ROWS, YOY_KEYS

q = ident  # identifiers quoted (canonical keys contain dots)


def _sub_rows(category: str) -> list[str]:
    return [m.key for m in SHARE_ROWS if m.row.split(".")[0] == category]


def body_year_sql(wide: str | None = None, only: str | None = None,
                  table: str = "out_body_year") -> str:
    """``out_body_year``: one published report per body and year, every key a column.

    ``wide`` names a relation of the values already pivoted per report (``report_id`` and one
    column per key, as each segment writes them); without it ``core_value`` is pivoted here.
    ``only`` (a relation with a ``body_id`` column) limits the rows to those bodies, all their
    years (:mod:`warehouse.mart_delta` rebuilds the bodies an incremental build touched);
    ``table`` is the table created.
    """
    # DuckDB's PIVOT groups once and scatters each value to its column: ~25x faster than one
    # filtered aggregate per key, which scans every value once per key (270 scans).
    keys = ", ".join(f"'{m.key}'" for m in measures())
    # A reviewed value (core_value_reviewed, settled by a person) wins over the as-published
    # one; which keys did is in ``reviewed_keys`` (``body.region_code`` when a person placed
    # the body), and core_value keeps what was printed.
    columns = ", ".join(f"coalesce(rv.{q(m.key)}, p.{q(m.key)}) AS {q(m.key)}"
                        for m in measures())
    reviewed = f"""
    PIVOT (SELECT report_id, key, value FROM core_value_reviewed)
    ON key IN ({keys}) USING max(value) GROUP BY report_id"""
    pivot = (f"SELECT * FROM {wide}" if wide else f"""
    PIVOT (SELECT report_id, key, value FROM core_value
           WHERE report_id IN (SELECT report_id FROM ranked WHERE rn = 1))
    ON key IN ({keys}) USING max(value) GROUP BY report_id""")
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
    limit = f"\n        AND r.body_id IN (SELECT body_id FROM {only})" if only else ""
    return f"""
CREATE TABLE {table} AS
WITH bodied AS (
    -- A body a person placed (core_body_reviewed) stands in for the engine's unplaced one;
    -- core_report keeps the engine's reading.
    SELECT r.* REPLACE (coalesce(rb.body_id, r.body_id) AS body_id)
    FROM core_report r LEFT JOIN core_body_reviewed rb USING (report_id)
),
ranked AS (
    SELECT r.*, row_number() OVER (
        PARTITION BY r.body_id, r.year ORDER BY r.values_count DESC, r.report_id) AS rn
    FROM bodied r
    WHERE r.status = 'published' AND r.body_id IS NOT NULL AND r.year IS NOT NULL{limit}
),
pivoted AS ({pivot}),
reviewed AS ({reviewed}),
reviewed_keys AS (
    SELECT report_id, string_agg(key, ',' ORDER BY key) AS reviewed_keys
    FROM (SELECT report_id, key FROM core_value_reviewed
          UNION ALL SELECT report_id, '{BODY_KEY}' FROM core_body_reviewed)
    GROUP BY report_id
),
wide AS (
    SELECT r.body_id, b.name AS body_name, b.region_code, b.level, b.body_type, r.year,
        r.template, r.report_id, rk.reviewed_keys,
        {columns}
    FROM ranked r
    JOIN dim_body b USING (body_id)
    LEFT JOIN pivoted p ON p.report_id = r.report_id
    LEFT JOIN reviewed rv ON rv.report_id = r.report_id
    LEFT JOIN reviewed_keys rk ON rk.report_id = r.report_id
    WHERE r.rn = 1
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


# Reports whose own printed numbers disagree (publisher-blamed errors and warnings, cross-year
# ones included): an aggregate says how much of its value comes from them. ``yoy_jump`` is info
# and not counted: a jump is a question, not an inconsistency.
FLAGGED_CTE = """flagged AS (
    SELECT DISTINCT report_id FROM core_finding
    WHERE blame = 'publisher' AND severity IN ('error', 'warning') AND report_id IS NOT NULL
)"""
# The county a unit rolls up to: itself, or a township's parent county.
_COUNTY_OF_D = (
    "CASE WHEN d.level = 'county' THEN d.region_code "
    "WHEN d.level = 'township' THEN d.parent_code END"
)


def _share_sql(alias: str, key: str) -> str:
    """Share of ``key``'s sum that comes from inconsistent reports (null when the sum is 0)."""
    return (
        f"CASE WHEN sum(coalesce({alias}.{key}, 0)) > 0 THEN "
        f"sum(CASE WHEN {alias}.inconsistent THEN coalesce({alias}.{key}, 0) ELSE 0 END) "
        f"/ sum(coalesce({alias}.{key}, 0)) END"
    )


def _rollups(body: str) -> str:
    """Joins giving each body-year row of alias ``body`` one row per region it rolls up into.

    ``x.rollup_code`` and ``x.rollup_level``: the province, the city and the county (null where
    the body sits higher). A retired code (洪泽县 320829) rolls up with its successor in force
    (洪泽区 320813).
    """
    return f"""JOIN dim_region d0 ON d0.region_code = {body}.region_code
    JOIN dim_region d ON d.region_code = coalesce(d0.current_code, d0.region_code)
    CROSS JOIN LATERAL (
        SELECT * FROM (VALUES
            (d.province_code, 'province'),
            (d.city_code, 'city'),
            ({_COUNTY_OF_D}, 'county')
        ) t(rollup_code, rollup_level)
    ) x"""


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
    nr = q("applications.new_received.total")
    return f"""
CREATE TABLE out_region_year AS
WITH {FLAGGED_CTE},
placed AS (
    SELECT o.*, x.rollup_code, x.rollup_level,
        o.report_id IN (SELECT report_id FROM flagged) AS inconsistent
    FROM out_body_year o
    {_rollups("o")}
    WHERE x.rollup_code IS NOT NULL
),
expected AS (
    SELECT rollup_code, count(DISTINCT body_id) AS bodies_expected FROM placed GROUP BY 1
),
quarantined AS (
    SELECT x.rollup_code, r.year, count(*) AS quarantined
    FROM core_report r
    JOIN dim_region d0 ON d0.region_code = r.region_code
    JOIN dim_region d ON d.region_code = coalesce(d0.current_code, d0.region_code)
    CROSS JOIN LATERAL (SELECT * FROM (VALUES (d.province_code), (d.city_code),
        ({_COUNTY_OF_D})) t(rollup_code)) x
    WHERE r.status = 'quarantined' AND x.rollup_code IS NOT NULL
    GROUP BY ALL
)
SELECT b.rollup_code AS region_code, rg.name AS region_name, b.rollup_level AS level, b.year,
    count(*)::INTEGER AS reports,
    count(DISTINCT b.body_id)::INTEGER AS bodies,
    any_value(e.bodies_expected)::INTEGER AS bodies_expected,
    count(DISTINCT b.body_id) / any_value(e.bodies_expected) AS coverage,
    coalesce(any_value(qq.quarantined), 0)::INTEGER AS quarantined,
    count(*) FILTER (WHERE b.reviewed_keys IS NOT NULL)::INTEGER AS reviewed_reports,
    count(*) FILTER (WHERE b.inconsistent)::INTEGER AS inconsistent_reports,
    {_share_sql("b", nr)} AS inconsistent_share,
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


# Findings made in SQL name their columns: ``detail`` (review candidates) is left null.
FINDING_COLUMNS = "report_id, body_id, year, rule, severity, keys, message, blame"


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
    return f"INSERT INTO core_finding ({FINDING_COLUMNS}) " + "\nUNION ALL\n".join(parts)


def government_year_sql() -> str:
    """``out_government_year``: department → government, each government's own bodies per year.

    A government here is the set of bodies that sit at one region code (in force now): its
    人民政府, its office and its departments (a special zone's 管委会 and departments at the
    zone's code). Sub-regions are not included (that is ``out_region_year``), so a county's row
    says how completely the county's own departments reported.
    """
    sums = ",\n    ".join(
        f"sum({_category_or_subrows(k)}) AS {q(k)}" for k, _, _ in ROLLUP_MEASURES
    )
    nr = q("applications.new_received.total")
    return f"""
CREATE TABLE out_government_year AS
WITH {FLAGGED_CTE},
placed AS (
    SELECT o.*, coalesce(d.current_code, o.region_code) AS gov_code,
        o.report_id IN (SELECT report_id FROM flagged) AS inconsistent
    FROM out_body_year o
    LEFT JOIN dim_region d ON d.region_code = o.region_code
    WHERE o.region_code IS NOT NULL
),
expected AS (
    SELECT gov_code, count(DISTINCT body_id) AS bodies_expected,
        count(DISTINCT body_id) FILTER (WHERE body_type = 'department') AS departments_expected
    FROM placed GROUP BY 1
)
SELECT b.gov_code AS region_code, any_value(rg.name) AS region_name,
    any_value(rg.level) AS level, b.year,
    min(b.body_id) FILTER (WHERE b.body_type IN ('government', 'special_zone'))
        AS government_body_id,
    coalesce(bool_or(b.body_type IN ('government', 'special_zone')), FALSE)
        AS government_reported,
    count(DISTINCT b.body_id) FILTER (WHERE b.body_type = 'department')::INTEGER AS departments,
    any_value(e.departments_expected)::INTEGER AS departments_expected,
    count(*)::INTEGER AS reports,
    count(DISTINCT b.body_id)::INTEGER AS bodies,
    any_value(e.bodies_expected)::INTEGER AS bodies_expected,
    count(DISTINCT b.body_id) / any_value(e.bodies_expected) AS coverage,
    count(*) FILTER (WHERE b.inconsistent)::INTEGER AS inconsistent_reports,
    {_share_sql("b", nr)} AS inconsistent_share,
    {sums}
FROM placed b
JOIN expected e USING (gov_code)
LEFT JOIN dim_region rg ON rg.region_code = b.gov_code
GROUP BY b.gov_code, b.year
ORDER BY b.gov_code, b.year
"""


# Year-over-year jumps worth a reviewer's look. A change is the log ratio of consecutive years,
# ln((N + 1) / (N-1 + 1)); it is flagged when it lies further from the median change of all
# bodies than YOY_MAD_K robust standard deviations (1.4826 × the median absolute deviation) and
# never for less than a factor YOY_MIN_FACTOR, and only where either year has YOY_MIN_COUNT or
# more (5 → 15 applications is noise). Severity info, blame publisher: the numbers are as
# printed and may be true (a new law, a mass applicant); the finding asks for a look, it
# accuses no one, and it is not counted as an inconsistency in the rollups.
YOY_MIN_COUNT = 20
YOY_MIN_FACTOR = 3.0
YOY_MAD_K = 3.5


def yoy_findings_sql() -> str:
    """``yoy_jump`` findings (info) on the later report of each flagged pair of years."""
    pairs = "\nUNION ALL\n".join(
        f"""SELECT cur.report_id, cur.body_id, cur.year, '{k}' AS key,
        prev.{q(k)} AS prev_v, cur.{q(k)} AS cur_v,
        ln((cur.{q(k)} + 1) / (prev.{q(k)} + 1)) AS r
    FROM out_body_year cur JOIN out_body_year prev
        ON prev.body_id = cur.body_id AND prev.year = cur.year - 1
    WHERE cur.{q(k)} IS NOT NULL AND prev.{q(k)} IS NOT NULL"""
        for k in YOY_KEYS
    )
    return f"""
INSERT INTO core_finding ({FINDING_COLUMNS})
WITH pairs AS (
    {pairs}
),
med AS (SELECT key, median(r) AS m FROM pairs GROUP BY key),
spread AS (
    SELECT p.key, any_value(med.m) AS m, median(abs(p.r - med.m)) AS mad
    FROM pairs p JOIN med USING (key) GROUP BY p.key
)
SELECT p.report_id, p.body_id, p.year, 'yoy_jump', 'info', p.key,
    format('{{}}年 {{}} → {{}}年 {{}}（{{}}），变化超出稳健阈值 ×{{}} / '
        || 'year-over-year jump {{}} → {{}} ({{}}) beyond the robust threshold ×{{}}',
        p.year - 1, p.prev_v::BIGINT, p.year, p.cur_v::BIGINT, p.key, round(exp(t.limit_), 1),
        p.prev_v::BIGINT, p.cur_v::BIGINT, p.key, round(exp(t.limit_), 1)),
    'publisher'
FROM pairs p
JOIN (
    SELECT key, m, greatest(ln({YOY_MIN_FACTOR}), {YOY_MAD_K} * 1.4826 * mad) AS limit_
    FROM spread
) t USING (key)
WHERE greatest(p.cur_v, p.prev_v) >= {YOY_MIN_COUNT} AND abs(p.r - t.m) > t.limit_
"""


# The rates analysts compare between regions: id → (numerator keys, denominator keys). A
# region's rate is the sum of its bodies' numerators over the sum of their denominators (never a
# mean of the bodies' rates, which would let a body with 2 applications weigh like one with
# 2,000); a body counts only where its denominator is above 0, as its own rate in
# ``out_body_year`` does. Category totals fall back to their sub-rows (2021 prints only those).
_CORRECTION = ("upheld", "corrected", "other")
_LITIGATION = ("litigation_direct", "litigation_after_review")
REGION_RATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "disclosure": (
        ("applications.granted.total", "applications.partially_granted.total"),
        ("applications.total_processed.total",),
    ),
    "denied": (("applications.denied.total",), ("applications.total_processed.total",)),
    "unable": (("applications.unable.total",), ("applications.total_processed.total",)),
    "review_correction": (
        ("appeals.review.corrected",),
        tuple(f"appeals.review.{r}" for r in _CORRECTION),
    ),
    "litigation_correction": (
        tuple(f"appeals.{g}.corrected" for g in _LITIGATION),
        tuple(f"appeals.{g}.{r}" for g in _LITIGATION for r in _CORRECTION),
    ),
}


assert tuple(REGION_RATES) == RATES  # the mart's rate ids are the schema's


def _sum_of(keys: tuple[str, ...]) -> str:
    """SQL adding up ``keys`` of one ``out_body_year`` row (aliased ``b``), missing as 0."""
    return " + ".join(f"coalesce({_category_or_subrows(k)}, 0)" for k in keys)


def region_rate_sql() -> str:
    """``out_region_rate``: one row per region, year and rate, with numerator and denominator.

    Long and small (regions × years × 5 rates), so a ranking of 3,000 counties by any rate reads
    a few thousand rows instead of the 300-column body mart. Reports, bodies and coverage come
    from ``out_region_year`` so the rate and its coverage always describe the same bodies;
    ``city_name`` lets a county be shown as 市·县.
    """
    parts = []
    for rate, (num, den) in REGION_RATES.items():
        parts.append(f"SELECT '{rate}' AS rate, ({_sum_of(num)}) AS num, ({_sum_of(den)}) AS den")
    rates = " UNION ALL ".join(parts)
    return f"""
CREATE TABLE out_region_rate AS
WITH placed AS (
    SELECT b.body_id, b.year, x.rollup_code, x.rollup_level, t.rate, t.num, t.den
    FROM out_body_year b
    {_rollups("b")}
    CROSS JOIN LATERAL ({rates}) t
    WHERE x.rollup_code IS NOT NULL
)
SELECT p.rollup_code AS region_code, any_value(r.region_name) AS region_name,
    p.rollup_level AS level, any_value(c.name) AS city_name, p.year, p.rate,
    sum(p.num) FILTER (WHERE p.den > 0)::DOUBLE AS numerator,
    sum(p.den) FILTER (WHERE p.den > 0)::DOUBLE AS denominator,
    CASE WHEN sum(p.den) FILTER (WHERE p.den > 0) > 0
        THEN sum(p.num) FILTER (WHERE p.den > 0) / sum(p.den) FILTER (WHERE p.den > 0) END
        AS value,
    count(*) FILTER (WHERE p.den > 0)::INTEGER AS reports_with_data,
    any_value(r.reports)::INTEGER AS reports,
    any_value(r.bodies)::INTEGER AS bodies,
    any_value(r.bodies_expected)::INTEGER AS bodies_expected,
    any_value(r.coverage) AS coverage
FROM placed p
JOIN out_region_year r ON r.region_code = p.rollup_code AND r.year = p.year
LEFT JOIN dim_region rd ON rd.region_code = p.rollup_code
LEFT JOIN dim_region c ON c.region_code = rd.city_code AND p.rollup_level = 'county'
GROUP BY p.rollup_code, p.rollup_level, p.year, p.rate
ORDER BY p.rollup_level, p.rollup_code, p.year, p.rate
"""

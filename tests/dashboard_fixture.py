"""A tiny published warehouse with known numbers, for the dashboard tests.

The real builder (``warehouse/``) is written in parallel, so the dashboard is tested against
this hand-made file that follows ``docs/ARCHITECTURE.md`` "Warehouse tables" column for column.
Every number a test asserts can be worked out from ``BODY_YEARS`` below:

2023 (published: B1-B4; B5's report is quarantined)
    applications received 120 + 40 + 300 + 80 = 540; granted + partially granted
    80 + 30 + 210 + 50 = 370 of 540 processed -> disclosure rate 68.5 %; 3 findings.
2022 (published: B1-B5)
    applications received 100 + 30 + 250 + 60 + 70 = 510; 310 of 510 -> 60.8 %; 1 finding.
City ranking 2023 by applications: 乙市 380 (B3 + B4), 甲市 160 (B1 + B2).
County ranking 2023: 乙市西县 80, 甲市东县 40, 乙市南县 no published report (null).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from schemas import registry

REGIONS = [  # region_code, name, level, parent_code, province_code, city_code
    ("990000", "演示省", "province", None, "990000", None),
    ("990100", "甲市", "city", "990000", "990000", "990100"),
    ("990200", "乙市", "city", "990000", "990000", "990200"),
    ("990101", "甲市东县", "county", "990100", "990000", "990100"),
    ("990201", "乙市西县", "county", "990200", "990000", "990200"),
    ("990202", "乙市南县", "county", "990200", "990000", "990200"),
]
BODIES = [  # body_id, name, region_code, level, body_type
    ("B1", "甲市人民政府办公室", "990100", "city", "office"),
    ("B2", "甲市东县人民政府", "990101", "county", "government"),
    ("B3", "乙市人民政府", "990200", "city", "government"),
    ("B4", "乙市西县人民政府", "990201", "county", "government"),
    ("B5", "乙市南县人民政府", "990202", "county", "government"),
]
# (body, year) -> application rows (".total" column); total_processed = new_received here.
BODY_YEARS: dict[tuple[str, int], dict[str, int]] = {
    ("B1", 2022): {
        "new_received": 100,
        "granted": 50,
        "partially_granted": 10,
        "denied.state_secret": 10,
        "unable.not_held": 20,
        "not_processed.duplicate": 10,
    },
    ("B2", 2022): {"new_received": 30, "granted": 20, "partially_granted": 2, "unable.not_held": 8},
    ("B3", 2022): {
        "new_received": 250,
        "granted": 100,
        "partially_granted": 50,
        "denied.third_party_rights": 40,
        "unable.not_held": 50,
        "not_processed.duplicate": 10,
    },
    ("B4", 2022): {
        "new_received": 60,
        "granted": 30,
        "partially_granted": 6,
        "denied.internal_affairs": 4,
        "unable.not_held": 20,
    },
    ("B5", 2022): {
        "new_received": 70,
        "granted": 35,
        "partially_granted": 7,
        "unable.not_held": 28,
    },
    ("B1", 2023): {
        "new_received": 120,
        "granted": 60,
        "partially_granted": 20,
        "denied.state_secret": 5,
        "denied.third_party_rights": 5,
        "unable.not_held": 20,
        "not_processed.duplicate": 5,
        "other.other": 5,
    },
    ("B2", 2023): {
        "new_received": 40,
        "granted": 25,
        "partially_granted": 5,
        "denied.process_info": 2,
        "unable.not_held": 6,
        "not_processed.petition_complaint": 2,
    },
    ("B3", 2023): {
        "new_received": 300,
        "granted": 150,
        "partially_granted": 60,
        "denied.third_party_rights": 30,
        "unable.not_held": 40,
        "unable.needs_creation": 10,
        "not_processed.duplicate": 10,
    },
    ("B4", 2023): {
        "new_received": 80,
        "granted": 40,
        "partially_granted": 10,
        "denied.internal_affairs": 10,
        "unable.not_held": 15,
        "not_processed.publication": 5,
    },
}
QUARANTINED = {("B5", 2023): "识读失败：表三无法对齐（reading）"}
FINDINGS = [  # report body, year, rule, severity, keys, message, blame
    (
        "B1",
        2023,
        "outcome_sum",
        "error",
        ["applications.total_processed.total"],
        "办理结果总计与各项之和不符",
        "publisher",
    ),
    (
        "B3",
        2023,
        "carry_over_years",
        "warning",
        ["applications.carried_over.total"],
        "上年结转与上年报告的结转下年度不符",
        "publisher",
    ),
    (
        "B4",
        2023,
        "row_total",
        "error",
        ["applications.granted.total"],
        "予以公开行合计与各列之和不符（疑似识读错误）",
        "reading",
    ),
    (
        "B2",
        2022,
        "outcome_sum",
        "error",
        ["applications.total_processed.total"],
        "办理结果总计与各项之和不符",
        "publisher",
    ),
]
QUARANTINE = [  # item, stage, rule, reason
    ("r-B5-2023", "validate", "table_alignment", "表三列数与模板不符，无法可靠读取"),
    ("scan-0001.pdf", "extract", "no_text_layer", "PDF 没有文本层（扫描件）"),
]
CATEGORIES = [c for c, _, _ in registry.OUTCOME_CATEGORIES]
MEASURES = registry.measures()


def _report_id(body: str, year: int) -> str:
    return f"r-{body}-{year}"


def _ddl(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE dim_region(region_code VARCHAR PRIMARY KEY, name VARCHAR, level VARCHAR,
            parent_code VARCHAR, province_code VARCHAR, city_code VARCHAR);
        CREATE TABLE dim_body(body_id VARCHAR PRIMARY KEY, name VARCHAR, region_code VARCHAR,
            level VARCHAR, body_type VARCHAR);
        CREATE TABLE dim_year(year INTEGER PRIMARY KEY, template_expected VARCHAR);
        CREATE TABLE dim_measure(key VARCHAR PRIMARY KEY, table_name VARCHAR, row_key VARCHAR,
            column_key VARCHAR, label_zh VARCHAR, label_en VARCHAR, unit VARCHAR);
        CREATE TABLE raw_document(sha256 VARCHAR PRIMARY KEY, file_name VARCHAR,
            container VARCHAR, size_bytes BIGINT, ingested_at TIMESTAMP, origin VARCHAR);
        CREATE TABLE core_report(report_id VARCHAR PRIMARY KEY, sha256 VARCHAR, source VARCHAR,
            body_id VARCHAR, year INTEGER, template VARCHAR, status VARCHAR,
            quarantine_reason VARCHAR, title VARCHAR, published_date DATE, is_demo BOOLEAN);
        CREATE TABLE core_value(report_id VARCHAR, body_id VARCHAR, year INTEGER, key VARCHAR,
            value DOUBLE, cell_kind VARCHAR, method VARCHAR, provenance VARCHAR);
        CREATE TABLE core_finding(report_id VARCHAR, body_id VARCHAR, year INTEGER, rule VARCHAR,
            severity VARCHAR, keys VARCHAR[], message VARCHAR, blame VARCHAR);
        CREATE TABLE core_quarantine(item VARCHAR, stage VARCHAR, rule VARCHAR, reason VARCHAR,
            detected_at TIMESTAMP);
        CREATE TABLE meta_build(dataset_version VARCHAR, built_at TIMESTAMP, is_demo BOOLEAN,
            documents INTEGER, reports_published INTEGER, reports_quarantined INTEGER);
    """)
    measure_cols = ", ".join(f'"{m.key}" {"DOUBLE" if m.is_money else "BIGINT"}' for m in MEASURES)
    derived = [
        "derived.disclosure_rate",
        "derived.review_correction_rate",
        "derived.litigation_correction_rate",
        *(f"derived.share.{r.key}" for r in registry.APPLICATION_ROWS if r.category),
        *(f"derived.yoy.{m.key}" for m in MEASURES),
    ]
    derived_cols = ", ".join(f'"{d}" DOUBLE' for d in derived)
    con.execute(
        "CREATE TABLE out_body_year(body_id VARCHAR, body_name VARCHAR, region_code VARCHAR, "
        f"level VARCHAR, body_type VARCHAR, year INTEGER, template VARCHAR, {measure_cols}, "
        f"{derived_cols})"
    )
    sums = ", ".join(f'"{m.key}" {"DOUBLE" if m.is_money else "BIGINT"}' for m in MEASURES)
    con.execute(
        "CREATE TABLE out_region_year(region_code VARCHAR, region_name VARCHAR, level VARCHAR, "
        "year INTEGER, reports INTEGER, bodies INTEGER, bodies_expected INTEGER, "
        f'coverage DOUBLE, {sums}, "derived.disclosure_rate" DOUBLE)'
    )


def _values(rows: dict[str, int]) -> dict[str, int]:
    """Application ``.total`` values of one report, with category subtotals and totals."""
    out = {f"applications.{k}.total": v for k, v in rows.items()}
    for cat in CATEGORIES:
        parts = [v for k, v in rows.items() if k.startswith(cat + ".")]
        if parts:
            out[f"applications.{cat}.total"] = sum(parts)
    out["applications.total_processed.total"] = rows["new_received"]
    out["applications.carried_over.total"] = 0
    out["applications.carried_forward.total"] = 0
    out["applications.new_received.natural_person"] = rows["new_received"]
    return out


def _derived(values: dict[str, int], prev: dict[str, int] | None) -> dict[str, float | None]:
    processed = values["applications.total_processed.total"]
    granted = values["applications.granted.total"] + values["applications.partially_granted.total"]
    out: dict[str, float | None] = {"derived.disclosure_rate": granted / processed}
    for r in registry.APPLICATION_ROWS:
        if r.category and f"applications.{r.key}.total" in values:
            cat_total = values[f"applications.{r.category}.total"]
            out[f"derived.share.{r.key}"] = values[f"applications.{r.key}.total"] / cat_total
    for key, v in values.items():
        if prev and prev.get(key):
            out[f"derived.yoy.{key}"] = v / prev[key] - 1
    return out


def _insert_body_years(con: duckdb.DuckDBPyConnection) -> None:
    body = {b[0]: b for b in BODIES}
    for (body_id, year), rows in sorted(BODY_YEARS.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        values = _values(rows)
        prev_rows = BODY_YEARS.get((body_id, year - 1))
        row = {
            "body_id": body_id,
            "body_name": body[body_id][1],
            "region_code": body[body_id][2],
            "level": body[body_id][3],
            "body_type": body[body_id][4],
            "year": year,
            "template": "2021",
            **values,
            **_derived(values, _values(prev_rows) if prev_rows else None),
        }
        cols = ", ".join(f'"{c}"' for c in row)
        con.execute(
            f"INSERT INTO out_body_year ({cols}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
        rid = _report_id(body_id, year)
        for key, value in values.items():
            prov = json.dumps(
                {"method": "table", "reader": "html", "table": "三"}, ensure_ascii=False
            )
            con.execute(
                "INSERT INTO core_value VALUES (?, ?, ?, ?, ?, 'number', 'table', ?)",
                [rid, body_id, year, key, value, prov],
            )


def _insert_reports(con: duckdb.DuckDBPyConnection) -> None:
    body = {b[0]: b for b in BODIES}
    built = dt.datetime(2024, 3, 1, 8, 0)
    for body_id, year in sorted({*BODY_YEARS, *QUARANTINED}):
        rid = _report_id(body_id, year)
        sha = hashlib.sha256(rid.encode()).hexdigest()
        source = f"{rid}.html"
        reason = QUARANTINED.get((body_id, year))
        con.execute(
            "INSERT INTO raw_document VALUES (?, ?, 'html', 1000, ?, 'demo')", [sha, source, built]
        )
        con.execute(
            "INSERT INTO core_report VALUES (?, ?, ?, ?, ?, '2021', ?, ?, ?, ?, TRUE)",
            [
                rid,
                sha,
                source,
                body_id,
                year,
                "quarantined" if reason else "published",
                reason,
                f"{body[body_id][1]}{year}年政府信息公开工作年度报告",
                dt.date(year + 1, 1, 20),
            ],
        )
    for body_id, year, rule, severity, keys, message, blame in FINDINGS:
        con.execute(
            "INSERT INTO core_finding VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [_report_id(body_id, year), body_id, year, rule, severity, keys, message, blame],
        )
    for item, stage, rule, reason in QUARANTINE:
        con.execute(
            "INSERT INTO core_quarantine VALUES (?, ?, ?, ?, ?)", [item, stage, rule, reason, built]
        )
    con.execute(
        "INSERT INTO meta_build VALUES ('demo-2024.03.01', ?, TRUE, ?, ?, ?)",
        [built, len(BODY_YEARS) + len(QUARANTINED) + 1, len(BODY_YEARS), len(QUARANTINED)],
    )


def _insert_region_years(con: duckdb.DuckDBPyConnection) -> None:
    """Roll bodies up into every region they lie in (a city includes its counties)."""
    sums = ", ".join(f'sum(o."{m.key}")' for m in MEASURES)
    con.execute(f"""
        INSERT INTO out_region_year
        WITH scope AS (
            SELECT r.region_code AS scope_code, b.body_id FROM dim_region r
            JOIN dim_region inner_r ON inner_r.region_code = r.region_code
                OR inner_r.city_code = r.region_code OR inner_r.province_code = r.region_code
            JOIN dim_body b ON b.region_code = inner_r.region_code
        ), expected AS (SELECT scope_code, count(*) AS n FROM scope GROUP BY scope_code)
        SELECT r.region_code, r.name, r.level, y.year,
            count(o.body_id) AS reports, count(DISTINCT o.body_id) AS bodies, e.n,
            count(DISTINCT o.body_id) / e.n, {sums},
            (sum(o."applications.granted.total") + sum(o."applications.partially_granted.total"))
                / nullif(sum(o."applications.total_processed.total"), 0)
        FROM dim_region r CROSS JOIN (SELECT DISTINCT year FROM core_report) y
        JOIN expected e ON e.scope_code = r.region_code
        LEFT JOIN scope s ON s.scope_code = r.region_code
        LEFT JOIN out_body_year o ON o.body_id = s.body_id AND o.year = y.year
        GROUP BY r.region_code, r.name, r.level, y.year, e.n
    """)


# Application ledgers (issue 6): B2 in 2023, four applications. Two replied on time (5 and 20
# working days), one late by 3 working days (23), one pending → median 20, on-time 2/3,
# overdue 1; outcomes granted, granted, denied.state_secret → disclosed 2/3, denied 1/3.
# Reconciliation: B2 2023 report prints new_received.total 4 and granted.total 3 (ledger 2).
LEDGER_APPS = [  # row, received, replied, working_days, overdue_days, outcome, pending
    (1, "2023-03-01", "2023-03-08", 5, 0, "granted", False),
    (2, "2023-04-03", "2023-05-05", 20, 0, "granted", False),
    (3, "2023-06-01", "2023-07-06", 23, 3, "denied.state_secret", False),
    (4, "2023-12-20", None, None, None, None, True),
]
RECONCILIATION = [  # key, ledger, report, status
    ("applications.new_received.total", 4, 4, "match"),
    ("applications.granted.total", 2, 3, "differs"),
    ("applications.other.no_correction.total", 0, None, "not_in_report"),
]


def _insert_ledgers(con: duckdb.DuckDBPyConnection) -> None:
    from schemas.tables import ddl, tables

    for name in ("core_application", "out_ledger_body_year", "out_reconciliation"):
        con.execute(ddl(tables()[name]))
    for row, rec, rep, wd, od, outcome, pending in LEDGER_APPS:
        con.execute(
            "INSERT INTO core_application (application_id, ledger_id, source, row, body_id, "
            "body_name, region_code, year, received, replied, working_days, overdue_days, "
            "on_time, extended, third_party_days, applicant_type, outcome, outcome_category, "
            "carried_over, pending) VALUES (?, 'L', 'b2_2023_ledger.csv', ?, 'B2', "
            "'甲市东县人民政府', '990101', 2023, ?, ?, ?, ?, ?, false, 0, 'natural_person', ?, ?, "
            "false, ?)",
            [f"L:{row}", row, rec, rep, wd, od, None if od is None else od == 0, outcome,
             outcome.split(".")[0] if outcome else None, pending],
        )
    con.execute(
        "INSERT INTO out_ledger_body_year (body_id, body_name, region_code, year, applications, "
        "replied, pending, median_working_days, on_time_share, overdue) VALUES "
        "('B2', '甲市东县人民政府', '990101', 2023, 4, 3, 1, 20, 2/3, 1)"
    )
    for key, led, rep, status in RECONCILIATION:
        con.execute(
            "INSERT INTO out_reconciliation VALUES ('B2', '甲市东县人民政府', 2023, ?, ?, ?, ?, ?, "
            "NULL)",
            [key, led, rep, None if rep is None else led - rep, status],
        )


def _insert_region_rates(con: duckdb.DuckDBPyConnection) -> None:
    """``out_region_rate`` by the warehouse's own SQL over the fixture's body and region marts."""
    from warehouse.marts import region_rate_sql

    # Every fixture code is in force: its current code is itself (as the build writes it).
    con.execute("ALTER TABLE dim_region ADD COLUMN current_code VARCHAR")
    con.execute("UPDATE dim_region SET current_code = region_code")
    con.execute(region_rate_sql())


def make_fixture_warehouse(path: str | Path) -> Path:
    """Write the fixture warehouse to ``path`` (overwriting it) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        _ddl(con)
        con.executemany("INSERT INTO dim_region VALUES (?, ?, ?, ?, ?, ?)", REGIONS)
        con.executemany("INSERT INTO dim_body VALUES (?, ?, ?, ?, ?)", BODIES)
        con.executemany(
            "INSERT INTO dim_year VALUES (?, ?)",
            [
                (y, "2021" if y >= 2021 else "2019" if y >= 2019 else "pre2019")
                for y in range(2008, 2025)
            ],
        )
        con.executemany(
            "INSERT INTO dim_measure VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(m.key, m.table, m.row, m.column, m.label_zh, m.label_en, m.unit) for m in MEASURES],
        )
        _insert_body_years(con)
        _insert_reports(con)
        _insert_region_years(con)
        _insert_region_rates(con)
        _insert_scorecard(con)
        _insert_ledgers(con)
        _empty_registry_tables(con)
    finally:
        con.close()
    return path


def _empty_registry_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Every other table of the registry, empty: a page or download of a table the fixture does
    not fill must meet a table with its real columns, as in a built warehouse."""
    from schemas.tables import ddl, tables

    have = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    for name, table in tables().items():
        if name not in have:
            con.execute(ddl(table))


# Report-quality scorecard (issue 7), default weights (error 5 / on_time 10, warning 3 for
# text_vs_table, 2 for sections): 2023 — B1 85 (outcomes_sum error + late), B2 100, B3 95
# (carry_over_years error), B4 97 (text_vs_table warning); 2022 — B2 95 (row_total error),
# B5 98 (a section missing, warning), others 100. Ranks within the city: 甲市 2023 B2 1, B1 2;
# 乙市 2023 B4 1, B3 2. Province 2023: B2 100, B4 97, B3 95, B1 85.
SCORECARD_PROBLEMS = [  # body, year, check, rule, severity, location, message, deduction
    ("B1", 2023, "consistency", "outcomes_sum", "error", "表三 · 办理结果总计 · 总计",
     "办理结果总计·总计 印为 120，但各项之和为 125", 5.0),
    ("B1", 2023, "on_time", "published_late", "error", "发布时间 · “2024-02-20”",
     "页面“发布时间”为 2024年2月20日，晚于法定期限 2024年1月31日 20 天。", 10.0),
    ("B3", 2023, "continuity", "carry_over_years", "error", "表三 · 上年结转 · 总计",
     "上年结转与 2022 年度报告的结转下年度不符", 5.0),
    ("B4", 2023, "text_vs_table", "prose_figure", "warning", "正文第 120–128 字",
     "正文称“予以公开41件”，表三“予以公开”总计为 40。", 3.0),
    ("B2", 2022, "consistency", "row_total", "error", "表三 · 予以公开 · 总计",
     "予以公开·总计 印为 20，但各项之和为 21", 5.0),
    ("B5", 2022, "sections", "section_missing", "warning", "五、存在的主要问题及改进情况",
     "缺少第五部分“存在的主要问题及改进情况”。", 2.0),
]
SCORES = {("B1", 2023): 85.0, ("B3", 2023): 95.0, ("B4", 2023): 97.0, ("B2", 2022): 95.0,
          ("B5", 2022): 98.0}


def _insert_scorecard(con: duckdb.DuckDBPyConnection) -> None:
    from pipelines.checker.model import CHECKS
    from schemas.tables import ddl, tables

    for name in ("out_report_check", "out_scorecard"):
        con.execute(ddl(tables()[name]))
    for body, year, check, rule, sev, loc, msg, ded in SCORECARD_PROBLEMS:
        con.execute(
            "INSERT INTO out_report_check VALUES (?, ?, ?, ?, ?, ?, '', '{}', ?, ?, ?, ?)",
            [_report_id(body, year), body, year, check, rule, sev, loc, msg, msg, ded],
        )
    city = {"990100": "990100", "990101": "990100", "990200": "990200", "990201": "990200",
            "990202": "990200"}
    bodies = {b[0]: b for b in BODIES}
    rows = []
    for body, year in sorted(BODY_YEARS):
        mine = [p for p in SCORECARD_PROBLEMS if p[:2] == (body, year)]
        counts = [sum(p[2] == c for p in mine) for c in CHECKS]
        rows.append([body, bodies[body][1], bodies[body][2], bodies[body][3], bodies[body][4],
                     year, _report_id(body, year), SCORES.get((body, year), 100.0),
                     city[bodies[body][2]], sum(p[4] == "error" for p in mine),
                     sum(p[4] == "warning" for p in mine), 0, *counts])
    for r in rows:
        peers = [x for x in rows if x[8] == r[8] and x[5] == r[5]]
        rank = 1 + sum(x[7] > r[7] for x in peers)
        con.execute(
            f"INSERT INTO out_scorecard VALUES ({', '.join('?' * (len(r) + 3))})",
            [*r[:9], rank, len(peers), *r[9:], "weights.toml"],
        )


def goto(at, page: str):
    """Switch a running ``AppTest`` to ``views/<page>.py`` and run it; it must not raise."""
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at

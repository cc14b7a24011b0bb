"""The report-quality scorecard in the warehouse: problems, scores, ranks and the list of fixes.

``out_report_check`` holds one row per problem of every published report (computed by the
``out_report_check`` asset with :mod:`pipelines.checker`); ``out_scorecard`` scores the report
of every body and year in ``out_body_year`` with the assessor's weights and ranks the bodies of
each region (the body's city, or the province for province-level bodies). The list of fixes is
exported as XLSX, one row per problem, to send to the bodies as a task list.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence

import duckdb
import polars as pl

from pipelines.checker.facts import DocFacts
from pipelines.checker.model import CHECKS, Problem, location_text
from pipelines.checker.score import Weights, deductions, load_weights
from pipelines.checker.timeliness import PublicationDate, check_on_time, collected_applies
from schemas.models import conform, empty_frame, validate


def problem_rows(report_id: str, problems: Iterable[Problem], weights: Weights) -> list[dict]:
    """Rows of ``out_report_check`` for one report (body and year are joined later)."""
    return [
        {
            "report_id": report_id,
            "check": p.check,
            "rule": p.rule,
            "severity": p.severity,
            "keys": ",".join(p.keys),
            "location": json.dumps(p.location, ensure_ascii=False, sort_keys=True),
            "location_text": location_text(p.location),
            "message_zh": p.message_zh,
            "message_en": p.message_en,
            "deduction": weights.weight(p.check, p.severity),
        }
        for p in problems
    ]


def report_check_frame(rows: Sequence[dict], reports: pl.DataFrame) -> pl.DataFrame:
    """``out_report_check`` from problem rows, with body and year from ``core_report``."""
    if not rows:
        return empty_frame("out_report_check")
    frame = pl.DataFrame(rows, infer_schema_length=None).join(
        reports.select("report_id", "body_id", "year"), on="report_id", how="left"
    )
    return validate("out_report_check", conform("out_report_check", frame))


def _scores(checks: pl.DataFrame, weights: Weights) -> dict[str, float]:
    by_report: dict[str, list[tuple[str, str]]] = {}
    for rid, check, severity in checks.select("report_id", "check", "severity").iter_rows():
        by_report.setdefault(rid, []).append((check, severity))
    return {
        rid: max(weights.floor, weights.base - sum(deductions(pairs, weights).values()))
        for rid, pairs in by_report.items()
    }


def scorecard_frame(
    body_years: pl.DataFrame, regions: pl.DataFrame, checks: pl.DataFrame, weights: Weights
) -> pl.DataFrame:
    """``out_scorecard``: one row per body and year with its score, counts and rank."""
    if not body_years.height:
        return empty_frame("out_scorecard")
    scores = _scores(checks, weights)
    counts = (
        checks.group_by("report_id")
        .agg(
            *(pl.col("severity").eq(s).sum().alias(n)
              for s, n in (("error", "errors"), ("warning", "warnings"), ("info", "infos"))),
            *(pl.col("check").eq(c).sum().alias(f"problems_{c}") for c in CHECKS),
        )
        if checks.height
        else pl.DataFrame({"report_id": []}, schema={"report_id": pl.Utf8})
    )
    scope = regions.select(
        "region_code",
        pl.coalesce("city_code", "province_code", "region_code").alias("rank_region_code"),
    )
    frame = (
        body_years.join(counts, on="report_id", how="left")
        .join(scope, on="region_code", how="left")
        .with_columns(
            pl.col("report_id").replace_strict(scores, default=weights.base,
                                               return_dtype=pl.Float64).alias("score"),
            pl.lit(weights.source).alias("weights"),
        )
    )
    count_cols = ["errors", "warnings", "infos", *(f"problems_{c}" for c in CHECKS)]
    frame = frame.with_columns(
        *(pl.col(c).fill_null(0) if c in frame.columns else pl.lit(0).alias(c)
          for c in count_cols),
        pl.col("rank_region_code").fill_null(pl.col("region_code")),
    ).with_columns(
        pl.col("score").rank("min", descending=True).over("rank_region_code", "year")
        .alias("rank"),
        pl.len().over("rank_region_code", "year").alias("rank_of"),
    )
    return validate("out_scorecard", conform("out_scorecard", frame.sort("year", "body_id")))


def on_time_by_collected(
    checks: pl.DataFrame, body_years: pl.DataFrame, collected: Mapping[str, PublicationDate],
    weights: Weights,
) -> pl.DataFrame:
    """``checks`` with the on-time verdict of every collected report taken from its collect date.

    The segments were checked by the dates in the text, without the collect store (which
    changes without the documents changing, so it cannot key a segment); a report whose file
    the crawler dated has its ``on_time`` rows replaced by the verdict on that date, whose
    message says where the date came from (:data:`pipelines.checker.timeliness.DATE_SOURCES`).
    """
    redo = [
        (rid, year) for rid, year in body_years.select("report_id", "year").iter_rows()
        if collected_applies(year, collected.get(rid))
    ]
    if not redo:
        return checks
    ids = [rid for rid, _ in redo]
    rows = [row for rid, year in redo for row in problem_rows(
        rid, check_on_time(year, DocFacts(), None, collected[rid]), weights)]
    kept = checks.filter(~((pl.col("check") == "on_time") & pl.col("report_id").is_in(ids)))
    return pl.concat([kept, report_check_frame(rows, body_years)], how="vertical_relaxed")


def build_scorecard(
    con: duckdb.DuckDBPyConnection, checks: pl.DataFrame | None, weights: Weights | None = None,
    collected: Mapping[str, PublicationDate] | None = None,
) -> None:
    """Load ``out_report_check`` and ``out_scorecard`` into a warehouse being built.

    Needs ``out_body_year`` and ``dim_region`` loaded; only problems of reports in
    ``out_body_year`` (the one published report per body and year) are kept. ``collected``
    (sha256 → the crawler's publication date) decides the on-time check of those reports.
    """
    from warehouse.loading import load_table

    weights = weights or load_weights()
    body_years = con.sql(
        "SELECT body_id, body_name, region_code, level, body_type, year, report_id "
        "FROM out_body_year"
    ).pl()
    checks = checks if checks is not None else empty_frame("out_report_check")
    checks = checks.filter(pl.col("report_id").is_in(body_years["report_id"].to_list()))
    if collected:
        checks = validate("out_report_check", on_time_by_collected(
            conform("out_report_check", checks), body_years, collected, weights))
    regions = con.sql("SELECT region_code, city_code, province_code FROM dim_region").pl()
    load_table(con, "out_report_check", validate("out_report_check", checks))
    load_table(con, "out_scorecard", scorecard_frame(body_years, regions, checks, weights))


def _in_region(region: str | None) -> str:
    if not region:
        return "TRUE"
    return (
        "s.region_code IN (SELECT region_code FROM dim_region WHERE region_code = $region "
        "OR city_code = $region OR province_code = $region)"
    )


def fixes(con: duckdb.DuckDBPyConnection, region: str | None = None,
          year: int | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ranking and the list of fixes (one row per problem) for a region and year."""
    params: dict = {}
    where = [_in_region(region)]
    if region:
        params["region"] = region
    if year is not None:
        where.append("s.year = $year")
        params["year"] = year
    cond = " AND ".join(where)
    ranking = con.sql(
        f"SELECT s.year AS 年度, s.body_name AS 机关, s.region_code AS 区划代码, s.score AS 得分, "
        f"s.rank AS 地区内排名, s.rank_of AS 参与排名数, s.errors AS 错误, s.warnings AS 警告 "
        f"FROM out_scorecard s WHERE {cond} ORDER BY s.year DESC, s.score DESC, s.body_name",
        params=params or None,
    ).pl()
    problems = con.sql(
        f"SELECT s.year AS 年度, s.body_name AS 机关, s.score AS 得分, c.severity AS 严重程度, "
        f"c.\"check\" AS 检查项, c.rule AS 规则, c.location_text AS 位置, "
        f"c.message_zh AS 问题说明, "
        f"c.message_en AS \"message (English)\", c.keys AS 相关指标, r.source AS 报告文件 "
        f"FROM out_report_check c JOIN out_scorecard s USING (report_id) "
        f"LEFT JOIN core_report r USING (report_id) WHERE {cond} AND c.\"check\" <> 'reading' "
        f"ORDER BY s.year DESC, s.body_name, CASE c.severity WHEN 'error' THEN 0 "
        f"WHEN 'warning' THEN 1 ELSE 2 END",
        params=params or None,
    ).pl()
    names = {c: zh for c, (zh, _) in CHECKS.items()}
    problems = problems.with_columns(
        pl.col("检查项").replace_strict(names, default=pl.col("检查项"), return_dtype=pl.Utf8))
    return ranking, problems


def fixes_xlsx(con: duckdb.DuckDBPyConnection, region: str | None = None,
               year: int | None = None) -> bytes:
    """XLSX with a 评分排名 sheet and a 整改清单 sheet (one row per problem to fix).

    Text cells that would run as formulas are quoted (``warehouse.safe_cells``): body names and
    messages quote the reports.
    """
    import xlsxwriter

    from warehouse.safe_cells import neutralise_formulas
    from warehouse.stream_out import XLSX_OPTIONS, write_frame

    ranking, problems = fixes(con, region, year)
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True, **XLSX_OPTIONS}) as wb:
        for frame, sheet in ((ranking, "评分排名"), (problems, "整改清单")):
            safe = neutralise_formulas(frame)
            write_frame(wb, sheet, safe, column_widths(safe))
    return buf.getvalue()


def column_widths(frame: pl.DataFrame, most: int = 60) -> dict[str, int]:
    """Column widths that fit the longest cell, counting a CJK character as two.

    What xlsxwriter's ``autofit`` does cell by cell in Python (half the time of a province's
    list of fixes), done per column in polars: UTF-8 CJK takes three bytes, ASCII one, so
    ``(bytes + chars) / 2`` is the display width.
    """
    out = {}
    for name in frame.columns:
        text = frame[name].cast(pl.Utf8)
        width = ((text.str.len_bytes() + text.str.len_chars()) // 2).max() or 0
        head = (len(name.encode()) + len(name)) // 2
        out[name] = min(most, max(int(width), head) + 2)
    return out

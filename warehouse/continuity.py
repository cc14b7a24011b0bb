"""The checker's continuity rules across shards: each report against its body's previous one.

Every other check needs one document and runs while its segment is written
(:mod:`pipelines.shard_build`); continuity needs two reports of the same body, which may sit in
any two shards. DuckDB reads only the twenty keys the rules compare from the segments' value
files, pairs each published report with its body's report of the year before, and the pure
rules of :mod:`pipelines.checker.continuity` judge each pair.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import duckdb
import polars as pl

from pipelines.checker.continuity import check_continuity
from pipelines.checker.score import Weights
from schemas.rules import COLUMNS
from warehouse.scorecard import problem_rows, report_check_frame

KEYS: tuple[str, ...] = (
    *(f"applications.carried_over.{c}" for c in COLUMNS),
    *(f"applications.carried_forward.{c}" for c in COLUMNS),
    *(f"proactive.{kind}.{k}" for kind in ("rules", "normative_docs")
      for k in ("in_force", "issued", "repealed")),
)


class _Provenance(dict):
    """A report's provenance JSON by key, parsed only for the keys a problem points at.

    A national build pairs four million values; parsing every provenance up front would
    hold gigabytes of dicts for the few hundred problems that need one.
    """

    def get(self, key: str, default: object = None) -> object:
        raw = super().get(key)
        return json.loads(raw) if raw else default


def continuity_frame(
    reports: pl.DataFrame, value_files: Sequence[str], weights: Weights,
    wide_files: Sequence[str],
) -> pl.DataFrame:
    """``out_report_check`` rows of the continuity rules for every published report.

    ``wide_files`` are the segments' values pivoted per report (``report_wide``), aligned with
    ``value_files``: the twenty keys are read from them (one row per report) instead of
    searching 40 million values, and the long files are opened only for the provenance of
    the reports that have a problem.
    """
    published = reports.filter(pl.col("status") == "published").select(
        "report_id", "body_id", "year")
    if not published.height or not value_files:
        return report_check_frame([], reports)
    values, where = _wide_values(published, wide_files, value_files)
    # The same body's report of each year; with two, the first by report id (deterministic).
    by_body_year: dict[tuple[str, int], str] = {}
    for rid, body, year in published.sort("report_id").iter_rows():
        by_body_year.setdefault((body, year), rid)
    pairs = []
    for rid, body, year in published.iter_rows():
        prev = by_body_year.get((body, (year or 0) - 1))
        if prev is not None:
            pairs.append((rid, year, prev))
    no_provenance = _Provenance()
    found = [(rid, year, prev) for rid, year, prev in pairs
             if check_continuity(year, values.get(rid, {}), no_provenance,
                                 values.get(prev, {}), year - 1)]
    provenance = _provenance({rid for rid, _, _ in found}, where)
    out: list[dict] = []
    for rid, year, prev in found:
        problems = check_continuity(year, values.get(rid, {}), provenance.get(rid, no_provenance),
                                    values.get(prev, {}), year - 1)
        out += problem_rows(rid, problems, weights)
    return report_check_frame(out, reports)


def _wide_values(
    published: pl.DataFrame, wide_files: Sequence[str], value_files: Sequence[str]
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """The keys' values per published report, and the value file each report sits in."""
    frames = []
    for wide, long in zip(wide_files, value_files, strict=True):
        frames.append(pl.scan_parquet(wide).select("report_id", *KEYS)
                      .with_columns(pl.lit(long).alias("_file")))
    table = pl.concat(frames).join(published.lazy().select("report_id"), on="report_id",
                                   how="semi").collect()
    values: dict[str, dict[str, float]] = {}
    where: dict[str, str] = {}
    for row in table.iter_rows():
        rid = row[0]
        values[rid] = {k: v for k, v in zip(KEYS, row[1:-1], strict=True) if v is not None}
        where[rid] = row[-1]
    return values, where


def _provenance(rids: set[str], where: dict[str, str]) -> dict[str, _Provenance]:
    """The provenance of the keys of ``rids``, read from the files that hold them only."""
    if not rids:
        return {}
    con = duckdb.connect()
    try:
        con.register("wanted", pl.DataFrame({"report_id": sorted(rids)}))
        rows = con.execute(
            """
            SELECT v.report_id, v.key, v.provenance
            FROM read_parquet($files) v SEMI JOIN wanted p USING (report_id)
            WHERE v.key IN (SELECT unnest($keys))
            """,
            {"files": sorted({where[r] for r in rids}), "keys": list(KEYS)},
        ).fetchall()
    finally:
        con.close()
    out: dict[str, _Provenance] = {}
    for rid, key, prov in rows:
        out.setdefault(rid, _Provenance())[key] = prov
    return out

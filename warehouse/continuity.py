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
    reports: pl.DataFrame, value_files: Sequence[str], weights: Weights
) -> pl.DataFrame:
    """``out_report_check`` rows of the continuity rules for every published report."""
    published = reports.filter(pl.col("status") == "published").select(
        "report_id", "body_id", "year")
    if not published.height or not value_files:
        return report_check_frame([], reports)
    con = duckdb.connect()
    try:
        con.register("published", published)
        rows = con.execute(
            """
            SELECT v.report_id, v.key, v.value, v.provenance
            FROM read_parquet($files) v SEMI JOIN published p USING (report_id)
            WHERE v.key IN (SELECT unnest($keys))
            """,
            {"files": list(value_files), "keys": list(KEYS)},
        ).fetchall()
    finally:
        con.close()
    values: dict[str, dict[str, float]] = {}
    provenance: dict[str, _Provenance] = {}
    for rid, key, value, prov in rows:
        values.setdefault(rid, {})[key] = value
        provenance.setdefault(rid, _Provenance())[key] = prov
    del rows
    # The same body's report of each year; with two, the first by report id (deterministic).
    by_body_year: dict[tuple[str, int], str] = {}
    for rid, body, year in published.sort("report_id").iter_rows():
        by_body_year.setdefault((body, year), rid)
    out: list[dict] = []
    for rid, body, year in published.iter_rows():
        prev = by_body_year.get((body, (year or 0) - 1))
        if prev is None:
            continue
        problems = check_continuity(year, values.get(rid, {}), provenance.get(rid, {}),
                                    values.get(prev, {}), year - 1)
        out += problem_rows(rid, problems, weights)
    return report_check_frame(out, reports)

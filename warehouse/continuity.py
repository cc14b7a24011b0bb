"""The checker's continuity rules across shards: each report against its body's previous one.

Every other check needs one document and runs while its segment is written
(:mod:`pipelines.shard_build`); continuity needs two reports of the same body, which may sit in
any two shards. polars reads only the twenty keys the rules compare from the segments' pivoted
values, pairs each published report with its body's report of the year before, and screens the
pairs; the pure rules of :mod:`pipelines.checker.continuity` judge the ones that differ, and
DuckDB reads the provenance of the reports with a problem from the value files.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Continuity:
    """The continuity rows of a build and the pairs they were judged on.

    ``pairs`` (``report_id``, ``previous_id``): every published report with its body's report
    of the year before. A report id is a document's sha256 and its values never change within
    a generation of segments, so a pair judged by an earlier build has the same problems now:
    the next build judges only the pairs that are new (:func:`continuity_frame`'s
    ``earlier``).
    """

    rows: pl.DataFrame
    pairs: pl.DataFrame


def continuity_frame(
    reports: pl.DataFrame, value_files: Sequence[str], weights: Weights,
    wide_files: Sequence[str], earlier: Continuity | None = None,
) -> Continuity:
    """``out_report_check`` rows of the continuity rules for every published report.

    ``wide_files`` are the segments' values pivoted per report (``report_wide``), aligned with
    ``value_files``: the twenty keys are read from them (one row per report) instead of
    searching 40 million values, and the long files are opened only for the provenance of
    the reports that have a problem. Pairs are formed and screened in polars with the rules'
    own comparisons (:func:`_may_break`), so only the few pairs that break a rule become
    Python dicts for :func:`check_continuity`, which decides and words the problems.
    ``earlier`` (the previous build's result in the same generation) supplies the rows of
    every pair it already judged; the rows come out in report order either way, so the
    result equals a computation from scratch.
    """
    published = reports.filter(pl.col("status") == "published").select(
        "report_id", "body_id", "year")
    pairs = _pairs(published)
    if not published.height or not value_files:
        return Continuity(report_check_frame([], reports), pairs)
    todo, kept = pairs, None
    if earlier is not None:
        todo = pairs.join(earlier.pairs, on=["report_id", "previous_id"], how="anti")
        known = pairs.join(earlier.pairs, on=["report_id", "previous_id"], how="semi")
        kept = earlier.rows.join(known.select("report_id"), on="report_id", how="semi")
    wanted = pl.concat([todo["report_id"], todo["previous_id"]]).unique()
    table = _wide_table(wanted, wide_files, value_files)
    suspects = _may_break(_with_values(todo, table))
    where = dict(zip(suspects["report_id"], suspects["_file"], strict=True))
    no_provenance = _Provenance()
    found = []
    for row in suspects.iter_rows(named=True):
        now = {k: row[k] for k in KEYS if row[k] is not None}
        before = {k: row[f"{k}{_PREV}"] for k in KEYS if row[f"{k}{_PREV}"] is not None}
        if check_continuity(row["year"], now, no_provenance, before, row["year"] - 1):
            found.append((row["report_id"], row["year"], now, before))
    provenance = _provenance({rid for rid, *_ in found}, where)
    out: list[dict] = []
    for rid, year, now, before in found:
        problems = check_continuity(year, now, provenance.get(rid, no_provenance), before,
                                    year - 1)
        out += problem_rows(rid, problems, weights)
    rows = report_check_frame(out, reports)
    if kept is not None and kept.height:
        rows = pl.concat([kept.select(rows.columns), rows], how="vertical")
    order = published.select("report_id").with_row_index("_order")
    rows = (rows.join(order, on="report_id", how="left", maintain_order="left")
            .sort("_order", maintain_order=True).drop("_order"))
    return Continuity(rows, pairs)


def read_earlier(rows_file: Path, pairs_file: Path) -> Continuity | None:
    """The continuity an earlier build wrote with :func:`write`, or None if not whole.

    The pairs file names the digest of the rows file it was written with; a build killed
    between the two writes leaves them unmatched, and the next build judges every pair.
    """
    try:
        pairs = pl.read_parquet(pairs_file)
        data = rows_file.read_bytes()
        if pairs.height and pairs["rows_sha256"][0] != hashlib.sha256(data).hexdigest():
            return None
        return Continuity(pl.read_parquet(io.BytesIO(data)), pairs.drop("rows_sha256"))
    except (OSError, pl.exceptions.PolarsError, KeyError):
        return None


def write(result: Continuity, rows_file: Path, pairs_file: Path) -> None:
    """Write the rows, then the pairs with the rows file's digest (each file atomically)."""
    _write_atomically(result.rows, rows_file)
    digest = hashlib.sha256(rows_file.read_bytes()).hexdigest()
    _write_atomically(result.pairs.with_columns(pl.lit(digest).alias("rows_sha256")),
                      pairs_file)


def _write_atomically(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(tmp, compression="zstd")
    os.replace(tmp, path)


_PREV = "__prev"


def _pairs(published: pl.DataFrame) -> pl.DataFrame:
    """Each published report and its body's report of the year before, in report order.

    With two reports of a body and year, the previous one is the first by report id (the
    same choice for every build).
    """
    previous = (published.sort("report_id")
                .unique(["body_id", "year"], keep="first", maintain_order=True)
                .select("body_id", (pl.col("year") + 1).alias("year"),
                        pl.col("report_id").alias("previous_id")))
    return (published.join(previous, on=["body_id", "year"], how="inner", nulls_equal=True,
                           maintain_order="left")
            .select("report_id", "previous_id", "year"))


def _with_values(pairs: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """The pairs with the report's keys and file, the previous report's keys suffixed.

    The suffix is :data:`_PREV`.
    """
    return (pairs.join(table, on="report_id", how="left", maintain_order="left")
            .join(table.drop("_file").rename({k: f"{k}{_PREV}" for k in KEYS}),
                  left_on="previous_id", right_on="report_id", how="left",
                  maintain_order="left"))


def _may_break(pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs where a rule of :mod:`pipelines.checker.continuity` finds a difference.

    The same comparisons as the rules, value for value: a carried-over column present in both
    and unequal, or in-force counts present and not following from last year's.
    """
    def col(key: str, prev: bool = False) -> pl.Expr:
        return pl.col(f"{key}{_PREV}" if prev else key)

    tests = []
    for c in COLUMNS:
        now, before = f"applications.carried_over.{c}", f"applications.carried_forward.{c}"
        tests.append(col(now).is_not_null() & col(before, True).is_not_null()
                     & (col(now) != col(before, True)))
    for kind in ("rules", "normative_docs"):
        k = [f"proactive.{kind}.{x}" for x in ("in_force", "issued", "repealed")]
        present = pl.all_horizontal(*(col(x).is_not_null() for x in k)) & col(
            k[0], True).is_not_null()
        tests.append(present & ((col(k[0], True) + col(k[1]) - col(k[2])) != col(k[0])))
    return pairs.filter(pl.any_horizontal(*tests))


def _wide_table(
    report_ids: pl.Series, wide_files: Sequence[str], value_files: Sequence[str]
) -> pl.DataFrame:
    """The keys' values of ``report_ids``, and the value file (``_file``) each sits in."""
    frames = []
    for wide, long in zip(wide_files, value_files, strict=True):
        frames.append(pl.scan_parquet(wide).select("report_id", *KEYS)
                      .with_columns(pl.lit(long).alias("_file")))
    wanted = pl.LazyFrame({"report_id": report_ids}, schema={"report_id": pl.Utf8})
    return pl.concat(frames).join(wanted, on="report_id", how="semi").collect()


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

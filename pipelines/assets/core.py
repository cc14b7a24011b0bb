"""Assets from the inbox to the core tables: ``raw_documents`` → 16 shards → ``core_*``.

Documents fan out into shards by the first hex digit of their sha256 (``core_shard_0`` …
``core_shard_f``; :mod:`warehouse.segments` says why): each shard extracts its new documents
and writes their validated rows as Parquet segments, so shards run in parallel under the
multiprocess or Celery executor and a new report costs only its own segment. ``core_tables``
then gathers them: the small tables as frames, the big ones (values, findings, checker
problems) as the list of segment files that the warehouse build reads with DuckDB. Each asset
is thin wiring around :mod:`pipelines.shard_build` and :mod:`warehouse`.
"""


from dataclasses import replace
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.checker.score import load_weights
from pipelines.inbox import Inbox
from pipelines.ledgers.privacy import find_personal_data
from pipelines.resources import GongkaiHome
from pipelines.shard_build import ShardOutcome, catalogues, shard_generation, update_shard
from schemas.models import conform, empty_frame, validate
from warehouse import frames
from warehouse.continuity import continuity_frame, read_earlier
from warehouse.continuity import write as write_continuity
from warehouse.frames import entries_frame, frame_entries
from warehouse.segments import (
    SHARDS,
    TABLES,
    TableFiles,
    footer_rows,
    prune_generations,
    read_shard,
)


# deps: collected reports arrive in the inbox through ``collect_reports`` (its own job).
@dg.asset(group_name="raw", kinds={"parquet"}, deps=["collect_reports"])
def raw_documents(context: dg.AssetExecutionContext, gongkai: GongkaiHome) -> pl.DataFrame:
    """Every report document in the content-addressed inbox (bytes unchanged, keyed by sha256)."""
    entries = [e for e in Inbox(gongkai.paths.inbox).entries() if e.kind == "report"]
    context.add_output_metadata({"documents": len(entries)})
    return entries_frame(entries)


def _shard_asset(shard: str) -> dg.AssetsDefinition:
    @dg.asset(name=f"core_shard_{shard}", group_name="extract", kinds={"parquet"})
    def _asset(
        context: dg.AssetExecutionContext, gongkai: GongkaiHome, raw_documents: pl.DataFrame
    ) -> ShardOutcome:
        paths = gongkai.paths
        mine = frame_entries(raw_documents.filter(pl.col("shard") == shard))
        demo_root = str(paths.demo)
        out = update_shard(
            shard, mine, Inbox(paths.inbox), paths.extract_cache, paths.parts,
            {e.sha256 for e in mine if e.origin.startswith(demo_root)},
            gongkai.worker_count, context.log.info,
        )
        context.add_output_metadata({
            "documents": out.documents, "new": out.new, "removed": out.removed,
            "segments": out.segments, "segments_written": out.written,
        })
        return out

    _asset.__doc__ = (f"Shard {shard}: the validated rows of every document whose sha256 starts "
                      f"with {shard}, as Parquet segments (new documents extracted first).")
    return _asset


shard_assets = [_shard_asset(s) for s in SHARDS]
SHARD_INS = {f"core_shard_{s}": dg.AssetIn(f"core_shard_{s}") for s in SHARDS}


@dg.multi_asset(
    group_name="validate",
    ins={"raw_documents": dg.AssetIn("raw_documents"), **SHARD_INS},
    outs={
        name: dg.AssetOut(kinds={kind}, description=desc)
        for name, kind, desc in (
            ("raw_document", "polars", "原始文件清单 / inventory of raw documents"),
            ("core_report", "polars", "文件清单：每份一行，年报发布或隔离，其他文件只列出 / one "
                                      "row per document: reports published or quarantined, "
                                      "others listed"),
            ("core_value", "parquet", "指标值长表（仅已发布报告）/ long fact table of published "
                                      "values"),
            ("core_finding", "parquet", "勾稽检查结果 / rule findings"),
            ("core_quarantine", "polars", "隔离区及原因 / quarantine with reasons"),
            ("dim_body", "polars", "发布机关 / publishing bodies"),
            ("out_report_check", "parquet", "年报检查：每个问题一行 / report checker: one row "
                                            "per problem"),
        )
    },
)
def core_tables_asset(context: dg.AssetExecutionContext, gongkai: GongkaiHome,
                      raw_documents: pl.DataFrame, **shards: ShardOutcome):
    """Gather the shards: small tables as frames, big ones as their segment files.

    Every segment was validated when written; here the gathered ``core_report`` is validated
    again (its keys must be unique across shards) and the continuity rules run across shards.
    """
    paths = gongkai.paths
    # Each manifest read once: it lists the files, their rows and their personal-data hits.
    states = [read_shard(Path(shards[f"core_shard_{s}"].folder)) for s in SHARDS]
    files = {t: [str(f) for st in states for f in st.files(t)] for t in TABLES}
    reports = (pl.read_parquet(files["core_report"]) if files["core_report"]
               else empty_frame("core_report"))
    reports = validate("core_report", conform("core_report", reports.sort("source",
                                                                          "report_id")))
    found = catalogues(Inbox(paths.inbox))
    weights = load_weights()
    generation = shard_generation(found, weights)
    pruned = prune_generations(paths.parts, generation)
    extra = paths.parts / generation / "continuity.parquet"
    pairs_file = paths.parts / generation / "continuity-pairs.parquet"
    result = continuity_frame(reports, files["core_value"], weights, files["report_wide"],
                              read_earlier(extra, pairs_file))
    write_continuity(result, extra, pairs_file)
    continuity = result.rows
    bodies = (pl.read_parquet(files["dim_body"]) if files["dim_body"]
              else empty_frame("dim_body"))
    bodies = bodies.unique("body_id", keep="first").sort("body_id")
    counts = dict(reports.group_by("status").len().iter_rows())
    context.log.info(
        f"{counts.get('published', 0)} reports published, {counts.get('quarantined', 0)} "
        f"quarantined, {counts.get('not_report', 0)} documents listed as not annual reports"
    )
    if pruned:
        context.log.info(f"removed {len(pruned)} shard folders of an earlier engine version")
    quarantine = frames.quarantine_frame(reports)

    found: dict[str, int] = {}
    for st in states:
        for k, n in st.personal_data().items():
            found[k] = found.get(k, 0) + n
    found |= {f"out_report_check.{c}": n
              for c, n in find_personal_data(continuity).items()}

    def table_files(name: str, extra_files: tuple[str, ...] = ()) -> TableFiles:
        fs = (*files[name], *extra_files)
        rows = (*(n for st in states for n in st.file_rows(name)),
                *(footer_rows(f) for f in extra_files))
        mine = {k.split(".", 1)[1]: n for k, n in found.items() if k.startswith(f"{name}.")}
        return TableFiles(name, fs, sum(rows), mine, file_rows=rows)

    yield dg.Output(validate("raw_document", frames.raw_document_from_entries(raw_documents)),
                    "raw_document", metadata={"rows": raw_documents.height})
    yield dg.Output(reports, "core_report", metadata={"rows": reports.height})
    value = replace(table_files("core_value"), wide=tuple(files["report_wide"]))
    yield dg.Output(value, "core_value", metadata={"rows": value.rows, "files": len(value.files)})
    finding = table_files("core_finding")
    yield dg.Output(finding, "core_finding", metadata={"rows": finding.rows})
    yield dg.Output(validate("core_quarantine", quarantine), "core_quarantine",
                    metadata={"rows": quarantine.height})
    yield dg.Output(validate("dim_body", conform("dim_body", bodies)), "dim_body",
                    metadata={"rows": bodies.height})
    check = table_files("out_report_check", (str(extra),))
    yield dg.Output(check, "out_report_check", metadata={"rows": check.rows})

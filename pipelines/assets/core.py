"""Assets from the inbox to the validated core tables (``raw_*`` → ``core_*``).

Each asset is a thin function: it reads its upstream tables as parameters, calls the pure code
in ``pipelines.extract`` and ``warehouse.frames``/``warehouse.build``, and returns one table.
"""

import dagster as dg

from pipelines.batch import extract_entries
from pipelines.extract.model import Extraction
from pipelines.inbox import Inbox, InboxEntry
from pipelines.resources import GongkaiHome
from warehouse.build import core_tables


@dg.asset(group_name="raw", kinds={"python"})
def raw_documents(context: dg.AssetExecutionContext, gongkai: GongkaiHome) -> list[InboxEntry]:
    """Every report document in the content-addressed inbox (bytes unchanged, keyed by sha256)."""
    entries = [e for e in Inbox(gongkai.paths.inbox).entries() if e.kind == "report"]
    context.add_output_metadata({"documents": len(entries)})
    return entries


@dg.asset(group_name="extract", kinds={"python"})
def core_extractions(
    context: dg.AssetExecutionContext, gongkai: GongkaiHome, raw_documents: list[InboxEntry]
) -> list[Extraction]:
    """Every document read by the extraction engine, in parallel processes, cached by sha256."""
    last = [0]

    def progress(done: int, total: int) -> None:
        if done == total or done - last[0] >= max(50, total // 10):
            last[0] = done
            context.log.info(f"extracted {done}/{total} documents")

    paths = gongkai.paths
    out = extract_entries(
        raw_documents,
        Inbox(paths.inbox),
        paths.extract_cache,
        workers=gongkai.worker_count,
        progress=progress,
    )
    unreadable = sum(1 for ex in out if not ex.readable)
    context.add_output_metadata({"documents": len(out), "unreadable": unreadable})
    return out


@dg.multi_asset(
    group_name="validate",
    outs={
        name: dg.AssetOut(kinds={"polars"}, description=desc)
        for name, desc in (
            ("raw_document", "原始文件清单 / inventory of raw documents"),
            ("core_report", "文件清单：每份一行，年报发布或隔离，其他文件只列出 / one row per "
                            "document: reports published or quarantined, others listed"),
            ("core_value", "指标值长表（仅已发布报告）/ long fact table of published values"),
            ("core_finding", "勾稽检查结果 / rule findings"),
            ("core_quarantine", "隔离区及原因 / quarantine with reasons"),
            ("dim_body", "发布机关 / publishing bodies"),
        )
    },
)
def core_tables_asset(
    context: dg.AssetExecutionContext,
    gongkai: GongkaiHome,
    raw_documents: list[InboxEntry],
    core_extractions: list[Extraction],
):
    """Publish or quarantine each report (list other documents) and validate every core table."""
    demo_root = str(gongkai.paths.demo)
    demo = {e.sha256 for e in raw_documents if e.origin.startswith(demo_root)}
    core = core_tables(raw_documents, core_extractions, demo)
    counts = dict(core.core_report.group_by("status").len().iter_rows())
    context.log.info(
        f"{counts.get('published', 0)} reports published, {counts.get('quarantined', 0)} "
        f"quarantined, {counts.get('not_report', 0)} documents listed as not annual reports"
    )
    yield dg.Output(core.raw_document, "raw_document", metadata={"rows": core.raw_document.height})
    yield dg.Output(core.core_report, "core_report", metadata={"rows": core.core_report.height})
    yield dg.Output(core.core_value, "core_value", metadata={"rows": core.core_value.height})
    yield dg.Output(core.core_finding, "core_finding", metadata={"rows": core.core_finding.height})
    yield dg.Output(
        core.core_quarantine, "core_quarantine", metadata={"rows": core.core_quarantine.height}
    )
    yield dg.Output(core.dim_body, "dim_body", metadata={"rows": core.dim_body.height})

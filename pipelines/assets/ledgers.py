"""Assets of the application ledgers: ``raw_ledgers`` → ``core_application`` (+ checks).

The ledger tables are loaded into the staging warehouse by ``out_warehouse_staging`` together
with the report tables, so the reconciliation sees the same build's published reports.
"""

import dagster as dg
import polars as pl

from pipelines.inbox import Inbox, InboxEntry
from pipelines.ledgers.privacy import find_personal_data
from pipelines.resources import GongkaiHome
from warehouse.ledgers import LedgerTables, accounting_gaps, ledger_tables, report_bodies


@dg.asset(group_name="raw", kinds={"python"})
def raw_ledgers(context: dg.AssetExecutionContext, gongkai: GongkaiHome) -> list[InboxEntry]:
    """Every application ledger (台账, CSV/XLSX) in the content-addressed inbox."""
    entries = [e for e in Inbox(gongkai.paths.inbox).entries() if e.kind == "ledger"]
    context.add_output_metadata({"ledgers": len(entries)})
    return entries


@dg.asset(group_name="validate", kinds={"polars"})
def core_application(
    context: dg.AssetExecutionContext,
    gongkai: GongkaiHome,
    raw_ledgers: list[InboxEntry],
    core_report: pl.DataFrame,
) -> LedgerTables:
    """Applications read, normalised, timed and stripped of personal data; bad rows quarantined."""
    inbox = Inbox(gongkai.paths.inbox)
    maps = [e for e in inbox.entries() if e.kind == "ledger_map"]
    # Ledger columns people settled (pipelines/review): each read as the chosen field of its
    # ledger, like a ledger-map entry for that ledger alone.
    from pipelines.review import store
    from pipelines.review.apply import ledger_fixes
    from pipelines.review.settle import ledger_fields

    fixes = ledger_fixes(store.effective(store.read(store.store_path(gongkai.paths.home))),
                         frozenset(ledger_fields()))
    out = ledger_tables(
        raw_ledgers,
        inbox,
        report_bodies(core_report),
        demo_root=str(gongkai.paths.demo),
        maps=maps,
        fixes=fixes,
    )
    context.add_output_metadata(
        {
            "applications": out.core_application.height,
            "quarantined": out.quarantine.height,
            "body_years": out.body_years.height,
            "rows_in": int(out.accounting["rows_in"].sum() or 0),
            "files_set_aside": int(out.accounting["file_set_aside"].sum() or 0),
            "ledger_maps": dg.MetadataValue.json([e.file_name for e in maps]),
            "ledger_columns_reviewed": sum(len(f) for f in fixes.values()),
        }
    )
    return out


@dg.asset_check(asset=core_application, blocking=True)
def no_personal_data(core_application: LedgerTables) -> dg.AssetCheckResult:
    """No column of the applications or their quarantine rows looks like an ID, phone or e-mail.

    The first of two gates: the staging warehouse is searched again, every table, before it is
    published (``no_personal_data_published``). Metadata holds counts, never values.
    """
    frames = {
        "core_application": core_application.core_application,
        "core_quarantine": core_application.quarantine,
    }
    bad = {
        f"{name}.{col}": n
        for name, frame in frames.items()
        for col, n in find_personal_data(frame).items()
    }
    return dg.AssetCheckResult(passed=not bad, metadata={"hits": dg.MetadataValue.json(bad)})


@dg.asset_check(asset=core_application, blocking=True)
def ledger_rows_accounted(core_application: LedgerTables) -> dg.AssetCheckResult:
    """Every ledger row read is an application or a quarantine record (rows in = out + aside).

    Checked per file from the frames that are loaded; a gap is a row lost without a trace.
    """
    acct = core_application.accounting
    gaps = accounting_gaps(acct)
    return dg.AssetCheckResult(
        passed=gaps.is_empty(),
        metadata={
            "files": acct.height,
            "rows_in": int(acct["rows_in"].sum() or 0),
            "applications": int(acct["applications"].sum() or 0),
            "rows_set_aside": int(acct["quarantined"].sum() or 0),
            "files_set_aside": int(acct["file_set_aside"].sum() or 0),
            "gaps": dg.MetadataValue.json(
                gaps.select("source", "rows_in", "applications", "quarantined").to_dicts()
            ),
        },
    )

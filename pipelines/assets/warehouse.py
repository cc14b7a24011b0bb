"""Assets that build, check, publish and export the DuckDB warehouse (``out_*``).

The staging build is checked by blocking asset checks (schemas, Great Expectations, the
consistency rules); only when they pass does ``out_warehouse`` switch the published file, so a
failed build leaves the last good warehouse in place.
"""

import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.bodies.divisions import divisions
from pipelines.extract import ENGINE_VERSION
from pipelines.partitions import report_year_partitions
from pipelines.resources import GongkaiHome
from warehouse.build import CoreTables, build_database, publish, region_frame
from warehouse.collect_store import CollectTables
from warehouse.delta import recorded, table_basis
from warehouse.export import export_dataset
from warehouse.ledgers import LedgerTables
from warehouse.rollups import write_province_rollups
from warehouse.segments import TableFiles


@dg.asset(group_name="validate", kinds={"polars"})
def dim_region(core_report: pl.DataFrame) -> pl.DataFrame:
    """Regions of every reporting body with their ancestors, from GB/T 2260 division data."""
    codes = core_report["region_code"].drop_nulls().unique().to_list()
    return region_frame(codes, divisions())


def dataset_version(now: datetime | None = None) -> str:
    """Dataset versions are build dates: readers cite "gongkai 2026.11.25"."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y.%m.%d")


@dg.asset(group_name="warehouse", kinds={"duckdb"})
def out_warehouse_staging(
    context: dg.AssetExecutionContext,
    gongkai: GongkaiHome,
    raw_document: pl.DataFrame,
    core_report: pl.DataFrame,
    core_value: TableFiles,
    core_finding: TableFiles,
    core_quarantine: pl.DataFrame,
    dim_body: pl.DataFrame,
    dim_region: pl.DataFrame,
    out_report_check: TableFiles,
    core_application: LedgerTables,
    core_collect: CollectTables,
) -> str:
    """A complete new DuckDB file in the staging folder (not yet visible to readers)."""
    staging = gongkai.paths.builds / context.run.run_id / "gongkai.duckdb"
    core = CoreTables(
        raw_document, core_report, core_value, core_finding, core_quarantine, dim_body
    )
    core = replace(core, out_report_check=out_report_check)
    core = replace(core, ledgers=core_application, collect=core_collect)
    # Corrections people settled (pipelines/review): read from the home at build time, so a
    # settle on the page or the command line applies on the next build.
    from pipelines.review import store

    core = replace(core, corrections=store.effective(
        store.read(store.store_path(gongkai.paths.home))))
    # Any generated report in the warehouse labels the whole dataset 演示数据.
    is_demo = bool(core_report.height) and bool(core_report["is_demo"].any())
    seconds: dict[str, float] = {}
    counts = build_database(
        staging,
        core,
        dim_region,
        is_demo=is_demo,
        engine_version=ENGINE_VERSION,
        dataset_version=dataset_version(),
        base=gongkai.paths.warehouse,
        basis=table_basis(),
        seconds=seconds,
    )
    delta = recorded(staging)
    kept = delta.get("body_years_kept") if delta else None
    context.add_output_metadata({
        **{f"rows.{k}": v for k, v in counts.items()},
        "incremental": delta is not None,
        "parts_added": len(delta["added"]) if delta else len(core_value.files),
        "base_prefetched": bool(delta and delta.get("prefetched")),
        # Rows of out_body_year taken from the base; -1 when the mart was built whole.
        "body_years_kept": -1 if kept is None else kept,
        "seconds": dg.MetadataValue.json(seconds),
    })
    return str(staging)


@dg.asset(group_name="warehouse", kinds={"duckdb"})
def out_warehouse(
    context: dg.AssetExecutionContext, gongkai: GongkaiHome, out_warehouse_staging: str
) -> str:
    """The published warehouse: the checked staging file switched in by an atomic rename."""
    target = publish(Path(out_warehouse_staging), gongkai.paths.warehouse)
    shutil.rmtree(Path(out_warehouse_staging).parent, ignore_errors=True)
    context.add_output_metadata({"path": dg.MetadataValue.path(str(target))})
    return str(target)


@dg.asset(group_name="export", kinds={"parquet", "csv", "xlsx"})
def out_open_data(
    context: dg.AssetExecutionContext, gongkai: GongkaiHome, out_warehouse: str
) -> str:
    """The open-data package: Parquet, CSV (UTF-8 BOM), XLSX, datapackage.json, checksums."""
    # A file reaches the published path only through out_warehouse, which runs after the
    # blocking no_personal_data_published check passed on it: no need to search it again.
    folder = export_dataset(Path(out_warehouse), gongkai.paths.export, gongkai.paths.parts,
                            checked=True)
    context.add_output_metadata({"path": dg.MetadataValue.path(str(folder))})
    return str(folder)


@dg.asset(
    group_name="export",
    kinds={"parquet"},
    partitions_def=report_year_partitions,
    deps=[out_warehouse],
)
def out_province_year(context: dg.AssetExecutionContext, gongkai: GongkaiHome) -> None:
    """The province × year rollups of one report year, with coverage, as Parquet snapshots.

    The annual schedule runs it on 1 February for the year just ended and monthly afterwards,
    so late reports show up in the coverage figures.
    """
    year = int(context.partition_key)
    # One folder per province inside the year partition (warehouse/rollups.py says why).
    rollups = write_province_rollups(gongkai.paths.warehouse, gongkai.paths.export, year)
    out = gongkai.paths.export / "rollups" / f"year={year}"
    context.add_output_metadata(
        {
            "provinces": len(rollups),
            "regions": sum(r.regions for r in rollups),
            "reports": sum(r.reports for r in rollups),
            "coverage": min((r.coverage or 0.0 for r in rollups), default=0.0),
            "by_province": dg.MetadataValue.json(
                {
                    r.province_code: {
                        "name": r.province_name,
                        "reports": r.reports,
                        "coverage": r.coverage,
                        "inconsistent_share": r.inconsistent_share,
                    }
                    for r in rollups
                }
            ),
            "path": dg.MetadataValue.path(str(out)),
        }
    )

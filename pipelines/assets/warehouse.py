"""Assets that build, check, publish and export the DuckDB warehouse (``out_*``).

The staging build is checked by blocking asset checks (schemas, Great Expectations, the
consistency rules); only when they pass does ``out_warehouse`` switch the published file, so a
failed build leaves the last good warehouse in place.
"""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl

from pipelines.bodies.divisions import divisions
from pipelines.extract import ENGINE_VERSION
from pipelines.partitions import report_year_partitions
from pipelines.resources import GongkaiHome
from warehouse.build import CoreTables, build_database, publish, region_frame
from warehouse.export import export_dataset


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
    core_value: pl.DataFrame,
    core_finding: pl.DataFrame,
    core_quarantine: pl.DataFrame,
    dim_body: pl.DataFrame,
    dim_region: pl.DataFrame,
) -> str:
    """A complete new DuckDB file in the staging folder (not yet visible to readers)."""
    staging = gongkai.paths.builds / context.run.run_id / "gongkai.duckdb"
    core = CoreTables(
        raw_document, core_report, core_value, core_finding, core_quarantine, dim_body
    )
    # Any generated report in the warehouse labels the whole dataset 演示数据.
    is_demo = bool(core_report.height) and bool(core_report["is_demo"].any())
    counts = build_database(
        staging,
        core,
        dim_region,
        is_demo=is_demo,
        engine_version=ENGINE_VERSION,
        dataset_version=dataset_version(),
    )
    context.add_output_metadata({f"rows.{k}": v for k, v in counts.items()})
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
    folder = export_dataset(Path(out_warehouse), gongkai.paths.export)
    context.add_output_metadata({"path": dg.MetadataValue.path(str(folder))})
    return str(folder)


@dg.asset(
    group_name="export",
    kinds={"parquet"},
    partitions_def=report_year_partitions,
    deps=[out_warehouse],
)
def out_province_year(context: dg.AssetExecutionContext, gongkai: GongkaiHome) -> None:
    """The province-wide rollup of one report year, with coverage, as a dated Parquet snapshot.

    The annual schedule runs it on 1 February for the year just ended and monthly afterwards,
    so late reports show up in the coverage figures.
    """
    year = int(context.partition_key)
    con = duckdb.connect(str(gongkai.paths.warehouse), read_only=True)
    try:
        frame = con.execute(
            "SELECT * FROM out_region_year WHERE year = ? ORDER BY level, region_code", [year]
        ).pl()
    finally:
        con.close()
    out = gongkai.paths.export / "rollups" / f"year={year}" / "out_region_year.parquet"
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out)
    provinces = frame.filter(pl.col("level") == "province")
    context.add_output_metadata(
        {
            "regions": frame.height,
            "reports": int(provinces["reports"].sum()) if provinces.height else 0,
            "coverage": float(provinces["coverage"].min()) if provinces.height else 0.0,
            "path": dg.MetadataValue.path(str(out)),
        }
    )

"""Province × year rollup snapshots of the published warehouse (Parquet), with coverage.

The ``out_province_year`` asset keeps one partition per report year (the annual schedule picks
the year) and writes one folder per province inside it, so a province's figures for a year can
be published, diffed and re-run on their own, and a new province never needs a new partition:

``rollups/year=2024/out_region_year.parquet`` — every region of the year (as before);
``rollups/year=2024/province=320000/out_region_year.parquet`` — the province's regions;
``rollups/year=2024/province=320000/out_government_year.parquet`` — its governments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl


@dataclass(frozen=True)
class ProvinceRollup:
    """What one province's snapshot of a year holds (for the asset's metadata)."""

    province_code: str
    province_name: str | None
    regions: int
    reports: int
    coverage: float | None
    inconsistent_share: float | None


def _read(con: duckdb.DuckDBPyConnection, table: str, year: int) -> pl.DataFrame:
    listed = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    tables = {r[0] for r in listed}
    if table not in tables:  # a warehouse built before the table existed
        return pl.DataFrame()
    return con.sql(
        f"SELECT t.*, left(t.region_code, 2) || '0000' AS province_code FROM {table} t "
        "WHERE year = $year ORDER BY level, region_code",
        params={"year": year},
    ).pl()


def write_province_rollups(warehouse: Path, export_dir: Path, year: int) -> list[ProvinceRollup]:
    """Write the year's rollups, all regions and one folder per province; say what each holds."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        regions = _read(con, "out_region_year", year)
        governments = _read(con, "out_government_year", year)
    finally:
        con.close()
    folder = export_dir / "rollups" / f"year={year}"
    folder.mkdir(parents=True, exist_ok=True)
    if regions.height:
        regions.drop("province_code").write_parquet(folder / "out_region_year.parquet")
    out = []
    for (code,), part in regions.group_by(["province_code"], maintain_order=True):
        target = folder / f"province={code}"
        target.mkdir(exist_ok=True)
        part.drop("province_code").write_parquet(target / "out_region_year.parquet")
        if governments.height:
            gov = governments.filter(pl.col("province_code") == code).drop("province_code")
            gov.write_parquet(target / "out_government_year.parquet")
        top = part.filter(pl.col("region_code") == code)
        row = top.row(0, named=True) if top.height else {}
        out.append(
            ProvinceRollup(
                province_code=str(code),
                province_name=row.get("region_name"),
                regions=part.height,
                reports=int(row.get("reports") or 0),
                coverage=row.get("coverage"),
                inconsistent_share=row.get("inconsistent_share"),
            )
        )
    return out

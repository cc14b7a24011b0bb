"""The crawler's store as an asset: ``<home>/collect`` read into validated frames.

``gongkai collect`` writes the store; this asset only reads it (:mod:`warehouse.collect_store`),
so the build does not depend on the crawler's code. ``out_warehouse_staging`` loads the frames
into ``core_collect_status`` and ``core_collected_document`` and dates the on-time check with
them. A home without a store gives empty frames, and the tables exist empty.
"""

import dagster as dg

from pipelines.resources import GongkaiHome
from warehouse.collect_store import CollectTables, read_store


@dg.asset(group_name="validate", kinds={"polars"}, deps=["collect_reports"])
def core_collect(context: dg.AssetExecutionContext, gongkai: GongkaiHome) -> CollectTables:
    """The current collect status per source and year and every collected file's provenance."""
    store = read_store(gongkai.paths.collect)
    counts = store.status.group_by("status").len().sort("status")
    context.add_output_metadata({
        "sources_years": store.status.height,
        "documents": store.documents.height,
        "lines_set_aside": store.quarantine.height,
        "by_status": dg.MetadataValue.json(dict(counts.iter_rows())),
        "store": dg.MetadataValue.path(str(gongkai.paths.collect)),
    })
    return store

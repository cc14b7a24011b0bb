"""The body-year mart of an incremental build: the base's rows for the bodies nothing touched.

``out_body_year`` holds one row per body and year with some 300 columns; built whole from a
national warehouse it takes 7–8 s, most of an incremental build's staging after the values
themselves. But a row depends only on its own body: the body's reports and their values, the
reviews of those reports, and the body's ``dim_body`` row (the year-on-year columns look at
the same body's earlier years, never at another body). So when a build starts from a copy of
the published warehouse (:mod:`warehouse.delta`), the copy's mart is kept aside, and:

1. the bodies touched are those of every report whose ``core_report`` row is new, gone or
   different, of every report in a new part (its values may be new), of every report a
   correction in the base or in this build names (their effective body is taken before and
   after), and every body whose ``dim_body`` row changed;
2. those bodies' rows are built again by the same SQL as a clean build
   (:func:`warehouse.marts.body_year_sql`, limited to them, values pivoted from ``core_value``);
3. the mart is the base's table with those bodies' rows deleted and the new ones inserted.

What the mart's SQL itself is, is part of the delta's basis (:func:`warehouse.delta.table_basis`):
when it changes, the build is clean. ``tests/test_incremental_build.py`` compares an incremental
build with a clean build of the same inbox, table by table.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from schemas.sql import literal_list

MART = "out_body_year"
PREFIX = "_base_"
# The base tables set aside by warehouse.delta.start_from: the mart and what decides its rows.
KEPT = (MART, "core_report", "dim_body", "core_value_reviewed", "core_body_reviewed")
# core_report's columns the mart reads (ranking, filters, joins, and the columns it shows).
REPORT_COLUMNS = ("report_id", "body_id", "year", "status", "values_count", "template")
TOUCHED = "_touched_body"


def kept_name(table: str) -> str:
    """The name the base's ``table`` has in the staging copy while the build runs."""
    return PREFIX + table


def _have(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {n for (n,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
    ).fetchall()}


def can_update(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every base table the update needs was set aside."""
    return {kept_name(t) for t in KEPT} <= _have(con)


def _touched_sql(added: Sequence[str]) -> str:
    cols = ", ".join(REPORT_COLUMNS)
    base = kept_name("core_report")
    reviewed = " UNION ".join(
        f"SELECT report_id FROM {t}" for t in (
            "core_value_reviewed", "core_body_reviewed", kept_name("core_value_reviewed"),
            kept_name("core_body_reviewed")))
    new_parts = ""
    if added:
        listed = literal_list(added)
        new_parts = (f"UNION SELECT report_id FROM read_parquet([{listed}], "
                     "union_by_name = true)")
    return f"""
CREATE TEMP TABLE {TOUCHED} AS
WITH changed AS (
    (SELECT {cols} FROM core_report EXCEPT SELECT {cols} FROM {base})
    UNION ALL
    (SELECT {cols} FROM {base} EXCEPT SELECT {cols} FROM core_report)
),
reports AS (
    SELECT report_id FROM changed UNION {reviewed} {new_parts}
),
bodies AS (
    SELECT body_id FROM changed
    UNION SELECT body_id FROM core_report WHERE report_id IN (SELECT report_id FROM reports)
    UNION SELECT body_id FROM {base} WHERE report_id IN (SELECT report_id FROM reports)
    UNION SELECT body_id FROM core_body_reviewed
    UNION SELECT body_id FROM {kept_name("core_body_reviewed")}
    UNION SELECT body_id FROM (SELECT * FROM dim_body EXCEPT SELECT * FROM {kept_name("dim_body")})
    UNION SELECT body_id FROM (SELECT * FROM {kept_name("dim_body")} EXCEPT SELECT * FROM dim_body)
)
SELECT DISTINCT body_id FROM bodies WHERE body_id IS NOT NULL
"""


def update_body_year(con: duckdb.DuckDBPyConnection, added: Sequence[str]) -> int:
    """Create ``out_body_year`` from the base's mart and the touched bodies; rows kept.

    The touched bodies stay in the temporary table :data:`TOUCHED` (the caller checks their
    rows). Needs ``core_report``, ``core_value``, ``dim_body`` and the reviewed tables of this build
    loaded, and :func:`can_update`. Raises ``duckdb.Error`` when the base's tables do not fit
    (the caller then builds the mart whole).
    """
    from warehouse.marts import body_year_sql
    from warehouse.stream_out import table_columns

    con.execute(f"DROP TABLE IF EXISTS {TOUCHED}")
    con.execute(_touched_sql(added))
    fresh = "_fresh_body_year"
    try:
        con.execute(f"DROP TABLE IF EXISTS {fresh}")
        con.execute(body_year_sql(None, only=TOUCHED, table=fresh))
        base = kept_name(MART)
        if table_columns(con, base) != table_columns(con, fresh):
            raise duckdb.InvalidInputException(f"{base}: columns differ from this build's mart")
        con.execute(f"DELETE FROM {base} WHERE body_id IN (SELECT body_id FROM {TOUCHED})")
        kept = con.execute(f"SELECT count(*) FROM {base}").fetchall()[0][0]
        # In place: rewriting 200,000 rows of 300 columns in the clean build's order took
        # 3.5 s, deleting and inserting 0.2 s. Row order is not part of a table; the exports
        # write rows in key order (warehouse.stream_out.select_sql).
        con.execute(f"INSERT INTO {base} SELECT * FROM {fresh}")
        con.execute(f"ALTER TABLE {base} RENAME TO {MART}")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {fresh}")  # never published, even after an error
    return int(kept)


def drop_kept(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the base tables set aside; none of them may be published."""
    for name in sorted(_have(con)):
        if name.startswith(PREFIX):
            con.execute(f'DROP TABLE "{name}"')

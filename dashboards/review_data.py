"""Queries of the review page (pure: a read-only DuckDB connection in, frames or dicts out).

The page reads the queue and the corrections' state from the published warehouse only; what
a person settles goes to the corrections file (:mod:`pipelines.review.store`), never here.
"""

from __future__ import annotations

import duckdb
import polars as pl


def has_review(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the warehouse was built with the review tables (older builds were not)."""
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'out_review_item'"
    ).fetchone()[0])


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Items by status, and corrections flagged because their document changed."""
    out = dict(con.execute("SELECT status, count(*) FROM out_review_item GROUP BY 1").fetchall())
    out["document_changed"] = con.execute(
        "SELECT count(*) FROM core_correction WHERE status = 'document_changed'").fetchone()[0]
    out["reviewed_values"] = con.execute(
        "SELECT count(*) FROM core_value_reviewed").fetchone()[0]
    return out


def kinds(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The kinds of item the queue holds, most items first."""
    return [k for (k,) in con.execute(
        "SELECT kind FROM out_review_item GROUP BY kind ORDER BY count(*) DESC, kind"
    ).fetchall()]


def queue(con: duckdb.DuckDBPyConnection, kind: str | None, status: str | None,
          limit: int = 500) -> pl.DataFrame:
    """The queue, most important first (the page shows the first ``limit``)."""
    return con.sql(
        """SELECT item_id, kind, body_name, year, keys, importance, status, source
           FROM out_review_item
           WHERE ($k IS NULL OR kind = $k) AND ($s IS NULL OR status = $s)
           ORDER BY importance DESC, item_id LIMIT $n""",
        params={"k": kind, "s": status, "n": limit},
    ).pl()


def item(con: duckdb.DuckDBPyConnection, item_id: str) -> tuple | None:
    """One item's full row (``pipelines.review.settle.ITEM_COLUMNS`` order)."""
    from pipelines.review.settle import ITEM_COLUMNS

    return con.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM out_review_item "
                       "WHERE item_id = $i", {"i": item_id}).fetchone()


def flagged(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Corrections not applied because their document changed, newest first."""
    return con.sql(
        """SELECT source, body_name, year, "values", reviewer, reviewed_at, note, status_note
           FROM core_correction WHERE status = 'document_changed'
           ORDER BY reviewed_at DESC"""
    ).pl()


def reviewed_values(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every reviewed value in force beside its as-published value."""
    return con.sql(
        """SELECT coalesce(b.name, v.body_id) AS body_name, v.year, v.key, v.as_published,
                  v.value, v.reviewer, v.reviewed_at, v.note
           FROM core_value_reviewed v LEFT JOIN dim_body b USING (body_id)
           ORDER BY v.reviewed_at DESC, v.key"""
    ).pl()

"""The no-personal-data check over every table of a warehouse file, in SQL.

Ledgers are stripped of names, ID numbers, phones and e-mails on read
(:mod:`pipelines.ledgers.privacy`), but the warehouse publishes many tables and any of them could
pick personal data up by a path nobody foresaw (a swapped column, a title row, a file name).
So before a build is published — and again before anything is exported — every text and
integer/decimal column of every table is searched with the same patterns as
:func:`pipelines.ledgers.privacy.find_personal_data`, by DuckDB's ``regexp_matches`` (a
million-row table takes well under a second). Hash columns are skipped and hex digests inside
text cut out first; report tables hold years, region and division codes, 文号 and amounts,
which the patterns leave alone (see ``tests/test_privacy.py``). Only counts are reported. The
patterns run on each column's distinct values (counted by occurrence), so a national
warehouse's 40 million values cost a grouping, not 40 million regular-expression matches.
"""

from __future__ import annotations

from collections.abc import Collection

import duckdb

from pipelines.ledgers.privacy import ASCII, FULL_WIDTH, HASH_COLUMNS, HASH_RUN, detector
from schemas.sql import ident, literal

_TEXT_TYPES = ("VARCHAR",)
_NUMBER_TYPES = ("BIGINT", "INTEGER", "HUGEINT", "DOUBLE", "DECIMAL", "UBIGINT", "FLOAT", "REAL")


SMALLEST_NUMBER_HIT = 10**10  # below every 11-digit mobile (13…) and 15/18-digit ID number


class PersonalDataFound(RuntimeError):
    """A table about to be published or exported holds something shaped like personal data."""


def scan_database(
    con: duckdb.DuckDBPyConnection, skip: Collection[str | tuple[str, str]] = (),
    known: str | None = None,
) -> dict[str, int]:
    """``table.column`` → values that look like an ID number, phone or e-mail (only hits).

    ``skip`` names tables or (table, column) pairs searched elsewhere: the big tables' rows
    are searched segment by segment when written (:mod:`pipelines.shard_build`). ``known``
    names an attached database whose tables passed this same search (the published warehouse
    an incremental build started from): a text value its same column holds is not searched
    again, so 1,000 new reports cost the regular expression on their own values, not on the
    country's 200,000 titles and file names.
    """
    columns = con.execute(
        "SELECT database_name, table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index"
    ).fetchall()
    here = con.execute("SELECT current_database()").fetchall()[0][0]
    searched: dict[str, list[tuple[str, str]]] = {}
    for database, table, column, dtype in columns:
        base = dtype.split("(")[0]
        if database != here or column in HASH_COLUMNS or base not in _TEXT_TYPES + _NUMBER_TYPES:
            continue
        if (table, column) in skip or table in skip:
            continue
        searched.setdefault(table, []).append((column, base))
    old = _known_columns(con, known) if known else set()
    hits: dict[str, int] = {}
    for table, cols in searched.items():
        numbers = [c for c, base in cols if base in _NUMBER_TYPES]
        if numbers and not _any_large_number(con, table, numbers):
            cols = [(c, base) for c, base in cols if base not in _NUMBER_TYPES]
        for column, base in cols:
            n = _column_hits(con, table, column, base,
                             f"{known}.{ident(table)}" if (table, column) in old else None)
            if n:
                hits[f"{table}.{column}"] = n
    return hits


def _known_columns(con: duckdb.DuckDBPyConnection, known: str) -> set[tuple[str, str]]:
    """The text columns of the attached database ``known`` (table, column)."""
    return {(t, c) for t, c in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = $d "
        "AND NOT internal AND data_type = 'VARCHAR'", {"d": known}).fetchall()}


def _any_large_number(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> bool:
    """Whether any of the numeric ``columns`` holds a value of :data:`SMALLEST_NUMBER_HIT` or more.

    Only such values are searched, and a wide mart has some 300 numeric columns: one scan of
    the table answers for all of them (one query per column cost 0.6 s nationally).
    """
    cond = " OR ".join(f"abs({ident(c)}) >= {SMALLEST_NUMBER_HIT}" for c in columns)
    return bool(con.execute(f"SELECT count(*) FROM {ident(table)} WHERE {cond}").fetchall()[0][0])


def _column_hits(con: duckdb.DuckDBPyConnection, table: str, column: str, base: str,
                 known: str | None) -> int:
    """Rows of ``table.column`` that look like personal data; values in ``known`` are not."""
    pattern = literal(detector())
    fold = f"translate(CAST({{col}} AS VARCHAR), {literal(FULL_WIDTH)}, {literal(ASCII)})"
    value = ident(column)
    where = "TRUE"
    if base in _NUMBER_TYPES:
        # As a number only a mobile (11 digits) or an ID number (15/18) can be written:
        # a landline needs its leading 0 or a bracket, an e-mail its @. Values under 10^10
        # cannot match, so only the rare larger ones are searched (the same hits).
        where = f"abs({value}) >= {SMALLEST_NUMBER_HIT}"
    if base in ("DOUBLE", "DECIMAL", "FLOAT", "REAL"):  # the integer part, as polars does
        value = f"TRY_CAST(floor({value}) AS BIGINT)"
    text = fold.format(col="v")
    text = f"regexp_replace({text}, {literal(HASH_RUN)}, ' ', 'g')"
    grouped = f"SELECT {value} AS v, count(*) AS n FROM {ident(table)} WHERE {where} GROUP BY 1"
    if known:
        # Materialized, so the values the base holds are gone before any regex runs (as a
        # plain filter DuckDB evaluated the regex first: 0.43 s for 200,000 titles, not 0.05).
        grouped = (f"WITH g AS ({grouped}), fresh AS MATERIALIZED (SELECT g.* FROM g ANTI JOIN "
                   f"(SELECT DISTINCT {ident(column)} AS v FROM {known}) k USING (v)) "
                   "SELECT * FROM fresh")
    # Each distinct value is searched once and counted by its rows: codes, keys and names
    # repeat thousands of times in a national warehouse, and the regex is the cost.
    ((n,),) = con.execute(
        f"SELECT coalesce(sum(n), 0) FROM ({grouped}) WHERE regexp_matches({text}, {pattern})"
    ).fetchall()
    return int(n)


def scan_warehouse(con: duckdb.DuckDBPyConnection, known: str | None = None) -> dict[str, int]:
    """:func:`scan_database` where ``meta_scan`` lists tables searched segment by segment.

    Their recorded hits count as found; every other table is searched here (``known``: see
    :func:`scan_database`).
    """
    has_meta = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'meta_scan' "
        "AND database_name = current_database()").fetchall()[0][0]
    if not has_meta:
        return scan_database(con, known=known)
    rows = con.execute("SELECT table_name, column_name, hits FROM meta_scan").fetchall()
    done = {(t, c) for t, c, _ in rows}
    hits = {f"{t}.{c}": int(n) for t, c, n in rows if n}
    # meta_part holds file names and digests the build wrote itself (hex runs, not people).
    return hits | scan_database(con, skip=done | {"meta_scan", "meta_part"}, known=known)


def ensure_no_personal_data(con: duckdb.DuckDBPyConnection) -> None:
    """Raise :class:`PersonalDataFound` (naming tables and counts, never values) on any hit."""
    hits = scan_warehouse(con)
    if hits:
        where = ", ".join(f"{k} ({n})" for k, n in hits.items())
        raise PersonalDataFound(
            f"疑似个人信息（证件号、电话或邮箱），拒绝写出：{where} / "
            f"values shaped like personal data (ID number, phone, e-mail), not written: {where}"
        )

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

import duckdb

from pipelines.ledgers.privacy import ASCII, FULL_WIDTH, HASH_COLUMNS, HASH_RUN, detector

_TEXT_TYPES = ("VARCHAR",)
_NUMBER_TYPES = ("BIGINT", "INTEGER", "HUGEINT", "DOUBLE", "DECIMAL", "UBIGINT", "FLOAT", "REAL")


class PersonalDataFound(RuntimeError):
    """A table about to be published or exported holds something shaped like personal data."""


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def scan_database(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``table.column`` → values that look like an ID number, phone or e-mail (only hits)."""
    columns = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() "
        "WHERE NOT internal ORDER BY table_name, column_index"
    ).fetchall()
    pattern = _sql_text(detector())
    fold = f"translate(CAST({{col}} AS VARCHAR), {_sql_text(FULL_WIDTH)}, {_sql_text(ASCII)})"
    hits: dict[str, int] = {}
    for table, column, dtype in columns:
        base = dtype.split("(")[0]
        if column in HASH_COLUMNS or base not in _TEXT_TYPES + _NUMBER_TYPES:
            continue
        value = f'"{column}"'
        if base in ("DOUBLE", "DECIMAL", "FLOAT", "REAL"):  # the integer part, as polars does
            value = f"TRY_CAST(floor({value}) AS BIGINT)"
        text = fold.format(col="v")
        text = f"regexp_replace({text}, {_sql_text(HASH_RUN)}, ' ', 'g')"
        # The patterns run once per distinct value, weighted by how often it occurs: a column
        # of 40 million values holds a few thousand distinct ones (keys, codes, counts), and
        # the regular expression, not the grouping, is what costs.
        ((n,),) = con.execute(
            f"SELECT coalesce(sum(n), 0) FROM (SELECT {value} AS v, count(*) AS n "
            f'FROM "{table}" GROUP BY ALL) WHERE regexp_matches({text}, {pattern})'
        ).fetchall()
        if n:
            hits[f"{table}.{column}"] = int(n)
    return hits


def ensure_no_personal_data(con: duckdb.DuckDBPyConnection) -> None:
    """Raise :class:`PersonalDataFound` (naming tables and counts, never values) on any hit."""
    hits = scan_database(con)
    if hits:
        where = ", ".join(f"{k} ({n})" for k, n in hits.items())
        raise PersonalDataFound(
            f"疑似个人信息（证件号、电话或邮箱），拒绝写出：{where} / "
            f"values shaped like personal data (ID number, phone, e-mail), not written: {where}"
        )

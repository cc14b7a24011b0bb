"""Every date form the ledgers use, parsed in one vectorized polars expression.

Forms: ``2023-05-06``, ``2023/5/6``, ``2023年5月6日``, ``2023.5.6``, ``20230506``, Excel serial
numbers (``45052`` or ``45052.5``; day 0 = 1899-12-30, Excel's 1900 leap-year bug included),
ISO timestamps (``2023-05-06T09:30:00``) and any of these followed by a time (``2023/5/6 9:30``,
``2023年5月6日 14时30分``, ``2023年5月6日上午``). Two-digit years (``24-3-1``) are not read:
the century and the order are guesses, and a guessed date moves a deadline. Full-width digits
are folded first. The time of day is dropped: the 条例 counts days. A value that fits no form,
or names an impossible day (2023-02-30), is null; the caller turns that into a finding or
quarantine with the original text.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serial numbers outside this window (1954…2119) are not dates of an application.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
_FULL = "０１２３４５６７８９"
SEPARATED = (  # a time may follow: 14:30, 14时, 上午/下午/中午/晚上/凌晨
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*[日号])?(?:$|[\sT\d:时上下中晚凌])"
)
COMPACT = r"^(\d{4})(\d{2})(\d{2})(?:$|[\sT])"
_SERIAL = r"^(\d{5})(?:\.\d+)?$"


def _ymd(text: pl.Expr, pattern: str) -> pl.Expr:
    parts = [text.str.extract(pattern, i) for i in (1, 2, 3)]
    iso = pl.concat_str(
        [parts[0], pl.lit("-"), parts[1].str.zfill(2), pl.lit("-"), parts[2].str.zfill(2)]
    )
    return iso.str.to_date("%Y-%m-%d", strict=False)


def parse_dates(expr: pl.Expr) -> pl.Expr:
    """A Date expression from a string expression holding any of the supported forms."""
    text = expr.cast(pl.Utf8).str.strip_chars().str.replace_many(list(_FULL), list("0123456789"))
    serial = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
    from_serial = (
        pl.when(serial.is_between(_SERIAL_MIN, _SERIAL_MAX))
        .then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
        .otherwise(None)
        .cast(pl.Date)
    )
    return pl.coalesce(_ymd(text, SEPARATED), _ymd(text, COMPACT), from_serial)


def parse_date(value: object) -> dt.date | None:
    """One value (str, number, date or datetime) → a date, the same way as :func:`parse_dates`."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pl.select(parse_dates(pl.lit(cell_text(value), dtype=pl.Utf8))).item()


def cell_text(value: object) -> str:
    """A spreadsheet cell as text for :func:`parse_dates`: dates ISO, whole floats without .0."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

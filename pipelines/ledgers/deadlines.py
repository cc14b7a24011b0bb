"""Statutory reply deadlines on the official working-day calendar (条例 第三十条–第三十三条).

- 第三十三条: reply within 20 working days of receipt; the day of receipt is not counted, so the
  deadline is the 20th working day *after* it. An extension (延期, with the head's approval)
  adds at most 20 more working days.
- 第三十条: when the application is unclear and 补正 is requested, the period runs from the day
  the corrected application is received. A ledger that records only the 补正 notice date gives
  the earliest day the corrected application can have arrived; the deadline is computed from it
  and is therefore the earliest possible one (documented; the JSON finding says so).
- 第三十二条/第三十三条: the time needed to consult a third party is not counted. Ledgers give
  it as 征求第三方意见天数; third parties answer within 15 *working* days (第三十二条), so the
  days are working days added to the deadline.

Working days are the State Council calendar as published by the maintained ``chinesecalendar``
package: weekends off, statutory holidays off, 调休 weekend days *on*. The package covers a fixed
span of years; a date outside it is an explicit error (``calendar_coverage``), never a guess.

Everything is vectorized: the calendar is a table of day offsets with a running count of working
days, so "working days between" is a subtraction and "the n-th working day after" an index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar
import numpy as np
import polars as pl

BASE_DAYS = 20
EXTENSION_DAYS = 20


class OutsideCalendar(ValueError):
    """A date the official calendar package does not cover."""


@dataclass(frozen=True)
class WorkCalendar:
    """Working days of the covered years as arrays indexed by day offset from ``first``."""

    first: dt.date
    last: dt.date
    cum: np.ndarray  # cum[i] = working days in first..first+i (inclusive)
    workdays: np.ndarray  # day offsets of the working days, in order

    def offset(self, day: dt.date) -> int:
        """Index of ``day``; raises :class:`OutsideCalendar` outside the coverage."""
        if not (self.first <= day <= self.last):
            raise OutsideCalendar(
                f"{day.isoformat()} 超出官方节假日日历覆盖范围"
                f"（{self.first.year}–{self.last.year}）"
                f" / outside the official calendar ({self.first.year}–{self.last.year})"
            )
        return (day - self.first).days

    def is_workday(self, day: dt.date) -> bool:
        """True on a working day (including 调休 weekend workdays)."""
        i = self.offset(day)
        return bool(self.cum[i] - (self.cum[i - 1] if i else 0))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
        return int(self.cum[self.offset(end)] - self.cum[self.offset(start)])

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted)."""
        k = int(self.cum[self.offset(start)]) + n
        if k - 1 >= len(self.workdays):
            raise OutsideCalendar(
                f"{start.isoformat()} 起第 {n} 个工作日超出官方日历覆盖范围 / "
                f"the {n}th working day after {start.isoformat()} is beyond the official calendar"
            )
        return self.first + dt.timedelta(days=int(self.workdays[k - 1]))


@cache
def calendar() -> WorkCalendar:
    """The official calendar for every year ``chinesecalendar`` covers."""
    years = sorted({d.year for d in chinese_calendar.constants.holidays})
    first, last = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    n = (last - first).days + 1
    flags = np.fromiter(
        (chinese_calendar.is_workday(first + dt.timedelta(days=i)) for i in range(n)),
        dtype=np.int32,
        count=n,
    )
    return WorkCalendar(first, last, np.cumsum(flags), np.flatnonzero(flags))


def deadline(
    received: dt.date,
    *,
    correction: dt.date | None = None,
    extended: bool = False,
    third_party_days: int = 0,
) -> dt.date:
    """The statutory reply deadline of one application (see the module docstring)."""
    start = max(received, correction) if correction else received
    n = BASE_DAYS + (EXTENSION_DAYS if extended else 0) + max(0, int(third_party_days))
    return calendar().add_working_days(start, n)


def _offsets(cal: WorkCalendar, col: str) -> pl.Expr:
    days = (pl.col(col) - pl.lit(cal.first)).dt.total_days()
    return pl.when(days.is_between(0, (cal.last - cal.first).days)).then(days).otherwise(None)


def _natural_to_working(frame: pl.DataFrame, cum: pl.Series) -> pl.Series:
    """Calendar days from the period's start → the working days among them (null past the end)."""
    start = frame["_o_start"]
    end = start + frame["_tp"]
    end = end.set(end >= len(cum), None) if end.len() else end
    return (cum.gather(end) - cum.gather(start)).alias("_tp")


def timeliness(frame: pl.DataFrame, natural_third_party: bool = False) -> pl.DataFrame:
    """Add ``start``, ``deadline``, ``working_days``, ``overdue_days``, ``calendar_error``.

    ``natural_third_party``: the ledger counts third-party days in calendar days (自然日).
    The law does not count the consultation's working days, so the calendar days are turned
    into the working days they span, taken from the day the period starts (the consultation
    happens within it; the exact day is not in a ledger, a finding says so).

    ``frame`` needs Date columns ``received``, ``correction_requested``, ``correction_received``,
    ``replied`` and ``extended`` (bool), ``third_party_days`` (int). ``working_days`` counts
    from receipt to reply; ``overdue_days`` is the working days past the deadline (0 when on
    time) and stays null for an application without a reply.
    ``calendar_error`` is True when a date needed is outside the calendar's coverage.
    """
    cal = calendar()
    cum = pl.Series(cal.cum.astype(np.int64))
    wd = pl.Series(cal.workdays.astype(np.int64))
    correction = pl.coalesce("correction_received", "correction_requested")
    out = frame.with_columns(
        start=pl.when(correction > pl.col("received")).then(correction).otherwise("received")
    )
    out = out.with_columns(
        _o_start=_offsets(cal, "start"),
        _o_rec=_offsets(cal, "received"),
        _o_rep=_offsets(cal, "replied"),
        _tp=pl.col("third_party_days").fill_null(0).clip(0),
    )
    if natural_third_party:
        out = out.with_columns(_tp=_natural_to_working(out, cum))
    out = out.with_columns(
        _n=BASE_DAYS + pl.when(pl.col("extended")).then(EXTENSION_DAYS).otherwise(0) + pl.col("_tp")
    )
    cum_at = {c: cum.gather(out[c]) for c in ("_o_start", "_o_rec", "_o_rep")}
    out = out.with_columns(
        _c_start=cum_at["_o_start"], _c_rec=cum_at["_o_rec"], _c_rep=cum_at["_o_rep"]
    )
    k = out["_c_start"] + out["_n"] - 1
    k = k.set(k >= len(wd), None) if k.len() else k
    dl_off = wd.gather(k)
    out = out.with_columns(
        deadline=(pl.lit(cal.first) + pl.duration(days=dl_off)).cast(pl.Date),
        _c_dl=cum.gather(dl_off.set(dl_off.is_null(), None)),
    )
    out = out.with_columns(
        working_days=pl.col("_c_rep") - pl.col("_c_rec"),
        overdue_days=(pl.col("_c_rep") - pl.col("_c_dl")).clip(0),
        calendar_error=(
            pl.col("received").is_not_null() & pl.col("_o_rec").is_null()
            | pl.col("replied").is_not_null() & pl.col("_o_rep").is_null()
            | pl.col("_o_start").is_not_null() & pl.col("deadline").is_null()
        ),
    )
    return out.drop([c for c in out.columns if c.startswith("_")])

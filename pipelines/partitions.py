"""All partition definitions in one place: report years."""

from __future__ import annotations

from datetime import date

import dagster as dg

FIRST_YEAR = 2008  # the 条例 took effect on 1 May 2008; the first annual reports cover 2008


def report_years(today: date | None = None) -> list[str]:
    """Statistics years from 2008 up to last year (this year's reports are not due yet)."""
    today = today or date.today()
    return [str(y) for y in range(FIRST_YEAR, today.year)]


report_year_partitions = dg.StaticPartitionsDefinition(report_years())

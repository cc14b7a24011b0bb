"""Which national template a report follows: ``2021``, ``2019`` or ``pre2019``.

Told by the labels the document prints, not by its year: bodies kept the 2019 layout into 2021
and some printed hybrids. Table 二's column labels decide first (they differ most clearly),
then (六)其他处理's sub-rows; a report without template tables before 2019 is ``pre2019``.
"""

from __future__ import annotations

import re

_T2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量")
_T2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|政府集中采购|上一年项目数量")
_OTHER_SUBROWS = re.compile(r"逾期不补正|逾期未按收费通知")
_TABLE3 = re.compile(r"本年新收")


def detect_template(text: str, year: int | None) -> str | None:
    """The template version of a report's text, or None when it cannot be told."""
    if year is not None and year < 2019 and not _TABLE3.search(text):
        return "pre2019"
    has_2021 = bool(_T2021.search(text))
    has_2019 = bool(_T2019.search(text))
    if has_2021 and not has_2019:
        return "2021"
    if has_2019 and not has_2021:
        return "2019"
    if _OTHER_SUBROWS.search(text):
        return "2021"
    if _TABLE3.search(text):
        return "2019" if has_2019 else None
    if year is not None and year < 2019:
        return "pre2019"
    return None

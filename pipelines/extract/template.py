"""Which national template a report follows: ``2021``, ``2019`` or ``pre2019``.

Told by the labels the document prints, not by its year: bodies kept the 2019 layout into 2021
and some printed hybrids. Table 二's column labels decide first (they differ most clearly),
then (六)其他处理's sub-rows; a report without template tables before 2019 is ``pre2019``.
"""

from __future__ import annotations

import re

from schemas.vocabulary import Word
from schemas.vocabulary import tables as vocab


def _any(ws: tuple[Word, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w.text) for w in ws))


_T2021 = _any(vocab.TEMPLATE_2021)
_T2019 = _any(vocab.TEMPLATE_2019)
_OTHER_SUBROWS = _any(vocab.TEMPLATE_2021_OTHER_SUBROWS)
_TABLE3 = _any(vocab.TABLE3_START)


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

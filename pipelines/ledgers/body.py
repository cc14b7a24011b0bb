"""Whose ledger is it, and for which year — decided from the file itself, never from test truth.

Body, first rule that gives an answer:

1. a body column (机关/单位/办理机关 …): each row's value, resolved with
   :func:`pipelines.bodies.resolve_body`;
2. the title above the header or the sheet name, when it names a body (``XX市住房和城乡建设局
   2023年依申请公开台账``);
3. the file name stem when it is a Chinese name (``XX区人民政府2023年台账.xlsx``);
4. the companion report: a ledger filed as ``<report stem>_ledger.csv`` (or ``…台账``) belongs
   to the body of the report ``<report stem>.*`` in the same inbox (``reports`` maps report
   stems to the bodies the extraction engine read from the reports themselves).

Otherwise the body stays unknown and the ledger's rows are not aggregated (quarantined with the
reason). Year: a 年度 column, else ``YYYY年`` in the title, else a year in the file name, else the
most common year of the reply dates (ledgers are kept per year of handling), else of receipt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from pipelines.bodies import resolve_body_detailed
from pipelines.extract.model import Body

LEDGER_WORDS = (
    r"(依申请公开|政府信息公开申请|申请办理|办理记录|办理台账|登记表?|台账|ledger|\d{4}年?度?)"
)


def _stem(source: str) -> str:
    name = source.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if "." in name else name


def report_stem(source: str) -> str:
    """The stem a ledger's companion report would have (``x_ledger.csv`` → ``x``)."""
    return re.sub(r"(_ledger|台账|_台账)$", "", _stem(source), flags=re.IGNORECASE)


# Title rows, sheet names and body cells are split here before resolving: the resolver keeps
# the words after a body name as part of it, so "XX区人民政府台账（填表人：张三 电话…）" whole
# would make a body named after a person.
_SEGMENT = re.compile(r"[\s,，:：;；、()（）\[\]【】<>《》|/]+")


def _resolved_one(text: str) -> Body | None:
    text = re.sub(LEDGER_WORDS, "", text, flags=re.IGNORECASE).strip(" _-")
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None
    res = resolve_body_detailed(text)
    if res.status == "resolved" and res.body.type:
        return res.body
    return None


def _resolved(text: str) -> Body | None:
    """The body a text names: the first segment that names one, else the whole text.

    The whole text is used only when its body name has no digit in it: a name resolved across
    segments that drags digits along has swallowed a phone or an ID number.
    """
    for part in _SEGMENT.split(text):
        body = _resolved_one(part) if part else None
        if body is not None:
            return body
    body = _resolved_one(text)
    if body is not None and not re.search(r"\d", body.name or ""):
        return body
    return None


def file_body(
    source: str, title: str, reports: Mapping[str, Body] | None = None
) -> tuple[Body | None, str]:
    """The body of a whole file (rules 2–4) and which rule gave it."""
    for rule, text in (("title", title), ("file_name", _stem(source))):
        body = _resolved(text)
        if body is not None:
            return body, rule
    if reports:
        body = reports.get(report_stem(source))
        if body is not None and body.name:
            return body, "companion_report"
    return None, "unknown"


def column_bodies(values: pl.Series) -> dict[str, Body]:
    """Rule 1: each distinct body-column value resolved once (unresolvable ones left out)."""
    out = {}
    for v in values.drop_nulls().unique().to_list():
        body = _resolved(str(v)) if str(v).strip() else None
        if body is not None:
            out[v] = body
    return out


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|(?!\d))")


def year_in(text: str) -> int | None:
    """The first year a title or a sheet name names (``2023年…``, ``台账2023``), else None."""
    m = _YEAR.search(text)
    return int(m.group(1)) if m else None


def ledger_year(
    year_col: pl.Series | None, title: str, source: str, replied: pl.Series, received: pl.Series
) -> int | None:
    """The statistics year of a ledger (see the module docstring for the order of rules)."""
    if year_col is not None:
        years = year_col.str.extract(r"((?:19|20)\d{2})", 1).drop_nulls()
        if years.len():
            return int(years.mode().sort()[-1])
    for text in (title, _stem(source)):
        if (y := year_in(text)) is not None:
            return y
    for dates in (replied, received):
        years = dates.drop_nulls().dt.year()
        if years.len():
            return int(years.mode().sort()[-1])
    return None

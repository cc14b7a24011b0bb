"""Published on time: on or before 31 January of the next year (31 March before 2019).

The revised 条例 (in force 15 May 2019, 第四十九条) moved the deadline of the annual report to
31 January; reports on 2018 and earlier were due by 31 March. A date read from the page's
发布时间/发布日期 field is the publication date; a date line inside the document (the
signature) is a lower bound of it, so lateness by that date is a warning, not an error.
"""

from __future__ import annotations

from datetime import date

from pipelines.checker.facts import DocFacts
from pipelines.checker.model import Problem


def deadline(year: int) -> date:
    """The last day a report on ``year`` may be published."""
    return date(year + 1, 1, 31) if year >= 2019 else date(year + 1, 3, 31)


def _parse(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def check_on_time(year: int | None, facts: DocFacts, document_date: str | None) -> list[Problem]:
    """A problem when the report was published after its deadline, or the date is unknown."""
    if year is None:
        return []
    due = deadline(year)
    field = facts.date_field
    when = _parse(field["date"]) if field else None
    source = "field"
    if when is None or when < date(year, 1, 1):
        when, source = _parse(document_date), "document"
    if when is None or when < date(year, 1, 1):
        return [Problem(
            "on_time", "publication_date_missing", "info", (), {},
            f"未找到发布日期；{year} 年度报告应于 {due:%Y年%-m月%-d日}前发布。",
            f"No publication date found; the report on {year} is due by {due:%d %B %Y}.")]
    if when <= due:
        return []
    days = (when - due).days
    loc = ({"field": field["label"], "span": field["span"], "text": field["date"]}
           if source == "field" else {"text": document_date})
    where_zh = f"页面“{field['label']}”" if source == "field" else "文末落款日期"
    where_en = f"the page's {field['label']} field" if source == "field" else "the signature date"
    return [Problem(
        "on_time", "published_late", "error" if source == "field" else "warning", (), loc,
        f"{where_zh}为 {when:%Y年%-m月%-d日}，晚于法定期限 {due:%Y年%-m月%-d日} {days} 天。",
        f"{where_en} is {when.isoformat()}, {days} days after the deadline {due.isoformat()}.")]

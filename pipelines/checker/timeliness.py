"""Published on time: on or before 31 January of the next year (31 March before 2019).

The revised 条例 (in force 15 May 2019, 第四十九条) moved the deadline of the annual report to
31 January; reports on 2018 and earlier were due by 31 March. A date read from the page's
发布时间/发布日期 field is the publication date; a date line inside the document (the
signature) is a lower bound of it, so lateness by that date is a warning, not an error.

A date the crawler recorded when it collected the report (``gongkai collect``: the date the
site's listing page gives, the report page's own 发布时间, or the file's HTTP Last-Modified)
says when the site published it, so it is preferred to anything read from the text; a problem
says which of them it rests on (:data:`DATE_SOURCES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pipelines.checker.facts import DocFacts
from pipelines.checker.model import Problem


def deadline(year: int) -> date:
    """The last day a report on ``year`` may be published."""
    return date(year + 1, 1, 31) if year >= 2019 else date(year + 1, 3, 31)


# Where a publication date came from → (Chinese, English), for messages, marts and the dashboard.
DATE_SOURCES: dict[str, tuple[str, str]] = {
    "listing": ("采集列表页日期", "listing page date"),
    "page": ("采集报告页发布时间", "publication date on the collected report page"),
    "http_last_modified": ("下载时 HTTP Last-Modified 头", "HTTP Last-Modified when downloaded"),
    "collected": ("采集记录日期", "date recorded by the collector"),
    "report_text": ("年报页面文字中的日期", "date read from the report's text"),
}
# Dates that only bound the publication from above: a file re-saved after it was published
# carries a later Last-Modified, so lateness by it is a warning.
UPPER_BOUND_SOURCES = frozenset({"http_last_modified"})


@dataclass(frozen=True)
class PublicationDate:
    """A publication date recorded by the crawler, with where it came from.

    ``source`` is a key of :data:`DATE_SOURCES`; ``url`` the page the date was read on;
    ``year`` the report year the crawler was looking for when it found the file (None: not
    recorded).
    """

    date: str
    source: str = "collected"
    url: str | None = None
    year: int | None = None


def _parse(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def collected_applies(year: int | None, collected: PublicationDate | None) -> bool:
    """Whether :func:`check_on_time` decides by ``collected``: a date of the same report year.

    The crawler's year must be the report's (a file found while looking for another year's
    report dates that one), and the date on or after 1 January of it: an earlier one cannot be
    the publication of that year's report. Otherwise the text's dates decide.
    """
    when = _parse(collected.date) if collected is not None else None
    return (year is not None and when is not None and when >= date(year, 1, 1)
            and collected.year in (None, year))


def check_on_time(year: int | None, facts: DocFacts, document_date: str | None,
                  collected: PublicationDate | None = None) -> list[Problem]:
    """A problem when the report was published after its deadline, or the date is unknown.

    ``collected`` (the crawler's date) wins over the page's date field and the signature.
    """
    if year is None:
        return []
    due = deadline(year)
    if collected_applies(year, collected):
        return _collected_on_time(_parse(collected.date), due, collected)
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


def _collected_on_time(when: date, due: date, collected: PublicationDate) -> list[Problem]:
    """The on-time verdict by a date the crawler recorded (:data:`DATE_SOURCES`)."""
    if when <= due:
        return []
    days = (when - due).days
    zh, en = DATE_SOURCES.get(collected.source, DATE_SOURCES["collected"])
    loc = {"field": zh, "text": when.isoformat()}
    if collected.url:
        loc["url"] = collected.url
    severity = "warning" if collected.source in UPPER_BOUND_SOURCES else "error"
    return [Problem(
        "on_time", "published_late", severity, (), loc,
        f"{zh}为 {when:%Y年%-m月%-d日}，晚于法定期限 {due:%Y年%-m月%-d日} {days} 天。",
        f"The {en} is {when.isoformat()}, {days} days after the deadline {due.isoformat()}.")]

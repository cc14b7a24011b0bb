"""The crawler's store read into frames: current status per source and year, collected files.

``gongkai collect`` appends to two JSON-lines files under ``<home>/collect/``
(``status.jsonl``: one record each time a source is checked for a year; ``documents.jsonl``:
one record per file it put into the inbox, with its URL and HTTP headers). This module only
reads them — it takes only their names from :mod:`pipelines.collect.store`, never the crawler
— so a build works on any home, with or without a store, and with a store written by any
version of the crawler that keeps the interface. Unlike that module's tolerant readers (the
crawler resumes from them), this one reports every bad line, so it parses on its own.

Reading is line by line: a crawler killed mid-write leaves a torn last line, and a record the
interface does not allow (an unknown status, a ``found`` without its URL, a date outside the
year it reports on) must not stop a build. Each such line becomes a ``core_quarantine`` row
naming the file, the line and what is wrong, and the rest is read. The last valid record per
(source, year) is current (by ``checked_at``, then by position in the file); the last per
sha256 describes a file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

# The file names the crawler writes (its store module imports nothing beyond the stdlib).
from pipelines.collect.store import DOCUMENTS, STATUS
from schemas.models import conform, empty_frame, validate
from schemas.tables import COLLECT_DATE_SOURCES, COLLECT_STATUSES, DOCUMENT_ROLES

STAGE = "collect"
# A checked_at may run ahead of the machine that reads it by a clock's skew, no more.
CLOCK_SKEW = timedelta(days=1)

_STATUS_SCHEMA = {
    "source_id": pl.Utf8, "year": pl.Int64, "body_id": pl.Utf8, "body_name": pl.Utf8,
    "region_code": pl.Utf8, "status": pl.Utf8, "reason": pl.Utf8, "report_url": pl.Utf8,
    "title": pl.Utf8, "published_date": pl.Date, "date_source": pl.Utf8, "sha256": pl.Utf8,
    "listing_url": pl.Utf8, "checked_at": pl.Datetime, "line": pl.Int64,
}
_DOCUMENT_SCHEMA = {
    "sha256": pl.Utf8, "file_name": pl.Utf8, "url": pl.Utf8, "final_url": pl.Utf8,
    "listing_url": pl.Utf8, "source_id": pl.Utf8, "year": pl.Int64, "role": pl.Utf8,
    "fetched_at": pl.Datetime, "http_status": pl.Int64, "content_type": pl.Utf8,
    "etag": pl.Utf8, "last_modified": pl.Utf8, "content_length": pl.Int64,
    "published_date": pl.Date, "line": pl.Int64,
}
# Every file the crawler found for a source and year, with the date and URL that record gave
# (from every valid status record, not only the current one: a later failed check must not
# lose the date of a report found before). Internal: the on-time check and the mart read it.
_FILE_SCHEMA = {
    "sha256": pl.Utf8, "published_date": pl.Date, "date_source": pl.Utf8,
    "report_url": pl.Utf8, "listing_url": pl.Utf8, "source_id": pl.Utf8, "year": pl.Int64,
    "checked_at": pl.Datetime,
}


@dataclass(frozen=True)
class CollectTables:
    """What the store holds, validated, before it is joined with the warehouse's bodies.

    ``status``: the current record per (source_id, year) with ``checks`` (records read for the
    pair); ``documents``: the last record per sha256; ``files``: sha256 → the status record
    that last listed it; ``quarantine``: ``core_quarantine`` rows for lines set aside.
    """

    status: pl.DataFrame
    documents: pl.DataFrame
    files: pl.DataFrame
    quarantine: pl.DataFrame


class BadRecord(ValueError):
    """A line of the store that the interface does not allow; the message says why."""


def jsonl_records(text: str) -> Iterator[tuple[int, dict | None, str | None]]:
    """``(line number, record, None)`` per JSON object line, ``(n, None, why)`` per bad line.

    Blank lines are skipped. A line that is not one JSON object (a torn last line) is bad.
    """
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            yield n, None, ("不是完整的 JSON 记录（采集中断时写了一半？）"
                            " / not a complete JSON record (torn by an interrupted collector?)")
            continue
        if not isinstance(rec, dict):
            yield n, None, "不是 JSON 对象 / not a JSON object"
            continue
        yield n, rec, None


def _text(rec: dict, key: str, required: bool = False) -> str | None:
    value = rec.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise BadRecord(f"缺少 {key} / {key} missing")
        return None
    if not isinstance(value, str):
        raise BadRecord(f"{key} 应为字符串 / {key} must be a string: {value!r:.60}")
    return value.strip()


def _year(rec: dict) -> int:
    value = rec.get("year")
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        raise BadRecord(f"year 应为 1990–2100 的整数 / year must be an integer in 1990–2100: "
                        f"{value!r:.30}")
    return value


def _date(rec: dict, key: str) -> date | None:
    value = _text(rec, key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadRecord(f"{key} 不是 YYYY-MM-DD 日期 / {key} is not a YYYY-MM-DD date: "
                        f"{value:.30}") from None


def _instant(rec: dict, key: str, required: bool = True) -> datetime | None:
    """An ISO-8601 time as naive UTC (how the warehouse stores times); naive input is UTC."""
    value = _text(rec, key, required)
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord(f"{key} 不是 ISO-8601 时间 / {key} is not an ISO-8601 time: "
                        f"{value:.40}") from None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _choice(rec: dict, key: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
    value = _text(rec, key, required)
    if value is not None and value not in allowed:
        raise BadRecord(f"{key} 不在 {'/'.join(allowed)} 之中 / {key} not one of "
                        f"{', '.join(allowed)}: {value:.30}")
    return value


def _hashes(rec: dict) -> list[str]:
    value = rec.get("sha256") or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRecord("sha256 应为字符串列表 / sha256 must be a list of strings")
    return [v.strip().lower() for v in value if v.strip()]


def status_row(rec: dict, now: datetime | None = None) -> dict:
    """One ``status.jsonl`` record as a row; :class:`BadRecord` when the interface forbids it.

    Beyond types: a ``found`` record names its report URL; a publication date lies between
    1 January of the year reported on and the time the source was checked.
    """
    year = _year(rec)
    status = _choice(rec, "status", COLLECT_STATUSES, required=True)
    checked_at = _instant(rec, "checked_at")
    published = _date(rec, "published_date")
    report_url = _text(rec, "report_url")
    if status == "found" and report_url is None:
        raise BadRecord("状态为 found 却没有 report_url / status found without a report_url")
    if checked_at is not None and checked_at > (now or _utcnow()) + CLOCK_SKEW:
        raise BadRecord(f"checked_at {checked_at:%Y-%m-%d %H:%M} 在将来 / is in the future")
    if published is not None:
        if published < date(year, 1, 1):
            raise BadRecord(f"发布日期 {published} 早于 {year} 年 1 月 1 日（不是该年度的报告？）"
                            f" / published_date {published} is before 1 January {year} "
                            "(not that year's report?)")
        if checked_at is not None and published > checked_at.date() + CLOCK_SKEW:
            raise BadRecord(f"发布日期 {published} 晚于检查时间 / published_date {published} "
                            "is after the time it was checked")
    return {
        "source_id": _text(rec, "source_id", required=True),
        "year": year,
        "body_id": _text(rec, "body_id"),
        "body_name": _text(rec, "body_name"),
        "region_code": _text(rec, "region_code"),
        "status": status,
        "reason": _text(rec, "reason"),
        "report_url": report_url,
        "title": _text(rec, "title"),
        "published_date": published,
        "date_source": _choice(rec, "date_source", COLLECT_DATE_SOURCES),
        "sha256": ",".join(_hashes(rec)) or None,
        "listing_url": _text(rec, "listing_url"),
        "checked_at": checked_at,
    }


def document_row(rec: dict) -> dict:
    """One ``documents.jsonl`` record as a row; :class:`BadRecord` when the interface forbids it."""
    http = rec.get("http") or {}
    if not isinstance(http, dict):
        raise BadRecord("http 应为对象 / http must be an object")
    code = http.get("status")
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)
                             or not 100 <= code <= 599):
        raise BadRecord(f"http.status 不是 HTTP 状态码 / http.status is not an HTTP status: "
                        f"{code!r:.20}")
    length = http.get("content_length")
    if length is not None and (isinstance(length, bool) or not isinstance(length, int)
                               or length < 0):
        raise BadRecord(f"http.content_length 应为非负整数 / must be a non-negative integer: "
                        f"{length!r:.20}")
    sha = _text(rec, "sha256", required=True).lower()
    if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        raise BadRecord(f"sha256 不是 64 位十六进制 / sha256 is not 64 hex digits: {sha:.70}")
    year = rec.get("year")
    return {
        "sha256": sha,
        "file_name": _text(rec, "file_name"),
        "url": _text(rec, "url", required=True),
        "final_url": _text(rec, "final_url"),
        "listing_url": _text(rec, "listing_url"),
        "source_id": _text(rec, "source_id"),
        "year": None if year is None else _year(rec),
        "role": _choice(rec, "role", DOCUMENT_ROLES),
        "fetched_at": _instant(rec, "fetched_at", required=False),
        "http_status": code,
        "content_type": _text(http, "content_type"),
        "etag": _text(http, "etag"),
        "last_modified": _text(http, "last_modified"),
        "content_length": length,
        "published_date": _date(rec, "published_date"),
    }


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _read(path: Path) -> str:
    """The file's text; an invalid UTF-8 byte (a torn multi-byte character) becomes U+FFFD."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _parse(name: str, text: str, to_row) -> tuple[list[dict], list[dict]]:
    """Rows with their line numbers, and quarantine rows for the lines set aside."""
    rows, aside = [], []
    now = _utcnow()
    for n, rec, why in jsonl_records(text):
        if rec is not None:
            try:
                rows.append({**to_row(rec), "line": n})
                continue
            except BadRecord as exc:
                why = str(exc)
        aside.append({"item": f"{name}#{n}", "stage": STAGE, "rule": "collect_bad_record",
                      "reason": f"{name} 第 {n} 行已跳过：{why} / line {n} skipped",
                      "detected_at": now})
    return rows, aside


def _frame(rows: list[dict], schema: dict) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def read_store(root: Path, now: datetime | None = None) -> CollectTables:
    """Read ``root/status.jsonl`` and ``root/documents.jsonl``; empty tables when absent."""
    now = now or _utcnow()
    status_rows, aside = _parse(f"collect/{STATUS}", _read(root / STATUS),
                                lambda r: status_row(r, now))
    doc_rows, doc_aside = _parse(f"collect/{DOCUMENTS}", _read(root / DOCUMENTS),
                                 document_row)
    status = _frame(status_rows, _STATUS_SCHEMA)
    documents = _frame(doc_rows, _DOCUMENT_SCHEMA)
    order = ["checked_at", "line"]
    current = (
        status.sort(order)
        .group_by("source_id", "year", maintain_order=True)
        .agg(pl.all().last(), pl.len().alias("checks"))
    )
    files = (
        status.filter(pl.col("sha256").is_not_null())
        .with_columns(pl.col("sha256").str.split(","))
        .explode("sha256")
        .sort(order)
        .group_by("sha256", maintain_order=True)
        .last()
        .select(list(_FILE_SCHEMA))
    )
    latest_docs = documents.sort("fetched_at", "line", nulls_last=False).group_by(
        "sha256", maintain_order=True).last()
    quarantine = pl.DataFrame(
        aside + doc_aside,
        schema={"item": pl.Utf8, "stage": pl.Utf8, "rule": pl.Utf8, "reason": pl.Utf8,
                "detected_at": pl.Datetime},
    )
    return CollectTables(
        status=current.drop("line").sort("source_id", "year"),
        documents=latest_docs.drop("line").sort("sha256"),
        files=files.sort("sha256"),
        quarantine=validate("core_quarantine", conform("core_quarantine", quarantine)),
    )


def empty_store() -> CollectTables:
    """The tables of a home without a collect store."""
    return CollectTables(
        status=pl.DataFrame(schema={**_STATUS_SCHEMA, "checks": pl.UInt32}).drop("line"),
        documents=pl.DataFrame(schema=_DOCUMENT_SCHEMA).drop("line"),
        files=pl.DataFrame(schema=_FILE_SCHEMA),
        quarantine=empty_frame("core_quarantine"),
    )

"""From extraction records to the core tables: pure functions over small data classes.

Here a report is published or quarantined, and each printed number becomes one row of the long
fact table with its cell kind and provenance. Published numbers are never rewritten: a report
whose own figures disagree is published with its findings; a report we could not read
consistently goes to quarantine with the reason. A document that is not an annual report (a work
plan, task list, notice) is neither: it is listed with its kind and title (status
``not_report``), kept in the inbox, and never read for figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

import orjson
import polars as pl

from pipelines.extract.model import Extraction
from pipelines.inbox import InboxEntry
from pipelines.ledgers.privacy import redact_quoted_columns
from schemas.models import conform, empty_frame
from schemas.registry import measure_index
from warehouse.ids import body_id
from warehouse.segments import shard_of

# How extraction records become rows; part of every shard's generation (pipelines.shard_build).
# 2: provenance JSON written compact (orjson) instead of with json.dumps's spaces.
ROWS_VERSION = "2"


def report_status(ex: Extraction) -> tuple[str, str | None]:
    """(status, quarantine reason) of a document: published, quarantined or not_report.

    A document of another kind is listed as such even when it is a scan: it is not a report
    that failed, so it must not count among the quarantined.
    """
    if ex.document_kind != "annual_report":
        return "not_report", None
    reason = quarantine_reason(ex)
    return ("quarantined" if reason else "published"), reason


def quarantine_reason(ex: Extraction) -> str | None:
    """Why a report must not be published, or None when it can be."""
    reading = [f for f in ex.findings if f.blame == "reading" and f.severity == "error"]
    if reading:
        return "; ".join(f"{f.rule}: {f.message}" for f in reading)
    if ex.year is None:
        return "unknown_year: 无法确定统计年度 / statistics year not found"
    if not ex.body.name:
        return "unknown_body: 无法确定发布机关 / issuing body not found"
    if not ex.values:
        return "no_values: 未读出任何数值 / no figures found"
    return None


def _parse_date(s: str | None) -> date | None:
    if not s:
        return None
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


_ENTRY_SCHEMA = {
    "sha256": pl.Utf8, "file_name": pl.Utf8, "suffix": pl.Utf8, "size_bytes": pl.Int64,
    "origin": pl.Utf8, "ingested_at": pl.Utf8, "kind": pl.Utf8, "shard": pl.Utf8,
}


def entries_frame(entries: Sequence[InboxEntry]) -> pl.DataFrame:
    """Inbox entries as a frame, with their shard (what the ``raw_documents`` asset hands on)."""
    rows = [(e.sha256, e.file_name, e.suffix, e.size_bytes, e.origin, e.ingested_at, e.kind,
             shard_of(e.sha256)) for e in entries]
    return pl.DataFrame(rows, schema=_ENTRY_SCHEMA, orient="row")


def frame_entries(frame: pl.DataFrame) -> list[InboxEntry]:
    """Inverse of :func:`entries_frame`."""
    return [InboxEntry(*row[:7]) for row in frame.iter_rows()]


def raw_document_frame(entries: Sequence[InboxEntry]) -> pl.DataFrame:
    """The inventory of raw documents."""
    return raw_document_from_entries(entries_frame(entries))


def raw_document_from_entries(entries: pl.DataFrame) -> pl.DataFrame:
    """:func:`raw_document_frame` from a frame of inbox entries (:func:`entries_frame`).

    Built column-wise: a national inbox has 200,000 entries, and making an object of each to
    read its fields back cost two seconds of every build.
    """
    if not entries.height:
        return empty_frame("raw_document")
    return conform(
        "raw_document",
        entries.select(
            "sha256", "file_name",
            pl.col("suffix").str.strip_prefix(".").alias("container"),
            "size_bytes",
            pl.col("ingested_at").str.to_datetime(time_zone="UTC")
            .dt.replace_time_zone(None).alias("ingested_at"),
            "origin",
        ),
    )


def report_frame(extractions: Iterable[Extraction], demo: set[str] | bool) -> pl.DataFrame:
    """One row per document with its status (published / quarantined / not_report) and metadata.

    ``demo`` is the set of sha256 of generated demo documents (or True/False for all).
    """
    rows = []
    for ex in extractions:
        status, reason = report_status(ex)
        rows.append(
            {
                "report_id": ex.sha256,
                "source": ex.source,
                "container": ex.container,
                "body_id": body_id(ex.body.name, ex.body.region_code),
                "body_name": ex.body.name,
                "region_code": ex.body.region_code,
                "level": ex.body.level,
                "body_type": ex.body.type,
                "year": ex.year,
                "template": ex.template,
                "status": status,
                "document_kind": ex.document_kind,
                "quarantine_reason": reason,
                "title": ex.title,
                "published_date": _parse_date(ex.published),
                "values_count": len(ex.values),
                "is_demo": demo if isinstance(demo, bool) else ex.sha256 in demo,
            }
        )
    if not rows:
        return empty_frame("core_report").with_columns(
            pl.lit(None, pl.Utf8).alias("level"), pl.lit(None, pl.Utf8).alias("body_type")
        )
    text = (
        "body_id",
        "body_name",
        "region_code",
        "level",
        "body_type",
        "template",
        "quarantine_reason",
        "title",
    )
    frame = pl.DataFrame(rows, infer_schema_length=None).with_columns(
        pl.col(text).cast(pl.Utf8), pl.col("year").cast(pl.Int64))
    return redact_quoted_columns(frame, ["source", "title", "quarantine_reason"])


def value_frame(extractions: Iterable[Extraction], published: set[str]) -> pl.DataFrame:
    """The long fact table: one row per published report and canonical key.

    Built a report at a time with list operations, the provenance encoded by orjson as bytes
    (:func:`object_texts`) and decoded by Polars in one pass: a national build makes some 40
    million rows here, and a per-value loop with ``json.dumps`` was most of the time spent
    writing a segment.
    """
    known = measure_index()
    report_ids: list[str] = []
    keys: list[str] = []
    values: list[float] = []
    kinds: list[str] = []
    methods: list[str] = []
    provenance: list[bytes] = []
    for ex in extractions:
        if ex.sha256 not in published:
            continue
        got, provs, cells = ex.values, ex.provenance, ex.cells
        mine = [k for k, v in got.items() if v is not None and k in known]
        if not mine:
            continue
        report_ids += [ex.sha256] * len(mine)
        keys += mine
        values += [got[k] for k in mine]
        kinds += [cells.get(k, "number") for k in mine]
        where = [provs.get(k) or {} for k in mine]
        methods += [p.get("method", "table") for p in where]
        source = {"source": ex.source}
        provenance += object_texts([{**source, **p} for p in where])
    if not keys:
        return empty_frame("core_value")
    return redact_quoted_columns(pl.DataFrame([
        pl.Series("report_id", report_ids, pl.Utf8),
        pl.Series("key", keys, pl.Utf8),
        pl.Series("value", values, pl.Float64, strict=False),
        pl.Series("cell_kind", kinds, pl.Utf8),
        pl.Series("method", methods, pl.Utf8),
        pl.Series("provenance", provenance, pl.Binary).cast(pl.Utf8),
    ]), ["provenance"])


def object_texts(objects: list[dict]) -> list[bytes]:
    """Each dict as compact JSON with sorted keys: ``orjson.dumps(d, option=OPT_SORT_KEYS)``.

    orjson encodes a list five times faster than its items one call each (a call's own cost is
    most of a small object's), and a list of objects is ``[`` their texts joined by ``,`` ``]``.
    So the list is encoded once and cut where one object ends and the next begins, at ``},{``.
    A text can hold ``},{`` too (a row label quoted in the provenance): then there are more
    pieces than objects, and the objects are encoded one by one.
    """
    dumps, sort = orjson.dumps, orjson.OPT_SORT_KEYS
    pieces = dumps(objects, option=sort)[2:-2].split(b"},{")  # [] gives one piece: re-encoded
    if len(pieces) != len(objects):
        return [dumps(d, option=sort) for d in objects]
    return [b"{" + piece + b"}" for piece in pieces]


def finding_frame(extractions: Iterable[Extraction]) -> pl.DataFrame:
    """Every finding of every report, published or not."""
    rows = [
        {
            "report_id": ex.sha256,
            "rule": f.rule,
            "severity": f.severity,
            "keys": ",".join(f.keys),
            "message": f.message,
            "blame": f.blame,
            "detail": f.detail or None,
        }
        for ex in extractions
        for f in ex.findings
    ]
    if not rows:
        return empty_frame("core_finding").drop("body_id", "year")
    frame = pl.DataFrame(rows, schema_overrides={"detail": pl.Utf8})
    return redact_quoted_columns(frame, ["message", "detail"])


def quarantine_frame(reports: pl.DataFrame) -> pl.DataFrame:
    """Quarantined reports, with the rule and the reason."""
    q = reports.filter(pl.col("status") == "quarantined")
    return conform(
        "core_quarantine",
        q.select(
            pl.col("source").alias("item"),
            pl.lit("extract").alias("stage"),
            pl.col("quarantine_reason")
            .str.extract(r"^([a-z_]+)", 1)
            .fill_null("unreadable")
            .alias("rule"),
            pl.col("quarantine_reason").alias("reason"),
            pl.lit(datetime.now(UTC).replace(tzinfo=None, microsecond=0)).alias("detected_at"),
        ),
    )

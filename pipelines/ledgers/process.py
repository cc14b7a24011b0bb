"""One ledger file → its applications (normalised, timed, without personal data) and bad rows.

The heavy work is a handful of vectorized polars expressions over the whole file; nothing here
loops over rows in Python. A row that cannot be read (no receipt date, an unknown applicant
type or outcome label, an unreadable date, a count shaped like a phone; or one the reader set
aside: a damaged line, a ragged row) is kept with ``quarantine_reason`` set and never
aggregated; the file's other rows go on. ``rows`` holds every non-blank row of the file, so
``rows.height == rows_in``. The reason names the row, the column and the shape of the cell,
never the cell (:mod:`pipelines.ledgers.shapes`). Rows that can be read but look wrong carry
findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.extract.model import Body
from pipelines.ledgers import body as bodies
from pipelines.ledgers import columns as column_reading
from pipelines.ledgers import deadlines, normalize, privacy, shapes
from pipelines.ledgers.dates import parse_dates
from pipelines.ledgers.headers import FIELDS
from pipelines.ledgers.ledger_map import LedgerMap
from pipelines.ledgers.read import LedgerReadError, RawLedger, read_ledger_bytes

# rule → (severity, message zh / en). Row findings; overdue is a result, not a finding.
FINDINGS: dict[str, tuple[str, str]] = {
    "unreadable_row": ("error", "无法读取该行 / row cannot be read"),
    "calendar_coverage": (
        "error",
        "日期超出官方节假日日历覆盖范围，未计算期限 / date outside the official calendar: "
        "no deadline computed",
    ),
    "reply_before_receipt": ("error", "答复日期早于收到日期 / replied before received"),
    "no_reply_date": ("warning", "已有处理结果但无答复日期 / outcome without a reply date"),
    "reply_while_pending": ("warning", "办理中却有答复日期 / pending but has a reply date"),
    "received_after_year": (
        "warning",
        "收到日期晚于台账年度 / received after the ledger's year",
    ),
    "unknown_outcome": (
        "warning",
        "处理结果无法识别：保留该行（日期与期限照常计算），处理结果留空；可用台账映射文件指定 / "
        "outcome label not recognised: the row is kept (dates and deadline computed), its "
        "outcome left empty; a ledger map file can say what it means",
    ),
    "ambiguous_outcome": (
        "warning",
        "处理结果有歧义，可读作 {tie}：保留该行，处理结果留空，不作猜测 / outcome label is "
        "ambiguous: {tie}; the row is kept, its outcome left empty, never guessed",
    ),
    "unknown_applicant_type": (
        "warning",
        "申请人类型无法识别：保留该行（日期与期限照常计算），只计入表三总计列；可用台账映射文件"
        "指定 / applicant type not recognised: the row is kept (dates and deadline computed) and "
        "counted in table 三's total column only; a ledger map file can say what it means",
    ),
    "correction_receipt_assumed": (
        "info",
        "仅有补正告知日期：以其为补正后申请收到日，期限为最早可能日期 / only the 补正 notice "
        "date is known: the deadline counts from it (the earliest possible)",
    ),
}
_DATE_FIELDS = ("received", "replied", "correction_requested", "correction_received")


@dataclass
class LedgerResult:
    """What one file gave: every data row (``quarantine_reason`` null when it is usable)."""

    source: str
    rows: pl.DataFrame
    body: Body | None = None
    body_rule: str = "unknown"
    year: int | None = None
    file_error: str | None = None
    encoding: str = ""
    unknown_headers: list[str] = field(default_factory=list)
    ambiguous_headers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rows_in: int = 0  # non-blank rows under the header, read or set aside
    # Findings about the file's columns (columns.FILE_FINDINGS): ambiguous or unread headers.
    file_findings: list[dict] = field(default_factory=list)
    # How each header was read (columns.columns): provenance, "map" or "matcher".
    columns: list[dict] = field(default_factory=list)
    ledger_map: str = ""  # the map file(s) applied, if any

    @property
    def years(self) -> list[int]:
        """Every statistics year of the file: its own and those of its sheets (one per year)."""
        rows = self.rows["year"].drop_nulls().to_list() if "year" in self.rows.columns else []
        own = [] if self.year is None else [self.year]
        return sorted({*own, *rows})

    @property
    def applications(self) -> pl.DataFrame:
        """Rows that can be aggregated: readable and with a known body."""
        return self.rows.filter(
            pl.col("quarantine_reason").is_null() & pl.col("body_id").is_not_null()
        )

    @property
    def quarantined(self) -> pl.DataFrame:
        """Rows that cannot be used, with the reason."""
        return self.rows.filter(
            pl.col("quarantine_reason").is_not_null() | pl.col("body_id").is_null()
        )


def body_id(name: pl.Expr, region: pl.Expr) -> pl.Expr:
    """``warehouse.frames.body_id`` vectorized: ``<region code or 000000>|<name>``."""
    return pl.when(name.is_not_null()).then(
        pl.concat_str([region.fill_null("000000"), pl.lit("|"), name])
    )


# field → (zh, en) as reasons name the column (titles, not data).
_COLUMN_NAMES: dict[str, tuple[str, str]] = {
    "received": ("收到日期", "received date"),
    "replied": ("答复日期", "reply date"),
    "correction_requested": ("补正日期", "correction notice date"),
    "correction_received": ("补正收到日期", "corrected application received"),
    "applicant_type": ("申请人类型", "applicant type"),
    "outcome": ("处理结果", "outcome"),
    "third_party_days": ("征求第三方意见天数", "third-party days"),
    "fee": ("收费金额", "fee"),
}


def _problem(field: str, when: pl.Expr, zh: str | pl.Expr, en: str | pl.Expr) -> pl.Expr:
    """``第 N 行 <column>：<problem>（<shape>）/ row N <column>: <problem> (<shape>)``.

    The cell is described by :func:`pipelines.ledgers.shapes.shape`, never quoted: when
    columns are swapped it holds an ID number or a phone, and reasons are published.
    """
    col_zh, col_en = _COLUMN_NAMES[field]
    row = pl.col("row").cast(pl.Utf8)
    raw = pl.col(field)
    zh = pl.lit(zh) if isinstance(zh, str) else zh
    en = pl.lit(en) if isinstance(en, str) else en
    text = pl.concat_str(
        [
            pl.lit("第 "), row, pl.lit(f" 行 {col_zh}："), zh,
            pl.lit("（"), shapes.shape(raw, "zh"), pl.lit("）/ row "), row,
            pl.lit(f" {col_en}: "), en, pl.lit(" ("), shapes.shape(raw, "en"), pl.lit(")"),
        ]
    )  # fmt: skip
    return pl.when(when).then(text)


def _unreadable_date(field: str) -> pl.Expr:
    text = pl.col(field).fill_null("").str.strip_chars()
    parsed = pl.col(f"{field}_date")
    return _problem(field, (text != "") & parsed.is_null(), "不是日期", "not a date")


def _unreadable_number(field: str) -> pl.Expr:
    """A count or amount shaped like personal data: the columns are swapped, do not trust it."""
    return _problem(field, shapes.looks_personal(pl.col(field)), "不是数字", "not a number")


def _parse(raw: pl.DataFrame, labels: LedgerMap | None = None) -> pl.DataFrame:
    labels = labels or LedgerMap()
    outcomes = labels.label("outcome")
    for f in FIELDS:
        if f not in raw.columns:
            raw = raw.with_columns(pl.lit(None, pl.Utf8).alias(f))
    parsed = raw.with_columns(
        *(parse_dates(pl.col(f)).alias(f"{f}_date") for f in _DATE_FIELDS),
        applicant=normalize.applicant_type(
            pl.col("applicant_type"), labels.label("applicant_type")
        ),
        outcome_key=normalize.outcome(pl.col("outcome"), outcomes),
        outcome_tie=normalize.outcome_tie(pl.col("outcome"), outcomes),
        channel_code=normalize.channel(pl.col("channel")),
        extended_flag=normalize.yes(pl.col("extended")),
        tp_days=normalize.number(pl.col("third_party_days")).fill_null(0).cast(pl.Int64),
        fee_yuan=normalize.number(pl.col("fee")),
    )
    row = pl.col("row").cast(pl.Utf8)
    no_receipt = [pl.lit("第 "), row, pl.lit(" 行 缺少收到申请日期 / row "), row]
    missing_received = pl.when(pl.col("received").fill_null("").str.strip_chars() == "").then(
        pl.concat_str([*no_receipt, pl.lit(": no receipt date")])
    )
    # An unknown or ambiguous outcome or applicant type does not cost the row: its dates and
    # deadline are still right, so it stays an application with that field empty and a finding
    # (see _findings); table 三 counts it in the 总计 column only.
    reasons = [
        missing_received,
        *(_unreadable_date(f) for f in _DATE_FIELDS),
        _unreadable_number("third_party_days"),
        _unreadable_number("fee"),
    ]
    return parsed.with_columns(
        quarantine_reason=pl.concat_str(reasons, separator="; ", ignore_nulls=True)
    ).with_columns(
        quarantine_reason=pl.when(pl.col("quarantine_reason") != "").then("quarantine_reason")
    )


def _with_body(
    frame: pl.DataFrame, source: str, title: str, reports: Mapping[str, Body] | None
) -> tuple[pl.DataFrame, Body | None, str]:
    whole, rule = bodies.file_body(source, title, reports)
    per_row = bodies.column_bodies(frame["body"]) if frame["body"].drop_nulls().len() else {}
    if per_row:
        rule = "column"

    def pick(attr: str, default: str | None) -> pl.Expr:
        mapping = {k: getattr(b, attr) for k, b in per_row.items()}
        expr = pl.col("body").replace_strict(mapping, default=None, return_dtype=pl.Utf8)
        return pl.coalesce(expr, pl.lit(default, pl.Utf8)) if per_row else pl.lit(default, pl.Utf8)

    frame = frame.with_columns(
        body_name=pick("name", whole.name if whole else None),
        region_code=pick("region_code", whole.region_code if whole else None),
        body_level=pick("level", whole.level if whole else None),
        body_type=pick("type", whole.type if whole else None),
    ).with_columns(body_id=body_id(pl.col("body_name"), pl.col("region_code")))
    return frame, whole, rule


def _findings(frame: pl.DataFrame, has_receipt_col: bool) -> pl.DataFrame:
    """Row findings; the year is each row's own (a workbook may hold one sheet per year)."""
    pending = pl.col("outcome") == ""
    conds = {
        "calendar_coverage": pl.col("calendar_error"),
        "reply_before_receipt": pl.col("replied") < pl.col("received"),
        "no_reply_date": ~pending & pl.col("replied").is_null(),
        "reply_while_pending": pending & pl.col("replied").is_not_null(),
        "received_after_year": pl.col("received").dt.year() > pl.col("year").fill_null(9999),
        "correction_receipt_assumed": pl.lit(not has_receipt_col)
        & pl.col("correction_requested").is_not_null(),
        "unknown_outcome": pl.col("outcome").is_null() & pl.col("outcome_tie").is_null(),
        "ambiguous_outcome": pl.col("outcome").is_null() & pl.col("outcome_tie").is_not_null(),
        "unknown_applicant_type": pl.col("applicant_type").is_null(),
    }
    exprs = [pl.when(c.fill_null(False)).then(pl.lit(rule)) for rule, c in conds.items()]
    return frame.with_columns(findings=pl.concat_list(exprs).list.drop_nulls())


def process_ledger(
    data: bytes,
    source: str,
    *,
    reports: Mapping[str, Body] | None = None,
    hash_key: bytes | None = None,
    ledger_map: LedgerMap | None = None,
) -> LedgerResult:
    """Read, normalise, protect and time one ledger file; never raises on bad content.

    Args:
        data: The file's bytes (CSV or XLSX).
        source: Its file name (used for the container, the year and the body, see body.py).
        reports: Report stem → body, for ledgers filed beside their report (rule 4).
        hash_key: Key of the applicant hash; None uses ``GONGKAI_PII_KEY`` or the demo key.
        ledger_map: The user's header and label overrides, applied before the matcher.
    """
    ledger_map = ledger_map or LedgerMap()
    try:
        raw = read_ledger_bytes(data, source, ledger_map.headers)
    except LedgerReadError as exc:
        return LedgerResult(source, _empty_rows(), file_error=str(exc))
    try:
        return _process_raw(raw, source, reports, hash_key, ledger_map)
    except Exception as exc:  # a defect met on one file must not stop the others
        # the exception's kind only: its message may quote a cell (personal data)
        kind = type(exc).__name__
        return LedgerResult(
            source,
            _empty_rows(),
            file_error=f"读取时出错（{kind}），整个文件已隔离 / failed while reading ({kind}); "
            "the file is set aside",
        )


def _process_raw(
    raw: RawLedger,
    source: str,
    reports: Mapping[str, Body] | None,
    hash_key: bytes | None,
    ledger_map: LedgerMap,
) -> LedgerResult:
    parsed = _parse(raw.table, ledger_map)
    year = bodies.ledger_year(
        parsed["year"] if parsed["year"].drop_nulls().len() else None,
        raw.title,
        source,
        parsed["replied_date"],
        parsed["received_date"],
    )
    parsed, body, rule = _with_body(parsed, source, raw.title, reports)
    has_receipt_col = "correction_received" in raw.table.columns
    frame = parsed.select(
        "row",
        pl.col("sheet") if "sheet" in parsed.columns else pl.lit(None, pl.Utf8).alias("sheet"),
        "body_name",
        "region_code",
        "body_level",
        "body_type",
        "body_id",
        pl.coalesce(pl.col("sheet_year"), pl.lit(year, pl.Int64)).alias("year")
        if "sheet_year" in parsed.columns
        else pl.lit(year, pl.Int64).alias("year"),
        pl.col("received_date").alias("received"),
        pl.col("correction_requested_date").alias("correction_requested"),
        pl.col("correction_received_date").alias("correction_received"),
        pl.col("replied_date").alias("replied"),
        pl.col("extended_flag").alias("extended"),
        pl.col("tp_days").alias("third_party_days"),
        pl.col("applicant").alias("applicant_type"),
        pl.col("channel_code").alias("channel"),
        pl.col("outcome_key").alias("outcome"),
        "outcome_tie",
        pl.col("fee_yuan").alias("fee"),
        "quarantine_reason",
        "name",
        "id_number",
        "phone",
        "address",
        "email",
        "content",
    )
    frame = deadlines.timeliness(frame, column_reading.natural_third_party(raw.header_map))
    frame = _findings(frame, has_receipt_col)
    frame = privacy.protect(frame, hash_key or privacy.pii_key())
    frame = frame.with_columns(
        carried_over=pl.col("received").dt.year() < pl.col("year"),
        pending=(pl.col("outcome") == "").fill_null(False),
        on_time=pl.when(pl.col("overdue_days").is_not_null()).then(pl.col("overdue_days") == 0),
        outcome_category=pl.col("outcome").str.split(".").list.first(),
    )
    return LedgerResult(
        source,
        _with_bad_rows(frame, raw.bad_rows),
        body,
        rule,
        year,
        None,
        raw.encoding,
        raw.unknown_headers,
        raw.ambiguous_headers,
        raw.rows_in,
        column_reading.findings(raw.header_map, ledger_map.source) if raw.header_map else [],
        column_reading.columns(raw.header_map) if raw.header_map else [],
        ledger_map.source if ledger_map else "",
    )


def _with_bad_rows(frame: pl.DataFrame, bad: list[tuple[int, str]]) -> pl.DataFrame:
    """The rows the reader set aside, as quarantined rows among the others (in row order)."""
    if not bad:
        return frame
    extra = pl.DataFrame(
        {"row": [n for n, _ in bad], "quarantine_reason": [r for _, r in bad]},
        schema={"row": pl.Int64, "quarantine_reason": pl.Utf8},
    ).with_columns(findings=pl.lit([], pl.List(pl.Utf8)))
    return pl.concat([frame, extra], how="diagonal_relaxed").sort("row")


def _empty_rows() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "row": pl.Int64,
            "sheet": pl.Utf8,
            "quarantine_reason": pl.Utf8,
            "body_id": pl.Utf8,
        }
    )


def process_ledgers(
    paths: Iterable[Path], reports: Mapping[str, Body] | None = None
) -> list[LedgerResult]:
    """:func:`process_ledger` over files on disk (the CLI's entry point)."""
    return [process_ledger(Path(p).read_bytes(), Path(p).name, reports=reports) for p in paths]


def _finding(rule: str, message: str | None = None) -> dict:
    severity, text = FINDINGS[rule]
    return {"rule": rule, "severity": severity, "message": message or text}


def json_rows(result: LedgerResult) -> list[dict]:
    """The ``gongkai ledger --json`` objects of one file: one per data row, read or not."""
    if result.file_error:
        return [
            {
                "source": result.source,
                "row": None,
                "received": None,
                "deadline": None,
                "replied": None,
                "working_days": None,
                "overdue_days": None,
                "applicant_type": None,
                "outcome": None,
                "findings": [_finding("unreadable_row", result.file_error)],
            }
        ]
    out = []
    cols = (
        "row",
        "sheet",
        "received",
        "deadline",
        "replied",
        "working_days",
        "overdue_days",
        "applicant_type",
        "outcome",
        "findings",
        "quarantine_reason",
        "outcome_tie",
    )
    rows = result.rows.with_columns(
        *(pl.lit(None, pl.Utf8).alias(c) for c in ("outcome_tie",) if c not in result.rows.columns)
    )
    for r in rows.select(cols).iter_rows(named=True):
        findings = [_finding(f) for f in r["findings"] or []]
        for f in findings:
            f["message"] = f["message"].replace("{tie}", r["outcome_tie"] or "?")
        if r["quarantine_reason"]:
            findings.insert(0, _finding("unreadable_row", r["quarantine_reason"]))
        out.append(
            {
                "source": result.source,
                **({"sheet": r["sheet"]} if r["sheet"] else {}),
                "row": r["row"],
                "received": r["received"].isoformat() if r["received"] else None,
                "deadline": r["deadline"].isoformat() if r["deadline"] else None,
                "replied": r["replied"].isoformat() if r["replied"] else None,
                "working_days": r["working_days"],
                "overdue_days": r["overdue_days"],
                "applicant_type": r["applicant_type"],
                "outcome": r["outcome"] or None,
                "findings": findings,
            }
        )
    return out


def file_json(result: LedgerResult) -> dict | None:
    """The ``gongkai ledger --json`` object about the file itself (``row`` null), if any.

    Carries the column findings (an ambiguous or unread deadline-bearing header) and how each
    column was read, so a reader of the JSON sees what the rows cannot say.
    """
    if result.file_error or not result.file_findings:
        return None
    return {
        "source": result.source,
        "row": None,
        "findings": [
            {k: f[k] for k in ("rule", "severity", "message")} for f in result.file_findings
        ],
        "columns": result.columns,
        "ledger_map": result.ledger_map or None,
    }

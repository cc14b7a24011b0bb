"""Where a number comes from: the report, the cell or sentence, and the source text around it.

``core_value`` keeps each value's provenance (table, row, column and line, or the sentence and
its span); the document itself is kept unchanged in the inbox under its sha256, which is the
report id. Reading it again with the extraction engine's own reader gives the very lines the
engine read, so the line number in the provenance points at the right row, and for a PDF the
reader says which page each line is on. Queries here are pure (a DuckDB connection in, frames
or dicts out); ``source_context`` is pure over the document's bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from dashboards.data import q, report_of
from warehouse.marts import REGION_RATES

CONTEXT_LINES = 3  # lines shown before and after a table row (a flattened row spans a few)
CONTEXT_CHARS = 120  # characters shown either side of a sentence


def measure_keys(measure: str) -> tuple[str, ...]:
    """The canonical keys a dashboard measure is made of (a rate: numerator then denominator)."""
    if measure.startswith("rate.") and measure[5:] in REGION_RATES:
        num, den = REGION_RATES[measure[5:]]
        return (*num, *den)
    return (measure,)


def region_bodies(
    con: duckdb.DuckDBPyConnection, year: int, region: str, measure: str
) -> pl.DataFrame:
    """The bodies whose reports make up a region's figure, each with its report and value.

    A region's bodies are those of the region and every region inside it (a county's townships
    included), as in the rollup. For a rate, ``value`` is the numerator's keys added up and
    ``denominator`` the denominator's, so the rows add up to the region's figure.
    """
    if measure.startswith("rate.") and measure[5:] in REGION_RATES:
        from dashboards.rates import body_rates

        df = body_rates(con, year, region, measure[5:])
        return df.select("body_id", "body_name", "report_id", "numerator", "denominator", "value")
    sql = f"""
        SELECT b.body_id, b.body_name, {report_of(con)} AS report_id, b.{q(measure)} AS value
        FROM out_body_year b
        WHERE b.year = $y AND b.region_code IN (
            SELECT region_code FROM dim_region WHERE region_code = $r OR city_code = $r
                OR province_code = $r OR parent_code = $r)
        ORDER BY value DESC NULLS LAST, b.body_name
    """
    return con.sql(sql, params={"y": year, "r": region}).pl()


def report_values(
    con: duckdb.DuckDBPyConnection, report_id: str, keys: tuple[str, ...]
) -> pl.DataFrame:
    """Each key's value in one report with how it was read, in the order of ``keys``."""
    df = con.sql(
        """
        SELECT v.key, v.value, v.cell_kind, v.method, v.provenance,
            r.source, r.year, coalesce(b.name, r.body_id) AS body_name, r.title
        FROM core_value v JOIN core_report r USING (report_id)
        LEFT JOIN dim_body b ON b.body_id = r.body_id
        WHERE v.report_id = $rid AND list_contains($keys, v.key)
        """,
        params={"rid": report_id, "keys": list(keys)},
    ).pl()
    order = {k: i for i, k in enumerate(keys)}
    return df.with_columns(
        pl.col("key").replace_strict(order, default=len(order), return_dtype=pl.Int32).alias("_o")
    ).sort("_o").drop("_o")


def report_header(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, Any]:
    """The report's file, container, body, year and title (empty when unknown)."""
    df = con.sql(
        "SELECT r.report_id, r.source, r.body_id, coalesce(b.name, r.body_id) AS body_name, "
        "r.year, r.title, r.template FROM core_report r "
        "LEFT JOIN dim_body b ON b.body_id = r.body_id WHERE r.report_id = $rid",
        params={"rid": report_id},
    ).pl()
    return df.row(0, named=True) if df.height else {}


def findings_on(
    con: duckdb.DuckDBPyConnection, report_id: str, keys: tuple[str, ...]
) -> pl.DataFrame:
    """The report's findings naming any of ``keys`` (``core_finding.keys``: comma-separated)."""
    return con.sql(
        """
        SELECT rule, severity, blame, keys, message FROM core_finding
        WHERE report_id = $rid
          AND len(list_intersect(string_split(CAST(keys AS VARCHAR), ','), $keys)) > 0
        ORDER BY CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, rule
        """,
        params={"rid": report_id, "keys": list(keys)},
    ).pl()


@dataclass
class SourceContext:
    """The text around one value: numbered lines (the value's row marked) or a sentence."""

    lines: list[tuple[int, str, bool]] = field(default_factory=list)
    page: int | None = None
    before: str = ""
    sentence: str = ""
    after: str = ""
    found: bool = False


def inbox_file(inbox: Path, report_id: str) -> Path | None:
    """The document of a report in the inbox (``objects/<aa>/<sha256><ext>``)."""
    folder = inbox / "objects" / report_id[:2]
    if not folder.is_dir():
        return None
    return next(iter(sorted(folder.glob(f"{report_id}*"))), None)


def _read(data: bytes, source: str) -> tuple[list[list[str]], list[int] | None]:
    """The engine's lines of a document, and for a PDF the page of each line."""
    from pipelines.extract.readers import read_bytes, read_pdf_lines, sniff_container

    if sniff_container(data, source) == "pdf":
        pages: list[int] = []
        return read_pdf_lines(data, None, source, line_pages=pages), pages
    return read_bytes(data, source).lines, None


def _clean(cells: list[str]) -> str:
    from pipelines.extract.readers import EMPTY_MARK

    return " ".join(c if c != EMPTY_MARK else "□" for c in cells)


def needs_document(provenance: dict) -> bool:
    """Whether the provenance points into the text (a line or a sentence) at all.

    A value read without a line number (e.g. a PDF table cell placed by template order) has no
    text to show, so the document need not be read for it.
    """
    return isinstance(provenance.get("line"), int) or bool(provenance.get("sentence"))


@dataclass
class DocumentText:
    """A document as the engine read it: cleaned lines and, for a PDF, each line's page."""

    lines: list[str]
    pages: list[int] | None


def document_text(data: bytes, source: str) -> DocumentText:
    """Read a document once; every value of the same report is then located in this text."""
    lines, pages = _read(data, source)
    return DocumentText([_clean(cells) for cells in lines], pages)


def source_context(data: bytes, source: str, provenance: dict) -> SourceContext:
    """The lines around a table value's row, or the sentence a prose value was read from.

    For a PDF the lines shown are those of the value's page only, and the page is named.
    """
    if not needs_document(provenance):
        return SourceContext()
    return context_in(document_text(data, source), provenance)


def context_in(doc: DocumentText, provenance: dict) -> SourceContext:
    """``source_context`` over an already read document (see ``document_text``)."""
    lines, pages = doc.lines, doc.pages
    line = provenance.get("line")
    if isinstance(line, int) and 0 <= line < len(lines):
        page = pages[line] if pages else None
        lo, hi = max(0, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES + 1)
        if pages:
            while lo < line and pages[lo] != page:
                lo += 1
            while hi > line + 1 and pages[hi - 1] != page:
                hi -= 1
        shown = [(i + 1, lines[i], i == line) for i in range(lo, hi)]
        return SourceContext(lines=shown, page=page, found=True)
    sentence = provenance.get("sentence")
    if sentence:
        text = "\n".join(lines)
        at = text.find(sentence)
        if at < 0:
            return SourceContext(sentence=sentence)
        page = None
        if pages:
            page = pages[min(text.count("\n", 0, at), len(pages) - 1)]
        return SourceContext(
            before=text[max(0, at - CONTEXT_CHARS) : at],
            sentence=sentence,
            after=text[at + len(sentence) : at + len(sentence) + CONTEXT_CHARS],
            page=page,
            found=True,
        )
    return SourceContext()


def provenance_of(raw: str | None) -> dict:
    """``core_value.provenance`` as a dict (empty when missing or not JSON)."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}

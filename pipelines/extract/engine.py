"""The extraction pipeline for one document: read → normalise → metadata → tables → prose → rules.

Pure: bytes in, :class:`Extraction` out. Every step that can fail on a strange file is inside
:func:`extract_bytes`'s guard, so one bad file never stops a run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import NamedTuple

from pipelines.extract import prose
from pipelines.extract.kind import classify_document, kind_extraction
from pipelines.extract.limits import check_file_size, current_limits
from pipelines.extract.metadata import read_metadata
from pipelines.extract.model import Extraction, Finding
from pipelines.extract.proactive import read_proactive
from pipelines.extract.readers import Document, read_bytes, sniff_container
from pipelines.extract.refusal import Refusal
from pipelines.extract.stats_table import read_stats_table
from pipelines.extract.tables import TableRead, read_appeals, read_applications
from pipelines.extract.template import detect_template
from pipelines.extract.tokens import group_tokens, tokenize
from schemas.rules import check_all

# 0.5.3: old Office formats (.doc/.wps/.xls/.et) read; findings carry a detail (candidates,
# where) for review. 0.5.4: a PDF page with glyphs PDFium could not measure (a Chinese font
# neither embedded nor installed) is read by pdfminer, so extractions made without a font differ.
ENGINE_VERSION = "0.5.4"
# Containers read through another format or program (:mod:`pipelines.extract.office`): each
# value's provenance says how (``"via": "doc→docx (LibreOffice 7.4)"``). A PDF some of whose
# pages were read by pdfminer says so too (``"via": "pdfium+pdfminer:2,3"``).
CONVERTED = frozenset(("doc", "rtf", "xls", "xlsx"))


def _merge(ex: Extraction, part: TableRead) -> None:
    ex.values.update(part.values)
    ex.cells.update(part.cells)
    ex.provenance.update(part.provenance)
    ex.findings.extend(part.findings)


def _read_tables(ex: Extraction, doc: Document, text: str) -> bool:
    """Tables 二/三/四; True when table 三 is in the document (read or withheld)."""
    groups = group_tokens(tokenize(doc.lines, doc.table_rows))
    apps = read_applications(groups, doc.container)
    _merge(ex, apps)
    if apps.values or apps.findings:
        _merge(ex, read_appeals(groups, apps.end, doc.container))
    _merge(ex, read_proactive(groups, apps.end or len(groups), ex.template, doc.container, text))
    return apps.end > 0 or bool(apps.values or apps.findings)


def _read_stats_table(ex: Extraction, doc: Document, reading: prose.ProseReading) -> None:
    """The pre-2019 statistics table; the prose's own figures only choose among its readings."""
    stated = {f.key: f.value for f in reading.figures
              if f.key.startswith("headline.") and f.kind == "number"}
    groups = group_tokens(tokenize(doc.lines, doc.table_rows))
    _merge(ex, read_stats_table(groups, doc.container, stated))


def _read_prose(ex: Extraction, doc: Document, reading: prose.ProseReading,
                table_found: bool) -> None:
    """``headline.*`` always; table keys from prose only where the document has no table 三.

    A pre-2019 report, or a later one whose tables were lost in scraping, states its table
    figures in prose. Where table 三 is printed, its figures stand — even where a cell was
    withheld as unreadable, since a prose figure of another scope must not fill that gap — and
    the prose keeps only ``headline.*``. Numbers the reader could not place become
    ``unplaced_figure`` findings.
    """
    figures = [f for f in reading.figures if f.key.startswith("headline.")]
    if ex.template == "pre2019" or not table_found:
        figures += prose.table_figures(reading.figures)
    if ex.template == "pre2019":
        figures += reading.channels  # rows of the pre-2019 statistics table only
    for f in figures:
        if f.key in ex.values:
            continue
        ex.values[f.key] = f.value
        if f.kind != "number":
            ex.cells[f.key] = f.kind
        ex.provenance[f.key] = {"method": "prose", "reader": doc.container, "span": list(f.span),
                                "sentence": f.sentence}
    ex.findings.extend(reading.findings)


class DocumentReading(NamedTuple):
    """One reading of a document: its extraction, its normalised text and its prose reading.

    ``prose`` is what the prose reader found in the running text (table rows blanked, offsets
    those of :func:`prose.compact` of ``text``), or None when the document was not read for
    figures. The report checker's text facts take their figures from it
    (:func:`pipelines.checker.facts.document_facts`) instead of reading the prose again: that
    second reading was about a sixth of a document's time in a build.
    """

    extraction: Extraction
    text: str
    prose: prose.ProseReading | None = None


def extract_document(doc: Document, source: str, sha256: str) -> Extraction:
    """Extract everything from a read document."""
    return _extract(doc, source, sha256)[0]


def _extract(doc: Document, source: str, sha256: str
             ) -> tuple[Extraction, prose.ProseReading | None]:
    # Document kind (pipelines/extract/kind.py): a scan or a document that is not an annual
    # report is listed with one finding and never read for figures.
    verdict = classify_document(doc.lines, doc.container, source)
    if not verdict.is_report:
        return kind_extraction(verdict, doc.container, source, sha256), None
    lines = [" ".join(line) for line in doc.lines]
    text = doc.text
    meta = read_metadata(lines, text)
    ex = Extraction(source=source, sha256=sha256, container=doc.container, body=meta.body,
                    year=meta.year, title=meta.title, published=meta.published)
    ex.findings.extend(meta.findings)
    ex.template = detect_template(text, meta.year)
    # The running text, table rows blanked out where the reader knows them (same offsets).
    compact = (prose.masked_tables(doc.prose_lines()) if doc.table_rows
               else prose.compact(text))
    reading = prose.read_prose(compact)
    table_found = False
    if ex.template != "pre2019":
        table_found = _read_tables(ex, doc, compact)
    else:
        _read_stats_table(ex, doc, reading)
    _read_prose(ex, doc, reading, table_found)
    ex.findings.extend(check_all(ex.values, ex.cells, ex.template))
    if ex.year is None:
        msg = f"{source}: 无法确定统计年度"
        ex.findings.append(Finding("no_year", "error", (), msg, "reading"))
    if not ex.values:
        msg = f"{source}: 未读出任何数字"
        ex.findings.append(Finding("no_values", "warning", (), msg, "reading"))
    if doc.container in CONVERTED or "+" in doc.reader:
        for where in ex.provenance.values():
            where["via"] = doc.reader
    # Its spans are the checker's only if they point into the compacted text (masking keeps
    # the length; were it ever to change, the checker reads the prose itself).
    same = not doc.table_rows or len(compact) == len(prose.compact(text))
    return ex, reading if same else None


def extract_bytes(data: bytes, source: str) -> Extraction:
    """Extract a report from its bytes; never raises (failures become reading findings)."""
    return read_document(data, source).extraction


def read_document(data: bytes, source: str) -> DocumentReading:
    """The extraction, the normalised text and the prose reading, from one reading of the bytes.

    The report checker needs the words (:mod:`pipelines.checker.facts`) as well as the figures;
    reading a document once for both halves the work of a build. The text is ``""`` when the
    document could not be read (the extraction then says why). Never raises.
    """
    sha = hashlib.sha256(data).hexdigest()
    try:
        doc = read_bytes(data, source)
    except Refusal as refusal:
        return DocumentReading(_refused(source, sha, refusal), "")
    except MemoryError:
        return DocumentReading(_refused(source, sha, out_of_memory(source)), "")
    except Exception as exc:
        return DocumentReading(
            _unreadable(source, sha, f"{source}: 无法读取（{type(exc).__name__}: {exc}）"), "")
    reading = None
    try:
        ex, reading = _extract(doc, source, sha)
        ex.findings[:0] = doc.findings
    except MemoryError:
        ex = _refused(source, sha, out_of_memory(source))
        ex.container = doc.container
    except Exception as exc:
        ex = _unreadable(source, sha, f"{source}: 提取失败（{type(exc).__name__}: {exc}）")
        ex.container = doc.container
    try:
        return DocumentReading(ex, doc.text, reading)
    except Exception:  # the text of a document whose reading half-failed: none
        return DocumentReading(ex, "")


def out_of_memory(source: str) -> Refusal:
    """The refusal of a document that ran out of the worker's memory (MemoryError)."""
    cap = current_limits().worker_memory_mb
    return Refusal("limit_exceeded", f"{source}: 处理超出内存上限（{cap} MB）/ "
                   f"exceeded the memory limit ({cap} MB)")


def _refused(source: str, sha: str, refusal: Refusal) -> Extraction:
    return Extraction(source=source, sha256=sha, findings=[
        Finding(refusal.rule, "error", (), refusal.message, "reading")])


def _unreadable(source: str, sha: str, message: str) -> Extraction:
    return Extraction(source=source, sha256=sha, findings=[
        Finding("unreadable", "error", (), message, "reading")])


def extract_file(path: str | Path, source: str | None = None) -> Extraction:
    """Extract a report file; never raises (a missing or unreadable file becomes a finding).

    A file over its container's size limit is refused from its head and its size, without
    being read whole (its sha256 is still that of the whole file, hashed in blocks).
    """
    return read_document_file(path, source).extraction


def read_document_file(path: str | Path, source: str | None = None) -> DocumentReading:
    """:func:`read_document` of a file, refused by its size first (see :func:`extract_file`)."""
    p = Path(path)
    source = source or p.name
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(200_000)
            try:
                check_file_size(size, sniff_container(head, source), source, current_limits())
            except Refusal as refusal:
                f.seek(0)
                sha = hashlib.file_digest(f, "sha256").hexdigest()
                return DocumentReading(_refused(source, sha, refusal), "")
            data = head + f.read()
    except OSError as exc:
        return DocumentReading(
            _unreadable(source, "", f"{p}: 无法打开文件（{exc.strerror or exc}）"), "")
    return read_document(data, source)

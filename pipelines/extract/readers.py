"""Container readers: any report file → a :class:`Document` of lines of cells.

Every container (HTML, HTML inside a JS/JSON string, plain text, Markdown, PDF, DOCX) is reduced
to the same shape — lines, each a list of cells — so that table and prose extraction are written
once. A table row is one line whose cells are the row's physical cells (merged cells appear once,
a blank cell is :data:`EMPTY_MARK`); running text is one line with one cell. Containers are
recognised by their bytes (magic numbers, markup), not by the file extension alone, because
scrapers save HTML as ``.txt`` and PDFs without extensions.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

from pipelines.extract.encoding import decode_bytes, invalid_utf8, looks_binary
from pipelines.extract.limits import (
    Limits,
    check_file_size,
    check_zip_members,
    current_limits,
    text_too_long,
    too_many_lines,
    too_many_pages,
)
from pipelines.extract.model import Finding
from pipelines.extract.normalize import (
    CELL_SPLIT,
    EMPTY_MARK,
    MD_RULE,
    MD_TABLE_LINE,
    normalize_text,
)
from pipelines.extract.ole import SHEET, is_ole, ole_kind
from pipelines.extract.pdf_layout import Columns, Word, layout_lines
from pipelines.extract.pdf_text import (
    PageContent,
    find_tables,
    outside,
    page_content,
    pdfminer_chars,
    table_text,
    words,
)
from pipelines.extract.refusal import Refusal

Line = list[str]


@dataclass
class Document:
    """What a reader hands to the engine: the container and its lines of cells."""

    container: str
    lines: list[Line] = field(default_factory=list)
    encoding: str | None = None
    reader: str = ""
    # Lines that are rows of a real table (HTML/DOCX/PDF table, Markdown pipe row): each of
    # their cells was printed on its own, so a number there is never cut into several cells.
    table_rows: frozenset[int] = frozenset()
    # What the reader noticed but read anyway (a few invalid bytes in a UTF-8 file).
    findings: list[Finding] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Plain text: one line per line, cells joined by a space."""
        return "\n".join(" ".join(c for c in line if c != EMPTY_MARK) for line in self.lines)

    def prose_lines(self) -> list[tuple[str, bool]]:
        """Each line's text, and whether it is running text (what the prose reader reads).

        A row of a real table with several short cells holds labels and numbers, not
        sentences. A one-cell row, a row with a long cell, or a row with a cell that holds a
        sentence is running text: old government pages lay out their whole text in tables (a menu
        cell beside the article's cell), and a justified PDF line can print its last figure
        apart from the sentence (``…共收到政府信息公开申请`` | ``46``), which a layout reader
        takes for two columns.
        """
        rows = self.table_rows
        return [(" ".join(c for c in line if c != EMPTY_MARK),
                 i not in rows or sum(c != EMPTY_MARK for c in line) < 2
                 or max(map(len, line)) > MAX_TABLE_CELL
                 or any(len(c) >= MIN_SENTENCE_CELL and _SENTENCE_MARK.search(c) for c in line))
                for i, line in enumerate(self.lines)]


MAX_TABLE_CELL = 60  # longer than any template label: a cell holding running text
# A cell this long with a full stop or a comma mid-text is a sentence, not a template label.
MIN_SENTENCE_CELL = 20
_SENTENCE_MARK = re.compile(r"[。；]|，(?=.)")

_HTML_TAG = re.compile(r"<\s*(table|p|div|html|body|br|td|tr|span|h[1-6])\b", re.I)
_JS_STRING = re.compile(r'"((?:[^"\\]|\\.){200,})"|\'((?:[^\'\\]|\\.){200,})\'', re.S)
_WS = re.compile(r"\s+")
_BLOCK_TAGS = frozenset(
    ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
     "article", "title", "header", "footer", "ul", "ol")
)
_SKIP_TAGS = frozenset(("script", "style", "head", "noscript"))


def sniff_container(data: bytes, source: str = "") -> str:
    """Name the container of ``data``: pdf, docx (any ZIP), ole, html, js, md or txt.

    ``ole`` is an OLE2 compound file (Word/WPS binary document or BIFF spreadsheet), told
    apart by its streams when it is read (:func:`pipelines.extract.ole.ole_kind`); ``rtf`` is
    Rich Text, which Word saves and sites publish under ``.doc`` (read through LibreOffice).
    """
    head = data[:8]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if is_ole(data):
        return "ole"
    if data.lstrip()[:5] == b"{\\rtf":  # RTF, often published under a .doc name
        return "rtf"
    text, _ = decode_bytes(data[:200_000])
    return sniff_text(text, source)


def sniff_text(text: str, source: str = "") -> str:
    """Classify decoded text as html, js (HTML inside string literals), md or txt."""
    stripped = text.lstrip()
    found = _HTML_TAG.finditer(text, 0, 200_000)
    if next(found, None) is not None and next(found, None) is not None:  # two tags are enough
        if stripped.startswith("<") or not _JS_STRING.search(text):
            return "html"
        return "js"
    if "\\u003c" in text or "\\x3c" in text.lower():
        return "js"
    md_lines = sum(1 for ln in text.splitlines() if MD_TABLE_LINE.match(ln))
    if md_lines >= 3 or source.lower().endswith(".md"):
        return "md"
    return "txt"


def _clean(cell: str) -> str:
    """Normalise a cell and remove line breaks inside it (PDF/HTML wrap labels mid-word)."""
    return _WS.sub(" ", normalize_text(cell)).strip()


# Template tables repeat the same cell texts in every report ("0", the row labels), so the
# cleaned form of a short cell is memoised: normalisation per cell is most of an HTML read.
@lru_cache(maxsize=1 << 16)
def _clean_label_cell(cell: str) -> str:
    s = _clean(cell)
    # Inside one table cell, spaces between CJK characters are layout, not separators.
    return re.sub(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])", "", s)


# --- plain text and Markdown --------------------------------------------------------------


def read_text_lines(text: str) -> list[Line]:
    """Plain text: each line split on runs of tabs/spaces (flattened tables keep their cells)."""
    out: list[Line] = []
    for raw in normalize_text(text).splitlines():
        cells = [c for c in CELL_SPLIT.split(raw.strip()) if c]
        if cells:
            out.append(cells)
    return out


def read_markdown_lines(text: str, table_rows: set[int] | None = None) -> list[Line]:
    """Markdown: pipe-table rows become cell lines; other lines are read as plain text.

    An empty pipe cell is kept as a blank cell (:data:`EMPTY_MARK`): ``| 规章 | 10 | | 3 |``
    is 10, blank, 3 — dropping it would shift 3 into the blank's column. Blank padding at the
    ends of a row is trimmed by the table readers like any label column's blanks.
    """
    out: list[Line] = []
    for raw in normalize_text(text).splitlines():
        if MD_RULE.match(raw):
            continue
        if MD_TABLE_LINE.match(raw):
            cells = [_clean_label_cell(c) or EMPTY_MARK
                     for c in raw.strip().removeprefix("|").removesuffix("|").split("|")]
            if any(c != EMPTY_MARK for c in cells):
                if table_rows is not None:
                    table_rows.add(len(out))
                out.append(cells)
            continue
        line = raw.strip().lstrip("#").strip()
        cells = [c for c in CELL_SPLIT.split(line) if c]
        if cells:
            out.append(cells)
    return out


# --- HTML ---------------------------------------------------------------------------------


def _table_lines(table) -> list[Line]:
    rows: list[Line] = []
    for tr in table.css("tr"):
        cells = []
        for td in tr.iter():
            if td.tag not in ("td", "th"):
                continue
            text = _clean_label_cell(td.text(separator=" "))
            cells.append(text if text else EMPTY_MARK)
        if cells:
            rows.append(cells)
    return rows


def _walk_html(node, lines: list[Line], buf: list[str], rows: set[int]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            buf.append(child.text(deep=False) or "")
        elif tag in _SKIP_TAGS or tag == "-comment":
            continue
        elif tag == "table":
            _flush(lines, buf)
            table = _table_lines(child)
            rows.update(range(len(lines), len(lines) + len(table)))
            lines.extend(table)
        elif tag in _BLOCK_TAGS:
            _flush(lines, buf)
            _walk_html(child, lines, buf, rows)
            _flush(lines, buf)
        else:
            _walk_html(child, lines, buf, rows)


def _flush(lines: list[Line], buf: list[str]) -> None:
    if buf:
        text = "".join(buf)
        buf.clear()
        for raw in normalize_text(text).splitlines():
            cells = [c for c in CELL_SPLIT.split(raw.strip()) if c]
            if cells:
                lines.append(cells)


def read_html_lines(html: str, table_rows: set[int] | None = None) -> list[Line]:
    """HTML: block elements become lines; each ``<tr>`` becomes one line of its physical cells.

    ``table_rows`` (optional) receives the indexes of the lines that are table rows.
    """
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    lines: list[Line] = []
    buf: list[str] = []
    title = tree.css_first("title")
    if title is not None and title.text().strip():
        lines.append([_clean(title.text())])
    if root is not None:
        _walk_html(root, lines, buf, table_rows if table_rows is not None else set())
        _flush(lines, buf)
    return lines


def _as_json_body(raw: str, single_quoted: bool) -> str:
    """A JS string literal's body as a JSON string body (single quotes differ in escaping)."""
    if not single_quoted:
        return raw
    return re.sub(r'(?<!\\)"', '\\"', raw.replace("\\'", "'"))


def unwrap_js_strings(text: str) -> str:
    """HTML saved inside JS/JSON string literals: decode the literals that hold markup."""
    parts = []
    for m in _JS_STRING.finditer(text):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        try:
            s = json.loads('"' + _as_json_body(raw, m.group(1) is None) + '"')
        except ValueError:
            s = raw.encode("utf-8", "backslashreplace").decode("unicode_escape", "replace")
        if _HTML_TAG.search(s):
            parts.append(s)
    return "\n".join(parts) if parts else text


# --- PDF and DOCX -------------------------------------------------------------------------


def _pdf_page_lines(content: PageContent, carried: Columns | None = None
                    ) -> tuple[list[tuple[float, Line, bool]], Columns | None]:
    """A page's lines: ruled tables by their cells, other words placed by :mod:`pdf_layout`.

    Returns the lines top-down, each with whether it is a table row (a ruled table's row, or
    a row placed under columns), and the columns of the page's last unruled table region,
    which the next page's continuation of that table is placed under.
    """
    tables = find_tables(content.edges)
    items: list[tuple[float, Line, bool]] = []
    for t in tables:
        top = t.bbox[1]
        for i, row in enumerate(table_text(t, content.chars)):
            cells = [EMPTY_MARK if c == "" else _clean_label_cell(c) for c in row if c is not None]
            # A row of blank cells is kept: it may be a data row printed all blank (table 四
            # of a body without appeals). Empty spacer rows are only single cells.
            if len(cells) > 1 or any(c != EMPTY_MARK for c in cells):
                items.append((top + i * 0.001, cells, True))

    rest = outside(content.chars, [t.bbox for t in tables])
    found = []
    for text, chars in words(rest):
        found.append(Word(text, min(c.x0 for c in chars), max(c.x1 for c in chars),
                          min(c.top for c in chars), max(c.bottom for c in chars),
                          tuple((c.text, c.x0, c.x1) for c in chars)))
    placed_rows: set[int] = set()
    placed, columns = layout_lines(found, carried, placed_rows)
    items.extend((top, line, i in placed_rows) for i, (top, line) in enumerate(placed))
    items.sort(key=lambda it: it[0])
    return items, columns


def read_pdf_lines(data: bytes, table_rows: set[int] | None = None, source: str = "",
                   limits: Limits | None = None,
                   line_pages: list[int] | None = None,
                   pdfminer_pages: list[int] | None = None) -> list[Line]:
    """PDF text layer via PDFium: ruled tables as cell rows, other text as lines, top-down.

    A PDF of more pages than :attr:`Limits.pdf_pages` is refused before any page is laid out;
    each page is closed once read (PDFium keeps loaded pages otherwise), and the text and line
    limits stop a document that produces too much. pdfplumber read PDFs before (about twice
    as slow: its content-stream parser is pure Python); :mod:`pdf_text` keeps its geometry.
    A page where PDFium left glyphs out for want of a font (:func:`page_content`) takes its
    glyphs from pdfminer instead; its number (1-based) is added to ``pdfminer_pages``, so the
    reading does not depend on the fonts the machine has.
    """
    import pypdfium2 as pdfium

    limits = limits or current_limits()
    lines: list[Line] = []
    columns: Columns | None = None
    chars = 0
    plumber = None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium.raw.FPDF_ERR_PASSWORD, pdfium.raw.FPDF_ERR_SECURITY):
            raise Refusal("encrypted_pdf", f"{source}: PDF 已加密，无法读取文字 / "
                          "encrypted PDF: its text cannot be read") from exc
        raise
    try:
        n_pages = len(pdf)
        if n_pages > limits.pdf_pages:
            raise too_many_pages(n_pages, source, limits)
        for index in range(n_pages):
            page = pdf[index]
            try:
                content = page_content(page)
            finally:
                page.close()
            if content.unmeasured:
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(io.BytesIO(data))
                content = content._replace(chars=pdfminer_chars(plumber.pages[index]))
                plumber.pages[index].close()
                if pdfminer_pages is not None:
                    pdfminer_pages.append(index + 1)
            items, columns = _pdf_page_lines(content, columns)
            for _, cells, is_row in items:
                if is_row and table_rows is not None:
                    table_rows.add(len(lines))
                if line_pages is not None:  # the page of each line (1-based), for citing it
                    line_pages.append(index + 1)
                lines.append(cells)
                chars += sum(map(len, cells))
            if chars > limits.text_chars:
                raise text_too_long(limits.text_chars, source, limits, more=True)
            if len(lines) > limits.lines:
                raise too_many_lines(limits.lines, source, limits, more=True)
    finally:
        pdf.close()
        if plumber is not None:
            plumber.close()
    return lines


def read_docx_lines_python_docx(data: bytes) -> list[Line]:
    """DOCX via python-docx: the reference :func:`read_docx_lines` is tested against.

    python-docx resolves every vertically merged cell with XPath queries, which made DOCX the
    slowest container (15 documents/s); it is kept only so a test can show that the direct
    reader gives identical lines.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[Line] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = normalize_text(Paragraph(block, document).text)
            cells = [c for c in CELL_SPLIT.split(text.strip()) if c]
            if cells:
                lines.append(cells)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                seen, cells = set(), []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    text = _clean_label_cell(cell.text)
                    cells.append(text if text else EMPTY_MARK)
                lines.append(cells)
    return lines


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R, _T = (_W + t for t in ("p", "tbl", "tr", "tc", "r", "t"))
_HYPERLINK, _BR, _BODY = _W + "hyperlink", _W + "br", _W + "body"
_GRID_SPAN, _V_MERGE, _GRID_BEFORE = _W + "gridSpan", _W + "vMerge", _W + "gridBefore"
_VAL, _TYPE = _W + "val", _W + "type"
# Run content as text, as Word (and python-docx) show it: tabs, breaks, non-breaking hyphens.
_RUN_TEXT = {_W + "tab": "\t", _W + "ptab": "\t", _W + "cr": "\n", _W + "noBreakHyphen": "-"}
_RUN_TAGS = (_T, _BR, *_RUN_TEXT)
_RUN_TAG_SET = frozenset(_RUN_TAGS)


def _docx_main_part(z: zipfile.ZipFile) -> str:
    """Name of the main document part: the package's officeDocument relationship target."""
    from lxml import etree

    try:
        rels = etree.fromstring(z.read("_rels/.rels"))
    except (KeyError, etree.XMLSyntaxError):
        return "word/document.xml"
    for rel in rels:
        if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("Target"):
            return rel.get("Target").lstrip("/")
    return "word/document.xml"


def _run_piece(e) -> str:
    tag = e.tag
    if tag == _T:
        return e.text or ""
    if tag == _BR:
        return "\n" if e.get(_TYPE, "textWrapping") == "textWrapping" else ""
    return _RUN_TEXT[tag]


@dataclass
class _Cell:
    """A ``w:tc`` being read: its grid span, vertical-merge state and paragraphs' text parts."""

    span: int = 1
    cont: bool = False
    paras: list[list[str]] = field(default_factory=list)


def _row_line(cells: list[_Cell], before: int, above: dict[int, str]) -> tuple[Line, dict]:
    """One table row as a line, and the text at each grid offset for the row below.

    A horizontally merged cell is one ``w:tc`` and so appears once; a ``w:vMerge``
    continuation shows the text of the cell above it at the same grid offset (as python-docx
    does), so a merged category label stands on every sub-row. A continuation with nothing
    above it (malformed) is read as its own content.
    """
    line: Line = []
    here: dict[int, str] = {}
    offset = before
    for cell in cells:
        if cell.cont and offset in above:
            text = above[offset]
        else:
            text = "\n".join(["".join(parts) for parts in cell.paras])
        here[offset] = text
        offset += cell.span
        clean = _clean_label_cell(text)
        line.append(clean if clean else EMPTY_MARK)
    return line, here


class _DocxBody:
    """The ``w:body`` read block by block in document order, as python-docx reads it.

    Only what python-docx reads counts: body-level ``w:p``/``w:tbl``, a table's own rows and
    cells (with ``gridBefore``, ``gridSpan``, ``vMerge``), a cell's own paragraphs, a
    paragraph's runs (direct or inside ``w:hyperlink``) and their ``w:t``/``w:tab``/``w:br``….
    lxml's tag-filtered ``iter`` selects those elements of a block in C; each is kept only if
    its parent is the current element of the level above (lxml keeps one proxy per live node,
    so ``is`` compares nodes), so nested tables and text boxes are skipped as python-docx skips
    them. Walking every element in Python, or one XPath union (sorted in document order), was
    slower. The blocks come from a streamed parse (:func:`read_docx_lines`), so the text and
    line limits are checked after each block.
    """

    __slots__ = ("above", "before", "body", "body_para", "cells", "chars", "h", "limits", "lines",
                 "p", "parts", "r", "rows", "source", "tbl", "tc", "tr")
    TAGS = (_TBL, _TR, _TC, _P, _HYPERLINK, _R, _GRID_SPAN, _V_MERGE, _GRID_BEFORE, *_RUN_TAGS)

    def __init__(self, source: str, limits: Limits) -> None:
        self.source, self.limits = source, limits
        self.body = None
        self.lines: list[Line] = []
        self.rows: set[int] = set()  # indexes of the lines that are table rows
        self.tbl = self.tr = self.tc = self.p = self.h = self.r = None
        self.parts: list[str] = []  # text parts of the current paragraph
        self.body_para: list[str] | None = None
        self.cells: list[_Cell] | None = None  # cells of the current table row
        self.before = 0
        self.above: dict[int, str] = {}
        self.chars = 0

    def feed(self, block, body) -> None:
        """Read one body-level ``w:p`` or ``w:tbl`` (runs inline: they are most elements)."""
        self.body = body
        for el in block.iter(*self.TAGS):
            tag = el.tag
            if tag in _RUN_TAG_SET:
                if self.r is not None and el.getparent() is self.r:
                    self.parts.append(_run_piece(el))
            elif tag == _R:
                parent = el.getparent()
                if parent is self.p or (self.h is not None and parent is self.h):
                    self.r = el
            else:
                self._structure(el, tag, el.getparent())
        if self.chars + sum(map(len, self.parts)) > self.limits.text_chars:
            raise text_too_long(self.limits.text_chars, self.source, self.limits, more=True)

    def finish(self) -> list[Line]:
        """The lines of the body, once every block was fed."""
        self._flush()
        return self.lines

    def _flush(self) -> None:
        if self.body_para is not None:
            text = normalize_text("".join(self.body_para))
            self.chars += len(text)
            words = [c for c in CELL_SPLIT.split(text.strip()) if c]
            if words:
                self.lines.append(words)
            self.body_para = None
        if self.cells is not None:
            line, self.above = _row_line(self.cells, self.before, self.above)
            self.chars += sum(map(len, line))
            self.rows.add(len(self.lines))
            self.lines.append(line)
            self.cells = None
        if len(self.lines) > self.limits.lines:
            raise too_many_lines(self.limits.lines, self.source, self.limits, more=True)

    def _structure(self, el, tag: str, parent) -> None:
        if tag == _P:
            if parent is self.body:
                self._flush()
                self.tbl, self.p, self.parts = None, el, []
                self.body_para = self.parts
            elif self.tc is not None and parent is self.tc and self.cells:
                self.p, self.parts = el, []
                self.cells[-1].paras.append(self.parts)
        elif tag == _HYPERLINK:
            if parent is self.p:
                self.h = el
        elif tag == _TC:
            if self.tr is not None and parent is self.tr and self.cells is not None:
                self.tc = el
                self.cells.append(_Cell())
        elif tag == _TR:
            if self.tbl is not None and parent is self.tbl:
                self._flush()
                self.tr, self.cells, self.before = el, [], 0
        elif tag == _TBL:
            if parent is self.body:
                self._flush()
                self.tbl, self.above = el, {}
        else:
            self._property(el, tag, parent.getparent())

    def _property(self, el, tag: str, owner) -> None:
        """``trPr/gridBefore`` of the current row, ``tcPr/gridSpan|vMerge`` of the current cell."""
        if tag == _GRID_BEFORE:
            if owner is self.tr and self.tr is not None:
                self.before = int(el.get(_VAL, "0"))
        elif owner is self.tc and self.tc is not None and self.cells:
            if tag == _GRID_SPAN:
                self.cells[-1].span = max(int(el.get(_VAL, "1")), 1)
            else:
                self.cells[-1].cont = el.get(_VAL, "continue") == "continue"


def read_docx_lines(data: bytes, table_rows: set[int] | None = None, source: str = "",
                    limits: Limits | None = None) -> list[Line]:
    """DOCX: paragraphs and tables of the body in order, streamed from the WordprocessingML.

    The XML is read directly with lxml (python-docx made DOCX the slowest container); the
    lines are those of :func:`read_docx_lines_python_docx`: body-level ``w:p`` and ``w:tbl``
    only, a ``w:gridSpan`` cell once, a ``w:vMerge`` continuation with the text of the cell it
    continues. The zip's directory is checked against the limits before anything is inflated;
    a large main part is streamed (:func:`_docx_blocks`); the text and line limits are checked
    after each block; no ``huge_tree``, so one text node stays under libxml2's 10 MB.
    """
    from lxml import etree

    limits = limits or current_limits()
    reader = _DocxBody(source, limits)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        check_zip_members(z.infolist(), source, limits)
        try:
            for block, body in _docx_blocks(z, _docx_main_part(z)):
                reader.feed(block, body)
        except etree.XMLSyntaxError as exc:
            if "huge" in str(exc).lower():
                raise Refusal("limit_exceeded", f"{source}: DOCX 单个文本节点超过 10 MB / "
                              f"a DOCX text node over 10 MB ({exc})") from exc
            raise
    lines = reader.finish()
    if table_rows is not None:
        table_rows.update(reader.rows)
    return lines


# A main part up to this size is parsed whole (its tree takes < ~150 MB; parsing whole is a
# third faster than streaming); a larger one is streamed block by block.
DOCX_STREAM_OVER = 8_000_000


def _docx_blocks(z: zipfile.ZipFile, name: str):
    """The body-level ``w:p``/``w:tbl`` of the main part in order, each with its ``w:body``.

    A large part is parsed as a stream and each block freed once the caller has read it, with
    whatever came before it (``w:sdt``, bookmarks), so memory is one block's however long the
    document (loading a 37 MB part of tiny paragraphs whole once took 5.6 GB).
    """
    from lxml import etree

    if z.getinfo(name).file_size <= DOCX_STREAM_OVER:
        root = etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False))
        for body in root.iterchildren(_BODY):
            for block in body.iterchildren(_P, _TBL):
                yield block, body
        return
    with z.open(name) as stream:
        events = etree.iterparse(stream, events=("end",), tag=(_P, _TBL),
                                 resolve_entities=False, no_network=True)
        for _, block in events:
            body = block.getparent()
            if body is None or body.tag != _BODY or body.getparent() is None:
                continue  # not a body-level block: read with its table, or skipped
            if body.getparent().getparent() is not None:
                continue  # a w:body nested deeper than w:document/w:body
            yield block, body
            block.clear(keep_tail=True)
            while block.getprevious() is not None:
                del body[0]


def read_bytes(data: bytes, source: str = "", limits: Limits | None = None) -> Document:
    """Read any supported container into a :class:`Document` (may raise on corrupt files).

    Raises :class:`Refusal` for what must not be read: an empty file, binary content under a
    text name, an encrypted PDF, a document over a limit of :mod:`pipelines.extract.limits`.
    """
    limits = limits or current_limits()
    if not data or data.isspace():  # isspace: no copy of a large file
        raise Refusal("empty_file", f"{source}: 空文件 / empty file ({len(data)} bytes)")
    container = sniff_container(data, source)
    check_file_size(len(data), container, source, limits)
    rows: set[int] = set()
    if container == "pdf":
        return _pdf_document(data, source, limits)
    if container == "docx":
        if _is_xlsx(data):
            return _office_document("xlsx", data, source, limits)
        if not _is_docx(data):
            raise ValueError("ZIP archive without word/document.xml: not a DOCX report")
        lines = read_docx_lines(data, rows, source, limits)
        return Document("docx", lines, reader="docx-xml", table_rows=frozenset(rows))
    if container == "ole":
        return _office_document(ole_kind(data, source).kind, data, source, limits)
    if container == "rtf":
        return _office_document("rtf", data, source, limits)
    if looks_binary(data):
        raise Refusal("not_text", f"{source}: 不是文本（二进制内容）/ not text (binary content)")
    text, enc = decode_bytes(data)
    findings = []
    bad = invalid_utf8(data, text) if enc == "utf-8" else 0
    if bad:
        findings.append(Finding("invalid_bytes", "warning", (),
                                f"{source}: 含 {bad} 处无效字节，已按 UTF-8 读取 / "
                                f"{bad} invalid byte sequences, read as UTF-8", "reading"))
    container = sniff_text(text, source)
    if container in ("txt", "md") and len(text) > limits.text_chars:
        raise text_too_long(len(text), source, limits)
    if container in ("js", "html"):
        html = unwrap_js_strings(text) if container == "js" else text
        lines = read_html_lines(html, rows)
        doc = Document("html", lines, enc, reader="html-in-js" if container == "js" else "html",
                       table_rows=frozenset(rows))
    elif container == "md":
        lines = read_markdown_lines(text, rows)
        doc = Document("md", lines, enc, reader="markdown", table_rows=frozenset(rows))
    else:
        doc = Document("txt", read_text_lines(text), enc, reader="text")
    if len(doc.lines) > limits.lines:
        raise too_many_lines(len(doc.lines), source, limits)
    chars = sum(len(c) for line in doc.lines for c in line)
    if chars > limits.text_chars:
        raise text_too_long(chars, source, limits)
    doc.findings.extend(findings)
    return doc


def _pdf_document(data: bytes, source: str, limits: Limits) -> Document:
    """A PDF as a report; its reader names the pages pdfminer read (``pdfium+pdfminer:2,3``)."""
    rows: set[int] = set()
    pdfminer_pages: list[int] = []
    lines = read_pdf_lines(data, rows, source, limits, pdfminer_pages=pdfminer_pages)
    reader = "pdfium"
    if pdfminer_pages:
        reader += "+pdfminer:" + ",".join(map(str, pdfminer_pages))
    return Document("pdf", lines, reader=reader, table_rows=frozenset(rows))


def _office_document(kind: str, data: bytes, source: str, limits: Limits) -> Document:
    """A Word binary (``doc``) or RTF document, or a spreadsheet (``xls``, ``xlsx``), as a report.

    See :mod:`pipelines.extract.office`: LibreOffice or the Word 97 reader for ``doc``,
    calamine for spreadsheets. The same text and line limits hold as for the other containers.
    """
    from pipelines.extract import office

    if kind in (SHEET, "xlsx"):
        suffix = "." + kind
        if kind == "xlsx":  # calamine inflates the members: the zip bomb check comes first
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                check_zip_members(z.infolist(), source, limits)
        lines, rows, reader = office.read_sheet(data, source, limits, _clean_label_cell, suffix)
    else:
        lines, rows, reader = office.read_word(data, source, limits, read_docx_lines,
                                               _clean_label_cell, kind)
    if len(lines) > limits.lines:
        raise too_many_lines(len(lines), source, limits)
    chars = sum(len(c) for line in lines for c in line)
    if chars > limits.text_chars:
        raise text_too_long(chars, source, limits)
    return Document(kind, lines, reader=reader, table_rows=frozenset(rows))


def _is_xlsx(data: bytes) -> bool:
    """A ZIP that is an Excel/WPS workbook (``xl/workbook.xml``), not a Word document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names and "word/document.xml" not in names


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False

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

from pipelines.extract.encoding import decode_bytes
from pipelines.extract.normalize import EMPTY_MARK, normalize_text

Line = list[str]


@dataclass
class Document:
    """What a reader hands to the engine: the container and its lines of cells."""

    container: str
    lines: list[Line] = field(default_factory=list)
    encoding: str | None = None
    reader: str = ""

    @property
    def text(self) -> str:
        """Plain text: one line per line, cells joined by a space."""
        return "\n".join(" ".join(c for c in line if c != EMPTY_MARK) for line in self.lines)


_HTML_TAG = re.compile(r"<\s*(table|p|div|html|body|br|td|tr|span|h[1-6])\b", re.I)
_JS_STRING = re.compile(r'"((?:[^"\\]|\\.){200,})"|\'((?:[^\'\\]|\\.){200,})\'', re.S)
_MD_TABLE_LINE = re.compile(r"^\s*\|.*\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_WS = re.compile(r"\s+")
_CELL_SPLIT = re.compile(r"[\t ]+")
_BLOCK_TAGS = frozenset(
    ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
     "article", "title", "header", "footer", "ul", "ol")
)
_SKIP_TAGS = frozenset(("script", "style", "head", "noscript"))


def sniff_container(data: bytes, source: str = "") -> str:
    """Name the container of ``data``: pdf, docx, html, js (HTML in a string), md or txt."""
    head = data[:8]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
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
    md_lines = sum(1 for ln in text.splitlines() if _MD_TABLE_LINE.match(ln))
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
        cells = [c for c in _CELL_SPLIT.split(raw.strip()) if c]
        if cells:
            out.append(cells)
    return out


def read_markdown_lines(text: str) -> list[Line]:
    """Markdown: pipe-table rows become cell lines; other lines are read as plain text.

    An empty pipe cell is dropped rather than kept as blank: in third-party Markdown made from
    PDFs an empty cell is usually a lost value or layout padding, not a printed blank.
    """
    out: list[Line] = []
    for raw in normalize_text(text).splitlines():
        if _MD_RULE.match(raw):
            continue
        if _MD_TABLE_LINE.match(raw):
            cells = [_clean_label_cell(c) for c in raw.strip().strip("|").split("|")]
            cells = [c for c in cells if c]
            if cells:
                out.append(cells)
            continue
        line = raw.strip().lstrip("#").strip()
        cells = [c for c in _CELL_SPLIT.split(line) if c]
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


def _walk_html(node, lines: list[Line], buf: list[str]) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            buf.append(child.text(deep=False) or "")
        elif tag in _SKIP_TAGS or tag == "-comment":
            continue
        elif tag == "table":
            _flush(lines, buf)
            lines.extend(_table_lines(child))
        elif tag in _BLOCK_TAGS:
            _flush(lines, buf)
            _walk_html(child, lines, buf)
            _flush(lines, buf)
        else:
            _walk_html(child, lines, buf)


def _flush(lines: list[Line], buf: list[str]) -> None:
    if buf:
        text = "".join(buf)
        buf.clear()
        for raw in normalize_text(text).splitlines():
            cells = [c for c in _CELL_SPLIT.split(raw.strip()) if c]
            if cells:
                lines.append(cells)


def read_html_lines(html: str) -> list[Line]:
    """HTML: block elements become lines; each ``<tr>`` becomes one line of its physical cells."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    lines: list[Line] = []
    buf: list[str] = []
    title = tree.css_first("title")
    if title is not None and title.text().strip():
        lines.append([_clean(title.text())])
    if root is not None:
        _walk_html(root, lines, buf)
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


def _pdf_page_lines(page) -> list[tuple[float, Line]]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, Line]] = []
    for t in tables:
        top = t.bbox[1]
        for i, row in enumerate(t.extract()):
            cells = [EMPTY_MARK if c == "" else _clean_label_cell(c) for c in row if c is not None]
            # A row of blank cells is kept: it may be a data row printed all blank (table 四
            # of a body without appeals). Empty spacer rows are only single cells.
            if len(cells) > 1 or any(c != EMPTY_MARK for c in cells):
                items.append((top + i * 0.001, cells))

    def outside(obj) -> bool:
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    rest = page.filter(outside) if boxes else page
    for ln in rest.extract_text_lines():
        cells = [c for c in _CELL_SPLIT.split(normalize_text(ln["text"]).strip()) if c]
        if cells:
            items.append((ln["top"], cells))
    items.sort(key=lambda it: it[0])
    return items


def read_pdf_lines(data: bytes) -> list[Line]:
    """PDF text layer via pdfplumber: ruled tables as cell rows, other text as lines, top-down."""
    import pdfplumber

    lines: list[Line] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            lines.extend(cells for _, cells in _pdf_page_lines(page))
    return lines


def read_docx_lines(data: bytes) -> list[Line]:
    """DOCX via python-docx: paragraphs and tables in body order; merged cells counted once."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[Line] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = normalize_text(Paragraph(block, document).text)
            cells = [c for c in _CELL_SPLIT.split(text.strip()) if c]
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


def read_bytes(data: bytes, source: str = "") -> Document:
    """Read any supported container into a :class:`Document` (may raise on corrupt files)."""
    container = sniff_container(data, source)
    if container == "pdf":
        return Document("pdf", read_pdf_lines(data), reader="pdfplumber")
    if container == "docx":
        if not _is_docx(data):
            raise ValueError("ZIP archive without word/document.xml: not a DOCX report")
        return Document("docx", read_docx_lines(data), reader="python-docx")
    text, enc = decode_bytes(data)
    container = sniff_text(text, source)
    if container == "js":
        return Document("html", read_html_lines(unwrap_js_strings(text)), enc, reader="html-in-js")
    if container == "html":
        return Document("html", read_html_lines(text), enc, reader="html")
    if container == "md":
        return Document("md", read_markdown_lines(text), enc, reader="markdown")
    return Document("txt", read_text_lines(text), enc, reader="text")


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False

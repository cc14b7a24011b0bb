"""Print report pages to PDF with headless Chromium, as a person printing the page would.

Shared by ``scripts/make_pdf_fixtures.py`` (the committed test PDFs) and
``scripts/eval_printed.py`` (the corpus printed to PDF and evaluated). Needs Debian's
``chromium`` and ``fonts-noto-cjk`` (``apt-get install -y chromium fonts-noto-cjk``).

Text and Markdown are turned into a page first: text as one ``<pre>`` block (what a browser
shows for a ``.txt`` file), Markdown pipe tables as HTML tables and other lines as paragraphs
(what a Markdown viewer shows).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
LANDSCAPE = "<style>@page { size: A4 landscape; }</style>\n"
# Tables printed without any ruling: the geometry reader must find columns from the words.
BORDERLESS = ("<style>table, tr, td, th { border: none !important; border-collapse: collapse; }"
              "</style>\n")
_MD_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def text_page(text: str) -> str:
    """A plain-text report as the page a browser shows for it (one ``<pre>`` block)."""
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
            f'<pre style="white-space: pre-wrap; font-size: 10pt">{escape(text)}</pre>'
            "</body></html>\n")


def markdown_page(text: str) -> str:
    """A Markdown report as a viewer renders it: pipe tables as bordered tables, lines as text."""
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>']
    table: list[str] = []

    def flush() -> None:
        if table:
            out.append('<table border="1" cellspacing="0">' + "".join(table) + "</table>")
            table.clear()

    for line in text.splitlines():
        if _MD_RULE.match(line):
            continue
        if _MD_ROW.match(line):
            cells = line.strip().strip("|").split("|")
            table.append("<tr>" + "".join(f"<td>{escape(c.strip())}</td>" for c in cells)
                         + "</tr>")
            continue
        flush()
        if line.strip():
            out.append(f"<p>{escape(line.strip().lstrip('#').strip())}</p>")
    flush()
    out.append("</body></html>\n")
    return "\n".join(out)


def print_pdf(html: str, out: Path, chromium: Path = CHROMIUM) -> Path:
    """Print ``html`` to ``out`` with headless Chromium (no header/footer); return ``out``."""
    if "charset" not in html[:2000].lower():
        html = '<meta charset="utf-8">\n' + html
    with tempfile.TemporaryDirectory(prefix="gk_print_") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        profile = Path(tmp) / "profile"
        cmd = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", page.as_uri()]
        subprocess.run(cmd, capture_output=True, timeout=180, check=False)
        shutil.rmtree(profile, ignore_errors=True)
    if not out.exists():
        raise RuntimeError(f"chromium printed nothing for {out.name}")
    return out


def page_for(path: Path) -> str:
    """The page a person would print for a corpus document (HTML as is, text, Markdown)."""
    from pipelines.extract.encoding import decode_bytes

    text, _ = decode_bytes(path.read_bytes())
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return text
    if suffix == ".md":
        return markdown_page(text)
    return text_page(text)

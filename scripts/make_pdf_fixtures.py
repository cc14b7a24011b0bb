"""Make the printed-PDF test fixtures in ``tests/fixtures/pdf/`` (run once; needs Chromium).

Each fixture is a demo report (``pipelines.demo``, seed 20240201, scale 0.05: 演示数据) printed
the way real copies are made: the HTML page printed by headless Chromium with its table borders
(pdfplumber finds the cells) and without them (columns must come from the words' positions),
a page with its table-三 totals left blank, the text version shown as a ``<pre>`` page, and the
Word version converted by LibreOffice (with and without table borders) when ``soffice`` is
installed. Paragraphs other than the
headings are dropped from the HTML pages so the embedded font subsets, and the files, stay small.

``expected.json`` holds, per fixture, the values and cell kinds the engine reads from the
document that was printed (the source HTML, text or DOCX): the printed copy must read the same.

    .venv/bin/python scripts/make_pdf_fixtures.py [--out tests/fixtures/pdf]

Needs ``apt-get install -y chromium fonts-noto-cjk`` (and ``libreoffice-writer-nogui`` for DOCX).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from printing import BORDERLESS, LANDSCAPE, print_pdf, text_page  # noqa: E402

SEED, SCALE = 20240201, 0.05
# name → (demo stem, what is printed, extra CSS); stems chosen for blank zero cells.
HTML_FIXTURES = {
    "t2019_borderless": ("320800_gov_2021", "page", BORDERLESS),
    "t2021_borderless": ("320813_gov_2022", "page", BORDERLESS),
    "t2021_bordered": ("320813_gov_2022", "page", ""),
    "t2021_blank_totals_borderless": ("320800_gov_2023", "blank_totals", BORDERLESS),
}
TEXT_FIXTURE = ("t2021_text_pre", "320000_gov_2022")
DOCX_FIXTURE = ("t2021_docx_libreoffice", "320813001_gov_2023")
_TBL_BORDERS = re.compile(rb"<w:tblBorders>.*?</w:tblBorders>", re.S)


def trimmed(html: str) -> str:
    """The page without running paragraphs: title, date, source, headings and tables only."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for p in root.iter("p"):
        inside_table = any(a.tag in ("td", "th") for a in p.iterancestors())
        if inside_table or p.get("class") in ("date", "source") or p.find("strong") is not None:
            continue
        p.drop_tree()
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def blank_totals(html: str) -> str:
    """Table 三 with every 总计 cell printed blank (some publishers leave totals to the reader)."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for table in root.iter("table"):
        if "本年新收" not in table.text_content():
            continue
        for tr in table.iter("tr"):
            cells = [td for td in tr if td.tag in ("td", "th")]
            if len(cells) >= 8 and cells[-1].text_content().strip().isdigit():
                for child in list(cells[-1]):
                    cells[-1].remove(child)
                cells[-1].text = "\xa0"
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")


def without_borders(docx: bytes) -> bytes:
    """The Word document with its tables' borders removed (a table drawn without lines)."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = _TBL_BORDERS.sub(b"", data)
            z.writestr(item, data)
    return buf.getvalue()


def soffice_pdf(soffice: str, docx: bytes, out: Path, tmp: Path) -> None:
    """Convert a DOCX to PDF with LibreOffice (as a Word user's "save as PDF" would)."""
    src = tmp / f"{out.stem}.docx"
    src.write_bytes(docx)
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp),
                    str(src)], capture_output=True, timeout=300, check=False)
    shutil.copyfile(tmp / f"{out.stem}.pdf", out)


def reading(data: bytes, name: str) -> dict:
    """What the engine reads from the source document: the values its printed copy must give."""
    from pipelines.extract import extract_bytes

    ex = extract_bytes(data, name)
    return {"source": name, "values": ex.values, "cells": ex.cells}


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "pdf")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from pipelines.demo import generate

    expected: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="gk_fixtures_") as tmp:
        demo = Path(tmp) / "demo"
        generate(demo, seed=SEED, scale=SCALE)
        docs = demo / "docs"
        for name, (stem, what, css) in HTML_FIXTURES.items():
            html = trimmed((docs / f"{stem}.html").read_text("utf-8"))
            if what == "blank_totals":
                html = blank_totals(html)
            print_pdf(LANDSCAPE + css + html, args.out / f"{name}.pdf")
            expected[name] = reading(html.encode("utf-8"), f"{stem}.html")
        name, stem = TEXT_FIXTURE
        text = (docs / f"{stem}.txt").read_bytes()
        from pipelines.extract.encoding import decode_bytes

        print_pdf(text_page(decode_bytes(text)[0]), args.out / f"{name}.pdf")
        expected[name] = reading(text, f"{stem}.txt")
        name, stem = DOCX_FIXTURE
        soffice = shutil.which("soffice")
        if soffice:
            docx = (docs / f"{stem}.docx").read_bytes()
            soffice_pdf(soffice, docx, args.out / f"{name}.pdf", Path(tmp))
            expected[name] = reading(docx, f"{stem}.docx")
            bare = without_borders(docx)
            soffice_pdf(soffice, bare, args.out / f"{name}_borderless.pdf", Path(tmp))
            expected[f"{name}_borderless"] = reading(bare, f"{stem}.docx")
        else:
            print("soffice not installed: the DOCX fixture was not made")
    (args.out / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    for p in sorted(args.out.iterdir()):
        print(f"{p.name:<40}{p.stat().st_size:>10}")


if __name__ == "__main__":
    main()

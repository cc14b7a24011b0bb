"""The same report in another dress — printed to PDF, its tables in Word — yields the same values.

Dresses are made here from the corpus HTML and the demo HTML (``tests/dress.py``): a reportlab
rendering of the parsed page (always), headless Chromium's ``--print-to-pdf`` (slow; when
Chromium is installed or installable) and a python-docx document. Also: the direct DOCX reader
gives the lines python-docx gives, on the demo DOCX files, DOCX made from HTML, and the
WordprocessingML corners (hyperlinks, tabs, breaks, ``gridBefore``, nested tables).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from browser_setup import ensure_chromium
from conftest import corpus_dir
from dress import chromium_pdf, python_docx, reportlab_pdf
from test_demo_support import small_province

from pipelines.extract import extract_bytes
from pipelines.extract.model import Extraction
from pipelines.extract.readers import read_docx_lines, read_docx_lines_python_docx

CORPUS = corpus_dir()
LANDSCAPE = "<style>@page { size: A4 landscape; }</style>\n"


def _corpus_html() -> list[Path]:
    if CORPUS is None:
        return []
    return sorted(p for p in (CORPUS / "docs").iterdir() if p.suffix.lower() in (".html", ".htm"))


def _demo_html() -> list[Path]:
    out, _, _ = small_province()
    return sorted((out / "docs").glob("*.html"))


def _read(path: Path) -> tuple[str, Extraction]:
    raw = path.read_bytes()
    return raw.decode("utf-8"), extract_bytes(raw, path.name)


def _findings(ex: Extraction) -> list[tuple]:
    return sorted((f.rule, f.blame, f.keys) for f in ex.findings)


def assert_same(ex: Extraction, base: Extraction) -> None:
    """Every value, cell kind, finding and metadata field read from the dress as from the page."""
    assert base.values
    assert ex.values == base.values
    assert ex.cells == base.cells
    assert _findings(ex) == _findings(base)
    assert (ex.year, ex.template, ex.body, ex.published) == (
        base.year, base.template, base.body, base.published)


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


CORPUS_HTML = _corpus_html()


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_HTML, reason="../shared/corpus not present")
@pytest.mark.parametrize("path", CORPUS_HTML, ids=_ids(CORPUS_HTML))
def test_corpus_html_as_reportlab_pdf_and_docx(path: Path) -> None:
    html, base = _read(path)
    assert_same(extract_bytes(reportlab_pdf(html), path.stem + ".pdf"), base)
    assert_same(extract_bytes(python_docx(html), path.stem + ".docx"), base)


def test_demo_html_as_reportlab_pdf_and_docx() -> None:
    paths = _demo_html()
    assert len(paths) >= 5
    for path in paths:
        html, base = _read(path)
        assert_same(extract_bytes(reportlab_pdf(html), path.stem + ".pdf"), base)
        assert_same(extract_bytes(python_docx(html), path.stem + ".docx"), base)


@pytest.mark.slow
@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_HTML, reason="../shared/corpus not present")
@pytest.mark.parametrize("path", CORPUS_HTML, ids=_ids(CORPUS_HTML))
def test_corpus_html_printed_by_chromium(path: Path, tmp_path: Path) -> None:
    chromium = ensure_chromium()
    html, base = _read(path)
    # Landscape, as a person prints a page whose tables are wider than portrait A4.
    assert_same(extract_bytes(chromium_pdf(LANDSCAPE + html, chromium, tmp_path), "p.pdf"), base)
    # Portrait may clip a wide table's last column: then values go missing, never wrong, and
    # every one left out is named by a reading-blamed finding (withheld, not guessed).
    clipped = extract_bytes(chromium_pdf(html, chromium, tmp_path), "p.pdf")
    assert all(base.values.get(k) == v for k, v in clipped.values.items())
    withheld = {k for f in clipped.findings if f.blame == "reading" for k in f.keys}
    assert set(base.values) - set(clipped.values) <= withheld


@pytest.mark.slow
def test_demo_html_printed_by_chromium(tmp_path: Path) -> None:
    chromium = ensure_chromium()
    paths = _demo_html()
    for path in paths[:: max(1, len(paths) // 4)]:
        html, base = _read(path)
        assert_same(extract_bytes(chromium_pdf(html, chromium, tmp_path), "p.pdf"), base)


# --- the direct DOCX reader against python-docx ------------------------------------------------


def test_docx_reader_equals_python_docx_on_demo_and_html_made_docx() -> None:
    out, _, _ = small_province()
    files = [p.read_bytes() for p in sorted((out / "docs").glob("*.docx"))]
    files += [python_docx(p.read_text("utf-8")) for p in [*CORPUS_HTML, *_demo_html()[:6]]]
    assert len(files) >= 8
    for data in files:
        assert read_docx_lines(data) == read_docx_lines_python_docx(data)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _with_body(body: str) -> bytes:
    """A python-docx package whose document.xml body is ``body``."""
    src = zipfile.ZipFile(io.BytesIO(python_docx("<p>x</p>")))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = f"<w:document {W}><w:body>{body}</w:body></w:document>".encode()
            z.writestr(item, data)
    return buf.getvalue()


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _tc(inner: str, pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{inner}</w:tc>"


RESTART, CONTINUE = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"


def _p(*texts: str) -> str:
    return "".join(f"<w:p>{_r(t)}</w:p>" if t else "<w:p/>" for t in texts)


def test_docx_reader_corners_equal_python_docx() -> None:
    nested = f"<w:tbl><w:tr>{_tc(_p('嵌套'))}</w:tr></w:tbl>"
    body = (
        f'<w:p>{_r("一、")}<w:hyperlink><w:r><w:t>总体</w:t></w:r></w:hyperlink>'
        '<w:r><w:tab/><w:t>情况</w:t><w:br/><w:t>A</w:t><w:br w:type="page"/>'
        "<w:noBreakHyphen/><w:cr/></w:r></w:p>"
        "<w:tbl>"
        f"<w:tr>{_tc(_p('三、结果'), RESTART)}{_tc(_p('（一）', '予以公开'))}"
        f'{_tc(_p("5") + nested, """<w:gridSpan w:val="2"/>""")}</w:tr>'
        f"<w:tr>{_tc(_p(''), CONTINUE)}{_tc(_p('（二）'), RESTART)}{_tc(_p(''))}"
        f"{_tc(_p('7'))}</w:tr>"
        f"<w:tr>{_tc(_p(''), CONTINUE)}{_tc(_p(''), CONTINUE)}{_tc(_p('1'))}{_tc(_p(''))}</w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>{_tc(_p("8"))}{_tc(_p("9"))}</w:tr>'
        "</w:tbl>"
        f"<w:p>{_r('结束')}</w:p>"
    )
    data = _with_body(body)
    lines = read_docx_lines(data)
    assert lines == read_docx_lines_python_docx(data)
    assert lines[0] == ["一、总体", "情况\nA-"]
    assert lines[1] == ["三、结果", "（一）予以公开", "5"]
    assert lines[3] == ["三、结果", "（二）", "1", "∅"]
    assert lines[4:] == [["8", "9"], ["结束"]]


# --- what the dresses revealed, and how eval reports prose and metadata ------------------------


def test_pdf_radical_code_points_read_as_ideographs() -> None:
    from pipelines.extract.normalize import normalize_text

    # Chromium's print-to-PDF text layer: 人民 as Kangxi ⼈ + supplement ⺠, 日 as ⽇, 门户 ⻔⼾
    printed = normalize_text("上海市⼈⺠政府 发布⽇期：⾏政 ⻔⼾⽹站")
    assert printed == "上海市人民政府 发布日期：行政 门户网站"


def test_eval_scores_prose_and_metadata_apart() -> None:
    from pipelines.extract.evaluate import EvalResult, _compare
    from pipelines.extract.model import Body

    exp = {"year": 2015, "template": "pre2019", "body": {"name": "甲", "region_code": "1"},
           "values": {"headline.items_published": 5, "applications.new_received.total": 3}}
    ex = Extraction("a.txt", "", year=2016, body=Body("甲", "2"), template="pre2019",
                    published="2016-01-02",
                    values={"headline.items_published": 5, "applications.new_received.total": 4})
    result = EvalResult(docs=[_compare(exp, ex, "a.txt")])
    assert result.rates()["prose"] == {"headline": 1.0, "pre2019": 0.0, "all": 0.5}
    meta = result.meta_counts()
    assert (meta["year"], meta["body.name"], meta["body.region_code"]) == (1, 0, 1)
    assert meta["published_found"] == 1.0

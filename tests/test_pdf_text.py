"""PDFium reader geometry (pipelines/extract/pdf_text.py): pure functions on synthetic boxes,
and one real PDF made here with reportlab."""

from __future__ import annotations

import pytest

from pipelines.extract.pdf_text import (
    Char,
    Edge,
    _subpaths,
    chars_text,
    find_tables,
    outside,
    path_edges,
    table_text,
    words,
)


def _chars(text: str, x: float, top: float, w: float = 10.0, size: float = 10.0) -> list[Char]:
    return [Char(ch, x + i * w, x + (i + 1) * w, top, top + size) for i, ch in enumerate(text)]


def test_words_split_at_gaps_spaces_and_rows() -> None:
    chars = _chars("本年", 0, 100) + _chars("12", 24, 101) + _chars("a b", 60, 100)
    chars += _chars("下", 0, 120)
    got = [(t, round(c[0].x0)) for t, c in words(chars)]
    assert got == [("本年", 0), ("12", 24), ("a", 60), ("b", 80), ("下", 0)]


def test_words_glyphs_of_one_row_are_read_left_to_right() -> None:
    chars = list(reversed(_chars("公开", 0, 50)))
    assert [t for t, _ in words(chars)] == ["公开"]


def test_chars_text_joins_rows_with_line_breaks() -> None:
    assert chars_text(_chars("规章", 0, 0) + _chars("数量", 0, 14)) == "规章\n数量"


def test_rectangle_subpath_gives_four_edges() -> None:
    # PDFium's "re": move, three lines, a closing line back to the start
    segs = [(2, (0.0, 0.0), False), (0, (0.0, 10.0), False), (0, (20.0, 10.0), False),
            (0, (20.0, 0.0), False), (0, (0.0, 0.0), True)]
    (shape, pts), = _subpaths(segs)
    kind, edges = path_edges(shape, pts)
    assert kind == "rect"
    assert sorted(edges) == sorted([Edge("h", 0, 0, 20, 0), Edge("h", 0, 10, 20, 10),
                                    Edge("v", 0, 0, 0, 10), Edge("v", 20, 0, 20, 10)])


def test_line_and_slanted_curve() -> None:
    assert path_edges("ml", [(0.0, 5.0), (30.0, 5.0)]) == ("line", [Edge("h", 0, 5, 30, 5)])
    kind, edges = path_edges("mll", [(0.0, 0.0), (10.0, 10.0), (10.0, 30.0)])
    assert kind == "curve" and edges == [Edge("v", 10, 10, 10, 30)]  # slanted piece dropped
    assert path_edges("l", [(0.0, 0.0)]) is None


def test_bezier_pieces_count_once_and_subpaths_split_at_moves() -> None:
    segs = [(2, (0.0, 0.0), False), (1, (1.0, 1.0), False), (1, (2.0, 2.0), False),
            (1, (3.0, 0.0), False), (2, (5.0, 5.0), False), (0, (9.0, 5.0), False)]
    assert _subpaths(segs) == [("mc", [(0.0, 0.0), (3.0, 0.0)]),
                               ("ml", [(5.0, 5.0), (9.0, 5.0)])]


def _grid(xs: list[float], ys: list[float]) -> list[Edge]:
    h = [Edge("h", xs[0], y, xs[-1], y) for y in ys]
    v = [Edge("v", x, ys[0], x, ys[-1]) for x in xs]
    return h + v


def test_ruled_table_cells_and_text() -> None:
    edges = _grid([0, 100, 150, 200], [0, 20, 40])
    (table,) = find_tables(edges)
    assert table.bbox == (0, 0, 200, 40)
    chars = _chars("申请", 5, 5) + _chars("3", 120, 5) + _chars("规章", 5, 25) + _chars(
        "12", 160, 25)
    assert table_text(table, chars) == [["申请", "3", ""], ["规章", "", "12"]]
    assert outside(chars + _chars("注", 5, 60), [table.bbox]) == _chars("注", 5, 60)


def test_merged_cell_is_none_in_later_rows() -> None:
    # the left cell spans both rows: no horizontal edge through it
    edges = [Edge("h", 0, 0, 200, 0), Edge("h", 100, 20, 200, 20), Edge("h", 0, 40, 200, 40),
             Edge("v", 0, 0, 0, 40), Edge("v", 100, 0, 100, 40), Edge("v", 200, 0, 200, 40)]
    (table,) = find_tables(edges)
    rows = table_text(table, _chars("结果", 5, 15) + _chars("1", 150, 5) + _chars("2", 150, 25))
    assert rows == [["结果", "1"], [None, "2"]]


def test_no_table_without_both_orientations() -> None:
    assert find_tables([Edge("h", 0, 0, 100, 0), Edge("h", 0, 20, 100, 20)]) == []


@pytest.mark.parametrize("rotate", [0, 90])
def test_real_pdf_glyphs_and_ruled_table(rotate: int) -> None:
    import io

    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from pipelines.extract.pdf_text import page_content

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(400, 300))
    c.setPageRotation(rotate)
    c.setFont("STSong-Light", 12)
    c.drawString(20, 260, "政府信息公开 2023")
    for y in (200, 180, 160):
        c.line(20, y, 220, y)
    for x in (20, 120, 220):
        c.line(x, 200, x, 160)
    c.drawString(25, 185, "规章")
    c.drawString(125, 185, "5")
    c.drawString(25, 165, "文件")
    c.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    try:
        content = page_content(pdf[0])
    finally:
        pdf.close()
    if rotate:  # turned with the page (as pdfminer turns it): the glyphs read top-down
        assert content.chars and not any(ch.upright for ch in content.chars)
        assert all(0 <= ch.x0 <= 300 and 0 <= ch.top <= 400 for ch in content.chars)
        return
    texts = [t for t, _ in words(content.chars)]
    assert texts[:2] == ["政府信息公开", "2023"]
    (table,) = find_tables(content.edges)
    assert table_text(table, content.chars) == [["规章", "5"], ["文件", ""]]
    title = next(cs for t, cs in words(content.chars) if t == "政府信息公开")
    assert all(abs(ch.bottom - ch.top - 12) < 0.01 for ch in title)  # one font size tall
    assert abs(title[0].x0 - 20) < 0.01 and abs(title[0].bottom - 40) < 0.01


def _pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of numbered ``objects`` (the first the catalog) with a correct cross-reference."""
    import io

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % off for off in offsets)
    out.write(b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _pdf_with_unmeasurable_glyph() -> bytes:
    """One page: ``AB`` in Helvetica, then ``开`` alone and ``开开`` in a font without outlines.

    The second font is a Type 3 font whose glyph draws nothing, so PDFium measures a text
    object of one such glyph as having no size, on every machine: the same as a non-embedded
    Chinese font on a machine without a Chinese font (a wrapped label's last character).
    Its ``/Widths`` and ``/ToUnicode`` are all pdfminer needs.
    """
    content = (b"BT /F1 12 Tf 20 260 Td (AB) Tj ET\n"
               b"BT /F2 12 Tf 20 240 Td (A) Tj ET\n"
               b"BT /F2 12 Tf 60 240 Td (AA) Tj ET")
    to_unicode = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
                  b"/CMapName /T3 def 1 begincodespacerange <00> <FF> endcodespacerange "
                  b"1 beginbfchar <41> <5F00> endbfchar endcmap CMapName currentdict /CMap "
                  b"defineresource pop end end")
    return _pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 300] "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 0 0] "
        b"/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /g 7 0 R >> "
        b"/Encoding << /Type /Encoding /Differences [65 /g] >> /FirstChar 65 /LastChar 65 "
        b"/Widths [1000] /ToUnicode 8 0 R /Resources << >> >>",
        _stream(b"1000 0 d0"),
        _stream(to_unicode),
    ])


def test_pdfium_leaves_out_a_glyph_it_cannot_measure_and_the_page_says_so() -> None:
    import pypdfium2 as pdfium

    from pipelines.extract.pdf_text import page_content

    pdf = pdfium.PdfDocument(_pdf_with_unmeasurable_glyph())
    try:
        content = page_content(pdf[0])
    finally:
        pdf.close()
    assert content.unmeasured == 1
    # the lone 开 at x = 20 is missing from PDFium's text page; the pair at x = 60 is there
    assert [(c.text, round(c.x0)) for c in content.chars if c.text == "开"] == [("开", 60),
                                                                               ("开", 72)]


def test_page_with_unmeasured_text_is_read_by_pdfminer() -> None:
    from pipelines.extract.readers import read_bytes, read_pdf_lines

    data = _pdf_with_unmeasurable_glyph()
    pages: list[int] = []
    assert read_pdf_lines(data, pdfminer_pages=pages) == [["AB"], ["开", "开开"]]
    assert pages == [1]
    assert read_bytes(data, "t3.pdf").reader == "pdfium+pdfminer:1"


def test_pdfminer_chars_have_the_boxes_pdfium_gives() -> None:
    """On a page PDFium reads whole, pdfminer's glyphs are PDFium's to within a point."""
    import io

    import pdfplumber
    import pypdfium2 as pdfium
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from pipelines.extract.pdf_text import page_content, pdfminer_chars

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(400, 300))
    c.setFont("STSong-Light", 12)
    c.drawString(20, 260, "本年新收政府信息公开申请数量")
    c.drawString(20, 240, "合计 1234")
    c.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    try:
        ours = page_content(pdf[0]).chars
    finally:
        pdf.close()
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as plumber:
        theirs = [ch for ch in pdfminer_chars(plumber.pages[0]) if ch.text != " "]
    ours = [ch for ch in ours if ch.text != " "]
    assert [ch.text for ch in ours] == [ch.text for ch in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert abs(a.x0 - b.x0) < 1 and abs(a.top - b.top) < 1 and abs(a.bottom - b.bottom) < 1

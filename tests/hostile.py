"""Hostile documents made on the fly: bombs, huge and broken files (issue 11).

Shared by ``tests/test_hostile_documents.py`` (small sizes, low limits) and
``scripts/probe_limits.py`` (the sizes that once took gigabytes). Nothing here is stored: each
input is a few lines of code, so the tests show exactly what they feed the engine.
"""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOC_TAIL = "</w:body></w:document>"


def docx_from_chunks(chunks, level: int = 9) -> bytes:
    """A minimal DOCX whose ``word/document.xml`` is the body XML ``chunks`` (streamed in)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(_DOC_HEAD.encode())
            for chunk in chunks:
                f.write(chunk)
            f.write(_DOC_TAIL.encode())
    return buf.getvalue()


def docx_many_paragraphs(paragraphs: int) -> bytes:
    """Many one-character paragraphs: a small file that inflates to a huge list of lines."""
    para = b"<w:p><w:r><w:t>\xe6\x95\xb0</w:t></w:r></w:p>"  # 数
    block = para * 10_000
    full, rest = divmod(paragraphs, 10_000)
    return docx_from_chunks([*([block] * full), para * rest])


def docx_single_run(chars: int) -> bytes:
    """One paragraph with one run of ``chars`` characters: one huge text node."""
    piece = "公开" * 50_000
    left = chars
    chunks = [b"<w:p><w:r><w:t>"]
    while left > 0:
        chunks.append(piece[: min(left, len(piece))].encode())
        left -= len(piece)
    chunks.append(b"</w:t></w:r></w:p>")
    return docx_from_chunks(chunks)


def zip_bomb(inflated_bytes: int) -> bytes:
    """A DOCX-shaped zip whose media member inflates to ``inflated_bytes`` of zeros."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr(
            "word/document.xml", _DOC_HEAD + "<w:p><w:r><w:t>报告</w:t></w:r></w:p>" + _DOC_TAIL
        )
        with z.open("word/media/image1.bin", "w", force_zip64=True) as f:
            block = bytes(1 << 20)
            left = inflated_bytes
            while left > 0:
                f.write(block[: min(left, len(block))])
                left -= len(block)
    return buf.getvalue()


def zip_many_members(members: int) -> bytes:
    """A DOCX-shaped zip with ``members`` tiny members (a member-count bomb)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", _DOC_HEAD + _DOC_TAIL)
        for i in range(members):
            z.writestr(f"word/m{i}.xml", b"")
    return buf.getvalue()


def pdf_pages(pages: int, lines_per_page: int = 40, password: str | None = None) -> bytes:
    """A text PDF of ``pages`` pages of Chinese lines (reportlab), optionally encrypted."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    encrypt = None
    if password is not None:
        from reportlab.lib import pdfencrypt

        encrypt = pdfencrypt.StandardEncryption(password, ownerPassword="owner-" + password)
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for n in range(pages):
        c.setFont("STSong-Light", 10)
        for i in range(lines_per_page):
            c.drawString(
                50, 800 - i * 18, f"第{n + 1}页 第{i + 1}行 本年新收政府信息公开申请 {i} 件"
            )
        c.showPage()
    c.save()
    return buf.getvalue()


def big_text(megabytes: float) -> bytes:
    """A UTF-8 text of about ``megabytes`` MB: report-like lines repeated."""
    line = "本年度共收到政府信息公开申请 12 件，其中当面申请 3 件，网络申请 9 件。\n".encode()
    n = int(megabytes * 1_000_000) // len(line) + 1
    return line * n


def utf8_with_bad_bytes(text: str, every: int = 5_000) -> bytes:
    """``text`` as UTF-8 with one invalid byte inserted after every ``every`` characters."""
    parts = [text[i : i + every].encode() for i in range(0, len(text), every)]
    return b"\xff".join(parts)

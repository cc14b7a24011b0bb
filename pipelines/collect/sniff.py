"""What downloaded bytes are, by magic bytes first, then Content-Type and the link's name.

Sites serve reports as ``application/octet-stream`` from download servlets, name files ``.wps``
or ``.et`` (WPS Office's names for Word 97 and BIFF8 files) and answer a missing file with a
200 HTML error page. The bytes decide; a declared document whose bytes are HTML is a failure
with its reason, never ingested as that document.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import unquote

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Suffixes by family: the link's own suffix is kept when it belongs to the family the bytes are.
_FAMILIES = {
    "pdf": (".pdf",),
    "word": (".doc", ".wps"),
    "sheet": (".xls", ".et"),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "html": (".html", ".htm", ".shtml"),
}
_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "word",
    "application/vnd.ms-works": "word",
    "application/kswps": "word",
    "application/vnd.ms-excel": "sheet",
    "application/kset": "sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/html": "html",
    "application/xhtml+xml": "html",
}


@dataclass(frozen=True)
class Sniffed:
    """The family of some bytes and the suffix to store them under (None: not a document)."""

    family: str | None
    suffix: str | None
    reason: str | None = None


def _ole_family(data: bytes) -> str | None:
    """Word or workbook: the OLE directory names its main stream in UTF-16LE."""
    head = data[:1 << 20]
    if "WordDocument".encode("utf-16-le") in head:
        return "word"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "sheet"
    return None


def _zip_family(data: bytes) -> str | None:
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<body")) or (
        head.startswith(b"<") and b"<html" in data[:4096].lower())


def magic_family(data: bytes) -> str | None:
    """The family the bytes themselves say (pdf, word, sheet, docx, xlsx, html), or None."""
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE):
        return _ole_family(data)
    if data.startswith(b"PK\x03\x04"):
        return _zip_family(data)
    if _looks_html(data):
        return "html"
    return None


def content_type_family(content_type: str | None) -> str | None:
    """The family a Content-Type header claims."""
    if not content_type:
        return None
    return _TYPES.get(content_type.split(";")[0].strip().lower())


_DISPOSITION = re.compile(r"""filename\*?\s*=\s*(?:UTF-8'')?["']?([^"';]+)""", re.I)


def disposition_name(header: str | None) -> str | None:
    """The file name of a Content-Disposition header (RFC 5987 ``filename*`` too)."""
    if not header:
        return None
    names = _DISPOSITION.findall(header)
    if not names:
        return None
    name = unquote(names[-1].strip())
    # servlets often send UTF-8 bytes as Latin-1
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        name = name.encode("latin-1").decode("utf-8")
    return name.rsplit("/", 1)[-1] or None


def sniff(data: bytes, declared_suffix: str, content_type: str | None) -> Sniffed:
    """What the bytes are and the suffix to keep them under.

    ``declared_suffix`` is the link's or the Content-Disposition name's suffix. A declared
    document whose bytes are HTML or unknown is refused with a reason (an error page served
    with 200); bytes that are no document and never claimed to be get neither suffix nor reason.
    """
    family = magic_family(data)
    claimed = content_type_family(content_type)
    declared = next((f for f, sfx in _FAMILIES.items() if declared_suffix in sfx), None)
    if family == "html" and declared not in (None, "html"):
        return Sniffed("html", None,
                       f"声称是 {declared_suffix} 文件，实为 HTML 页面（多为错误页）/ claimed "
                       f"{declared_suffix} but is an HTML page (an error page?)")
    if family is None:
        if declared in ("word", "sheet", "pdf", "docx", "xlsx") or claimed not in (None, "html"):
            what = declared_suffix or content_type or "?"
            return Sniffed(None, None, f"内容不是可识别的文档（{what}）/ bytes are no known "
                                       f"document ({what})")
        return Sniffed(None, None)  # not a document and never said to be one (an image)
    suffix = declared_suffix if declared == family else _FAMILIES[family][0]
    return Sniffed(family, suffix)

"""Reading a report page: its attachments and whether it holds the report itself.

A report page is either the report (text and the statistics tables on the page, attachments
perhaps a PDF copy) or a title with a link to the real report in an attachment. Ingesting the
latter as a report would give the warehouse an empty second report of the body, so the page's
text decides (:func:`holds_report`): enough report text with the template's section headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from pipelines.collect import vocabulary as V
from pipelines.collect.listing import links, visible_text

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Attachment:
    """A link from a report page to a file that may be (a copy of) the report."""

    url: str
    text: str


def url_suffix(url: str) -> str:
    """The lower-case suffix of a URL's path (``.pdf``), '' when it has none."""
    name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def attachments(tree: HTMLParser, url: str) -> list[Attachment]:
    """Links to documents: by suffix, by 附件/下载 words (download servlets), and embedded PDFs."""
    out: dict[str, Attachment] = {}
    for link in links(tree, url):
        suffix = url_suffix(link.url)
        words = (link.text + link.title).lower()
        by_word = any(w in words for w in V.ATTACHMENT_WORDS) and suffix not in (
            ".html", ".htm", ".shtml", "")
        download_path = "download" in link.url.lower() or "filename=" in link.url.lower()
        if suffix in V.ATTACHMENT_SUFFIXES or by_word or download_path:
            out.setdefault(link.url, Attachment(link.url, link.label))
    for node in tree.css("iframe[src], embed[src], object[data]"):
        src = node.attributes.get("src") or node.attributes.get("data") or ""
        target = urljoin(url, src.strip())
        if url_suffix(target) in V.ATTACHMENT_SUFFIXES:
            out.setdefault(target, Attachment(target, ""))
    return list(out.values())


def holds_report(tree: HTMLParser) -> bool:
    """Whether the page's own text is the report (not just a title and an attachment link)."""
    text = visible_text(tree)
    cjk = len(_CJK.findall(text))
    words = sum(1 for w in V.REPORT_BODY_WORDS if w in text)
    return cjk >= V.REPORT_BODY_MIN_CHARS and words >= V.REPORT_BODY_MIN_WORDS


def page_title(tree: HTMLParser) -> str:
    """The article's title: its first heading, else the document title."""
    for selector in ("h1", "h2", ".title", "title"):
        node = tree.css_first(selector)
        if node is not None and node.text(strip=True):
            return node.text(strip=True)
    return ""


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_GB = {"gbk", "gb2312", "gb_2312-80", "x-gbk", "gb18030", "cp936"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB:
        return "gb18030"  # a superset of GBK and GB2312: pages labelled GB2312 use GBK characters
    try:
        import codecs

        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, content_type: str | None = None, hint: str | None = None) -> str:
    """A page's text: the source's hint, the HTTP charset, the meta charset, else detection.

    A declared charset that fails on the bytes (a GBK page labelled UTF-8) gives way to
    :func:`pipelines.extract.encoding.detect_encoding`, which scores the readings.
    """
    from pipelines.extract.encoding import decode_bytes

    declared = [_codec(hint)]
    if content_type and "charset=" in content_type.lower():
        declared.append(_codec(content_type.lower().split("charset=")[-1].split(";")[0]))
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared.append(_codec(m.group(1).decode("ascii", "replace")))
    for codec in declared:
        if codec:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    return decode_bytes(data)[0]

"""How much one document may cost to read: sizes, pages, characters, seconds, memory (issue 11).

Every limit is far above any real report (a report is tens of kilobytes of text, < 100 pages, a
DOCX of a few megabytes) and low enough that no input makes a worker exceed about 1 GB or 60 s:
a few hostile files once took 2.5–5.6 GB (DOCX bombs), 3.4 GB (600 PDF pages) or 70 s (200 MB
of text). Each limit can be lowered (tests) or raised (an unusual archive) by an environment
variable; a document over a limit is refused with a :class:`Refusal` that names the limit and
the measured size, and becomes a reading-blamed error finding.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from pipelines.extract.refusal import Refusal

MB = 1_000_000


@dataclass(frozen=True)
class Limits:
    """The limits in force; :func:`current_limits` reads the overrides from the environment."""

    text_file_mb: float = 16  # HTML, text, Markdown file (real: < 1 MB)
    docx_file_mb: float = 64  # DOCX file, images included (real: < 10 MB)
    pdf_file_mb: float = 256  # PDF file; scans are large but cheap to classify
    zip_member_mb: float = 64  # decompressed size of one DOCX member (document.xml: < 5 MB)
    zip_total_mb: float = 512  # decompressed size of all members together
    zip_members: int = 2_000  # members of one DOCX (real: 10–50)
    text_chars: int = 2_000_000  # characters of text a reader may produce (real: < 100,000)
    lines: int = 100_000  # lines a reader may produce (real: < 5,000)
    pdf_pages: int = 300  # pages of a PDF (real: < 100)
    doc_timeout_s: float = 60  # wall time for one document in a worker
    worker_memory_mb: int = 800  # address space a worker may add to its warmed-up size


# Environment variable → the fields it sets. GONGKAI_MAX_FILE_MB sets all three file limits.
ENV: Mapping[str, tuple[str, ...]] = {
    "GONGKAI_MAX_FILE_MB": ("text_file_mb", "docx_file_mb", "pdf_file_mb"),
    "GONGKAI_MAX_TEXT_FILE_MB": ("text_file_mb",),
    "GONGKAI_MAX_DOCX_FILE_MB": ("docx_file_mb",),
    "GONGKAI_MAX_PDF_FILE_MB": ("pdf_file_mb",),
    "GONGKAI_MAX_ZIP_MEMBER_MB": ("zip_member_mb",),
    "GONGKAI_MAX_ZIP_TOTAL_MB": ("zip_total_mb",),
    "GONGKAI_MAX_ZIP_MEMBERS": ("zip_members",),
    "GONGKAI_MAX_TEXT_CHARS": ("text_chars",),
    "GONGKAI_MAX_LINES": ("lines",),
    "GONGKAI_MAX_PDF_PAGES": ("pdf_pages",),
    "GONGKAI_DOC_TIMEOUT_S": ("doc_timeout_s",),
    "GONGKAI_WORKER_MEMORY_MB": ("worker_memory_mb",),
}


def current_limits(environ: Mapping[str, str] | None = None) -> Limits:
    """The default limits with the environment's overrides (an unparsable value is ignored)."""
    env = os.environ if environ is None else environ
    types = {f.name: f.type for f in fields(Limits)}
    changes: dict[str, float | int] = {}
    for var, names in ENV.items():
        raw = env.get(var)
        if not raw:
            continue
        try:
            value = float(raw)
        except ValueError:
            continue
        for name in names:
            changes[name] = int(value) if types[name] in ("int", int) else value
    return replace(Limits(), **changes)


def file_limit_mb(limits: Limits, container: str) -> float:
    """The file-size limit of a container (pdf; docx, the other Office files and RTF; text)."""
    if container == "pdf":
        return limits.pdf_file_mb
    if container in ("docx", "ole", "rtf"):
        return limits.docx_file_mb
    return limits.text_file_mb


def _mb(n: float) -> str:
    return f"{n / MB:.1f} MB"


def _limit(n: float) -> str:
    return f"{n:g} MB"


def check_file_size(size: int, container: str, source: str, limits: Limits) -> None:
    """Refuse a file larger than its container's limit, before it is read."""
    cap = file_limit_mb(limits, container)
    if size > cap * MB:
        raise Refusal(
            "limit_exceeded",
            f"{source}: 文件过大（{_mb(size)}，{container} 上限 {_limit(cap)}）/ "
            f"file too large ({_mb(size)}, {container} limit {_limit(cap)})",
        )


def check_zip_members(infos, source: str, limits: Limits) -> None:
    """Refuse a zip (DOCX) whose declared members are too many or inflate too much.

    Checked on the central directory before any member is read; :func:`read_member` also stops
    a member that inflates beyond its declared size (a lying directory).
    """
    if len(infos) > limits.zip_members:
        raise Refusal(
            "limit_exceeded",
            f"{source}: 压缩包成员过多（{len(infos)} 个，上限 {limits.zip_members}）/ "
            f"too many zip members ({len(infos)}, limit {limits.zip_members})",
        )
    for info in infos:
        if info.file_size > limits.zip_member_mb * MB:
            raise Refusal(
                "limit_exceeded",
                f"{source}: 压缩包成员 {info.filename} 解压后过大（{_mb(info.file_size)}，上限 "
                f"{_limit(limits.zip_member_mb)}）/ zip member {info.filename} inflates to "
                f"{_mb(info.file_size)} (limit {_limit(limits.zip_member_mb)}): zip bomb?",
            )
    total = sum(i.file_size for i in infos)
    if total > limits.zip_total_mb * MB:
        raise Refusal(
            "limit_exceeded",
            f"{source}: 压缩包解压后总计过大（{_mb(total)}，上限 {_limit(limits.zip_total_mb)}）/ "
            f"zip inflates to {_mb(total)} in all (limit {_limit(limits.zip_total_mb)}): zip bomb?",
        )


def _over_count(
    source: str, count: int, cap: int, more: bool, zh: tuple[str, str], en: tuple[str, str]
) -> Refusal:
    """A refusal for a count over its cap; ``more``: reading stopped at the cap (so "more than").

    ``zh`` and ``en`` are (what, unit) as the message says them.
    """
    n = f"超过 {count}" if more else str(count)
    counted = f"more than {count}" if more else str(count)
    unit = f" {en[1]}" if en[1] else ""
    return Refusal(
        "limit_exceeded",
        f"{source}: {zh[0]}（{n} {zh[1]}，上限 {cap}）/ {en[0]} ({counted}{unit}, limit {cap})",
    )


def text_too_long(chars: int, source: str, limits: Limits, more: bool = False) -> Refusal:
    """The refusal of a document whose text is over :attr:`Limits.text_chars`."""
    cap = limits.text_chars
    return _over_count(
        source, chars, cap, more, ("文本过长", "字符"), ("text too long", "characters")
    )


def too_many_lines(lines: int, source: str, limits: Limits, more: bool = False) -> Refusal:
    """The refusal of a document of more than :attr:`Limits.lines` lines."""
    return _over_count(
        source, lines, limits.lines, more, ("行数过多", "行"), ("too many lines", "")
    )


def too_many_pages(pages: int, source: str, limits: Limits) -> Refusal:
    """The refusal of a PDF of more than :attr:`Limits.pdf_pages` pages.

    Refused rather than read in part: figures read from the first pages of a 600-page volume
    (a yearbook of many reports) would be one report's, published as the whole file's.
    """
    return Refusal(
        "limit_exceeded",
        f"{source}: PDF 页数过多（{pages} 页，上限 {limits.pdf_pages} 页）/ "
        f"PDF has too many pages ({pages}, limit {limits.pdf_pages})",
    )

"""A CSV ledger's bytes → physical lines → records, one at a time, recovering from damage.

Real exports are damaged in a few predictable ways, and none of them may cost more than the
damaged line: a few lines with bytes of another encoding (decoded line by line, those lines set
aside), a quote that opens a field and never closes (it must not swallow the rest of the file),
a field larger than ``csv``'s limit (``_csv.Error`` must never escape), rows with more or fewer
fields than the header. Every physical line ends up in exactly one record, read or damaged.

Reasons name the line and the kind of problem, never a cell's value: cells may hold personal
data, and reasons reach the warehouse.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

# csv's own default: a field longer than this is a damaged row, not a reason to stop reading.
FIELD_LIMIT = 131_072
# A quoted field may hold line breaks (a multi-line 申请内容), but not more than this many lines:
# past it, an opening quote is taken as stray and only its line is set aside.
MAX_SPAN = 100
_SAMPLE = 1000  # lines with non-ASCII bytes looked at to tell UTF-8 from GB18030
_BOM = b"\xef\xbb\xbf"


class UndecodableError(ValueError):
    """No line of the file decodes as UTF-8 or GB18030."""


@dataclass(frozen=True)
class Lines:
    """A decoded file and those of its lines with invalid bytes (their text is empty here)."""

    text: str
    encoding: str
    bad: frozenset[int]  # 0-based indexes of lines that did not decode

    @cached_property
    def lines(self) -> list[str]:
        """The physical lines, without line ends (split only when a record reader needs it)."""
        return _text_lines(self.text)


@dataclass(frozen=True)
class Record:
    """One record: physical lines ``first``..``last`` (1-based), its cells or why it is damaged."""

    first: int
    last: int
    cells: list[str]
    problem: str | None = None

    @property
    def blank(self) -> bool:
        """No cell holds anything: not a row at all."""
        return self.problem is None and not any(c.strip() for c in self.cells)


def _split(data: bytes) -> list[bytes]:
    # b"\n" never occurs inside a UTF-8 or GB18030 multi-byte sequence, so lines split safely.
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]


def _valid(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _guess(lines: list[bytes]) -> str:
    """UTF-8 or GB18030, by which one most lines with non-ASCII bytes decode as."""
    utf8 = other = 0
    for line in lines:
        if line.isascii():
            continue
        if _valid(line, "utf-8"):
            utf8 += 1
        else:
            other += 1
        if utf8 + other >= _SAMPLE:
            break
    return "utf-8" if utf8 > other else "gb18030"


def _utf16(data: bytes) -> Lines:
    """A UTF-16 file as a whole: its line ends are two bytes, so it cannot be split as bytes.

    One bad code unit (a lone surrogate) makes the file undecodable rather than guessed at.
    """
    try:
        text = data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise UndecodableError(
            "UTF-16 文件含无效字符，无法读取 / UTF-16 file with invalid characters"
        ) from exc
    if "\r" in text and "\n" not in text:
        text = text.replace("\r", "\n")
    return Lines(text, "utf-16", frozenset())


def decode_lines(data: bytes) -> Lines:
    """Decode a CSV line by line: UTF-8 (BOM or not) or GB18030, bad lines set aside.

    UTF-16 with a byte-order mark (Excel's "Unicode text", tab-separated) is decoded whole.

    A clean file is decoded in one call. Otherwise the encoding is the one most lines with
    non-ASCII bytes decode as, and a line that does not decode in it is kept as an empty line
    listed in ``bad``, so one bad byte costs one line, not the file. Raises
    :class:`UndecodableError` when no line with non-ASCII bytes decodes.
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16 with a BOM
        return _utf16(data)
    bom = data.startswith(_BOM)
    body = data[len(_BOM) :] if bom else data
    if b"\r" in body and b"\n" not in body:  # old Mac line ends; 0x0D is never a trail byte
        body = body.replace(b"\r", b"\n")
    try:
        return Lines(body.decode("utf-8"), "utf-8-sig" if bom else "utf-8", frozenset())
    except UnicodeDecodeError:
        pass
    encoding = "utf-8" if bom else _guess(_split(body[: 1 << 20]))
    if encoding == "gb18030":
        try:
            return Lines(body.decode("gb18030"), "gb18030", frozenset())
        except UnicodeDecodeError:
            pass
    raw = _split(body)
    lines, bad = [], set()
    for i, line in enumerate(raw):
        try:
            lines.append(line.decode(encoding))
        except UnicodeDecodeError:
            lines.append("")
            bad.add(i)
    if all(i in bad or raw[i].isascii() for i in range(len(raw))) and bad:
        raise UndecodableError("无法识别文件编码（非 UTF-8 或 GB18030）/ not UTF-8 or GB18030")
    text = "".join(ln + "\n" for ln in lines)
    return Lines(text, "utf-8-sig" if bom else encoding, frozenset(bad))


def _text_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def _parse(
    lines: Sequence[str], start: int, stop: int, delimiter: str = ","
) -> tuple[list[str] | None, int, str]:
    """The record that starts at line ``start``: cells (None on a csv error), lines used, error."""
    reader = csv.reader((ln + "\n" for ln in lines[start:stop]), delimiter=delimiter)
    try:
        cells = next(reader)
    except StopIteration:
        return [], 1, ""
    except csv.Error as exc:
        return None, max(reader.line_num, 1), str(exc)
    return cells, max(reader.line_num, 1), ""


def unclosed(line: str, delimiter: str = ",") -> bool:
    """A quote opens a field on this line and does not close on it."""
    try:
        list(csv.reader([line], strict=True, delimiter=delimiter))
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _line_problem(line: str, n: int, error: str, delimiter: str = ",") -> str:
    if "field larger" in error:
        return (
            f"文件第 {n} 行有字段超过 {FIELD_LIMIT} 字符上限 / "
            f"file line {n}: a field over the {FIELD_LIMIT}-character limit"
        )
    if unclosed(line, delimiter):
        return (
            f"文件第 {n} 行引号不成对（字段以引号开头但未闭合）/ "
            f"file line {n}: a quoted field is not closed"
        )
    return f"文件第 {n} 行格式错误 / file line {n}: malformed CSV"


def shape_problem(
    cells: Sequence[str], width: int, may_be_missing: frozenset[int], first: int
) -> str | None:
    """Why a record's number of fields does not fit the header, or None when it does.

    More fields than the header: set aside unless the extra ones are all empty (a trailing
    comma). Fewer: set aside unless every missing column is one whose absence changes nothing
    read (``may_be_missing``: unread columns, free text, personal data, fee) — a row cut short
    must not become a pending application because its outcome column is missing.
    """
    n = len(cells)
    if n > width and any(c.strip() for c in cells[width:]):
        return (
            f"字段数 {n} 多于表头 {width}（文件第 {first} 行）/ "
            f"{n} fields, header has {width} (file line {first})"
        )
    if n < width and not all(i in may_be_missing for i in range(n, width)):
        return (
            f"字段数 {n} 少于表头 {width}（文件第 {first} 行）/ "
            f"{n} fields, header has {width} (file line {first})"
        )
    return None


def records(
    lines: Sequence[str],
    bad: frozenset[int],
    start: int,
    width: int | None = None,
    may_be_missing: frozenset[int] = frozenset(),
    delimiter: str = ",",
) -> Iterator[Record]:
    """Records from line ``start`` (0-based) on; every line lands in exactly one record.

    A record that spans several lines (a quoted field with line breaks) is kept when its shape
    fits the header; otherwise the quote that opened it is taken as stray: its first line is
    set aside and reading starts again on the next line. ``width`` None: any shape is kept
    (the lines above and at the header).
    """
    pos = start
    bad_after = sorted(b for b in bad if b >= start)
    while pos < len(lines):
        n = pos + 1
        if pos in bad:
            yield Record(n, n, [], f"文件第 {n} 行含无效字节 / file line {n}: invalid bytes")
            pos += 1
            continue
        while bad_after and bad_after[0] < pos:
            bad_after.pop(0)
        stop = min(len(lines), pos + MAX_SPAN, bad_after[0] if bad_after else len(lines))
        cells, used, error = _parse(lines, pos, stop, delimiter)
        if cells is None or (
            used > 1 and _stray(lines, pos, used, cells, width, may_be_missing, delimiter)
        ):
            # A damaged record: only its first line is set aside, the next is read afresh.
            single = error if used == 1 else _parse(lines, pos, pos + 1, delimiter)[2]
            yield Record(n, n, [], _line_problem(lines[pos], n, single, delimiter))
            pos += 1
            continue
        record = Record(n, pos + used, cells)
        if width is not None and not record.blank:
            problem = shape_problem(cells, width, may_be_missing, n)
            if problem and unclosed(lines[pos], delimiter) and used == 1:
                problem = _line_problem(lines[pos], n, "", delimiter)
            if problem:
                record = Record(n, pos + used, [], problem)
        yield record
        pos += used


def _stray(
    lines: Sequence[str],
    pos: int,
    used: int,
    cells: list[str],
    width: int | None,
    may_be_missing: frozenset[int],
    delimiter: str = ",",
) -> bool:
    """A record over several lines was opened by a stray quote.

    Either its shape does not fit the header, or one of the lines it swallowed is a whole row
    by itself (two stray quotes in the same column pair up and give a record of the right
    width; the text of a real multi-line cell is not shaped like a row).
    """
    if width is None:
        return False
    if shape_problem(cells, width, may_be_missing, pos + 1) is not None:
        return True
    for i in range(pos + 1, pos + used):
        alone = _parse(lines, i, i + 1, delimiter)[0] or []
        if any(c.strip() for c in alone) and shape_problem(alone, width, may_be_missing, 0) is None:
            return True
    return False

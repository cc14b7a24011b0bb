"""Report metadata: title, issuing body, statistics year and publication date.

The statistics year is the year the report is *about* (统计期限, the title's 2023年度), not the
year it was published (reports on 2023 appear in early 2024). The body is named by the title;
a longer spelling in the text that ends with the same name (淮安市 + 洪泽区人民政府) is
preferred, and :func:`pipelines.bodies.resolve_body` maps it to region code, level and type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.bodies import resolve_body_detailed
from pipelines.extract.model import Body, Finding, detail
from pipelines.extract.prose import compact

_REPORT = r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?年?报告?"
_TITLE_LINE = re.compile(r"^(?:标题[:：])?\s*(.{0,40}?(?:政府)?信息公开[^。，]{0,12}?报告)")
_TITLE_FIELD = re.compile(r"^标题[:：]\s*(.+)$", re.M)
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年度?")
_PERIOD = re.compile(r"统计(?:期限|周期|时限|时间)[^。]{0,8}?((?:19|20)\d{2})年\s*1月\s*1日")
_DATE_FIELD = re.compile(
    r"(?:发布时间|发布日期|成文日期|日期)[:：]\s*((?:19|20)\d{2})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_DATE_LINE = re.compile(r"^[(（]?((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日[)）]?$", re.M)
_NAME = re.compile(
    r"([\u4e00-\u9fff]{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|委员会|办公厅|办公室|局|厅|委|"
    r"实验区|示范区|开发区|新区|管委会|街道办事处|街道|镇|乡|[省市县区]))$")


_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True)
class Metadata:
    """What the document says about itself."""

    title: str | None
    body: Body
    year: int | None
    published: str | None
    findings: tuple[Finding, ...] = ()


def _title_at(lines: list[str], i: int) -> str | None:
    s = lines[i].replace(" ", "").lstrip("#").strip()
    if "报告" not in s and i + 1 < len(lines) and "报告" in lines[i + 1]:
        s += lines[i + 1].replace(" ", "")
    m = _TITLE_LINE.match(s)
    if not m or len(m.group(1)) > 60:
        return None
    title = m.group(1)
    prev = lines[i - 1].replace(" ", "").lstrip("#") if i else ""
    if prev and _YEAR_IN_TITLE.match(title) is None and len(prev) <= 20 and _NAME.search(prev):
        # the body on its own line above "2023年政府信息公开工作年度报告"
        return prev + title
    if prev and _YEAR_IN_TITLE.match(title) and len(prev) <= 20 and _NAME.fullmatch(prev):
        return prev + title
    return title


def find_title(lines: list[str]) -> str | None:
    """The report title: a ``标题:`` field, else the first line (or two) naming the report."""
    head = "\n".join(lines[:40])
    m = _TITLE_FIELD.search(head)
    if m:
        return m.group(1).strip()
    for i in range(min(len(lines), 30)):
        title = _title_at(lines, i)
        if title:
            return title
    return None


def statistics_year(title: str | None, text: str) -> int | None:
    """The year the report covers: its statistics period, else the title's year."""
    m = _PERIOD.search(compact(text[:6000]))
    if m:
        return int(m.group(1))
    if title:
        m = _YEAR_IN_TITLE.search(title)
        if m:
            return int(m.group(1))
    return None


def body_name(title: str | None, text: str) -> str | None:
    """The issuing body from the title, extended by a longer spelling found in the text."""
    if not title:
        return None
    t = title.replace(" ", "")
    t = re.sub(r"^标题[:：]", "", t)
    name = None
    m = re.match(r"^((?:19|20)\d{2})年度?(.+?)" + _REPORT, t)
    if m:
        name = m.group(2)
    else:
        m = re.match(r"^(.+?)(?:(?:19|20)\d{2})年", t)
        if m:
            name = m.group(1)
    if not name:
        return None
    name = name.strip("：:（）() ")
    return _with_place_prefix(name, text[:20000]) or None


def _with_place_prefix(name: str, text: str) -> str:
    """淮安市 + 洪泽区人民政府: the city the text puts before the name, if it does.

    The prefix is chosen among the 2–4 characters before ``name`` ending in 市/省/州/盟 as the
    one the text repeats most (a place is named often; "由淮安市" is not a place).
    """
    counts: dict[str, int] = {}
    for i in _occurrences(name, text):
        for k in (2, 3, 4):
            pre = text[max(0, i - k - 1):i]
            if len(pre) == k + 1 and pre[-1] in "省市州盟" and _HAN.fullmatch(pre):
                counts[pre] = text.count(pre)
    if not counts or name[:2] in "".join(counts):
        return name
    best = max(counts, key=lambda p: (counts[p], -len(p)))
    return best + name


def _occurrences(name: str, text: str) -> list[int]:
    """Where ``name`` starts in ``text``, non-overlapping, as ``re.finditer`` of it finds them.

    ``str.find``: a pattern compiled per document's name (every name is new) cost more than
    the search.
    """
    if not name:
        return [m.start() for m in re.finditer("", text)]
    out = []
    i = text.find(name)
    while i >= 0:
        out.append(i)
        i = text.find(name, i + len(name))
    return out


def published_date(text: str) -> str | None:
    """ISO publication date from a 发布时间/发布日期 field or a date line."""
    m = _DATE_FIELD.search(text[:3000]) or _DATE_LINE.search(text[:3000])
    if not m:
        tail = text[-600:]
        m = _DATE_LINE.search(tail)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


def read_metadata(lines: list[str], text: str) -> Metadata:
    """Title, body (resolved to region/level/type), statistics year and publication date."""
    title = find_title(lines)
    name = body_name(title, text)
    # Head (title, 来源/发布机构, 原文链接) and tail (signature): the clues that place a body.
    resolution = resolve_body_detailed(name, text[:3000] + "\n" + text[-1500:]) if name else None
    body = resolution.body if resolution else Body()
    if body.name is None and name:
        body = Body(name=name, region_code=body.region_code, level=body.level, type=body.type)
    findings = ()
    if resolution is not None and resolution.status == "ambiguous":
        # Never guessed: the candidates are reported for a reviewer (our reading, not a fault).
        msg = f"机关所在地无法唯一确定：{body.name} 可能是 {'、'.join(resolution.candidates)}"
        findings = (Finding("body_ambiguous", "warning", (), msg, "reading",
                            detail(name=body.name, candidates=[
                                {"body.region_code": c} for c in resolution.candidates])),)
    return Metadata(
        title, body, statistics_year(title, text), published_date(text), findings
    )

"""What the words of a report say, read once from its normalised text (pure, JSON-able).

Section headings, the page's 发布时间/发布日期 field and the figures the prose states about
table 三 are all the checker needs from the text; :func:`document_facts` collects them so the
warehouse can cache them by sha256 instead of reading every document twice per build.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

# The six parts every report since 2019 must have (国办公开办函〔2019〕60号), with the wording
# variants publishers use. A heading is a numbered line start (一、/1./（一）/第一部分) whose
# words begin with one of these patterns; the intro's "本报告包括总体情况、…" is not numbered.
SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("overview", "总体情况", "overall situation",
     r"(?:政府信息公开(?:工作)?)?(?:总体情况|基本情况|总体概况|工作概况|概述|概况)"),
    ("proactive", "主动公开政府信息情况", "proactive disclosure",
     r"(?:政府信息)?主动公开(?:政府信息)?(?:工作)?的?(?:基本)?情况"),
    ("applications", "收到和处理政府信息公开申请情况", "applications received and handled",
     r"(?:收到和处理|收到及处理|受理和处理|依申请公开|政府信息公开申请|依申请)[^。]{0,14}?情况"),
    ("appeals", "政府信息公开行政复议、行政诉讼情况", "administrative review and litigation",
     r"(?:因?政府信息公开(?:申请)?(?:工作)?)?[^。]{0,6}?复议[^。]{0,16}?诉讼"),
    ("problems", "存在的主要问题及改进情况", "main problems and improvements",
     r"[^。]{0,14}?(?:存在的?(?:主要)?问题|问题及其?改进|改进情况)"),
    ("other", "其他需要报告的事项", "other matters to report",
     r"其他需(?:要)?报告的?事项|其他事项"),
)
_NUM = "一二三四五六七八九十"
_HEADING = re.compile(
    rf"(?<![{_NUM}])(?:#+\s*)?"
    rf"(?:第([{_NUM}]{{1,2}})部分\s*[、.．:：]?|([{_NUM}]{{1,2}})\s*[、.．]|"
    rf"[（(]([{_NUM}]{{1,2}})[）)]|(\d{{1,2}})\s*[、.．](?!\d))\s*",
    re.M,
)
_SECTION_RE = {sid: re.compile(pat) for sid, _, _, pat in SECTIONS}

_DATE_FIELD = re.compile(
    r"(发布时间|发布日期|公开日期|发文日期)\s*[:：]\s*((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]"
    r"\s*(\d{1,2})"
)

# Figures of table 三 that reports restate in words ("予以公开258件"). Only "number + 件" counts:
# table rows in the text carry bare numbers, and a bare "部分公开 0，" is too easily a cell.
PROSE_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("applications.granted.total",
     r"(?<!部分)(?<!不)(?:予以公开|同意公开)(?:答复)?的?\s*(\d+)\s*件"),
    ("applications.granted.total+applications.partially_granted.total",
     r"(?:予以公开|同意公开)(?:及|和|与|、)部分公开(?:答复)?的?\s*(\d+)\s*件"),
    ("applications.partially_granted.total", r"(?<![及和与、])部分公开(?:答复)?的?\s*(\d+)\s*件"),
    ("applications.denied.total", r"不予公开(?:答复)?的?\s*(\d+)\s*件"),
    ("applications.unable.total", r"无法提供(?:答复)?的?\s*(\d+)\s*件"),
    ("applications.not_processed.total", r"不予处理(?:答复)?的?\s*(\d+)\s*件"),
    ("applications.carried_forward.total",
     r"结转(?:至|到)?下一?年度?(?:继续)?(?:办理)?的?\s*(\d+)\s*件"),
)
_PROSE_RE = tuple((k, re.compile(p)) for k, p in PROSE_OUTCOMES)


@dataclass(frozen=True)
class Heading:
    """A section heading found in the text."""

    section: str
    text: str
    span: tuple[int, int]
    numbered: str  # "top" (一、) or "sub" (（一）, 1.)


@dataclass(frozen=True)
class ProseFigure:
    """A table-三 figure stated in the prose (``key``: one key, or keys joined by ``+``)."""

    key: str
    value: int
    span: tuple[int, int]
    text: str


@dataclass
class DocFacts:
    """Everything the checker reads from the words of one document."""

    length: int = 0
    headings: list[Heading] = field(default_factory=list)
    date_field: dict | None = None  # {"date", "label", "span"}
    figures: list[ProseFigure] = field(default_factory=list)

    def section(self, sid: str) -> Heading | None:
        """The best heading of section ``sid``: a top-level one if there is, else a sub-heading."""
        found = [h for h in self.headings if h.section == sid]
        top = [h for h in found if h.numbered == "top"]
        return (top or found or [None])[0]

    def to_json(self) -> dict:
        """JSON form, for the cache."""
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict) -> DocFacts:
        """Inverse of :meth:`to_json`."""
        return cls(
            length=d.get("length", 0),
            headings=[Heading(h["section"], h["text"], tuple(h["span"]), h["numbered"])
                      for h in d.get("headings") or []],
            date_field=d.get("date_field"),
            figures=[ProseFigure(f["key"], f["value"], tuple(f["span"]), f["text"])
                     for f in d.get("figures") or []],
        )


def find_headings(text: str) -> list[Heading]:
    """Every numbered heading that names one of the six sections, in text order."""
    out = []
    for m in _HEADING.finditer(text):
        window = re.sub(r"\s+", "", text[m.end():m.end() + 48])
        level = "top" if (m.group(1) or m.group(2)) else "sub"
        for sid, pattern in _SECTION_RE.items():
            hit = pattern.match(window)
            if hit:
                out.append(Heading(sid, text[m.start():m.end()].strip() + hit.group(0),
                                   (m.start(), m.end() + hit.end()), level))
                break
    return out


def find_date_field(text: str) -> dict | None:
    """The page's 发布时间/发布日期 field near the top, as an ISO date with its span."""
    m = _DATE_FIELD.search(text[:4000])
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups()[1:])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return {"date": f"{y:04d}-{mo:02d}-{d:02d}", "label": m.group(1), "span": [m.start(), m.end()]}


def find_prose_figures(text: str) -> list[ProseFigure]:
    """Table-三 figures the prose states ("无法提供265件"), first statement of each key."""
    out: dict[str, ProseFigure] = {}
    for key, pattern in _PROSE_RE:
        for m in pattern.finditer(text):
            if key not in out:
                out[key] = ProseFigure(key, int(m.group(1)), (m.start(), m.end()), m.group(0))
    return list(out.values())


def document_facts(text: str) -> DocFacts:
    """Read the headings, the publication-date field and the prose figures of a text."""
    return DocFacts(len(text), find_headings(text), find_date_field(text),
                    find_prose_figures(text))

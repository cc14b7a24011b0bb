"""What the words of a report say, read once from its normalised text (pure, JSON-able).

Section headings, the page's 发布时间/发布日期 field and the figures the prose states about
table 三 are all the checker needs from the text; :func:`document_facts` collects them so the
warehouse can cache them by sha256 instead of reading every document twice per build.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from schemas.vocabulary import sections as sections_vocab

if TYPE_CHECKING:
    from pipelines.extract.prose import ProseReading

# The six parts every report since 2019 must have, as ``(id, zh, en, pattern)``; the wording is
# schemas/vocabulary/sections.py, turned here into one anchored pattern per part. A heading is
# a numbered line start (一、/1./（一）/第一部分) whose words begin with its part's wording; the
# intro's "本报告包括总体情况、…" is not numbered.


def _alt(ws) -> str:
    return "(?:" + "|".join(re.escape(w.text) for w in sorted(ws, key=lambda w: -len(w.text))) + ")"


def _section_pattern(s: sections_vocab.SectionWording) -> str:
    lead = _alt(s.lead) + "?" if s.lead else ""
    gap = f"[^。]{{0,{s.gap}}}?" if s.gap else ""
    then = f"[^。]{{0,{s.within}}}?{_alt(s.then)}" if s.then else ""
    return lead + gap + _alt(s.core) + then


SECTIONS: tuple[tuple[str, str, str, str], ...] = tuple(
    (s.id, s.zh, s.en, _section_pattern(s)) for s in sections_vocab.SECTIONS)
_NUM = "一二三四五六七八九十"
# The lookahead names the characters a heading can start with; it changes no match, but lets
# the scan pass over every other position quickly (this scan was most of the checker's facts).
_HEADING = re.compile(
    rf"(?=[#第{_NUM}（(\d])(?<![{_NUM}])(?:#+\s*)?"
    rf"(?:第([{_NUM}]{{1,2}})部分\s*[、.．:：]?|([{_NUM}]{{1,2}})\s*[、.．]|"
    rf"[（(]([{_NUM}]{{1,2}})[）)]|(\d{{1,2}})\s*[、.．](?!\d))\s*",
    re.M,
)
_SECTION_RE = {sid: re.compile(pat) for sid, _, _, pat in SECTIONS}
# The six patterns as one alternation tried in their order: at one position the first part
# whose pattern matches wins, with the match that pattern alone makes (one match per heading
# instead of up to six).
_ANY_SECTION = re.compile("|".join(f"(?P<s{i}>{pat})" for i, (_, _, _, pat) in enumerate(SECTIONS)))
_SECTION_OF = {f"s{i}": sid for i, (sid, _, _, _) in enumerate(SECTIONS)}
_SPACE_RUN = re.compile(r"\s+")

_DATE_FIELD = re.compile(
    r"(发布时间|发布日期|公开日期|发文日期)\s*[:：]\s*((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]"
    r"\s*(\d{1,2})"
)

# Table-三 figures the checker compares with the table: the prose reader's (pipelines.extract.
# prose, wording in schemas/vocabulary/prose.py), never a second list of phrases here.
CHECKED_FIGURES = frozenset(
    f"applications.{r}.total" for r in ("granted", "partially_granted", "denied", "unable",
                                        "not_processed", "carried_forward"))


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
        window = _SPACE_RUN.sub("", text[m.end():m.end() + 48])
        level = "top" if (m.group(1) or m.group(2)) else "sub"
        hit = _ANY_SECTION.match(window)
        if hit:
            out.append(Heading(_SECTION_OF[hit.lastgroup], text[m.start():m.end()].strip()
                               + hit.group(0), (m.start(), m.end() + hit.end()), level))
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


def find_prose_figures(text: str, reading: ProseReading | None = None) -> list[ProseFigure]:
    """Table-三 figures the prose states ("无法提供265件"), first statement of each key.

    Read by the engine's prose reader, so the checker and the extraction agree on what a
    sentence says; outcomes counted together (予以公开及部分公开258件) come as one figure whose
    key joins theirs with ``+``. Spans point into ``text``; ``text`` of a figure is its clause.
    ``reading`` is the engine's own reading of this text's running text (tables blanked, same
    offsets as the compacted text), when the caller has it: then the prose is not read twice.
    """
    from pipelines.extract.prose import compact_with_offsets, read_prose

    flat, offsets = compact_with_offsets(text)
    if reading is None:
        reading = read_prose(flat)
    out = []
    for f in [*reading.figures, *reading.joined]:
        if f.kind == "number" and all(k in CHECKED_FIGURES for k in f.key.split("+")):
            start, end = offsets[f.span[0]], offsets[f.span[1] - 1] + 1
            out.append(ProseFigure(f.key, int(f.value), (start, end), f.sentence))
    return sorted(out, key=lambda f: f.span[0])


def document_facts(text: str, reading: ProseReading | None = None) -> DocFacts:
    """Read the headings, the publication-date field and the prose figures of a text.

    ``reading``: the engine's prose reading of the same text (:class:`pipelines.extract.
    engine.DocumentReading`), reused rather than read again.
    """
    return DocFacts(len(text), find_headings(text), find_date_field(text),
                    find_prose_figures(text, reading))

"""The six required parts of a report (国办公开办函〔2019〕60号), tolerant of wording variants.

Reports before 2019 were free-form, so they are not checked. A part whose numbered heading is
missing is an error in a document the body itself produced (DOCX, PDF, HTML page); in plain text
or Markdown made by a scraper or a third party, headings are often lost with the layout, so there
it is a warning. A part found only as a sub-heading (（二）改进情况) is noted, not counted missing.
"""

from __future__ import annotations

from pipelines.checker.facts import SECTIONS, DocFacts
from pipelines.checker.model import Problem

FAITHFUL_CONTAINERS = ("docx", "pdf", "html")


def check_sections(year: int | None, template: str | None, container: str,
                   facts: DocFacts) -> list[Problem]:
    """One problem per required part that has no heading."""
    if template == "pre2019" or (year is not None and year < 2019) or facts.length == 0:
        return []
    severity = "error" if container in FAITHFUL_CONTAINERS else "warning"
    out = []
    for number, (sid, zh, en, _) in enumerate(SECTIONS, start=1):
        head = facts.section(sid)
        ordinal = "一二三四五六"[number - 1]
        if head is None:
            out.append(Problem(
                "sections", "section_missing", severity, (), {"section": f"{ordinal}、{zh}"},
                f"缺少第{ordinal}部分“{zh}”（未找到该部分标题）。",
                f"Part {number} \"{en}\" ({zh}) is missing: no heading found."))
        elif head.numbered != "top":
            out.append(Problem(
                "sections", "section_heading_sub", "info", (),
                {"section": f"{ordinal}、{zh}", "span": list(head.span), "text": head.text},
                f"第{ordinal}部分“{zh}”只以小标题“{head.text}”出现，建议使用规范的一级标题。",
                f"Part {number} \"{en}\" appears only as the sub-heading \"{head.text}\"."))
    return out

"""What the report checker says: one :class:`Problem` per thing a reader or assessor must fix.

A problem names its check (the scorecard's unit of weighting), the specific rule, a severity,
the canonical keys involved, where in the document it is (table/row/column or a text span) and a
plain explanation in Chinese and English. The JSON form is the ``gongkai check --json`` contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# check id → (Chinese, English) name. The scorecard weighs problems by check; the order here is
# the order of the scorecard's columns and of the CLI listing.
CHECKS: dict[str, tuple[str, str]] = {
    "on_time": ("按时发布", "published on time"),
    "sections": ("六部分齐全", "six required sections"),
    "template": ("模板与表格完整", "right template, complete tables"),
    "consistency": ("勾稽关系", "consistency rules"),
    "text_vs_table": ("正文与表格一致", "text agrees with tables"),
    "continuity": ("跨年度衔接", "continuity with last year"),
    "catalogue": ("与规范性文件目录一致", "agrees with the normative-document catalogue"),
    "reading": ("识读提示", "reading notes"),
}


@dataclass(frozen=True)
class Problem:
    """One problem of one report.

    ``location`` is JSON-able: ``{"table": "三", "row": …, "column": …}`` for a cell,
    ``{"section": …}`` for a missing section, ``{"span": [start, end], "text": …}`` for words.
    """

    check: str
    rule: str
    severity: Severity
    keys: tuple[str, ...]
    location: dict = field(default_factory=dict)
    message_zh: str = ""
    message_en: str = ""

    def message(self, lang: str = "zh") -> str:
        """The explanation in ``lang`` (``zh`` or ``en``)."""
        return self.message_en if lang == "en" else self.message_zh

    def to_json(self, lang: str = "zh") -> dict:
        """The ``gongkai check --json`` object."""
        return {
            "check": self.check,
            "rule": self.rule,
            "severity": self.severity,
            "keys": list(self.keys),
            "location": self.location,
            "message": self.message(lang),
        }


def location_text(location: dict, lang: str = "zh") -> str:
    """A location in words: ``表三 · 予以公开 · 总计`` or ``正文第 120–135 字``."""
    if not location:
        return ""
    parts = []
    if location.get("table"):
        parts.append(("表" if lang == "zh" else "table ") + str(location["table"]))
    for k in ("row", "column", "section", "field"):
        if location.get(k):
            parts.append(str(location[k]))
    if location.get("span"):
        a, b = location["span"][:2]
        parts.append(f"正文第 {a}–{b} 字" if lang == "zh" else f"text chars {a}–{b}")
    if location.get("text"):
        parts.append(f"“{location['text']}”" if lang == "zh" else f'"{location["text"]}"')
    return " · ".join(parts)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by check order, keeping the checks' own order within."""
    order = {c: i for i, c in enumerate(CHECKS)}
    return sorted(problems, key=lambda p: (SEVERITY_ORDER[p.severity], order.get(p.check, 99)))

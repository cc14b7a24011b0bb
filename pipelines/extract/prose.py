"""Figures stated in the running text: ``headline.*`` and the tables of pre-2019 reports.

Patterns name the figure's own wording (主动公开政府信息…条, 受理政府信息公开申请…件) and not
just a number near a keyword, because reports are full of look-alike counts: service-hall
applications (共受理申请136437件), administrative approvals (受理审批事项117件), spending on
disclosure work (费用1万元), approximate figures (5500余条). The first statement in document
order wins; later restatements are usually sub-totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = re.compile(r"(?<=[^\x00-\x7f])[ \t]+|[ \t]+(?=[^\x00-\x7f])")
N = r"(\d+(?:\.\d+)?)"


@dataclass(frozen=True)
class ProseFigure:
    """One figure read from the prose: key, value, cell kind and character span."""

    key: str
    value: int | float
    kind: str
    span: tuple[int, int]


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


HEADLINE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("headline.items_published", _p(
        r"(?:主动公开|主动发布|共公布|当年发布)[^。；，,]{0,10}?政府信息(?:共计?)?"
        + N + r"(?:条|件)")),
    ("headline.policy_interpretations", _p(r"政策解读(?:共计?)?" + N + r"(?:件|篇)")),
    ("headline.policy_interpretations",
     _p(r"解读类?信息(?:发布)?(?:共计?)?" + N + r"(?:条|件|篇)")),
    ("headline.press_conferences", _p(r"新闻发布会(?:共计?)?" + N + r"场")),
    ("headline.applications_received", _p(
        r"(?:受理|收到)(?:各类)?(?:政府)?信息公开申请(?:共计?)?" + N + r"件")),
    ("headline.fees_yuan", _p(r"收取[^。；，]{0,14}?(?:费|费用)(?:共计?)?" + N + r"元")),
)
ZERO_PATTERNS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("headline.applications_received",),
     _p(r"未(?:收到|受理)[^。，；]{0,6}?政府信息公开(?:的)?申请")),
    (("headline.fees_yuan",), _p(r"暂不收费|未发生[^。，；]{0,8}收费|未收取[^。，；]{0,8}费")),
)
# pre-2019 reports state appeals in prose
REVIEW_ZERO = _p(r"未(?:收到|发生|有)[^。]{0,12}?行政复议")
LITIGATION_ZERO = _p(r"未(?:收到|发生|有)[^。]{0,12}?行政复议[^。]{0,4}?(?:提起)?行政诉讼")
REVIEW_COUNT = _p(r"行政复议(?:共计?)?" + N + r"件")


def compact(text: str) -> str:
    """Remove layout spaces around CJK characters (PDF lines: ``信息 1136 条``)."""
    return _SPACES.sub("", text.replace("\n", ""))


def _num(s: str) -> int | float:
    return float(s) if "." in s else int(s)


def headline_figures(text: str) -> list[ProseFigure]:
    """The ``headline.*`` figures the prose states (first statement of each wins)."""
    found: dict[str, ProseFigure] = {}
    for key, pat in HEADLINE_PATTERNS:
        m = pat.search(text)
        if m and (key not in found or m.start() < found[key].span[0]):
            found[key] = ProseFigure(key, _num(m.group(1)), "number", m.span())
    for keys, pat in ZERO_PATTERNS:
        m = pat.search(text)
        for key in keys:
            if m and (key not in found or m.start() < found[key].span[0]):
                found[key] = ProseFigure(key, 0, "text", m.span())
    return list(found.values())


def pre2019_figures(text: str, headlines: list[ProseFigure]) -> list[ProseFigure]:
    """Table keys a pre-2019 report states in prose (received applications, appeals)."""
    out = []
    for h in headlines:
        if h.key == "headline.applications_received":
            out.append(ProseFigure("applications.new_received.total", h.value, h.kind, h.span))
    m = LITIGATION_ZERO.search(text)
    if m:
        for g in ("review", "litigation_direct", "litigation_after_review"):
            out.append(ProseFigure(f"appeals.{g}.total", 0, "text", m.span()))
        return out
    m = REVIEW_ZERO.search(text)
    if m:
        out.append(ProseFigure("appeals.review.total", 0, "text", m.span()))
        return out
    m = REVIEW_COUNT.search(text)
    if m:
        out.append(ProseFigure("appeals.review.total", _num(m.group(1)), "number", m.span()))
    return out

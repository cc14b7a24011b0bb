"""Wording of the six parts every report since 2019 must have (国办公开办函〔2019〕60号).

A heading names its part by a core word (总体情况, 主动公开, 依申请公开, 复议…诉讼, 存在的问题,
其他事项), sometimes after a lead (政府信息公开工作…) and sometimes needing a word after it
(依申请公开…情况). The checker (:mod:`pipelines.checker.facts`) builds its heading matcher from
these; nothing else lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.vocabulary import Word, words

T = "国办公开办函〔2019〕60号 年度报告格式"
SEEN = "reports 2019–2025 (corpus and tests/cases texts)"


@dataclass(frozen=True)
class SectionWording:
    """How the heading of one part is worded.

    A heading matches when, at its start, an optional ``lead`` word and at most ``gap`` other
    characters come before one ``core`` word, followed — when ``then`` is given — by one of
    those within ``within`` characters.
    """

    id: str
    zh: str
    en: str
    core: tuple[Word, ...]
    lead: tuple[Word, ...] = ()
    gap: int = 0
    then: tuple[Word, ...] = ()
    within: int = 0


SECTIONS: tuple[SectionWording, ...] = (
    SectionWording(
        "overview", "总体情况", "overall situation",
        words("总体情况", "基本情况", "总体概况", "工作概况", "概述", "概况", seen=SEEN),
        lead=words("政府信息公开工作", "政府信息公开", seen=SEEN)),
    SectionWording(
        "proactive", "主动公开政府信息情况", "proactive disclosure",
        words("主动公开", seen=T), lead=words("政府信息", seen=SEEN),
        then=words("情况", seen=T), within=12),
    SectionWording(
        "applications", "收到和处理政府信息公开申请情况", "applications received and handled",
        words("收到和处理", "收到及处理", "受理和处理", "依申请公开", "政府信息公开申请", "依申请",
              seen=SEEN),
        then=words("情况", seen=T), within=14),
    SectionWording(
        "appeals", "政府信息公开行政复议、行政诉讼情况", "administrative review and litigation",
        words("复议", seen=T),
        lead=words("因政府信息公开申请工作", "因政府信息公开申请", "因政府信息公开工作",
                   "因政府信息公开", "政府信息公开申请", "政府信息公开工作", "政府信息公开",
                   seen=SEEN),
        gap=6, then=words("诉讼", seen=T), within=16),
    SectionWording(
        "problems", "存在的主要问题及改进情况", "main problems and improvements",
        words("存在的主要问题", "存在主要问题", "存在的问题", "存在问题", "问题及其改进",
              "问题及改进", "改进情况", seen=SEEN),
        gap=14),
    SectionWording(
        "other", "其他需要报告的事项", "other matters to report",
        words("其他需要报告的事项", "其他需要报告事项", "其他需报告的事项", "其他需报告事项",
              "其他事项", seen=SEEN)),
)

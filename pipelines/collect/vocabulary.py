"""How listing pages word the links to annual reports: weighted words, scored, never one phrase.

A 年报 column lists the body's reports of every year, often next to its budgets, plans and
notices, and a county's column often lists its departments' and townships' reports too. A link
title is scored by groups of words (the best word of a group counts once); a title must name the
year, a report word and a disclosure word to be taken at all. Titles seen on real columns
(TRS/WCM, Hanweb 大汉 ``/art/2025/1/15/art_…html``, Guangdong ``content/post_….html`` sites):
``2024年度政府信息公开工作年度报告``, ``淮安市自然资源和规划局2024年政府信息公开工作年度报告``,
``二〇二四年政务公开年报``, ``2024年政府信息公开年报（图解）``.
"""

from __future__ import annotations

# Each group: (name, ((word, weight), ...)); the heaviest word of a group that the title holds
# counts. ``report`` and ``disclosure`` are required.
GROUPS: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    ("disclosure", (("政府信息公开", 3.0), ("信息公开", 2.0), ("政务公开", 1.5))),
    ("report", (("年度报告", 3.0), ("年报", 3.0), ("报告", 1.0))),
    ("work", (("工作", 0.5),)),
    ("annual", (("年度", 0.5),)),
)
REQUIRED = ("disclosure", "report")
YEAR_WEIGHT = 3.0

# Other documents that share the column and the words: each one found subtracts its weight.
# OTHER marks a different document outright: more than the most a title can score above the
# threshold (year 3 + disclosure 3 + report 3 + 0.5 + 0.5 + name 2 = 12; 12 − 5.5 < 8).
OTHER = 8.0
PENALTIES: tuple[tuple[str, float], ...] = (
    ("预算", OTHER),
    ("决算", OTHER),
    ("计划", OTHER),
    ("要点", OTHER),
    ("通知", OTHER),
    ("方案", OTHER),
    ("解读", OTHER),  # 图解/解读 versions of a report are pictures, not the report
    ("图解", OTHER),
    ("统计公报", OTHER),
    ("政府工作报告", OTHER),
    ("征求意见", OTHER),
    ("考核", 4.0),
    ("测评", 4.0),
    ("评估", 4.0),
    ("指南", OTHER),
    ("目录", OTHER),
    ("总结", 2.0),  # a 工作总结 is close, but not the statutory report
)

# A title naming the same body (+) or another body (−) in the column.
NAME_MATCH = 2.0
NAME_MISMATCH = 5.0
THRESHOLD = 5.5  # the year (3) + a disclosure word + a report word at their weakest

# Body-type endings dropped before names are compared: a government is written 淮安市人民政府,
# 淮安市政府 or just 淮安市 in its own column; a 街道办事处 as 高良涧街道.
GOVERNMENT_ENDINGS = ("人民政府", "政府", "办事处")

# Anchor texts of pagination and "more" links (TRS, Hanweb and hand-made sites).
NEXT_PAGE = ("下一页", "下页", "后页", "next", ">", "›", "»", ">>")
MORE = ("更多", "more", "查看更多", "更多>>")

# Words of a page that holds the report itself rather than a title and an attachment link:
# the section headings and table captions of the 2019/2021 templates.
REPORT_BODY_WORDS = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议",
    "行政诉讼",
    "存在的主要问题",
    "其他需要报告的事项",
    "本年新收",
    "申请人情况",
    "处理结果",
)
REPORT_BODY_MIN_WORDS = 4
REPORT_BODY_MIN_CHARS = 600  # CJK characters of a page's text; a title + link page has ~100

# Links to attachments: by suffix, by anchor words (download servlets hide the suffix).
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et")
ATTACHMENT_WORDS = ("附件", "下载", "download")

# Labels printed before a page's publication date.
DATE_LABELS = ("发布日期", "发布时间", "发文日期", "成文日期", "公开日期", "时间", "日期")

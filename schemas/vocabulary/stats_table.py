"""Wording of the pre-2019 statistics table (政府信息公开情况统计表).

Provinces worded the table's rows differently (主动公开信息数 / 主动公开文件数 / 主动公开政府信息数;
受理依申请公开信息总数 / 受理政府信息依申请公开总数 / 受理申请数 …), so each key is known by its
distinctive words, not by a label: the scored matcher (:mod:`pipelines.extract.matcher`) takes
the best-scoring sense of a row label, and an exclusion word rules a sense out (a channel row
names 申请 too, but it is not the total; 收费减免 is a waiver, not a fee).

``seen``: ``spec`` is the contract's own list of typical labels (report-schema.md); other
sources name the province and body where the wording was read.
"""

from __future__ import annotations

from schemas.vocabulary import Sense, Word, words

SPEC = "spec: pre-2019 statistics table"
PT = "福建 平潭 2011–2017"

# Words that name no row: the header and the unit column. They are cut off a row's label.
HEADER_WORDS: tuple[Word, ...] = words(
    "指标名称", "统计指标", "指标", "项目", "计量单位", "单位", "本年度", "本年", "历年累计",
    "累计", "年度", "数量", "数值", "备注", seen=SPEC) + words(
    "代码", "本期实际", "本期", seen="甘肃 定西") + words(
    "上年度", "上一年", "比上年增减", "增减", "同比", seen=SPEC)
UNIT_WORDS: tuple[str, ...] = ("条", "件", "个", "次", "元", "万元", "人次", "项", "份", "篇")
# A table starts at one of these (the title or the header row).
TABLE_MARKERS: tuple[Word, ...] = words(
    "统计表", "指标名称", "历年累计", "计量单位", "统计指标", seen=SPEC) + words(
    "统计报表", seen="甘肃 定西 政府信息公开统计报表（空表）")
# Column headers: which value column holds the year's figure.
YEAR_COLUMN: tuple[Word, ...] = (
    words("本年度", "本年", "当年", "年度", "数量", "数值", seen=SPEC)
    # a statistics return's 本年累计 is the year to date, i.e. the year's figure
    + words("本年累计", seen="甘肃 定西 政府信息公开统计报表（空表）"))
PERIOD_COLUMN: tuple[Word, ...] = words("本期", seen="甘肃 定西 政府信息公开统计报表（空表）")
CODE_COLUMN: tuple[Word, ...] = words("代码", "行次", "序号",
                                      seen="甘肃 定西 政府信息公开统计报表（空表）")
CUMULATIVE_COLUMN: tuple[Word, ...] = words("累计", "历年", seen=SPEC)
PREVIOUS_COLUMN: tuple[Word, ...] = words("上年", "上一年", "去年", seen=SPEC)
# A change column (增减 / 同比) beside the year's: read past, never taken for the year.
CHANGE_COLUMN: tuple[Word, ...] = words("增减", "增长", "同比", "增幅", "比上年", seen=SPEC)

_CHANNEL_OTHERS = ("当面", "传真", "电子邮件", "邮件", "网上", "网络", "在线", "信函", "邮寄",
                   "其它形式", "其他形式", "其它方式", "其他方式")
_REPLY_KINDS = ("同意", "部分", "否决", "不予", "其他类型", "其它类型", "不同意")


def _ex(*texts: str) -> tuple[Word, ...]:
    return words(*texts, seen=SPEC)


SENSES: tuple[Sense, ...] = (
    Sense("proactive.items_published",
          words("主动公开", seen=SPEC)
          + words("信息数", "文件数", "政府信息数", weight=0.5, seen=SPEC),
          _ex("网站", "公报", "其中", "申请", "规范性", "解读", "发布会")),
    Sense("proactive.items_published.website",
          words("网站公开", "政府网站", weight=2.0, seen=PT) + words("网站", seen=SPEC),
          _ex("申请", "访问")),
    Sense("proactive.items_published.gazette", words("公报", weight=2.0, seen=SPEC), _ex("申请")),
    Sense("applications.new_received.total",
          words("受理", "收到", seen=SPEC) + words("依申请公开", "申请", weight=0.5, seen=SPEC)
          + words("总数", "申请数", weight=0.5, seen=SPEC)
          + words("申请总数", seen="甘肃 定西 政府信息公开统计报表（空表）"),
          _ex(*_CHANNEL_OTHERS, "答复", "复议", "诉讼", "收费", "费用")),
    Sense("applications.channel.in_person", words("当面", weight=2.0, seen=SPEC), ()),
    Sense("applications.channel.fax", words("传真", weight=2.0, seen=SPEC), _ex("信函", "邮寄")),
    Sense("applications.channel.email",
          words("电子邮件", "电子邮箱", "邮件", weight=2.0, seen=SPEC), ()),
    Sense("applications.channel.online",
          words("网上", "网络", "在线", "互联网", weight=2.0, seen=SPEC), ()),
    Sense("applications.channel.letter", words("信函", "邮寄", "来信", weight=2.0, seen=SPEC),
          _ex("传真")),
    Sense("applications.channel.letter_fax",
          words("信函", "传真", weight=1.5, seen=PT), ()),
    Sense("applications.channel.other",
          words("其它形式", "其他形式", "其它方式", "其他方式", "其他途径", weight=2.0, seen=SPEC),
          ()),
    Sense("applications.total_processed.total",
          words("答复", seen=SPEC) + words("总数", "答复数", "对申请", weight=0.5, seen=SPEC),
          _ex(*_REPLY_KINDS)),
    Sense("applications.granted.total",
          words("同意公开", weight=2.0, seen=SPEC) + words("予以公开", weight=2.0, seen=SPEC),
          _ex("部分", "不同意", "不予")),
    Sense("applications.partially_granted.total",
          words("部分公开", weight=2.5, seen=SPEC), ()),
    Sense("applications.denied.total",
          words("否决", "不予公开", "不同意公开", weight=2.5, seen=SPEC), _ex("部分")),
    Sense("applications.other_reply.total",
          words("其他类型", "其它类型", weight=2.5, seen=SPEC), ()),
    # 信息不存在 / 非本部门掌握 / 申请内容不明确 are printed as sub-rows of 否决公开 in some forms
    # (甘肃 定西 统计报表) and counted as other replies in others (the spec's note): a row so
    # labelled is known as a row but given no key, rather than the wrong one.
    Sense("_local.reply_reason",
          words("信息不存在", "非本机关", "非本部门", "不属于本", "内容不明确", weight=3.0,
                seen="甘肃 定西 政府信息公开统计报表（空表）"), ()),
    Sense("appeals.review.total", words("行政复议", "复议", weight=2.0, seen=SPEC), ()),
    Sense("appeals.litigation.total", words("行政诉讼", "诉讼", weight=2.0, seen=SPEC),
          _ex("举报", "申诉", "投诉")),
    Sense("appeals.complaints.total",
          words("申诉", "举报", "投诉", weight=2.5, seen=SPEC), ()),
    Sense("headline.fees_yuan",
          words("收取费用", "收费", "费用", "处理费", weight=2.0, seen=SPEC),
          _ex("减免", "免收", "经费", "支出")),
)

# A child row (其中…) is read under the nearest row above it that it can belong to.
PARENTS: dict[str, str] = {
    "proactive.items_published.website": "proactive.items_published",
    "proactive.items_published.gazette": "proactive.items_published",
    **{f"applications.channel.{c}": "applications.new_received.total"
       for c in ("in_person", "fax", "email", "online", "letter", "letter_fax", "other")},
    **{k: "applications.total_processed.total" for k in (
        "applications.granted.total", "applications.partially_granted.total",
        "applications.denied.total", "applications.other_reply.total")},
}

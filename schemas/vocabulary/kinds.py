"""How a document says what kind of document it is: annual report, work plan, task list, notice.

Scrapers of 政府信息公开 columns also collect the documents published beside the annual reports:
the year's 政务公开工作要点 (a work plan), its 任务分工/任务清单 (a table of tasks with the unit
responsible, the deadline and a status), and the 通知/函 by which a government office asks its
departments to compile and submit their reports. They share much of a report's wording (主动公开,
依申请公开, even the six part names, when a notice explains them), so the kind is decided by
scoring evidence of several sorts, each listed here with where it was seen:

* ``TITLE_HEADS`` — the word a title ends with (a Chinese title's head noun is its last word);
  ``TRANSMIT`` words make a notice that 印发 a plan count as the plan it carries;
* ``HEADINGS`` — section headings (lines that start with 一、/（一）): the six parts of a report,
  a plan's 总体要求/保障措施;
* ``PHRASES`` — wording found anywhere: template table labels and the report's words about
  itself, a plan's 制定本要点, a notice's 特此通知/通知如下;
* ``TASK_HEADER`` and ``STATUSES`` — the header cells and status cells of a table of tasks.

:mod:`pipelines.extract.kind` turns these into a score per kind. Every word is plain text as
printed after normalisation (simplified script, no spaces; full-width brackets and colons as
ASCII ``( ) :``).
"""

from __future__ import annotations

from schemas.vocabulary import Sense, Word, words

KINDS = ("annual_report", "work_plan", "task_list", "notice", "other")
ANNUAL = "annual_report"

# What a person reads for each kind (findings, the CLI, the warehouse listing).
KIND_LABELS: dict[str, tuple[str, str]] = {
    "annual_report": ("年度报告", "annual report"),
    "work_plan": ("工作要点/工作计划", "work plan"),
    "task_list": ("任务清单", "task list"),
    "notice": ("通知/函", "notice"),
    "other": ("其他文件", "other document"),
}

_TEMPLATE = "国办公开办函〔2021〕30号 年度报告格式"
_TEMPLATE_2019 = "国办公开办函〔2019〕60号 年度报告格式"
_REPORTS = "年度报告，各地 2008–2025（如上海市 2022、清远市清新区 2022）"

TITLE_HEADS: tuple[Sense, ...] = (
    Sense("annual_report", (
        *words("政府信息公开工作年度报告", "政府信息公开年度报告", "信息公开工作年度报告",
               "年度报告", seen=_REPORTS),
        *words("年报", weight=0.9, seen="政府信息公开年报（栏目与标题）"),
        *words("工作报告", "情况报告", weight=0.5,
               seen="政务公开工作报告（乡镇，如“乡镇政务公开工作情况报告”）"),
    ), note="a report's title ends with 年度报告; a plain 报告 is weaker evidence"),
    Sense("work_plan", (
        *words("政务公开工作要点", "工作要点", seen="新余市 2023、北京市 2016、定陶区 2017、"
               "红谷滩区 2022 政务公开工作要点"),
        *words("工作计划", seen="赣州市古陂镇 2020 政务信息公开工作计划"),
        *words("重点工作安排", "工作安排", seen="政务公开重点工作安排（各地）"),
        *words("实施方案", weight=0.75, seen="新乡市 2020 基层政务公开标准化规范化工作实施方案；"
               "镇 2023 政务公开工作实施方案"),
        *words("工作思路", weight=0.75, seen="镇政府 2023 年工作总结和 2024 年工作思路"),
    )),
    Sense("task_list", (
        *words("任务清单", "重点任务清单", "任务分解责任清单", "责任清单",
               seen="荆州市 2022 政务公开任务分解责任清单；池州市信访局 重点任务清单"),
        *words("任务分解表", "主要任务分解表", seen="厦门市集美区 2021 政务公开工作主要任务分解表"),
        *words("任务分工", "分工方案", "任务分工方案",
               seen="官渡区 2022 政务公开工作要点分工方案；安阳市 2022 重点工作任务分工"),
        *words("工作台账", "台账", "落实情况台账", seen="政务公开工作要点落实情况台账（各地）"),
    )),
    Sense("notice", (
        *words("通知", seen="武威市 2025、阿坝州 2018、金坛区 2017、凉山州 2014 关于做好"
               "政府信息公开工作年度报告编制发布工作的通知"),
        *words("函", seen="国办公开办函〔2019〕60号 关于政府信息公开工作年度报告有关事项的通知"),
        *words("通报", weight=0.9,
               seen="广东省 2010 关于 2009 年政府信息公开工作年度报告编制公布情况的通报"),
    )),
)

# 关于印发《2023年新余市政务公开工作要点》的通知: the notice carries the plan, which is the
# document a reader wants; the plan's kind takes the title (and then outweighs the notice's own
# addressee line and 印发给你们, which every such cover notice has).
TRANSMIT: tuple[Word, ...] = words(
    "印发", "转发", "下发", "公布",
    seen="新余市 2023、北京市 2016、定陶区 2017、荆州市 2022 关于印发…的通知",
)

# Section headings (a line that starts with 一、 or (一)). Only headings count: a news item or a
# notice may name the six parts inside a sentence, a report prints them as its sections.
HEADINGS: tuple[Sense, ...] = (
    Sense("annual_report", (
        *words("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
               "政府信息公开行政复议、行政诉讼情况", "政府信息公开行政复议和行政诉讼情况",
               "存在的主要问题及改进情况", "其他需要报告的事项", weight=0.75, seen=_TEMPLATE),
        *words("因政府信息公开工作被申请行政复议和提起行政诉讼情况", weight=0.75,
               seen="上海市 2022 年度报告"),
        *words("概述", "主动公开政府信息的情况", "依申请公开政府信息的情况",
               "政府信息公开的收费及减免情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
               "政府信息公开工作存在的主要问题和改进措施", "主动公开政府信息情况",
               "依申请公开政府信息情况", "政府信息公开总体工作情况", weight=0.75,
               seen="2008–2018 年度报告（条例第三十二条六方面内容）"),
    ), note="the six parts of 条例第五十条 (2019 on) / 第三十二条 (2008–2018)"),
    Sense("work_plan", (
        *words("总体要求", "指导思想", "工作目标", "目标任务", "目标要求", "主要任务", "重点任务",
               "保障措施", "组织保障", "工作要求", "基本原则",
               seen="新余市 2023、红谷滩区 2022 工作要点；新乡市 2020 实施方案"),
    )),
)

PHRASES: tuple[Sense, ...] = (
    Sense("annual_report", (
        # template tables 二/三/四 (2019/2021) and the pre-2019 statistics table
        *words("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量",
               "本年度办理结果", "结转下年度继续办理", "本年制发件数", "现行有效件数",
               "处理决定数量", "第二十条第(一)项", "第二十条第(五)项", "第二十条第(六)项",
               "第二十条第(八)项", "第二十条第(九)项", "第二十条第(十)项", "第二十一条第(二)项",
               "尚未审结", "未经复议直接起诉", "复议后起诉", "商业企业", "科研机构",
               "社会公益组织", "法律服务机构", weight=0.75, seen=_TEMPLATE),
        *words("本年新收政府信息公开申请", "本年办理结果", "收费数额", weight=0.75,
               seen=_TEMPLATE_2019),
        *words("政府信息公开情况统计表", "主动公开信息数", "受理申请总数", "历年累计",
               weight=0.75, seen="2008–2018 政府信息公开情况统计表（国办发〔2014〕32号）"),
        # what only a report says about itself
        *words("本报告", "本年度报告", "本年度报告中所列数据", "统计期限", "年度报告电子版",
               "本报告所列数据", weight=1.0,
               seen="上海市 2022、清远市清新区 2022 年度报告（开篇说明）"),
    )),
    Sense("work_plan", (
        *words("制定本要点", "制定本工作要点", "制定本计划", "制定本方案", "特制定本实施方案",
               weight=1.0, seen="新余市 2023 工作要点；新乡市 2020 实施方案"),
        *words("(责任单位:", "(牵头单位:", "责任单位:", weight=0.75,
               seen="红谷滩区 2022 工作要点（每项任务后括注责任单位）"),
        *words("要进一步", "要加强", "各地各部门要", weight=0.25, seen="工作要点的祈使句（各地）"),
    )),
    Sense("notice", (
        *words("特此通知", seen="通知的结束语（各地）"),
        *words("现就有关事项通知如下", "通知如下", seen="武威市 2025、阿坝州 2018、金坛区 2017"),
        *words("现印发给你们", "印发给你们", "请认真贯彻执行", "请结合实际认真贯彻落实",
               weight=0.75, seen="新余市 2023、北京市 2016、国办公开办函〔2021〕30号"),
        *words("联系人:", "联系电话:", "报送单位:", "报送方式:", "请于", weight=0.5,
               seen="凉山州 2014 关于做好 2013 年年度报告编制和发布工作的通知"),
    )),
)

# A table of tasks: the header cells (two or more on one line make a task table's header).
TASK_HEADER: tuple[Word, ...] = (
    *words("责任单位", "牵头单位", "配合单位", "责任科室", "责任部门", "完成时限",
           "时限要求", "完成时间", "进展情况", "完成情况", "落实情况", "工作任务", "任务内容",
           "具体要求", "工作要求", "主要工作任务", "具体任务", "序号",
           seen="荆州市 2022 责任清单；池州市信访局 任务清单；集美区 2021 任务分解表；"
           "2022 区政务公开任务表（主要工作任务 | 任务内容 | 完成时限 | 责任单位）"),
)

# Status and deadline cells of a task table (counted as cells or in the running text).
STATUSES: tuple[Word, ...] = (
    *words("已完成", "推进中", "正在推进", "持续推进", "长期坚持", "按时完成", "未完成",
           "已落实", "全年", "年底前", "12月底前", "三季度前",
           seen="池州市信访局 任务清单（持续推进/年底前）；荆州市 2022（持续推进）；"
           "2022 区政务公开任务表（全年/12月底前/三季度前）；落实情况台账（已完成/推进中）"),
)

# Addressee line of a notice ("各县(市、区)人民政府，市政府各部门:"): a short line that ends
# with a colon and names the recipients with 各; these are the words that name recipients.
ADDRESSEES: tuple[Word, ...] = words(
    "人民政府", "各部门", "各单位", "管委会", "办公厅", "办公室", "直属机构", "各委", "各局",
    "各镇", "街道", seen="武威市 2025、阿坝州 2018、新余市 2023、集美区 2021 主送机关",
)

# Page furniture of government sites: a line that starts with one of these is a field, not the
# title; a line that starts with a title field carries the title after it.
PAGE_FIELDS: tuple[Word, ...] = words(
    "索引号", "发布时间", "发布日期", "成文日期", "生成日期", "公开日期", "来源", "发文字号",
    "文号", "发文机关", "发布机构", "主题分类", "体裁分类", "组配分类", "当前位置", "首页",
    "浏览次数", "访问量", "字号", seen="金坛区 2017、武威市 2025、镇巴县 2024 政府信息公开页面",
)
TITLE_FIELDS: tuple[Word, ...] = words(
    "信息名称", "文件名称", "标题", "名称", "题目", "附件",
    seen="金坛区 2017（信息名称）；标题: 字段；荆州市 2022、集美区 2021（附件：…清单）",
)

# How much one sort of evidence may add to a kind's score at most, so that one long document
# cannot win on repetition alone (a plan with fifty "责任单位" is still one plan).
CAPS: dict[str, float] = {
    "title": 4.0,
    "headings.annual_report": 4.5,
    "headings.work_plan": 3.0,
    "phrases.annual_report": 4.5,
    "phrases.work_plan": 2.5,
    "phrases.notice": 3.5,
    "task_header": 3.0,
    "statuses": 2.5,
    "addressee": 2.0,
}

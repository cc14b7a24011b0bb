"""The prose lexicon: how reports *say* their headline and outcome figures in running text.

A prose figure is a count of a measured **thing** (政府信息, 解读, 申请, 发布会, 费用 …) done by a
**verb** (公开/发布 = published, 收到/受理 = received, 办结/答复 = processed, 收取 = collected) in
a **unit** (条/件/篇/场/元). Around it, **scope** words change what it counts (其中, 累计, 同比,
余), **contexts** make it something else (12345 hotline, service-hall 办件, 留言, 培训), and
**outcome / applicant / result** words name the rows and columns of tables 三 and 四 when prose
states them. The reader (:mod:`pipelines.extract.prose`) only combines these; every wording lives
here as a plain word with where it was seen, so a new wording is one line plus a test case.

Words are matched longest first, so a compound (政府信息公开申请, 依申请公开信息, 无法提供)
decides before its parts (政府信息, 申请, 无). ``seen`` names a province/body/year of a real
report, ``template`` for the national template's own wording, ``common`` for wording met in
many reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.vocabulary import Sense, Word, words

# --- measured things ---------------------------------------------------------------------------
# "applicant" and "domain" are neutral: they shadow look-alikes (申请人 is not 申请; 政府信息公开
# is the subject of the report, not a count of 政府信息) without being counted themselves.
THINGS: tuple[Sense, ...] = (
    Sense("items", words("政府信息", "政务信息", "各类信息", "各类政府信息", "政府信息数",
                         "政府文件", "政府信息条目", seen="common")
          + words("信息", "信息数", seen="common", weight=0.7)
          + words("公文", "行政公文", "文件", weight=0.7, seen="湖北 鄂州 2021; 雄安 2020")
          + words("各类政务信息", seen="issue 10 (主动公开各类政务信息…条)"),
          note="proactively published information; a modifier before bare 信息 makes it a topic;"
               " weight 0.7: bare 信息/文件 yields to a 政府信息 statement of the same key"),
    Sense("interpretations", words("政策解读", "解读", "解读材料", "解读稿件", "解读稿",
                                   "政策解读稿", "政策解读稿件", "解读文章", "图解", "解读信息",
                                   "解读类信息", "文件解读", "政策文件解读", "热点解读",
                                   "草案解读", "决策解读", "政策解读信息", "政策解读材料",
                                   "政策解读文章", "解读文件", "解读政策", "解读政策文件",
                                   seen="common")
          + words("图文解读", "媒体解读", "专题解读", "音视频解读", "多元化解读", "视频解读",
                  "动漫解读", "解读产品", weight=0.5, seen="广东 2023; 江苏 2023"),
          note="weight 0.5: one form of interpretation, a subset of the total"),
    Sense("press_conferences", words("新闻发布会", "发布会", "新闻发布会议", "政策发布会",
                                     seen="common"),
          note="新闻通气会 (briefings) are not press conferences"),
    Sense("applications", words("申请", "申请件", "依申请公开", "依申请公开件",
                                "依申请公开申请", "政府信息公开申请", "信息公开申请",
                                "政务公开申请", "依申请公开信息", "依申请公开政府信息",
                                "政府信息依申请公开", "政府信息依申请公开件",
                                "公开政府信息的申请", "公开信息的申请", "依申请",
                                "各类政府信息公开申请", seen="common"),
          note="bare 申请 counts only where the sentence names disclosure (service halls too"
               " 受理申请)"),
    Sense("fees", words("费用", "信息处理费", "处理费", "收费", "费", "信息公开费用",
                        seen="common")),
    Sense("review", words("行政复议", "复议", "行政复议案", "行政复议案件", "行政复议申请",
                          "复议案件", seen="common")),
    Sense("litigation", words("行政诉讼", "诉讼", "行政诉讼案", "行政诉讼案件", "诉讼案件",
                              "起诉", "直接起诉", "复议后起诉", "复议后诉讼", seen="common")),
    Sense("complaints", words("申诉", "申诉案", "申诉案件", "行政申诉", seen="common")),
    Sense("normative_docs", words("规范性文件", "行政规范性文件", "规章", "政府规章",
                                  "地方性法规", "法规", seen="common"),
          note="table 二 figures, stated in prose; not a headline figure"),
    Sense("applicant", words("申请人", "申请者", "公开申请人", "信息公开申请人",
                             "政府信息公开申请人", "依申请公开申请人", seen="common")),
    Sense("domain", words("政府信息公开", "信息公开", "政务公开", "政府信息公开工作",
                          "政府信息公开事务", seen="common")),
)

# --- verbs ---------------------------------------------------------------------------------------
VERBS: tuple[Sense, ...] = (
    Sense("published", words("主动公开", "公开", "发布", "公布", "主动发布", "对外发布",
                             "发布了", "公开了", "新增", "更新", "制发", "编发", "刊发",
                             "印发", "主动公布", seen="common")),
    Sense("received", words("收到", "受理", "接收", "接收到", "接到", "新收", "新收到",
                            "收到了", "接受", "发生", seen="common")
          + words("收", weight=0.5, seen="全年收政府信息公开申请464件")),
    Sense("processed", words("办理", "答复", "办结", "处理", "答复处理", "办理完毕",
                             "予以答复", "作出答复", "按期办结", seen="common")),
    Sense("collected", words("收取", "收费", "收缴", "缴纳", seen="common")),
    Sense("made", words("制作", "获取", "制作、获取", "产生", seen="pre-2019 reports"),
          note="information made or obtained is not information published"),
)

# --- table 三 rows (outcomes) and columns (applicants), table 四 results ------------------------
OUTCOMES: tuple[Sense, ...] = (
    Sense("granted", words("予以公开", "同意公开", "全部公开", seen="common")),
    Sense("partially_granted", words("部分公开", "同意部分公开", seen="common")),
    Sense("denied", words("不予公开", "否决公开", seen="common")),
    Sense("denied", words("国家秘密", "过程性信息", "行政执法案卷", "内部事务信息",
                          "第三方合法权益", "三安全一稳定", "行政查询事项", weight=0.8,
                          seen="template (三(三) sub-rows, stated alone in prose)")),
    Sense("unable", words("无法提供", "信息不存在", "非本机关", seen="common")),
    Sense("unable", words("不掌握相关政府信息", "本机关不掌握", "没有现成信息",
                          "补正后申请内容仍不明确", weight=0.8, seen="template (三(四))")),
    Sense("not_processed", words("不予处理", seen="template")),
    Sense("not_processed", words("重复申请", "信访举报投诉类申请", "要求提供公开出版物",
                                 "无正当理由大量反复申请", "重新出具已获取信息", weight=0.8,
                                 seen="template (三(五)); 经依法办理…另处理重复申请1件")),
    Sense("other", words("其他处理", seen="template")),
    Sense("other", words("逾期未按收费通知要求缴纳费用", "逾期不补正", "无正当理由逾期不补正",
                         weight=0.8, seen="template (三(六))")),
    Sense("carried_over", words("结转", "上年结转", "上年度结转", "上一年度结转", "结转上年度",
                                weight=0.5, seen="template")),
    Sense("carried_forward", words("继续办理", "转下年度", "结转下年度", "结转下一年度",
                                   "转入下年度", "结转至下年度", "转至下年度", "结转下一年",
                                   "转下一年度", "顺延到下年度", "顺延至下年度", seen="template")),
    Sense("withdrawn", words("撤销", "撤回", "自行撤回", "自行撤销", seen="海南 2022"),
          note="withdrawals are 其他处理 in 2021 but not stated as such: not read"),
)
APPLICANTS: tuple[Sense, ...] = (
    Sense("natural_person", words("自然人", "公民", "个人", seen="template; 广州 2020")),
    Sense("commercial", words("商业企业", seen="template")),
    Sense("research", words("科研机构", seen="template")),
    Sense("social_org", words("社会公益组织", "公益组织", seen="template")),
    Sense("legal_service", words("法律服务机构", "律师事务所", seen="template")),
    Sense("other_org", words("其他组织", "其他机构", seen="template")),
    # 法人或其他组织 is the template's group of all five organisation columns, not 其他: read
    # whole (longest match) so that 其他组织 inside it does not count, and given no key.
    Sense("organisations", words("法人或其他组织", "法人和其他组织", "法人及其他组织",
                                 "法人或者其他组织", "法人",
                                 seen="template: table 三 column group")),
)
# How an application arrived (pre-2019 reports: 当面申请12件、网上申请40件、信函申请4件), the
# applications.channel.* rows of the pre-2019 statistics table.
APPLICATION_CHANNELS: tuple[Sense, ...] = (
    Sense("in_person", words("当面", "现场", seen="spec: pre-2019 统计表; 2008–2018 reports")),
    Sense("fax", words("传真", seen="spec: pre-2019 统计表")),
    Sense("email", words("电子邮件", "电子邮箱", "邮件", seen="spec: pre-2019 统计表")),
    Sense("online", words("网上", "网络", "在线", "互联网", seen="spec: pre-2019 统计表")),
    Sense("letter", words("信函", "邮寄", "来信", seen="spec: pre-2019 统计表")),
    Sense("other", words("其他形式", "其它形式", "其他方式", "其它方式",
                         seen="spec: pre-2019 统计表")),
)
RESULTS: tuple[Sense, ...] = (
    Sense("upheld", words("维持", "结果维持", "维持原", seen="template")),
    Sense("corrected", words("纠正", "结果纠正", "撤销原", "结果纠错", seen="template")),
    Sense("other", words("其他结果", seen="template")),
    Sense("pending", words("尚未审结", "未审结", "审理中", "正在审理", seen="template")),
)

# --- scope and polarity ------------------------------------------------------------------------
NEGATIONS = words("未", "没有", "无", "尚未", "暂未", "均未", "并未", "从未", "未曾", "没",
                  "不存在", "零", seen="common")
# Words that begin with a negation but negate nothing countable: 逾期未按收费通知 (did not act
# on a fee notice, a table 三 label a PDF's columns broke apart), 无正当理由 (a label again).
NOT_NEGATIONS = words("未按", "未能", "无正当理由",
                      seen="template: table 三 labels (三(六)2, 三(五)4)")
# Stated zero fees, whole phrases (不 alone negates too much).
FEE_ZERO = words("暂不收费", "不收费", "免费提供", "免收", "不收取", "未收费", "无收取",
                 seen="common")
TOTAL = words("共", "共计", "合计", "总计", "总共", "共有", "累计", seen="common")
SUB = words("其中", seen="common")
APPROX_BEFORE = words("约", "近", "超", "超过", "逾", "大约", "将近", "上万", "百余",
                      seen="common")
APPROX_AFTER = words("余", "多", "左右", "以上", "余次", seen="common")
# A count whose qualifier is one of these is not the year's figure.
SCOPES: tuple[Sense, ...] = (
    Sense("cumulative", words("历年", "历年累计", "累计总数", "以来", "到目前", "至今",
                              "总数达", "目前为止", "迄今", "截止目前", "截至目前",
                              seen="common"),
          note="累计 alone is the year's own total unless SINCE precedes it (截至…，累计)"),
    Sense("change", words("同比", "较上年", "比上年", "较去年", "比去年", "增加", "减少",
                          "增长", "下降", "上升", "增量", "增幅", "减幅", "提高", "多出",
                          seen="common")),
    Sense("comparison", words("增加到", "增长到", "提高到", "上升到", "下降到", "减少到",
                              "增至", "降至", "上年", "上一年", "去年", seen="海南 2014"),
          note="a figure of another period named beside this year's"),
)
# Words that make a following 累计 cumulative (截至2019年底，累计…): "up to a date".
SINCE = words("截至", "截止", "到目前", "以来", "至今", "迄今", "截止目前", "截至目前",
              "到年底", "截至年底", seen="common; 本区到年底累计主动公开 (上海 区 2008)")
YEAR_SCOPE = words("全年", "本年", "本年度", "年度", "今年", "年内", "自1月1日", "1月1日",
                   seen="common")

# --- contexts that make a count something else (reason = Sense key) ----------------------------
# Joiners that add an item before a measured thing into one count (办事指南及政策解读42条), and
# words that merely end in a joiner's character (涉及行政复议案件6件 joins nothing).
JOINERS = words("以及", "及", "和", "与", seen="common")
NOT_JOINERS = words("涉及", "危及", "普及", "惠及", "波及", "触及", "遍及", "顾及", "参与", "给与",
                    "共和", "总和", seen="common")

CONTEXTS: tuple[Sense, ...] = (
    Sense("service hall or approval matters", words(
        "办件", "审批", "审批事项", "服务事项", "政务服务", "行政许可", "行政许可申请",
        "民生诉求", "诉求", "便民服务", "证明事项", seen="平潭 2015; 盐城 2020")),
    Sense("12345 hotline", words("12345", "热线", "市长热线", "便民热线", seen="common")),
    Sense("letters, petitions and messages", words(
        "信访", "网络问政", "留言", "信箱", "来信", "县长信箱", "市长信箱", "政民互动",
        "网民留言", "留言信件", "投诉", "来访", seen="common")),
    Sense("consultations and surveys", words(
        "咨询", "意见征集", "意见建议", "反馈意见", "调查问卷", "网上调查", "征集", "问卷",
        seen="common")),
    Sense("proposals of deputies", words("建议", "提案", "建议提案", "人大代表", "政协委员",
                                         seen="common")),
    Sense("training, events and visits", words(
        "培训", "宣讲", "直播", "在线访谈", "访谈", "活动", "讲座", "会议次数", "参观",
        "走访", "竞答", "观看", seen="common")),
    Sense("staff", words("工作人员", "专职", "兼职", seen="common")),
    Sense("spending", words("经费", "支出", "投入", "资金", "预算", "决算", "费用支出",
                            seen="common")),
    Sense("fee reductions", words("减免", "减免金额", seen="spec: 收费减免金额 is not fees")),
    Sense("new-media posts", words("微博", "推文", "转发", "阅读量", "点赞", "浏览量",
                                   "短视频", "粉丝", "抖音", "推送", "访问量",
                                   seen="common")),
    Sense("news reports", words("报道", "新闻通稿", "通稿", "新闻资料", "新闻动态",
                                "原创作品", "稿件采用", seen="雄安 2020; 广州 2017")),
    Sense("website structure", words("栏目", "子栏目", "板块", "站点", "子站", "专栏数",
                                     seen="common")),
    Sense("law-enforcement publicity", words("行政执法", "执法信息", seen="广东 2017")),
    Sense("responses to public concerns", words("回应", "舆情", seen="common")),
    Sense("topic of the count", words("领域", "聚焦", "相关信息", seen="湖北 鄂州 2021")),
    Sense("outcome corrected, not a count", words("纠错", "败诉", "被纠正", seen="common")),
    Sense("overdue or late replies", words("超期", "逾期", seen="common")),
    Sense("table 二 fees", words("行政事业性收费", seen="template")),
)

# A 其中-part counted "含转发" makes its head a count of new-media posts, not of items.
REPOSTS = words("转发", seen="广东 开平 沙塘镇 2016 (网站(含转发)319条)")

# --- channels (a count by one channel is a part of the year's total) ---------------------------
CHANNELS = words("网站", "门户网站", "政府网站", "官网", "官方网站", "公众号", "微信",
                 "微信公众号", "公开栏", "政务公开栏", "公告栏", "新媒体", "政务新媒体",
                 "政府公报", "公报", "客户端", "平台", "新闻媒体", "电视", "广播",
                 "档案查询点", "查阅点", "报刊", "显示屏", "电子屏", seen="common")
NEW_MEDIA_CHANNELS = frozenset({"微信", "公众号", "微信公众号", "新媒体", "政务新媒体",
                                "客户端"})
LIST_JOINS = words("、", "及", "和", "与", "以及", "等", seen="common")

# --- units ---------------------------------------------------------------------------------------
# Units of a disclosure count (a number in them near disclosure wording must be placed).
COUNT_UNITS = ("件", "条", "篇", "宗", "起", "份", "场", "次", "期", "项", "个", "件次",
               "场次")
MONEY_UNITS = ("元",)
# Other units seen in reports; a number in them is not a disclosure figure.
OTHER_UNITS = ("条次", "人次", "名", "人", "家", "天", "小时", "倍", "%",
               "个百分点", "部", "类", "栏", "户", "所")


@dataclass(frozen=True)
class Frame:
    """One way a key is stated: the measured thing, the verbs that may say it, its units.

    ``verbs`` empty: no verb is needed (发布会…场, 行政复议…件). The reader gives a count the
    frame whose thing and unit match and whose verb (if any) is in the clause; several frames
    left for one count (收到和办理…3件) give it to each.
    """

    key: str
    thing: str
    verbs: tuple[str, ...]
    units: tuple[str, ...]


FRAMES: tuple[Frame, ...] = (
    Frame("headline.items_published", "items", ("published",), ("条", "件", "篇")),
    Frame("headline.policy_interpretations", "interpretations", (),
          ("篇", "件", "条", "份", "期", "次", "个")),
    Frame("headline.press_conferences", "press_conferences", (), ("场", "次", "期", "场次")),
    Frame("headline.applications_received", "applications", ("received",),
          ("件", "宗", "起", "条", "份", "次", "个", "件次")),
    Frame("applications.total_processed.total", "applications", ("processed",),
          ("件", "宗", "起", "条", "份", "次", "个", "件次")),
    Frame("headline.fees_yuan", "fees", ("collected",), ("元",)),
    Frame("appeals.review.total", "review", (), ("件", "起", "宗", "次", "个")),
    Frame("appeals.litigation.total", "litigation", (), ("件", "起", "宗", "次", "个")),
    Frame("appeals.complaints.total", "complaints", (), ("件", "起", "宗", "次", "个")),
)
OUTCOME_UNITS = ("件", "宗", "起", "条", "份", "次", "个", "件次")

# Keys whose zero can be stated in words, by the thing the negation denies.
ZERO_KEYS = {
    "applications": "headline.applications_received",
    "review": "appeals.review.total",
    "litigation": "appeals.litigation.total",
    "complaints": "appeals.complaints.total",
    "fees": "headline.fees_yuan",
}


def all_words() -> list[tuple[str, str, str, float]]:
    """Every wording as ``(text, category, sense, weight)``, for the reader's one lexicon scan."""
    out: list[tuple[str, str, str, float]] = []

    def add(cat: str, sense: str, ws: tuple[Word, ...]) -> None:
        out.extend((w.text, cat, sense, w.weight) for w in ws)

    for group, cat in ((THINGS, "thing"), (VERBS, "verb"), (OUTCOMES, "outcome"),
                       (APPLICANTS, "applicant"), (RESULTS, "result"), (SCOPES, "scope"),
                       (CONTEXTS, "context"), (APPLICATION_CHANNELS, "app_channel")):
        for s in group:
            add(cat, s.key, s.words)
    add("neg", "neg", NEGATIONS)
    add("not_neg", "not_neg", NOT_NEGATIONS)
    add("fee_zero", "fees", FEE_ZERO)
    add("total", "total", TOTAL)
    add("sub", "sub", SUB)
    add("approx", "before", APPROX_BEFORE)
    add("year", "year", YEAR_SCOPE)
    add("since", "since", SINCE)
    add("channel", "channel", CHANNELS)
    return out

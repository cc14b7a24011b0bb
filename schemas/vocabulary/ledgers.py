"""How application ledgers (依申请公开台账) word their column headers and cell labels.

Handling systems, Excel templates and hand-kept registers name the same column many ways
(申请日期 / 收到申请日期 / 受理时间 / 申请人身份 …) and write the same outcome many ways
(不予公开（过程性信息）/ 不予公开-属于四类过程性信息 / 过程性信息). Readers never list
those wordings: they read this module through the scored matcher of
:mod:`pipelines.ledgers.matcher`, so a new wording is one :class:`~schemas.vocabulary.Word`
here plus a test case from the real export.

What lives here:

* :data:`HEADERS` — one :class:`Column` per ledger field: its distinctive words (scored), the
  words that make a header mean something else (``excludes``) and the kinds of word it must carry
  (``needs``: a date column needs 日期/时间, a 补正 column needs 补正);
* :data:`APPLICANTS` — applicant labels, keyed by the table 三 columns of
  :data:`schemas.registry.APPLICANT_COLUMNS`;
* :data:`OUTCOMES` — outcome labels, keyed by the table 三 rows of
  :data:`schemas.registry.APPLICATION_ROWS` and, for a label that names only a category, by the
  category of :data:`schemas.registry.OUTCOME_CATEGORIES`; the template's own label of each row
  is taken from the registry, never retyped;
* :data:`CHANNELS`, :data:`PENDING` and :data:`YES` — how an application arrived, the labels of
  applications still open, and the ways a yes/no cell says yes.

``seen`` of every word says where it was met: ``demo generator`` (the project's own demo
ledgers), ``template`` (the national template's label), ``issue 12`` (the two held-out ledgers
described there), or a named public source.
"""

from __future__ import annotations

from dataclasses import dataclass

from schemas.registry import APPLICANT_COLUMNS, APPLICATION_ROWS, OUTCOME_CATEGORIES
from schemas.vocabulary import Sense, Word, words

# --- where wordings were seen -----------------------------------------------------------------

DEMO = "demo generator"
TEMPLATE = "template"
EARLIER = "earlier exact header list (source not recorded)"
ISSUE_12 = "issue 12: held-out ledgers (GB18030 CSV, titled XLSX)"
ISSUE_12_RULES = "issue 12: header rules from handling-system exports"
HANDLING_SYSTEM = "依申请公开 handling system list page (Vue, GitHub: 申请人性质/申请方式/待答复)"
APPLICATION_FORM = "政府信息公开申请表 as Excel-HTML (GitHub shwenguang/weboa)"
REPORT_TOOL = "年报比对 tool's table 三 labels (GitHub, 其他处理-申请人逾期不补正)"
DINGXI_FORM = "定西市政府信息公开情况统计报表 (fsou.net)"
APPLICANT_SELECT = "申请人类别 select in government service systems (GitHub JSP/FTL)"
PUDONG_SYSTEM = (
    "浦东新区依申请公开办理系统 办理结果 radio/switch (GitHub yojiwei/pudongps, "
    "applyopen JSP: 部分公开/信息不存在/转办/非政府信息公开/第三方意见征询/延期答复)"
)
DONGFENG_FLOW = (
    "中山市东凤镇政府信息公开申请流程图 (newchangjing.com: 已经主动公开/可以公开/"
    "申请人重复申请/属于工商、不动产登记资料等信息/区分处理)"
)
XIXIANG_RULES = "西乡县政府信息公开申请登记审核办理答复归档工作制度 (逾期不补正，视为放弃申请)"
ORG_CATEGORIES = "单位类别 table in a public SQL dump (GitHub: 科研机构/高等院校/国有企业)"
TEMPLATE_GUIDE = (
    "2019 年报格式 guidance as reports apply it (撤回申请 and 登记资料 告知 under 其他处理·其他; "
    "已主动公开 under 予以公开; 非本机关 under 本机关不掌握)"
)


@dataclass(frozen=True)
class Column:
    """How one ledger column is headed.

    A header is scored by ``sense.words``; ``sense.excludes`` veto the field (答复期限 is a
    deadline, not the reply date); every group of ``needs`` must be present, so a date field is
    only taken by a header that says it holds a date, and a 补正 field only by one that says 补正.
    """

    sense: Sense
    needs: tuple[tuple[Word, ...], ...] = ()


# Words that say a column holds a date (not a duration, not a deadline).
DATE_WORDS = words("日期", "时间", seen=ISSUE_12_RULES)
# Words that say a column holds a number of days.
DURATION_WORDS = (
    *words("天数", seen=DEMO),
    *words("工作日", "天", seen=EARLIER),
    *words("用时", seen=ISSUE_12),
    *words("自然日", seen=HANDLING_SYSTEM),
    *words("所需时间", seen="条例 第三十条 wording (征求第三方意见所需时间)"),
)
# A count of days that says it counts calendar days (else working days, 第三十二条).
NATURAL_DAYS = ("自然日",)
# Words that, in a header the matcher did not take, suggest the column bears on a deadline
# (issue 12: 第三方/征求/延期/延长/补正/答复/办结), so leaving it unread is told.
DEADLINE_HINTS = ("第三方", "征求", "征询", "延期", "延长", "补正", "答复", "办结", "回复", "受理")
# Words that say a date is a deadline, not the day something happened.
DEADLINE_WORDS = words("期限", "截止", "到期", "法定", "应答复", "应办结", seen=ISSUE_12_RULES)
_APPLICANT = (
    *words("申请人", seen=DEMO),
    *words("申请主体", seen=EARLIER),
)

HEADERS: tuple[Column, ...] = (
    Column(
        Sense(
            "seq",
            (
                *words("序号", "编号", "登记号", seen=DEMO),
                *words("流水号", seen=EARLIER),
            ),
            note="编号 also in 受理编号/申请编号/查询编号: a number, never a date",
        )
    ),
    Column(
        Sense(
            "body",
            words("机关", "单位", seen=EARLIER),
            excludes=(*words("工作单位", seen=APPLICATION_FORM), *_APPLICANT),
            note="工作单位 is the applicant's employer: personal data, not the handling body",
        )
    ),
    Column(Sense("year", (*words("年度", seen=EARLIER), *words("年份", seen=ISSUE_12_RULES)))),
    Column(
        Sense(
            "received",
            (
                *words("收到", "申请", seen=DEMO),
                *words("受理", seen=DEMO),
                *words("登记", "收件", seen=EARLIER),
                *words("接收", seen=ISSUE_12_RULES),
            ),
            excludes=(
                *words("补正", "第三方", seen=ISSUE_12_RULES),
                *DEADLINE_WORDS,
            ),
            note="收到申请日期, 受理日期 (issue 12), 申请时间 (application form)",
        ),
        needs=(DATE_WORDS,),
    ),
    Column(
        Sense(
            "replied",
            (
                *words("答复", "办结", seen=DEMO),
                *words("回复", seen=ISSUE_12_RULES),
            ),
            excludes=(
                *words("补正", "第三方", "延期", "延长", seen=ISSUE_12_RULES),
                *DEADLINE_WORDS,
            ),
            note="答复时间 (issue 12, reply list); 延期答复日期 is not taken: it may be the "
            "extended deadline",
        ),
        needs=(DATE_WORDS,),
    ),
    Column(
        Sense(
            "correction_requested",
            (
                *words("补正", "告知", seen=DEMO),
                *words("通知", seen=EARLIER),
            ),
            excludes=words("收到", "提交", "接收", seen=ISSUE_12_RULES),
            note="a bare 补正日期 is the notice: the deadline then counts from it (the earliest)",
        ),
        needs=(DATE_WORDS, words("补正", seen=DEMO)),
    ),
    Column(
        Sense(
            "correction_received",
            (
                Word("补正", 0.5, EARLIER),
                *words("收到", seen=EARLIER),
                *words("提交", "接收", seen=ISSUE_12_RULES),
                Word("材料", 0.5, EARLIER),
            ),
            excludes=words("告知", "通知", seen=ISSUE_12_RULES),
        ),
        needs=(DATE_WORDS, words("补正", seen=EARLIER)),
    ),
    Column(
        Sense(
            "third_party_days",
            (
                *words("第三方", seen=DEMO),
                Word("征求", 0.5, DEMO),
                Word("征询", 0.5, EARLIER),
            ),
            excludes=DATE_WORDS,
            note="征求第三方意见用时（工作日） (issue 12); a date of consultation is not a count",
        ),
        needs=(DURATION_WORDS,),
    ),
    Column(
        Sense(
            "extended",
            (*words("延期", seen=DEMO), *words("延长", seen=EARLIER)),
            excludes=DATE_WORDS,
            note="是否延期 is a yes/no; a 延期日期 column is not a yes/no and is not taken",
        )
    ),
    Column(
        Sense(
            "applicant_type",
            (
                *words("类型", "性质", seen=DEMO),
                *words("身份", seen=ISSUE_12),
                *words("类别", seen=APPLICANT_SELECT),
            ),
            note="申请人身份 (issue 12), but 申请人身份证号码 is an ID number: 身份证 is one word",
        ),
        needs=(_APPLICANT,),
    ),
    Column(
        Sense(
            "outcome",
            (
                *words("结果", seen=DEMO),
                *words("决定", "答复类型", seen=ISSUE_12_RULES),
                Word("处理", 0.5, ISSUE_12_RULES),
            ),
            excludes=(
                *DATE_WORDS,
                *words("方式", seen=HANDLING_SYSTEM),
                *words("处理人", "经办人", "承办人", seen=ISSUE_12_RULES),
            ),
            note="处理结果/答复结果 (demo), 答复结果 (issue 12); 答复方式 is how, not what",
        ),
    ),
    Column(
        Sense(
            "name",
            (
                *words("姓名", "名称", seen=DEMO),
                Word("申请人", 0.5, DEMO),
                Word("联系人", 0.5, APPLICATION_FORM),
            ),
            excludes=words("机关", "单位", "证件", seen=APPLICATION_FORM),
            note="申请人 alone names the applicant; 申请人 + another word is that other field",
        )
    ),
    Column(
        Sense(
            "id_number",
            (
                *words("证件", "身份证", seen=DEMO),
                *words("信用代码", seen=EARLIER),
                *words("机构代码", seen=APPLICATION_FORM),
            ),
        )
    ),
    Column(
        Sense(
            "phone",
            (
                *words("电话", seen=DEMO),
                *words("手机", "联系方式", seen=EARLIER),
                Word("联系", 0.5, APPLICATION_FORM),
            ),
        )
    ),
    Column(
        Sense(
            "address",
            (*words("地址", seen=DEMO), *words("住址", seen=ISSUE_12_RULES)),
            excludes=words("邮件", "邮箱", "电子邮件", "email", seen=EARLIER),
            note="电子邮件地址 is the e-mail",
        )
    ),
    Column(
        Sense(
            "email",
            (
                *words("邮箱", "电子邮箱", seen=DEMO),
                *words("电子邮件", "邮件", "email", seen=EARLIER),
                *words("e-mail", "电邮", seen=ISSUE_12_RULES),
            ),
        )
    ),
    Column(
        Sense(
            "channel",
            (
                *words("获取方式", "申请方式", seen=DEMO),
                *words("申请渠道", "提交方式", seen=EARLIER),
                *words("申请途径", "渠道", seen=ISSUE_12_RULES),
            ),
            note="提交方式 (issue 12); 信息提供方式 / 答复方式 say how the answer goes out",
        )
    ),
    Column(
        Sense(
            "content",
            (
                *words("申请内容", "所需信息", seen=DEMO),
                *words("内容", "所需政府信息", "申请公开的信息", seen=EARLIER),
            ),
            excludes=words("用途", seen=APPLICATION_FORM),
        )
    ),
    Column(
        Sense(
            "fee",
            words("收费", "费用", "处理费", "金额", seen=EARLIER),
        )
    ),
)

# --- labels: applicant type (table 三 columns) ------------------------------------------------

# Scope words: they say "an organisation" without saying which column; a label with nothing else
# (法人或其他组织) is not a column. Listed so the matcher reads them as one word.
APPLICANT_SCOPE = (
    *words("法人或其他组织", seen=TEMPLATE),
    *words("法人或者其他组织", seen="条例 第二十七条 (公民、法人或者其他组织)"),
)
_APPLICANT_WORDS: dict[str, tuple[Word, ...]] = {
    "natural_person": (
        *words("公民", "个人", seen=DEMO),
        *words("群众", seen=EARLIER),
    ),
    "commercial": (
        *words("企业", seen=DEMO),
        *words("公司", "法人", "企业法人", seen=EARLIER),
    ),
    "research": (
        *words("科研院所", "高校", seen=ISSUE_12),
        *words("科研", seen=ISSUE_12_RULES),
        *words("高等院校", "科研机构", seen=ORG_CATEGORIES),
        *words("大学", "学院", "研究所", "研究院", seen=TEMPLATE_GUIDE),
    ),
    "social_org": (
        *words("公益组织", seen=ISSUE_12),
        *words("社会组织", seen=EARLIER),
        *words("社会团体", "基金会", seen=TEMPLATE_GUIDE),
    ),
    "legal_service": (
        *words("律师事务所", seen=DEMO),
        *words("律所", seen=ISSUE_12),
        *words("律师", seen=EARLIER),
    ),
    "other_org": (
        *words("其他组织", seen=DEMO),
        *words("其他法人或组织", seen=EARLIER),
    ),
}


def _applicants() -> tuple[Sense, ...]:
    """One sense per table 三 column; the template's label (or its part after ·) weighs 2."""
    out = []
    for key, label_zh, _ in APPLICANT_COLUMNS:
        if key == "total":
            continue
        label = label_zh.split("·", 1)[-1]
        out.append(Sense(key, (Word(label, 2.0, TEMPLATE), *_APPLICANT_WORDS[key])))
    return tuple(out)


APPLICANTS: tuple[Sense, ...] = _applicants()

# --- labels: outcome (table 三 rows) ----------------------------------------------------------

_CATEGORY_WORDS: dict[str, tuple[Word, ...]] = {
    "denied": (),
    "unable": (),
    "not_processed": (),
    "other": (),
}
# 部分予以公开 holds 予以公开: the part makes it partial.
_OUTCOME_EXCLUDES: dict[str, tuple[Word, ...]] = {
    "granted": words("部分", "区分处理", seen=ISSUE_12_RULES),
    # 第三方意见征询 is the consultation step (a status in the system), not its outcome
    "denied.third_party_rights": words("征询", seen=PUDONG_SYSTEM),
}
# The distinctive words of each row's reason, beside the template's own label.
_OUTCOME_WORDS: dict[str, tuple[Word, ...]] = {
    "granted": (
        *words("同意公开", "全部公开", seen=ISSUE_12),
        *words("已公开", seen=EARLIER),
        *words("可以公开", seen=DONGFENG_FLOW),
        *words("主动公开", seen=TEMPLATE_GUIDE),
    ),
    "partially_granted": (
        *words("区分处理", seen=ISSUE_12),
        *words("同意部分公开", seen=DINGXI_FORM),
        *words("部分", seen=ISSUE_12_RULES),
    ),
    "denied.state_secret": words("国家秘密", seen=ISSUE_12_RULES),
    "denied.prohibited_by_law": words("法律行政法规禁止", "禁止公开", seen=ISSUE_12_RULES),
    "denied.security_stability": words("三安全一稳定", seen=ISSUE_12_RULES),
    "denied.third_party_rights": (
        *words("第三方合法权益", seen=ISSUE_12),
        *words("第三方", seen=ISSUE_12_RULES),
        *words("商业秘密", "个人隐私", seen="条例 第十五条 (商业秘密、个人隐私 … 第三方合法权益)"),
    ),
    "denied.internal_affairs": words("内部事务", seen=REPORT_TOOL),
    "denied.process_info": (
        *words("过程性信息", seen=ISSUE_12),
        *words("过程性", seen=REPORT_TOOL),
        *words("过程中", seen=PUDONG_SYSTEM),
    ),
    "denied.enforcement_file": words("执法案卷", seen=REPORT_TOOL),
    "denied.inquiry_matter": words("查询事项", seen=REPORT_TOOL),
    "unable.not_held": (
        *words("不掌握", "本机关不掌握", "信息不存在", seen=ISSUE_12),
        *words("非本部门掌握", seen=DINGXI_FORM),
        *words("没有所申请", "不属于本机关", seen=DONGFENG_FLOW),
        *words("非本机关", seen=TEMPLATE_GUIDE),
    ),
    "unable.needs_creation": (
        *words("另行制作", seen=ISSUE_12),
        *words("没有现成", seen=TEMPLATE),
    ),
    "unable.unclear_after_correction": words("仍不明确", seen=ISSUE_12_RULES),
    "not_processed.petition_complaint": words("信访", "举报", "投诉", seen=ISSUE_12_RULES),
    "not_processed.duplicate": words("重复申请", seen=ISSUE_12),
    "not_processed.publication": words("出版物", seen=ISSUE_12_RULES),
    "not_processed.excessive": words("大量反复", seen=ISSUE_12_RULES),
    "not_processed.confirmation": (
        *words("重新出具", seen=REPORT_TOOL),
        *words("确认", seen=ISSUE_12_RULES),
    ),
    "other.no_correction": (
        *words("逾期不补正", "申请人逾期不补正", "逾期未补正", seen=ISSUE_12),
        *words("视为放弃", seen=XIXIANG_RULES),  # 条例 第三十条: 逾期不补正的，视为放弃申请
        *words("不补正", "未补正", seen=ISSUE_12_RULES),
    ),
    "other.unpaid_fee": (
        *words("逾期未缴费", seen=ISSUE_12),
        *words("逾期未按收费通知缴费", seen=REPORT_TOOL),
        *words("未缴费", "缴纳费用", seen=ISSUE_12_RULES),
    ),
    "other.other": (
        *words("其他", seen=DEMO),
        *words("撤回", seen=TEMPLATE_GUIDE),
        *words("登记资料", seen=DONGFENG_FLOW),
        *words("规定办理", "其他途径", seen=TEMPLATE_GUIDE),
    ),
}
# A label that names only the category 其他处理 is the row 其他处理·其他: an application is handled
# one way, and "other handling" with no reason is the row for that (the demo writes it so).
CATEGORY_ALONE: dict[str, str] = {"other": "other.other"}
_NOT_OUTCOMES = ("new_received", "carried_over", "total_processed", "carried_forward")


def _outcomes() -> tuple[Sense, ...]:
    """Rows of table 三 that are outcomes, then the four categories (a label naming only one).

    A row's words are its template label (weight 2), its reason words and its category's words;
    :data:`OUTCOME_NEEDS` makes a row need one reason word, so a bare 不予公开 is the category.
    """
    cats = {c: (Word(zh, 1.0, TEMPLATE), *_CATEGORY_WORDS[c]) for c, zh, _ in OUTCOME_CATEGORIES}
    rows = []
    for row in APPLICATION_ROWS:
        if row.key in _NOT_OUTCOMES:
            continue
        label = row.label_zh.split("·", 1)[-1]
        own = (Word(label, 2.0, TEMPLATE), *_OUTCOME_WORDS[row.key])
        excludes = _OUTCOME_EXCLUDES.get(row.key, ())
        rows.append(Sense(row.key, (*own, *cats.get(row.category or "", ())), excludes))
    return (*rows, *(Sense(c, cats[c]) for c, _, _ in OUTCOME_CATEGORIES))


def _outcome_needs() -> dict[str, tuple[tuple[Word, ...], ...]]:
    """Each categorised row needs a word of its own (template label or reason words)."""
    out = {}
    for row in APPLICATION_ROWS:
        if row.category is not None:
            label = row.label_zh.split("·", 1)[-1]
            out[row.key] = ((Word(label, 2.0, TEMPLATE), *_OUTCOME_WORDS[row.key]),)
    return out


OUTCOMES: tuple[Sense, ...] = _outcomes()
OUTCOME_NEEDS: dict[str, tuple[tuple[Word, ...], ...]] = _outcome_needs()

# --- labels: channel, pending, yes ------------------------------------------------------------

CHANNELS: tuple[Sense, ...] = (
    Sense(
        "online",
        (
            *words("网上", seen=DEMO),
            *words("网上申请", "在线", "互联网", "网站", "政府网站", seen=EARLIER),
            *words("网络", seen=HANDLING_SYSTEM),
        ),
    ),
    Sense(
        "letter",
        (
            *words("信函", seen=DEMO),
            *words("邮寄", seen=HANDLING_SYSTEM),
            *words("信件", "书面", seen=EARLIER),
        ),
    ),
    Sense(
        "in_person",
        (
            *words("当面", seen=DEMO),
            *words("当面提交", "现场", "窗口", seen=EARLIER),
        ),
    ),
    Sense("fax", words("传真", seen=DEMO)),
    Sense(
        "email",
        (
            *words("电子邮件", seen=DEMO),
            *words("邮件", "电子邮箱", "email", seen=EARLIER),
        ),
    ),
)
# Closed-class cells compared whole (after cleaning), never by part: 未办结 holds 办结.
PENDING = (
    *words("办理中", seen=DEMO),
    *words("正在办理", "未办结", "在办", "处理中", seen=EARLIER),
    *words("待答复", seen=HANDLING_SYSTEM),
)
YES = (
    *words("是", seen=DEMO),
    *words("已延期", "延期", "y", "yes", "true", "1", "√", seen=EARLIER),
)

"""Wording of the template tables 二, 三 and 四: what makes a printed label mean a row.

Each row is known by its distinctive words (国家秘密, 过程性, 行政执法案卷, 不掌握,
另行制作, 重复申请, 出版物, 逾期不补正 …), weighted: a word only this row uses weighs 2,
a weaker hint less. The matcher (:mod:`pipelines.extract.matcher`) adds the weights of the
words a label holds — one-character slips forgiven at a discount — so abbreviations
(不予公开-国家秘密), typos (其他法律行政止公开), truncation (行政事业性收) and reordered
words land on the right row, and a label two rows fit equally is reported, not taken.

Rows that some bodies add to the template (属于工作秘密, 无法联系到申请人, 其他主动公开文件)
are senses too, with keys starting ``_local.``: they absorb their labels so those never fall
to the nearest template row; readers treat them as "no canonical row".

``seen``: ``template`` is the national template's own label (国办公开办函〔2019〕60号 /
〔2021〕30号); other sources name the province and body where the wording was read.
"""

from __future__ import annotations

from schemas.vocabulary import Sense, Word, words

T = "template"
LABELS = "tests/cases/table_labels.yaml"


def _s(key: str, strong: tuple[str, ...], weak: tuple[str, ...] = (),
       excludes: tuple[str, ...] = (), seen: str = T) -> Sense:
    return Sense(key, words(*strong, weight=2.0, seen=seen) + words(*weak, weight=1.0, seen=seen),
                 words(*excludes, seen=seen))


# --- table 三: rows -------------------------------------------------------------------------
APPLICATION_ROWS: tuple[Sense, ...] = (
    _s("new_received", ("本年新收",), ("新收",), ("结转",)),
    _s("carried_over", ("上年结转",), ("上年",), ("下年",)),
    _s("carried_forward", ("结转下年", "下年度继续"), ("继续办理", "下年"), ("上年",)),
    _s("denied.state_secret", ("国家秘密",)),
    _s("denied.prohibited_by_law", ("其他法律", "法规禁止", "禁止公开"), ("行政法规",)),
    _s("denied.security_stability", ("三安全", "一稳定"), ("危及",)),
    _s("denied.third_party_rights", ("第三方",), ("合法权益",)),
    _s("denied.internal_affairs", ("内部事务",), ("三类内部",)),
    _s("denied.process_info", ("过程性",), ("四类",)),
    _s("denied.enforcement_file", ("执法案卷",), ("案卷",)),
    _s("denied.inquiry_matter", ("查询事项",), ("行政查询",)),
    _s("unable.not_held", ("不掌握",), ("本机关不",)),
    _s("unable.needs_creation", ("另行制作", "没有现成"), ("现成信息",)),
    _s("unable.unclear_after_correction", ("仍不明确", "补正后"), ("内容不明确",)),
    _s("not_processed.petition_complaint", ("信访", "举报投诉"), ("投诉",)),
    _s("not_processed.duplicate", ("重复申请",), ("重复",)),
    _s("not_processed.publication", ("出版物",)),
    _s("not_processed.excessive", ("大量反复",), ("反复申请",)),
    _s("not_processed.confirmation", ("重新出具", "确认或"), ("已获取信息",)),
    _s("other.no_correction", ("不补正", "逾期不补"), ("逾期未补正",)),
    _s("other.unpaid_fee", ("缴纳费用", "收费通知"), ("缴费",)),
    _s("partially_granted", ("部分公开",), ("区分处理",)),
    _s("granted", ("予以公开",), (), ("不予以公开",)),
    _s("total_processed", ("(七)总计", "（七）总计", "七、总计", "办理结果总计")),
    # the 2019 template's single （六）其他处理 row: a category name, weaker than any sub-row word
    Sense("other", words("其他处理", weight=1.5, seen=T)),
    # rows some bodies add: not template rows (seen in the labels of tests/cases)
    _s("_local.work_secret", ("工作秘密",), seen=LABELS),
    _s("_local.internal_management", ("内部管理信息",), seen=LABELS),
    _s("_local.unreachable", ("无法联系",), seen=LABELS),
)

# Outcome categories (三(三)…三(六)): a label naming one sets the context of its sub-rows.
CATEGORIES: tuple[Sense, ...] = (
    _s("denied", ("不予公开",)),
    _s("unable", ("无法提供",)),
    _s("not_processed", ("不予处理",)),
    _s("other", ("其他处理",)),
)

# The 7 applicant columns are fixed by the template; their words tell a header row.
APPLICANT_COLUMN_WORDS: tuple[Word, ...] = words(
    "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", seen=T)

# --- table 二: rows -------------------------------------------------------------------------
PROACTIVE_ROWS: tuple[Sense, ...] = (
    _s("normative_docs", ("规范性文件",)),
    _s("rules", ("规章",)),
    _s("other_services", ("其他对外管理服务",), ("对外管理服务",)),
    _s("licensing", ("行政许可",)),
    _s("penalty", ("行政处罚",)),
    _s("coercion", ("行政强制",)),
    _s("fees", ("行政事业性收费", "事业性收费"), ("收费",)),
    _s("procurement", ("政府集中采购", "集中采购"), ("采购",)),
    # a row 湖北 bodies add (其他主动公开文件，含…除规范性文件以外的…): not a template row
    Sense("_local.other_docs", words("其他主动公开文件", weight=4.0, seen="湖北 " + LABELS)),
)
# Table 二 starts at its section heading (第二十条第(一)项 …).
PROACTIVE_START: tuple[Word, ...] = words("第二十条", seen=T)

# --- table 四 -------------------------------------------------------------------------------
APPEALS_START: tuple[Word, ...] = words("行政复议", seen=T)
# Characters of table 四's header cells; a label made only of these does not end the table
# (vertical headers in PDF text layers come out one character per cell: 结 结 其 尚).
APPEALS_HEADER_CHARS = frozenset(
    "行政复议诉讼未经直接起后结果维持纠正其他尚未审总计、（）()四五政府信息公开情况因申请被提起件数"
    "单位：:一二三数量合的和"
)

# --- template versions ----------------------------------------------------------------------
TEMPLATE_2021: tuple[Word, ...] = words(
    "本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量",
    seen="国办公开办函〔2021〕30号")
TEMPLATE_2019: tuple[Word, ...] = words(
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "政府集中采购", "上一年项目数量",
    seen="国办公开办函〔2019〕60号")
TEMPLATE_2021_OTHER_SUBROWS: tuple[Word, ...] = words(
    "逾期不补正", "逾期未按收费通知", seen="国办公开办函〔2021〕30号")
TABLE3_START: tuple[Word, ...] = words("本年新收", seen=T)

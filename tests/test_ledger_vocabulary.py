"""The ledger vocabulary and its matcher, on header and label wordings met in real material.

Each case names where the wording was seen (issue 12's held-out ledgers, a 依申请公开 handling
system's list page, a 政府信息公开申请表, a report-comparison tool's table 三 labels, a
statistics form); none is taken from the demo generator, whose own wordings are tested in
``test_ledgers.py``. The earlier exact header lists are kept as a regression table: every header
they knew still means the same field.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.ledgers import process_ledger
from pipelines.ledgers.headers import FIELDS, field_of, header_match, match_headers
from pipelines.ledgers.matcher import lexicon, match, tokens
from pipelines.ledgers.normalize import (
    applicant_match,
    applicant_of,
    channel_of,
    outcome,
    outcome_match,
    outcome_of,
)
from pipelines.ledgers.process import json_rows
from schemas.registry import APPLICANT_COLUMNS, APPLICATION_ROWS, OUTCOME_CATEGORIES
from schemas.vocabulary import Sense, words
from schemas.vocabulary import ledgers as vocab

ISSUE_12 = "issue 12 held-out ledgers"
SYSTEM = "handling-system list page"
FORM = "申请表 (weboa)"
TOOL = "report-comparison tool"
STATS = "定西 statistics form"
SELECT = "申请人类别 select"

REAL_HEADERS = [
    ("申请人身份", "applicant_type", ISSUE_12),
    ("受理日期", "received", ISSUE_12),
    ("答复时间", "replied", ISSUE_12),
    ("答复结果", "outcome", ISSUE_12),
    ("提交方式", "channel", ISSUE_12),
    ("征求第三方意见用时（工作日）", "third_party_days", ISSUE_12),
    ("征求第三方意见用时(工作日)", "third_party_days", ISSUE_12),
    ("申请人姓名", "name", SYSTEM),
    ("申请人性质", "applicant_type", SYSTEM),
    ("手机号码", "phone", SYSTEM),
    ("证件号码", "id_number", SYSTEM),
    ("申请方式", "channel", SYSTEM),
    ("查询编号", "seq", SYSTEM),
    ("*姓名", "name", FORM),
    ("*证件号码", "id_number", FORM),
    ("*联系电话", "phone", FORM),
    ("*联系地址", "address", FORM),
    ("电子邮箱", "email", FORM),
    ("*组织机构代码", "id_number", FORM),
    ("*联系人姓名", "name", FORM),
    ("*联系人电话", "phone", FORM),
    ("申请时间", "received", FORM),
    ("申请人类别", "applicant_type", SELECT),
    ("申请人身份证号码", "id_number", "申请人身份证号码 field (GitHub, service systems)"),
    ("申请人联系电话", "phone", "申请人联系电话 column (GitHub el-table)"),
]


@pytest.mark.parametrize(("header", "field", "seen"), REAL_HEADERS)
def test_real_headers_map_to_their_field(header: str, field: str, seen: str) -> None:
    assert field_of(header) == field, seen


# The exact lists headers.py held before the vocabulary: each header keeps its meaning.
EARLIER_HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "登记号", "申请编号", "流水号", "受理编号"),
    "body": ("机关", "机关名称", "单位", "单位名称", "办理机关", "受理机关", "答复机关"),
    "year": ("年度", "统计年度"),
    "received": (
        "申请日期",
        "收到申请日期",
        "受理时间",
        "受理日期",
        "收到日期",
        "申请时间",
        "收件日期",
        "登记日期",
    ),
    "name": ("申请人", "申请人姓名/名称", "申请人名称", "申请人姓名", "姓名", "名称"),
    "applicant_type": ("申请人类型", "申请人性质", "申请主体类型", "申请人类别"),
    "id_number": ("证件号码", "身份证号码", "身份证号", "统一社会信用代码/证件号码"),
    "phone": ("联系电话", "电话", "手机", "手机号码", "联系方式"),
    "address": ("通讯地址", "联系地址", "地址", "邮寄地址"),
    "email": ("电子邮箱", "邮箱", "电子邮件地址", "email"),
    "channel": ("获取方式", "申请方式", "申请渠道", "提交方式"),
    "content": ("申请内容", "所需信息内容描述", "申请公开的信息", "所需政府信息", "内容描述"),
    "correction_requested": ("补正日期", "补正告知日期", "告知补正日期", "补正通知日期"),
    "correction_received": (
        "收到补正日期",
        "补正后收到日期",
        "收到补正材料日期",
        "补正材料收到日期",
    ),
    "extended": ("是否延期", "延期", "延长答复期限"),
    "third_party_days": ("征求第三方意见天数", "征求第三方意见工作日", "第三方征询天数"),
    "replied": ("答复日期", "办结日期", "答复时间", "办结时间"),
    "outcome": ("处理结果", "答复结果", "办理结果", "答复类型"),
    "fee": ("收费金额", "收费金额（元）", "信息处理费", "费用"),
}


def test_every_header_of_the_earlier_exact_lists_keeps_its_field() -> None:
    wrong = {h: field_of(h) for f, hs in EARLIER_HEADERS.items() for h in hs if field_of(h) != f}
    assert wrong == {}
    assert set(EARLIER_HEADERS) <= set(FIELDS)


@pytest.mark.parametrize(
    ("header", "fields"),
    [
        ("姓名/联系方式", ("name", "phone")),  # one cell for two things: 申请表 wording
        ("申请日期/答复日期", ("received", "replied")),
    ],
)
def test_a_header_speaking_for_two_fields_is_reported_not_taken(
    header: str, fields: tuple[str, ...]
) -> None:
    m = header_match(header)
    assert m.key is None
    assert set(m.tied) == set(fields)


@pytest.mark.parametrize(
    "header",
    [
        "答复期限",  # a deadline, not the day of the reply
        "法定答复日期",
        "延期日期",  # not a yes/no, and maybe the extended deadline
        "延期答复日期",
        "答复方式",  # how the answer went out (邮寄/电子邮件), not the outcome
        "信息提供方式",  # handling system: how the information is provided, not the channel
        "处理人",
        "天数(自然日)",  # handling system: days left, not third-party days
        "创建时间",  # handling system: record created; not said to be the receipt
        "工作单位",  # the applicant's employer (申请表), not the handling body
        "邮政编码",
    ],
)
def test_look_alike_headers_are_not_taken(header: str) -> None:
    m = header_match(header)
    assert (m.key, m.tied) == (None, ())


def test_a_note_in_brackets_is_read_only_when_the_header_needs_it() -> None:
    assert field_of("征求第三方意见（工作日）") == "third_party_days"
    assert field_of("答复日期（收到申请之日起20个工作日内）") == "replied"
    assert field_of(" *收费金额（元） ") == "fee"


def test_the_best_column_wins_a_field_and_the_others_are_reported() -> None:
    m = match_headers(["处理情况", "答复结果", "受理日期", "申请人身份", "姓名/联系方式"])
    assert m.mapping == {1: "outcome", 2: "received", 3: "applicant_type"}
    assert m.duplicate == ["处理情况"]
    assert m.ambiguous == {"姓名/联系方式": ("name", "phone")}


REAL_OUTCOMES = [
    ("同意公开", "granted", ISSUE_12),
    ("全部公开", "granted", ISSUE_12),
    ("部分公开（区分处理）", "partially_granted", ISSUE_12),
    ("不予公开：涉及第三方合法权益", "denied.third_party_rights", ISSUE_12),
    ("不予公开（过程性信息）", "denied.process_info", ISSUE_12),
    ("信息不存在（本机关不掌握）", "unable.not_held", ISSUE_12),
    ("需要另行制作", "unable.needs_creation", ISSUE_12),
    ("不予处理-重复申请", "not_processed.duplicate", ISSUE_12),
    ("逾期未补正", "other.no_correction", ISSUE_12),
    ("申请人逾期不补正", "other.no_correction", ISSUE_12),
    ("逾期未缴费", "other.unpaid_fee", ISSUE_12),
    ("不予公开-属于过程性信息", "denied.process_info", TOOL),
    ("不予公开-属于内部事务信息", "denied.internal_affairs", TOOL),
    ("不予公开-属于行政执法案卷", "denied.enforcement_file", TOOL),
    ("不予公开-属于行政查询事项", "denied.inquiry_matter", TOOL),
    ('不予公开-危及"三安全一稳定"', "denied.security_stability", TOOL),
    ("无法提供-本机关不掌握相关政府信息", "unable.not_held", TOOL),
    ("不予处理-要求行政机关确认或重新出具", "not_processed.confirmation", TOOL),
    ("其他处理-申请人逾期不补正", "other.no_correction", TOOL),
    ("其他处理-申请人逾期未按收费通知缴费", "other.unpaid_fee", TOOL),
    ("其他处理-其他", "other.other", TOOL),
    ("同意部分公开", "partially_granted", STATS),
    ("非本部门掌握", "unable.not_held", STATS),
    # a reason the 2021 template has no row for keeps its category (a subtotal only)
    ("不予公开-属于工作秘密", "denied", TOOL),
    ("不予处理-无法联系到申请人", "not_processed", TOOL),
    ("待答复", "", SYSTEM),
]


@pytest.mark.parametrize(("label", "key", "seen"), REAL_OUTCOMES)
def test_real_outcome_labels_land_on_their_row(label: str, key: str, seen: str) -> None:
    assert outcome_of(label) == key, seen


def test_a_label_whose_category_and_reason_disagree_is_not_guessed() -> None:
    m = outcome_match("不予公开-重复申请")  # 重复申请 is a 不予处理 reason
    assert m.key is None
    assert set(m.tied) == {"not_processed.duplicate", "denied"}
    assert outcome_of("部分予以公开") == "partially_granted"  # holds 予以公开, still partial


def test_every_template_label_reads_as_its_own_row() -> None:
    cats = {c: zh for c, zh, _ in OUTCOME_CATEGORIES}
    for row in APPLICATION_ROWS:
        if row.key in ("new_received", "carried_over", "total_processed", "carried_forward"):
            continue
        sub = row.label_zh.split("·", 1)[-1]
        forms = [row.label_zh, sub]
        if row.category:
            forms += [f"{cats[row.category]}（{sub}）", f"{cats[row.category]}-{sub}"]
        assert {f: outcome_of(f) for f in forms} == dict.fromkeys(forms, row.key)


@pytest.mark.parametrize(
    ("label", "column"),
    [
        ("公民", "natural_person"),  # handling system, 申请人类别 select
        ("个人", "natural_person"),  # issue 12
        ("企业", "commercial"),  # handling system
        ("法人", "commercial"),  # 申请人类别 select: 公民 / 法人
        ("法人或其他组织-商业企业", "commercial"),  # issue 12
        ("法人或其他组织（科研机构）", "research"),
        ("科研院所", "research"),  # issue 12
        ("高校", "research"),  # issue 12
        ("公益组织", "social_org"),  # issue 12
        ("律所", "legal_service"),  # issue 12
        ("法人或其他组织-其他", "other_org"),
    ],
)
def test_real_applicant_labels_land_on_their_column(label: str, column: str) -> None:
    assert applicant_of(label) == column


def test_an_organisation_without_its_kind_is_not_a_column() -> None:
    # 申请人类别 select offers 法人或其他组织 and 个体工商户: neither says which table 三 column.
    assert applicant_match("法人或其他组织").key is None
    assert applicant_of("个体工商户") is None


@pytest.mark.parametrize(
    ("label", "code"),
    [("网络", "online"), ("当面", "in_person"), ("邮寄", "letter"), ("传真", "fax")],
)
def test_handling_system_channels(label: str, code: str) -> None:
    assert channel_of(label) == code


def test_outcome_is_matched_once_per_distinct_label() -> None:
    labels = ["不予公开（过程性信息）", "申请人逾期不补正", None, "天知道"] * 1000
    got = pl.DataFrame({"x": labels}).select(outcome(pl.col("x")))["x"].to_list()
    assert got[:4] == ["denied.process_info", "other.no_correction", "", None]
    assert len(got) == 4000


def test_the_matcher_reads_words_whole_leftmost_longest() -> None:
    lex = lexicon([Sense("a", words("申请")), Sense("b", words("申请人"))])
    assert tokens(lex, "申请人申请") == ("申请人", "申请")
    assert match(lex, "申请人").key == "b"
    assert match(lex, "申请人申请").tied == ("a", "b")


def test_the_vocabulary_covers_the_registry_and_says_where_each_word_was_seen() -> None:
    assert [s.key for s in vocab.APPLICANTS] == [k for k, _, _ in APPLICANT_COLUMNS][:-1]
    outcome_keys = {s.key for s in vocab.OUTCOMES}
    assert {r.key for r in APPLICATION_ROWS if r.key not in vocab._NOT_OUTCOMES} <= outcome_keys
    assert {c for c, _, _ in OUTCOME_CATEGORIES} <= outcome_keys
    assert len(FIELDS) == len(set(FIELDS))
    senses = [
        *(c.sense for c in vocab.HEADERS),
        *vocab.APPLICANTS,
        *vocab.OUTCOMES,
        *vocab.CHANNELS,
    ]
    unsourced = [
        (s.key, w.text) for s in senses for w in (*s.words, *s.excludes) if not w.seen.strip()
    ]
    assert unsourced == []
    assert all(w.seen for w in (*vocab.PENDING, *vocab.YES))


def test_issue_12_gb18030_ledger_counts_third_party_days_and_reads_its_labels() -> None:
    header = "序号,受理日期,申请人身份,提交方式,征求第三方意见用时（工作日）,答复时间,答复结果"
    rows = [
        "1,2024-02-01,公民,网上,15,2024-03-26,不予公开（过程性信息）",
        "2,2024-02-01,法人或其他组织-商业企业,信函,0,2024-02-20,申请人逾期不补正",
        "3,2024-02-01,个人,网上,0,2024-03-01,不予公开-重复申请",
    ]
    data = ("\n".join([header, *rows]) + "\n").encode("gb18030")
    r = process_ledger(data, "某县_2024_ledger.csv")
    out = {o["row"]: o for o in json_rows(r)}
    # 15 working days of consultation are not counted: 2024-03-26, not 2024-03-05 (issue 12).
    assert (out[1]["deadline"], out[1]["overdue_days"]) == ("2024-03-26", 0)
    assert out[1]["outcome"] == "denied.process_info"
    assert (out[2]["applicant_type"], out[2]["outcome"]) == ("commercial", "other.no_correction")
    # a label that names two rows keeps its row (dates, deadline) with an empty outcome and a
    # finding naming the rows it could be (not guessed); never the cell
    assert (out[3]["outcome"], out[3]["received"], out[3]["deadline"]) == (
        None,
        "2024-02-01",
        "2024-03-05",
    )
    assert [f["rule"] for f in out[3]["findings"]] == ["ambiguous_outcome"]
    message = out[3]["findings"][0]["message"]
    assert "不予公开-重复申请" not in message
    assert "可读作 not_processed.duplicate / denied" in message
    assert r.unknown_headers == [] and r.ambiguous_headers == {}


def test_an_ambiguous_header_is_reported_on_the_result_and_its_column_not_read() -> None:
    header = "受理日期,申请人类型,姓名/联系方式,答复日期,处理结果"
    data = f"{header}\n2024-02-01,公民,王伟 13800001234,2024-02-20,予以公开\n"
    r = process_ledger(data.encode("utf-8"), "x_2024_ledger.csv")
    assert r.ambiguous_headers == {"姓名/联系方式": ("name", "phone")}
    cells = [str(v) for row in r.rows.iter_rows() for v in row]
    assert not any("王伟" in c or "13800001234" in c for c in cells)
    assert json_rows(r)[0]["outcome"] == "granted"

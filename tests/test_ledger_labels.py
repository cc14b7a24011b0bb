"""Applicant-type and outcome labels as public material words them → table 三 keys.

One table of real wordings, each with where it was seen (the sources of
``schemas/vocabulary/ledgers.py``); none is the demo generator's. A label that fits two rows, or
none, gives no key and the row keeps its dates with a finding — never a guess.
"""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.ledgers import process_ledger
from pipelines.ledgers.normalize import applicant_of, outcome_match, outcome_of
from pipelines.ledgers.process import json_rows

ISSUE = "issue 12 (held-out ledgers, brief's list)"
PUDONG = "浦东 handling system (yojiwei/pudongps)"
DONGFENG = "东凤镇 flow chart"
XIXIANG = "西乡县 制度"
TEMPLATE = "2019 template (table 三 labels)"
GUIDE = "2019 template guidance as reports apply it"
DINGXI = "定西 statistics form"
TOOL = "年报比对 tool"
ORGS = "单位类别 SQL table"
LAW = "条例 第十五条/第三十六条 wording"

APPLICANTS = [
    ("公民", "natural_person", ISSUE),
    ("个人", "natural_person", ISSUE),
    ("自然人", "natural_person", TEMPLATE),
    ("公民个人", "natural_person", ISSUE),
    ("法人或其他组织-商业企业", "commercial", ISSUE),
    ("法人或其他组织·商业企业", "commercial", TEMPLATE),
    ("商业企业", "commercial", TEMPLATE),
    ("企业", "commercial", ISSUE),
    ("公司", "commercial", ISSUE),
    ("民营企业", "commercial", ORGS),
    ("国有企业", "commercial", ORGS),
    ("有限责任公司", "commercial", ISSUE),
    ("科研院所", "research", ISSUE),
    ("科研机构", "research", ORGS),
    ("法人或其他组织-科研机构", "research", TEMPLATE),
    ("高校", "research", ISSUE),
    ("高等院校", "research", ORGS),
    ("大学", "research", ISSUE),
    ("研究所", "research", GUIDE),
    ("社会公益组织", "social_org", TEMPLATE),
    ("公益组织", "social_org", ISSUE),
    ("社会团体", "social_org", GUIDE),
    ("基金会", "social_org", GUIDE),
    ("律师事务所", "legal_service", ISSUE),
    ("律所", "legal_service", ISSUE),
    ("法律服务机构", "legal_service", TEMPLATE),
    ("其他组织", "other_org", ISSUE),
    ("法人或其他组织·其他", "other_org", TEMPLATE),
    ("法人", "commercial", ISSUE),
]

OUTCOMES = [
    ("同意公开", "granted", ISSUE),
    ("全部公开", "granted", ISSUE),
    ("予以公开", "granted", TEMPLATE),
    ("可以公开", "granted", DONGFENG),
    ("已经主动公开", "granted", DONGFENG),
    ("已主动公开，告知获取途径", "granted", GUIDE),
    ("部分公开", "partially_granted", PUDONG),
    ("部分公开（区分处理）", "partially_granted", ISSUE),
    ("区分处理", "partially_granted", DONGFENG),
    ("同意部分公开", "partially_granted", DINGXI),
    ("部分予以公开", "partially_granted", ISSUE),
    ("属于国家秘密", "denied.state_secret", PUDONG),
    ("不予公开·属于国家秘密", "denied.state_secret", TEMPLATE),
    ("法律法规禁止公开", "denied.prohibited_by_law", TEMPLATE),
    ("危及三安全一稳定", "denied.security_stability", TEMPLATE),
    ("不予公开：涉及第三方合法权益", "denied.third_party_rights", ISSUE),
    ("属于商业秘密或者公开可能导致商业秘密被泄露的", "denied.third_party_rights", PUDONG),
    ("属于个人隐私或者公开可能导致对个人隐私权造成不当侵害的", "denied.third_party_rights", PUDONG),
    ("内部事务信息", "denied.internal_affairs", TOOL),
    ("不予公开（过程性信息）", "denied.process_info", ISSUE),
    ("属于正在调查、讨论、处理过程中的", "denied.process_info", PUDONG),
    ("行政执法案卷", "denied.enforcement_file", TOOL),
    ("行政查询事项", "denied.inquiry_matter", TOOL),
    ("信息不存在（本机关不掌握）", "unable.not_held", ISSUE),
    ("本机关不掌握相关信息", "unable.not_held", ISSUE),
    ("信息不存在", "unable.not_held", PUDONG),
    ("告知信息不存在", "unable.not_held", DONGFENG),
    ("没有所申请公开信息", "unable.not_held", DONGFENG),
    ("不属于本机关负责公开", "unable.not_held", DONGFENG),
    ("非本部门掌握", "unable.not_held", DINGXI),
    ("需要另行制作", "unable.needs_creation", ISSUE),
    ("没有现成信息需要另行制作", "unable.needs_creation", TEMPLATE),
    ("补正后申请内容仍不明确", "unable.unclear_after_correction", TEMPLATE),
    ("信访举报投诉类申请", "not_processed.petition_complaint", TEMPLATE),
    ("不予处理-重复申请", "not_processed.duplicate", ISSUE),
    ("已作出答复、申请人重复申请", "not_processed.duplicate", DONGFENG),
    ("要求提供公开出版物", "not_processed.publication", TEMPLATE),
    ("无正当理由大量反复申请", "not_processed.excessive", TEMPLATE),
    ("要求行政机关确认或重新出具已获取信息", "not_processed.confirmation", TEMPLATE),
    ("申请人逾期不补正", "other.no_correction", ISSUE),
    ("逾期未补正", "other.no_correction", ISSUE),
    ("逾期不补正，视为放弃申请", "other.no_correction", XIXIANG),
    ("视为放弃申请", "other.no_correction", XIXIANG),  # 条例 第三十条: 逾期不补正的，视为放弃
    ("其他处理-申请人逾期不补正", "other.no_correction", TOOL),
    ("逾期未缴费", "other.unpaid_fee", ISSUE),
    ("逾期未按收费通知缴费", "other.unpaid_fee", TOOL),
    ("撤回申请", "other.other", ISSUE),
    ("申请人撤回申请", "other.other", GUIDE),
    ("告知通过其他途径办理", "other.other", ISSUE),
    ("属于工商、不动产登记资料等信息", "other.other", DONGFENG),
    ("告知依照有关法律、行政法规的规定办理", "other.other", LAW),
    ("不予公开", "denied", TEMPLATE),
    ("无法提供", "unable", TEMPLATE),
    ("不予处理", "not_processed", TEMPLATE),
]

# Wordings that say no one row: several rows at once, or a step rather than an outcome.
NOT_ONE_ROW = [
    ("不予公开-重复申请", "a category and another category's reason", ISSUE),
    ("转办", "a step of the handling, not an outcome", PUDONG),
    ("第三方意见征询", "a step (the consultation), not an outcome", PUDONG),
    ("延期答复", "a step (the extension), not an outcome", PUDONG),
    ("非政府信息公开", "not government information: no row of the 2019 template", PUDONG),
    ("依申请公开", "the procedure's name", ISSUE),
]
NOT_A_COLUMN = [
    ("法人或其他组织", "the scope, not which organisation", TEMPLATE),
    ("法人或者其他组织", "the law's scope wording", LAW),
    ("个体工商户", "not placed by the template: a ledger map decides", ISSUE),
    ("事业单位", "research or other: a ledger map decides", ORGS),
]


def test_the_table_holds_at_least_sixty_real_wordings() -> None:
    assert len(APPLICANTS) + len(OUTCOMES) >= 60
    assert len({s for *_, s in (*APPLICANTS, *OUTCOMES, *NOT_ONE_ROW, *NOT_A_COLUMN)}) >= 8


@pytest.mark.parametrize(("label", "column", "seen"), APPLICANTS)
def test_applicant_wordings_land_on_their_column(label: str, column: str, seen: str) -> None:
    assert applicant_of(label) == column, seen


@pytest.mark.parametrize(("label", "key", "seen"), OUTCOMES)
def test_outcome_wordings_land_on_their_row(label: str, key: str, seen: str) -> None:
    assert outcome_of(label) == key, seen


@pytest.mark.parametrize(("label", "why", "seen"), NOT_ONE_ROW)
def test_an_outcome_that_is_not_one_row_is_never_guessed(label: str, why: str, seen: str) -> None:
    assert outcome_of(label) is None, why


@pytest.mark.parametrize(("label", "why", "seen"), NOT_A_COLUMN)
def test_an_applicant_that_is_not_one_column_is_never_guessed(
    label: str, why: str, seen: str
) -> None:
    assert applicant_of(label) is None, why


def test_a_two_row_label_names_both_rows() -> None:
    assert set(outcome_match("不予公开-重复申请").tied) == {"not_processed.duplicate", "denied"}


def test_unknown_and_ambiguous_outcomes_keep_the_row_and_its_deadline() -> None:
    """The row stays an application: dates, deadline and timeliness computed, outcome empty."""
    header = "受理日期,申请人类型,答复日期,处理结果"
    rows = [
        "2024-03-01,公民,2024-03-20,予以公开",
        "2024-03-01,公民,2024-04-15,转办",
        "2024-03-01,企业,2024-03-20,不予公开-重复申请",
    ]
    r = process_ledger(("\n".join([header, *rows]) + "\n").encode(), "某县_2024_ledger.csv")
    out = {o["row"]: o for o in json_rows(r)}
    kept = r.rows.filter(pl.col("quarantine_reason").is_null())
    assert kept.height == 3
    assert (out[2]["outcome"], out[2]["deadline"], out[2]["overdue_days"]) == (
        None,
        "2024-03-29",
        10,  # Apr 1–3, the 调休 Sunday Apr 7, Apr 8–12, Apr 15 (Qingming Apr 4–6 off)
    )
    assert [f["rule"] for f in out[2]["findings"]] == ["unknown_outcome"]
    assert [f["rule"] for f in out[3]["findings"]] == ["ambiguous_outcome"]
    # the finding names the registry keys, never the cell
    assert "转办" not in str(out[2]["findings"])
    assert "重复申请" not in out[3]["findings"][0]["message"].split("/")[0].replace(
        "not_processed.duplicate", ""
    )
    assert kept.filter(pl.col("row") == 2)["pending"].item() is False

"""Body resolution from context clues: the site, 发文字号, issuer fields, a city in the text.

Also the extractor's ``body_ambiguous`` finding, and the demo province's township codes, which
must be the official ones so demo documents resolve to their true codes.
"""

from __future__ import annotations

import pytest

from pipelines.bodies import resolve_body, resolve_body_detailed
from pipelines.bodies.clues import document_number_places, issuer_lines, site_places
from pipelines.demo.province import build_province
from pipelines.extract import extract_bytes

GULOU = ("320106", "320302", "350102", "410204")  # 南京, 徐州, 福州, 开封


def test_gulou_alone_is_ambiguous_with_all_candidates() -> None:
    r = resolve_body_detailed("鼓楼区人民政府2023年政府信息公开工作年度报告")
    assert r.status == "ambiguous" and r.candidates == GULOU
    assert r.body.region_code is None


@pytest.mark.parametrize(
    ("context", "code"),
    [
        ("本区位于南京市中心。", "320106"),  # a city named in the text
        ("原文链接: https://www.nanjing.gov.cn/xxgk/2024/t1.html", "320106"),  # the site
        ("根据《徐政办发〔2023〕5号》要求", "320302"),  # document-number prefix
        ("发布机构: 福州市鼓楼区人民政府办公室\n", "350102"),  # the issuer field
    ],
)
def test_gulou_resolved_by_context(context: str, code: str) -> None:
    r = resolve_body_detailed("鼓楼区人民政府", context)
    assert (r.status, r.body.region_code) == ("resolved", code)


def test_unhelpful_clue_never_guesses() -> None:
    r = resolve_body_detailed("鼓楼区人民政府", "榕政办〔2023〕5号 https://www.gl.gov.cn")
    assert r.status == "ambiguous" and r.candidates == GULOU


@pytest.mark.parametrize(
    "context",
    [
        "原文链接: http://www.suqian.gov.cn/sqzwgk/a.html",
        "原文链接: http://www.shuyang.gov.cn/",
        "转发宿政办发〔2024〕12号",
        "转发苏政发〔2024〕3号",
        "宿迁市政府",
    ],
)
def test_ocr_name_confirmed_by_context(context: str) -> None:
    r = resolve_body_detailed("沐阳县人民政府", context)
    assert (r.status, r.body.region_code, r.body.type) == ("resolved", "321322", "government")
    assert r.corrections == ("沐阳县→沭阳县",)


def test_ocr_name_without_context_is_ambiguous_with_its_candidate() -> None:
    r = resolve_body_detailed("沐阳县人民政府", "依据《条例》（国办公开办函〔2021〕30号）")
    assert r.status == "ambiguous" and r.candidates == ("321322",)


def test_clue_readers() -> None:
    assert issuer_lines("标题: x\n发布机构: 平潭综合实验区管委会办公室\n来源：淮安市人民政府") == (
        "平潭综合实验区管委会办公室",
        "淮安市人民政府",
    )
    # huaian is 淮安市, its 淮安区 and 怀安县: a set that narrows, never a pick
    assert {p.code for p in site_places("https://www.huaian.gov.cn/a")} == {
        "320800",
        "320803",
        "130728",
    }
    assert site_places("https://js.gov.cn/") == ()  # initials fit too many places
    assert "320000" in {p.code for p in document_number_places("苏政发〔2023〕5号")}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("平潭综合实验区管委会", ("350128", "county", "special_zone")),
        ("平潭综合实验区市场监管局", ("350128", "county", "department")),
        ("平潭县人民政府", ("350128", "county", "government")),
        ("洪泽县人民政府2014年政府信息公开工作年度报告", ("320829", "county", "government")),
        ("淮安市洪澤區人民政府", ("320813", "county", "government")),
        ("襄樊市人民政府2009年政府信息公开工作年度报告", ("420600", "city", "government")),
    ],
)
def test_special_zones_renamed_codes_and_traditional_script(name: str, expected: tuple) -> None:
    b = resolve_body(name)
    assert (b.region_code, b.level, b.type) == expected


def test_department_name_is_normalized() -> None:
    assert resolve_body("宿迁市市场监管局").name == "宿迁市市场监督管理局"


def test_extractor_reports_ambiguous_body_with_candidates() -> None:
    text = (
        "# 沐阳县人民政府 2025 年 政府信息公开工作年度报告\n\n沐阳县人民政府\n"
        "本报告所列数据统计期限从2025年1月1日至2025年12月31日止。\n"
    )
    ex = extract_bytes(text.encode(), "shuyang.txt").to_json()
    assert ex["body"]["region_code"] is None
    found = [f for f in ex["findings"] if f["rule"] == "body_ambiguous"]
    assert len(found) == 1 and "321322" in found[0]["message"]
    assert found[0]["severity"] == "warning" and found[0]["blame"] == "reading"


def test_extractor_uses_the_page_site() -> None:
    text = (
        "标题: 沐阳县人民政府2025年政府信息公开工作年度报告\n"
        "原文链接: http://www.suqian.gov.cn/sy/2026/a.html\n\n正文。\n"
    )
    ex = extract_bytes(text.encode(), "shuyang.txt").to_json()
    assert ex["body"]["region_code"] == "321322"
    assert not [f for f in ex["findings"] if f["rule"] == "body_ambiguous"]


def test_demo_townships_carry_official_codes_and_resolve_to_them() -> None:
    regions, bodies = build_province(1.0)
    towns = {r.code: r for r in regions if r.level == "township"}
    assert towns["320813103"].name == "岔河镇" and towns["320813001"].name == "高良涧街道"
    for body in (b for b in bodies if b.level == "township"):
        got = resolve_body(body.name)
        assert (got.region_code, got.level) == (body.region_code, "township"), body.name

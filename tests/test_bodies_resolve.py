"""Body resolution on small inline names: the cases issue 5 names."""

import pytest

from pipelines.bodies import resolve_body, resolve_body_detailed
from pipelines.extract.model import Body


@pytest.mark.parametrize(
    ("text", "context", "expected"),
    [
        ("淮安市人民政府", "", Body("淮安市人民政府", "320800", "city", "government")),
        (
            "淮安市洪泽区人民政府2023年政府信息公开工作年度报告",
            "",
            Body("淮安市洪泽区人民政府", "320813", "county", "government"),
        ),
        ("江苏省人民政府办公厅", "", Body("江苏省人民政府办公厅", "320000", "province", "office")),
        (
            "淮安市洪泽区政府办公室",
            "",
            Body("淮安市洪泽区人民政府办公室", "320813", "county", "office"),
        ),
        (
            "2019年上海市政府信息公开工作年度报告",
            "",
            Body("上海市人民政府", "310000", "province", "government"),
        ),
        (
            "上海市科学技术委员会",
            "",
            Body("上海市科学技术委员会", "310000", "province", "department"),
        ),
    ],
)
def test_places_and_body_words(text, context, expected):
    assert resolve_body(text, context) == expected


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("上海市市场监管局", "上海市市场监督管理局"),
        ("上海市市场监督管理局", "上海市市场监督管理局"),
        ("淮安市人社局", "淮安市人力资源和社会保障局"),
        ("淮安市发改委", "淮安市发展和改革委员会"),
        ("上海市人民政府外办", "上海市人民政府外事办公室"),
    ],
)
def test_department_aliases_share_one_name(alias, canonical):
    body = resolve_body(alias)
    assert body.name == canonical and body.type == "department"
    assert body.region_code in ("310000", "320800")


def test_renamed_code_before_and_after_2016():
    before = resolve_body("洪泽县人民政府2014年政府信息公开工作年度报告")
    after = resolve_body("淮安市洪泽区人民政府2016年政府信息公开工作年度报告")
    assert (before.region_code, before.name) == ("320829", "洪泽县人民政府")
    assert (after.region_code, after.name) == ("320813", "淮安市洪泽区人民政府")


def test_renumbered_namesake_resolves_to_latest_code():
    # 洪泽县 also had 322230 under 淮阴地区 until 1982.
    assert resolve_body("洪泽县人民政府").region_code == "320829"
    assert resolve_body("洪泽县人民政府1981年工作报告").region_code == "322230"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平潭综合实验区", Body("平潭综合实验区", "350128", "county", "special_zone")),
        (
            "福建省平潭综合实验区管委会",
            Body("福建省平潭综合实验区管理委员会", "350128", "county", "special_zone"),
        ),
        (
            "平潭综合实验区管委会办公室",
            Body("平潭综合实验区管理委员会办公室", "350128", "county", "office"),
        ),
        (
            "平潭综合实验区地税局",
            Body("平潭综合实验区地方税务局", "350128", "county", "department"),
        ),
        ("平潭县人民政府", Body("平潭县人民政府", "350128", "county", "government")),
        ("横琴粤澳深度合作区", Body("横琴粤澳深度合作区", "440402", "county", "special_zone")),
    ],
)
def test_special_zones_map_to_the_unit_they_cover(text, expected):
    assert resolve_body(text) == expected


def test_ambiguous_name_without_context_lists_candidates():
    r = resolve_body_detailed("鼓楼区人民政府")
    assert r.status == "ambiguous"
    assert r.candidates == ("320106", "320302", "350102", "410204")
    assert r.body == Body("鼓楼区人民政府", None, "county", "government")


@pytest.mark.parametrize(
    ("context", "code"),
    [
        ("福建省福州市鼓楼区人民政府办公室编制", "350102"),
        ("开封市", "410204"),
        ("江苏省徐州市", "320302"),
    ],
)
def test_ambiguous_name_resolved_by_context(context, code):
    r = resolve_body_detailed("鼓楼区人民政府", context)
    assert (r.status, r.body.region_code, r.candidates) == ("resolved", code, ())


def test_context_naming_only_a_province_with_two_namesakes_stays_ambiguous():
    r = resolve_body_detailed("鼓楼区人民政府", "江苏省")
    assert (r.status, r.candidates) == ("ambiguous", ("320106", "320302"))


def test_city_in_name_beats_ambiguity():
    assert resolve_body("南京市鼓楼区人民政府").region_code == "320106"


def test_traditional_script():
    body = resolve_body("淮安市洪澤區人民政府2023年政府資訊公開工作年度報告")
    assert body == Body("淮安市洪泽区人民政府", "320813", "county", "government")


def test_ocr_repair_inside_named_city():
    r = resolve_body_detailed("宿迁市沐阳县人民政府")
    assert r.body == Body("宿迁市沭阳县人民政府", "321322", "county", "government")
    assert r.corrections == ("沐阳县→沭阳县",)


def test_ocr_repair_scoped_by_context():
    r = resolve_body_detailed("沐阳县人民政府", "江苏省宿迁市")
    assert (r.status, r.body.region_code) == ("resolved", "321322")


def test_ocr_repair_without_scope_is_never_resolved():
    r = resolve_body_detailed("沐阳县人民政府 2025 年 政府信息公开工作年度报告")
    assert (r.status, r.body.region_code, r.candidates) == ("ambiguous", None, ("321322",))


def test_township_in_data_gets_its_own_code():
    body = resolve_body("淮安市洪泽区蒋坝镇人民政府")
    assert body == Body("淮安市洪泽区蒋坝镇人民政府", "320813101", "township", "government")


def test_township_missing_from_data_takes_county_code():
    body = resolve_body("洪泽区新建镇政府")
    assert body == Body("洪泽区新建镇人民政府", "320813", "township", "government")


def test_common_township_name_is_ambiguous_without_county():
    r = resolve_body_detailed("城关镇人民政府")
    assert r.status == "ambiguous" and len(r.candidates) > 5
    assert r.body.level == "township" and r.body.region_code is None


@pytest.mark.parametrize("text", [None, "", "   ", "国务院办公厅"])
def test_no_place_is_unknown(text):
    r = resolve_body_detailed(text)
    assert r.status == "unknown" and r.body.region_code is None


def test_scraped_field_label_is_ignored():
    body = resolve_body("标题: 平潭综合实验区2011年政府信息公开工作年度报告")
    assert (body.region_code, body.type) == ("350128", "special_zone")

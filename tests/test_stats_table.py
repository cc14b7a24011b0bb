"""The pre-2019 statistics table (政府信息公开情况统计表): rows by meaning, glued cells cut.

Row wordings are those provinces printed (the contract's list, 福建 莆田 2009 附表, 甘肃 定西
统计报表); the figures are ours, chosen so that each test could fail.
"""

import pytest

from pipelines.extract import extract_bytes
from pipelines.extract.stats_table import classify_row, column_kinds, read_stats_table
from pipelines.extract.tokens import group_tokens, tokenize


def _read(lines, stated=None):
    return read_stats_table(group_tokens(tokenize(lines)), "html", stated)


@pytest.mark.parametrize(("label", "key"), [
    ("主动公开信息数", "proactive.items_published"),
    ("主动公开文件数", "proactive.items_published"),
    ("主动公开政府信息数", "proactive.items_published"),
    ("其中：1.网站公开", "proactive.items_published.website"),
    ("其中:1.政府网站", "proactive.items_published.website"),
    ("1、政府网站公开数", "proactive.items_published.website"),
    ("2.政府公报公开", "proactive.items_published.gazette"),
    ("2.政府公报", "proactive.items_published.gazette"),
    ("受理依申请公开信息总数", "applications.new_received.total"),
    ("受理政府信息依申请公开总数", "applications.new_received.total"),
    ("受理申请数", "applications.new_received.total"),
    ("1.当面申请数", "applications.channel.in_person"),
    ("2.传真申请数", "applications.channel.fax"),
    ("3.电子邮件申请数", "applications.channel.email"),
    ("4.网上申请数", "applications.channel.online"),
    ("5.信函申请数", "applications.channel.letter"),
    ("3、信函、传真申请数", "applications.channel.letter_fax"),
    ("6.其它形式申请数", "applications.channel.other"),
    ("对申请的答复数", "applications.total_processed.total"),
    ("本年度对申请的答复总数", "applications.total_processed.total"),
    ("其中：1.同意公开答复数", "applications.granted.total"),
    ("2.同意部分公开答复数", "applications.partially_granted.total"),
    ("3.否决公开答复数", "applications.denied.total"),
    ("否决公开答复总数", "applications.denied.total"),
    ("3、不予公开答复数", "applications.denied.total"),
    ("4、其他类型答复数", "applications.other_reply.total"),
    ("行政复议数", "appeals.review.total"),
    ("行政诉讼数", "appeals.litigation.total"),
    ("行政申诉数", "appeals.complaints.total"),
    ("接受行政诉讼、举报数", "appeals.complaints.total"),
    ("依申请公开收取费用", "headline.fees_yuan"),
    ("政府信息公开收费减免金额", None),  # a waiver, not a fee
    ("政府信息公开专职人员数", None),
    ("网站访问量", None),
    ("指标名称", None),
    # prose that holds key words is not a row label
    ("条，作为依申请公开信息数", None),
    ("2011年全区未收到有关政府信息公开的申请，未收到行政复议申请", None),
])
def test_row_labels_by_meaning(label, key):
    assert classify_row(label) == key


@pytest.mark.parametrize(("header", "kinds"), [
    ("指标名称计量单位本年度历年累计", ["year", "cumulative"]),
    ("指标名称 计量 单位 年度 历年 累计", ["year", "cumulative"]),
    ("统计指标单位数量", ["year"]),
    ("指标名称代码本期实际本年累计", ["code", "period", "year"]),
    ("指标名称单位上年度本年度增减", ["previous", "year", "change"]),
    ("指标名称单位上年度本年度比上年增减", ["previous", "year", "change"]),
])
def test_column_heads(header, kinds):
    assert column_kinds(header) == kinds


SEPARATE = [
    ["莆田市某局2009年政府信息公开情况统计表"],
    ["指标名称", "计量单位", "2009 年度", "历年 累计"],
    ["主动公开信息数", "条", "318", "1204"],
    ["其中：1.政府网站", "条", "300", "1150"],
    ["2.政府公报", "条", "18", "∅"],
    ["受理依申请公开信息总数", "条", "12", "40"],
    ["其中：1.当面申请数", "条", "5", "17"],
    ["2.传真申请数", "条", "0", "1"],
    ["3.电子邮件申请数", "条", "2", "6"],
    ["4.网上申请数", "条", "4", "12"],
    ["5.信函申请数", "条", "1", "4"],
    ["6.其它形式申请数", "条", "—", "—"],
    ["对申请的答复总数", "条", "12", "40"],
    ["其中：1.同意公开答复数", "条", "9", "31"],
    ["2.同意部分公开答复数", "条", "1", "3"],
    ["3.否决公开答复总数", "条", "2", "6"],
    ["行政复议数", "件", "1", "2"],
    ["行政诉讼数", "件", "0", "0"],
    ["行政申诉数", "件", "0", "0"],
]


def test_separate_cells_read_as_printed():
    out = _read(SEPARATE)
    v = out.values
    assert v["proactive.items_published"] == 318
    assert v["proactive.items_published.website"] == 300
    assert v["proactive.items_published.gazette"] == 18
    assert v["applications.new_received.total"] == 12
    assert [v[f"applications.channel.{c}"] for c in
            ("in_person", "fax", "email", "online", "letter", "other")] == [5, 0, 2, 4, 1, 0]
    assert out.cells["applications.channel.other"] == "dash"
    assert (v["applications.total_processed.total"], v["applications.granted.total"],
            v["applications.partially_granted.total"], v["applications.denied.total"]) == (
        12, 9, 1, 2)
    assert v["appeals.review.total"] == 1
    # 行政诉讼数 0 means neither kind of suit
    assert v["appeals.litigation.total"] == 0
    assert v["appeals.litigation_direct.total"] == 0
    assert v["appeals.litigation_after_review.total"] == 0
    assert out.provenance["proactive.items_published"]["method"] == "table"
    assert out.provenance["proactive.items_published"]["row"] == "主动公开信息数"
    assert not out.findings


def test_cumulative_figures_are_never_stored():
    out = _read(SEPARATE)
    assert 1204 not in out.values.values() and 1150 not in out.values.values()


GLUED = ("六、政府信息公开情况统计表指标名称计量单位2016年度历年累计主动公开文件数条51238120"
         "其中：1、政府网站公开数条49981102、政府公报公开数条1310受理政府信息依申请公开总数条1457"
         "其中：1、当面申请数条8212、网上申请数条6243、信函、传真申请数条02对申请的答复总数条1457"
         "其中：1、同意公开答复数条11402、同意部分公开答复数条233、不予公开答复数条014、"
         "其他类型答复数条11接受行政诉讼、举报数件00行政复议数件13行政诉讼数件00")


def test_glued_cells_cut_by_the_tables_own_constraints():
    out = _read([[GLUED]])
    v = out.values
    # 受理 "1457": 1|457 or 14|57 — the channel rows (8|21, 6|24, 0|2) sum to at most its
    # year figure, which leaves 14 | 57.
    assert v["applications.new_received.total"] == 14
    assert v["applications.channel.in_person"] == 8
    assert v["applications.channel.online"] == 6
    assert v["applications.channel.letter_fax"] == 0
    assert v["applications.granted.total"] == 11
    assert v["applications.partially_granted.total"] == 2
    assert v["applications.other_reply.total"] == 1
    assert v["appeals.review.total"] == 1
    assert out.provenance["applications.new_received.total"]["method"] == "constraint"


def test_glued_total_settled_only_by_the_prose_or_withheld():
    # "51238120": 5|1238120, 51|238120, 512|38120 and 5123|8120 all keep cumulative ≥ year
    out = _read([[GLUED]])
    assert "proactive.items_published" not in out.values
    assert any(f.rule == "ambiguous_split" and "proactive.items_published" in f.keys
               for f in out.findings)
    settled = _read([[GLUED]], {"headline.items_published": 512})
    assert settled.values["proactive.items_published"] == 512
    # the website row "4998110" (4|998110, 49|98110, 499|8110) must fit under 512 | 38120
    assert settled.values["proactive.items_published.website"] == 499
    assert settled.values["proactive.items_published.gazette"] == 1
    assert "proactive.items_published.website" not in out.values


def test_a_short_row_of_separate_cells_is_not_recut():
    lines = [row[:] for row in SEPARATE]
    lines[5] = ["受理依申请公开信息总数", "条", "1240"]  # the cumulative cell was lost, not glued
    out = _read(lines)
    assert "applications.new_received.total" not in out.values
    assert any(f.rule == "unreadable_row" for f in out.findings)


def test_year_only_table_and_statistics_return_layout():
    one = _read([["政府信息公开情况统计表"], ["统计指标", "单位", "数量"],
                 ["主动公开政府信息数", "条", "1,024"], ["受理申请数", "件", "7"],
                 ["行政复议数", "件", "无"]])
    assert one.values["proactive.items_published"] == 1024
    assert one.values["applications.new_received.total"] == 7
    assert (one.values["appeals.review.total"], one.cells["appeals.review.total"]) == (0, "text")
    ret = _read([["政府信息公开统计报表"], ["指标名称", "代码", "本期实际", "本年累计"],
                 ["主动公开信息数", "01", "30", "352"], ["申请总数", "09", "2", "11"],
                 ["否决公开答复总数", "14", "0", "3"]])
    assert ret.values["proactive.items_published"] == 352
    assert ret.values["applications.denied.total"] == 3


def test_fee_row_and_waiver_row():
    out = _read([["统计表"], ["指标名称", "单位", "本年度"], ["主动公开信息数", "条", "88"],
                 ["政府信息公开收费减免金额", "元", "300"], ["依申请公开收取费用", "元", "45"],
                 ["行政复议数", "件", "0"]])
    assert out.values["headline.fees_yuan"] == 45


def test_no_table_no_values():
    text = [["2012年，共主动公开政府信息数536条，受理依申请公开信息总数12条，行政复议数0件。"]]
    assert _read(text).values == {}


def test_whole_engine_on_a_traditional_full_width_text():
    body = ("某縣人民政府2012年政府信息公開工作年度報告\n二、主動公開政府信息情況\n"
            "2012年，主動公開政府信息５３６條。\n附件：政府信息公開情況統計表\n"
            "指標名稱 計量單位 本年度 歷年累計\n主動公開信息數 條 ５３６ ２１００\n"
            "受理依申請公開信息總數 條 ３ １０\n對申請的答覆數 條 ３ １０\n"
            "其中：同意公開答覆數 條 ２ ８\n同意部分公開答覆數 條 １ ２\n否決公開答覆數 條 ０ ０\n"
            "行政復議數 件 ０ １\n行政訴訟數 件 ０ ０\n")
    ex = extract_bytes(body.encode("utf-8"), "report-2012.txt")
    assert ex.template == "pre2019"
    assert ex.values["proactive.items_published"] == 536
    assert ex.values["headline.items_published"] == 536
    assert ex.values["applications.total_processed.total"] == 3
    assert ex.values["applications.granted.total"] == 2
    assert not [f for f in ex.findings if f.blame == "publisher"]


def test_table_figure_against_the_prose_is_a_finding():
    body = ("某县2013年政府信息公开工作年度报告\n全年主动公开政府信息4970条。\n"
            "政府信息公开情况统计表\n指标名称 计量单位 本年度 历年累计\n"
            "主动公开信息数 条 72804 90000\n受理申请数 件 2 9\n行政复议数 件 0 0\n")
    ex = extract_bytes(body.encode("utf-8"), "r.txt")
    assert ex.values["proactive.items_published"] == 72804
    assert ex.values["headline.items_published"] == 4970
    assert any(f.rule == "text_vs_table" and "proactive.items_published" in f.keys
               for f in ex.findings)


def test_previous_and_change_columns_are_read_past():
    out = _read([["政府信息公开情况统计表"], ["指标名称", "单位", "上年度", "本年度", "增减"],
                 ["主动公开信息数", "条", "410", "425", "15"],
                 ["受理依申请公开信息总数", "件", "6", "4", "-2"],
                 ["行政复议数", "件", "1", "0", "-1"]])
    assert out.values == {"proactive.items_published": 425,
                          "applications.new_received.total": 4, "appeals.review.total": 0}


def test_an_item_number_cut_off_by_a_wrapped_line_is_not_a_cell():
    # a text page printed as PDF wraps the long line: "4" ends a line, ".网上申请数" starts the next
    lines = [["政府信息公开情况统计表", "指标名称", "计量单位", "本年度", "历年累计"],
             ["主动公开信息数", "条", "12", "30", "受理依申请公开信息总数", "条", "2", "5"],
             ["3.电子邮件申请数", "条", "1", "1", "4"], [".网上申请数", "条", "1", "4"]]
    out = _read(lines)
    assert out.values["applications.channel.email"] == 1
    assert out.values["applications.channel.online"] == 1
    assert not [f for f in out.findings if f.rule == "unreadable_row"]


def test_an_item_number_alone_in_a_cell_is_numbering():
    lines = [["政府信息公开情况统计表", "指标名称", "计量单位", "本年度", "历年累计"],
             ["主动公开信息数", "条", "12", "30"],
             ["受理依申请公开信息总数", "条", "2", "5"],
             ["3.电子邮件申请数", "条", "1", "1", "4."], ["网上申请数", "条", "1", "4"]]
    out = _read(lines)
    assert out.values["applications.channel.email"] == 1
    assert out.values["applications.channel.online"] == 1


def test_a_long_form_with_rows_of_its_own_and_reply_reasons():
    # a statistics return (甘肃 定西 form's rows): reasons printed under 否决公开 get no key
    lines = [["政府信息公开统计报表"], ["指标名称", "单位", "本年度"],
             ["主动公开信息数", "条", "300"], ["网站访问量", "人次", "52000"],
             ["咨询数", "人次", "40"], ["政府信息公开专职人员数", "人", "3"],
             ["收到申请数", "件", "9"], ["对申请的答复总数", "件", "9"],
             ["同意公开答复数", "件", "5"], ["否决公开答复总数", "件", "4"],
             ["其中：信息不存在答复数", "件", "2"], ["非本部门掌握答复数", "件", "1"],
             ["申请内容不明确答复数", "件", "1"], ["行政复议数", "件", "1"],
             ["行政诉讼数", "件", "0"]]
    out = _read(lines)
    assert out.values["proactive.items_published"] == 300
    assert out.values["applications.new_received.total"] == 9
    assert out.values["applications.denied.total"] == 4
    assert "applications.other_reply.total" not in out.values
    assert out.values["appeals.review.total"] == 1
    assert out.values["appeals.litigation.total"] == 0


def test_an_html_table_with_section_rows_and_a_year_heading():
    html = ("<p>某区2012年政府信息公开工作年度报告</p>"
            "<p>2012年，全区共主动公开政府信息2,345条。</p>"
            "<p>附表：政府信息公开情况统计表</p><table>"
            + "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in (
                ("统计指标", "单位", "2012年"), ("一、主动公开情况", "", ""),
                ("（一）主动公开政府信息数", "条", "2345"),
                ("其中：主动公开规范性文件数", "条", "35"), ("二、依申请公开情况", "", ""),
                ("（一）收到申请数", "件", "40"), ("1.当面申请数", "件", "10"),
                ("2.网络申请数", "件", "30"), ("（二）对申请的答复数", "件", "38"),
                ("1.同意公开答复数", "件", "30"), ("2.同意部分公开答复数", "件", "3"),
                ("3.不同意公开答复数", "件", "5"), ("三、行政复议数量", "件", "1"),
                ("四、行政诉讼数量", "件", "0")))
            + "</table>")
    ex = extract_bytes(html.encode(), "r.html")
    v = ex.values
    assert ex.template == "pre2019"
    assert v["proactive.items_published"] == 2345  # not the 规范性文件 sub-row's 35
    assert (v["applications.new_received.total"], v["applications.channel.in_person"],
            v["applications.channel.online"]) == (40, 10, 30)
    assert (v["applications.total_processed.total"], v["applications.granted.total"],
            v["applications.partially_granted.total"], v["applications.denied.total"]) == (
        38, 30, 3, 5)
    assert (v["appeals.review.total"], v["appeals.litigation.total"]) == (1, 0)
    assert not [f for f in ex.findings if f.blame == "reading" and f.severity != "info"]

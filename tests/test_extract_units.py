import codecs
import json

from pipelines.extract import extract_bytes
from pipelines.extract.encoding import decode_bytes
from pipelines.extract.flattened import (
    groups_total_hold,
    resolve_jointly,
    row_total_holds,
    split_runs,
)
from pipelines.extract.metadata import body_name, find_title, statistics_year
from pipelines.extract.normalize import (
    cell_value,
    chinese_numeral,
    fullwidth_to_ascii,
    normalize_text,
    strip_pinyin,
    to_number,
)
from pipelines.extract.prose import compact, headline_figures, read_prose, table_figures
from pipelines.extract.readers import read_bytes, sniff_text, unwrap_js_strings
from pipelines.extract.template import detect_template
from pipelines.extract.tokens import group_tokens, tokenize


def test_fullwidth_and_pinyin_and_t2s():
    assert fullwidth_to_ascii("２０２１年１２件") == "2021年12件"
    assert strip_pinyin("关(guān)于(yú)") == "关于"
    assert normalize_text("關(guān)於(yú)政府信息公開３,１１９件") == "关于政府信息公开3119件"


def test_numbers_and_cells():
    assert chinese_numeral("一百零五") == 105
    assert chinese_numeral("二十三") == 23
    assert chinese_numeral("三万二千") == 32000
    assert to_number("3,119") == 3119
    assert to_number("7730.28") == 7730.28
    assert cell_value("∅") == (0, "empty")
    assert cell_value("—") == (0, "dash")
    assert cell_value("/") == (0, "dash")
    assert cell_value("无") == (0, "text")
    assert cell_value("12") == (12, "number")
    assert cell_value("予以公开") is None


def test_encodings_roundtrip():
    text = "政府信息公开工作年度报告，本年新收申请12件。" * 5
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")
    trad = "政府資訊公開工作年度報告，本年新收申請12件。" * 5
    assert decode_bytes(trad.encode("big5"))[1] == "big5"
    assert decode_bytes(codecs.BOM_UTF8 + b"abc")[0] == "abc"


def test_split_runs_enumerates_and_filters():
    cands = split_runs(["640020470"], 7, row_total_holds)
    assert (64, 0, 0, 2, 0, 4, 70) in cands
    assert all(sum(c[:-1]) == c[-1] for c in cands)
    assert split_runs(["0000000"], 7) == [(0,) * 7]
    assert split_runs(["12"], 3) == []
    assert split_runs(["2648-18538"], 3) == []
    assert split_runs(["10203120001200000"], 15, groups_total_hold(5)) == [
        (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


def test_resolve_jointly_keeps_unique_and_reports_ambiguous():
    cands = {"a": [(1, 1), (2, 0)], "b": [(3, 3)]}
    fixed, amb = resolve_jointly(cands, lambda rows: rows["a"][0] == 1)
    assert fixed == {"a": (1, 1), "b": (3, 3)} and amb == []
    fixed, amb = resolve_jointly(cands, lambda rows: True)
    assert "a" not in fixed and amb == ["a"]


def test_tokens_detach_item_number():
    line = "（四）无法提供1.本机关不掌握相关政府信息4910000502.没有现成信息"
    groups = group_tokens(tokenize([[line]]))
    assert groups[0].last_label.startswith("1.本机关不掌握")
    assert [t.text for t in groups[0].values] == ["491000050"]
    assert groups[1].labels == ["2.没有现成信息"]


def test_sniff_and_js_unwrap():
    html = "<p>标题</p><table><tr><td>1</td></tr></table>" + "x" * 300
    js = "var pages = {'a': " + json.dumps(html) + "};"
    assert sniff_text(html) == "html"
    assert sniff_text(js) == "js"
    assert "<table>" in unwrap_js_strings(js)
    assert sniff_text("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |") == "md"
    assert sniff_text("plain text 12 件") == "txt"


def test_html_reader_rows_and_blank_cells():
    html = ("<table><tr><td rowspan=2>（三）不予公开</td><td>1.属于国家秘密</td><td>&nbsp;</td>"
            "<td>3</td></tr></table>")
    doc = read_bytes(html.encode(), "x.html")
    assert doc.lines == [["（三）不予公开", "1.属于国家秘密", "∅", "3"]]


def test_metadata_year_title_body():
    lines = ["洪泽区人民政府", "2023 年政府信息公开工作年度报告", "正文"]
    text = "淮安市洪泽区人民政府办公室根据…统计期限自 2023 年 1 月 1 日起"
    title = find_title(lines)
    assert title == "洪泽区人民政府2023年政府信息公开工作年度报告"
    assert statistics_year("2024年发布", text) == 2023
    assert body_name(title, "淮安市洪泽区人民政府办公室；淮安市") == "淮安市洪泽区人民政府"
    assert find_title(["标题: 平潭县人民政府2011年政府信息公开工作年度报告"]).startswith("平潭县")


def test_template_detection():
    assert detect_template("本年制发件数 现行有效件数 本年新收", 2021) == "2021"
    assert detect_template("本年新制作数量 政府集中采购 本年新收", 2019) == "2019"
    assert detect_template("政府集中采购 的采购信息", 2017) == "pre2019"
    assert detect_template("没有表格", 2022) is None


def test_prose_headlines_and_traps():
    text = compact("全年主动公开政府信息 1136 条。共受理申请136437件。受理政府信息公开申请 21 件，"
                   "新闻发布会12场，发布政策解读共132件。全年收取政府信息公开信息处理费 0 元。")
    got = {f.key: f.value for f in headline_figures(text)}
    assert got == {"headline.items_published": 1136, "headline.applications_received": 21,
                   "headline.press_conferences": 12, "headline.policy_interpretations": 132,
                   "headline.fees_yuan": 0}
    assert "headline.items_published" not in {
        f.key for f in headline_figures("主动公开各类政府信息5500余条")}
    assert not headline_figures("共受理审批事项117件，政府信息公开费用1万元")


def test_pre2019_prose_zero_text():
    text = "全区未收到有关政府信息公开的申请，未收到有关政府信息公开行政复议申请。"
    figs = {f.key: (f.value, f.kind) for f in table_figures(read_prose(text).figures)}
    assert figs["applications.new_received.total"] == (0, "text")
    assert figs["appeals.review.total"] == (0, "text")


def test_extract_never_raises_on_garbage():
    ex = extract_bytes(b"%PDF-1.4 broken", "bad.pdf")
    assert not ex.readable
    assert ex.findings[0].rule == "unreadable" and "bad.pdf" in ex.findings[0].message
    ex = extract_bytes(b"PK\x03\x04garbage", "bad.docx")
    assert ex.findings[0].blame == "reading"
    assert extract_bytes(b"", "empty.txt").values == {}

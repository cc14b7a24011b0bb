"""Defects found in review (issue 10.5), fixed in the mechanism: blank Markdown cells, numbers
printed in a cell of their own never re-cut, provenance naming the rule that chose a cut."""

from pipelines.extract import extract_bytes
from pipelines.extract.readers import read_bytes, read_markdown_lines
from pipelines.extract.tables import read_applications
from pipelines.extract.tokens import group_tokens, tokenize

T2 = ("二、主动公开政府信息情况\n第二十条第（一）项\n"
      "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n")


def test_markdown_keeps_empty_pipe_cells():
    assert read_markdown_lines("| 规章 | 10 | | 3 |\n| a | b | c |\n") == [
        ["规章", "10", "∅", "3"], ["a", "b", "c"]]
    ex = extract_bytes((T2 + "| 规章 | 10 | | 3 |\n| 行政规范性文件 | 5 | 1 | 40 |\n"
                        ).encode(), "r-2022.md")
    assert ex.template == "2021"
    assert (ex.values["proactive.rules.issued"], ex.values["proactive.rules.repealed"],
            ex.values["proactive.rules.in_force"]) == (10, 0, 3)
    assert ex.cells["proactive.rules.repealed"] == "empty"


def test_a_number_in_its_own_cell_is_never_cut():
    html = ("<p>2022年度政府信息公开工作年度报告</p><p>第二十条第（一）项</p><table>"
            "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
            "<tr><td>规章</td><td>10</td><td>3</td></tr>"
            "<tr><td>行政规范性文件</td><td>5</td><td>1</td><td>40</td></tr></table>")
    doc = read_bytes(html.encode(), "r.html")
    assert doc.table_rows  # the <tr> lines are known to be table rows
    ex = extract_bytes(html.encode(), "r.html")
    # "10" could be cut into 1|0 to fill three cells; a real cell holds one number
    assert not any(k.startswith("proactive.rules.") for k in ex.values)
    assert any(f.rule == "ambiguous_split" and "proactive.rules.issued" in f.keys
               for f in ex.findings)
    assert ex.values["proactive.normative_docs.in_force"] == 40


def test_the_same_digits_run_together_in_text_are_cut_when_forced():
    text = ("2022年度政府信息公开工作年度报告\n第二十条第（一）项\n"
            "本年制发件数 本年废止件数 现行有效件数\n规章000\n")
    ex = extract_bytes(text.encode(), "r.txt")
    assert (ex.values["proactive.rules.issued"], ex.values["proactive.rules.in_force"]) == (0, 0)
    assert ex.provenance["proactive.rules.issued"]["method"] == "constraint"


def test_a_row_cut_by_rule_2_says_constraint():
    lines = [["一、本年新收政府信息公开申请数量640020470"],
             ["二、上年结转政府信息公开申请数量0000000"]]
    out = read_applications(group_tokens(tokenize(lines)), "txt")
    prov = out.provenance.get("applications.carried_over.total")
    assert prov and prov["method"] == "constraint"  # cut, even if only one cut fits
    printed = [["一、本年新收政府信息公开申请数量", "64", "0", "0", "2", "0", "4", "70"]]
    out = read_applications(group_tokens(tokenize(printed, frozenset({0}))), "html")
    assert out.provenance["applications.new_received.total"]["method"] == "table"
    assert out.values["applications.new_received.total"] == 70


def test_outcomes_joined_into_one_count_are_no_rows_figure():
    from pipelines.extract.prose import compact, read_prose

    text = "办结申请81件，其中予以公开及部分公开42件，不予公开5件，无法提供31件。"
    got = {f.key: f.value for f in read_prose(compact(text)).figures}
    assert "applications.partially_granted.total" not in got
    assert "applications.granted.total" not in got
    assert got["applications.denied.total"] == 5


def test_prose_never_fills_a_printed_table_whose_cells_were_withheld():
    # table 三 is printed but its row cannot be read (a lost cell): the prose's 不予公开5件
    # must not stand in for the withheld table figures
    html = ("<p>2022年度政府信息公开工作年度报告</p><p>共收到申请9件，不予公开5件。</p><table>"
            "<tr><td>一、本年新收政府信息公开申请数量</td><td>9</td><td>0</td><td>0</td></tr>"
            "<tr><td>四、结转下年度继续办理</td><td>0</td></tr></table>")
    ex = extract_bytes(html.encode(), "r.html")
    assert ex.values.get("headline.applications_received") == 9
    assert "applications.denied.total" not in ex.values
    assert "applications.new_received.total" not in ex.values


def test_a_layout_table_holding_the_article_is_still_read_as_prose():
    # old government pages put the whole article in a cell beside a menu cell
    article = ("某县人民政府2016年政府信息公开工作年度报告。2016年，全县共主动公开政府信息1234条，"
               "受理政府信息公开申请5件，均已按期答复。")
    html = f"<table><tr><td>首页 政务公开 信息公开</td><td>{article}</td></tr></table>"
    ex = extract_bytes(html.encode(), "r.html")
    assert ex.values["headline.items_published"] == 1234
    assert ex.values["headline.applications_received"] == 5

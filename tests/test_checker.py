"""The report checker (issue 7): each check on a small case, the real corpus, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import corpus_dir

from pipelines.checker import Previous, check_extraction
from pipelines.checker.catalogue import check_catalogue, read_catalogue
from pipelines.checker.consistency import check_prose_figures
from pipelines.checker.continuity import check_continuity
from pipelines.checker.facts import document_facts
from pipelines.checker.score import load_weights, score
from pipelines.checker.sections import check_sections
from pipelines.checker.template import check_template
from pipelines.checker.timeliness import check_on_time
from pipelines.cli import main

SIX = ("一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
       "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n")
CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="real corpus not present")


def test_on_time_uses_the_page_field_and_the_2019_deadline() -> None:
    late = document_facts("标题: x\n发布时间: 2022-02-08 16:34\n")
    [p] = check_on_time(2021, late, None)
    assert (p.rule, p.severity, p.location["text"]) == ("published_late", "error", "2022-02-08")
    assert "晚于法定期限 2022年1月31日 8 天" in p.message_zh
    assert check_on_time(2021, document_facts("发布日期：2022年1月31日"), None) == []
    # before the 2019 条例 the deadline was 31 March
    assert check_on_time(2011, document_facts("发布时间: 2012-03-30"), None) == []
    [signed] = check_on_time(2023, document_facts(""), "2024-02-03")
    assert (signed.severity, signed.rule) == ("warning", "published_late")
    [unknown] = check_on_time(2023, document_facts("无日期"), None)
    assert (unknown.severity, unknown.rule) == ("info", "publication_date_missing")


def test_sections_tolerate_variants_and_blame_by_container() -> None:
    variants = ("一、总体情况 二、主动公开政府信息情况 三、收到和处理政府信息公开申请情况"
                "0001四、政府信息公开行政法复议、行政诉讼情况 "
                "五、政府信息公开工作存在的主要问题及改进情况 六、其他需要报告的事项")
    assert check_sections(2022, "2021", "txt", document_facts(variants)) == []
    text = SIX.replace("五、存在的主要问题及改进情况\n", "（二）改进情况\n")
    text = text.replace("六、其他需要报告的事项\n", "")
    got = check_sections(2022, "2021", "docx", document_facts(text))
    assert [(p.rule, p.severity, p.location["section"]) for p in got] == [
        ("section_heading_sub", "info", "五、存在的主要问题及改进情况"),
        ("section_missing", "error", "六、其他需要报告的事项"),
    ]
    assert check_sections(2022, "2021", "txt", document_facts(text))[1].severity == "warning"
    assert check_sections(2015, "pre2019", "txt", document_facts("一、概述")) == []
    # the intro's list of parts is not a heading
    intro = "本报告包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况。"
    assert len(check_sections(2022, "2021", "html", document_facts(intro))) == 6


def test_template_for_the_year_and_missing_cells() -> None:
    values = {f"appeals.{g}.{r}": 0 for g in ("review", "litigation_direct",
                                               "litigation_after_review")
              for r in ("upheld", "corrected", "other", "pending", "total")}
    got = check_template(2022, "2019", values, set())
    rules = [(p.rule, p.location.get("table")) for p in got]
    assert rules == [("template_outdated", "二"), ("table_missing", "二"), ("table_missing", "三")]
    values.pop("appeals.review.pending")
    got = check_template(2020, "2019", values, {"proactive.rules.new_made"})
    cells = [p for p in got if p.rule == "cells_missing" and p.location["table"] == "四"]
    assert [(p.keys, p.location["row"]) for p in cells] == [(("appeals.review.pending",),
                                                             "行政复议")]


def test_prose_figure_against_the_table_with_blank_totals() -> None:
    # 上海市 2019: the 总计 column of the outcome rows is blank, the prose says 无法提供265件
    figs = document_facts("因本机关不掌握等原因无法提供265件，占32.9%；不予处理0件").figures
    values = {f"applications.unable.{r}.{c}": v for r, vs in
              (("not_held", (252, 12, 1)), ("needs_creation", (40, 7, 0)),
               ("unclear_after_correction", (25, 0, 0)))
              for c, v in zip(("natural_person", "commercial", "research"), vs, strict=True)}
    for r in ("not_held", "needs_creation", "unclear_after_correction"):
        values.update({f"applications.unable.{r}.{c}": 0 for c in
                       ("social_org", "legal_service", "other_org", "total")})
    cells = {f"applications.unable.{r}.total": "empty" for r in
             ("not_held", "needs_creation", "unclear_after_correction")}
    [p] = check_prose_figures(figs, values, cells)
    assert (p.rule, p.severity, p.keys) == ("prose_figure", "warning",
                                            ("applications.unable.total",))
    # the totals were printed blank: the message says the 337 is computed, not printed
    assert p.message_zh == ("正文称“因本机关不掌握等原因无法提供265件”，"
                            "表三“无法提供”的总计印为空白，按各列相加为 337。")
    assert "prints the" in p.message_en and "total blank" in p.message_en
    printed = {**values, **{f"applications.unable.{r}.total": v for r, v in
                            (("not_held", 265), ("needs_creation", 47), ("unclear_after_correction",
                                                                         25))}}
    [q] = check_prose_figures(figs, printed, {})
    assert q.message_zh.endswith("表三“无法提供”总计为 337。")


def test_continuity_carry_over_and_in_force() -> None:
    values = {"applications.carried_over.total": 3, "proactive.normative_docs.in_force": 50,
              "proactive.normative_docs.issued": 5, "proactive.normative_docs.repealed": 2}
    prev = {"applications.carried_forward.total": 4, "proactive.normative_docs.in_force": 46}
    got = check_continuity(2023, values, {}, prev, 2022)
    assert [(p.rule, p.severity) for p in got] == [("carry_over_years", "error"),
                                                  ("in_force_continuity", "warning")]
    assert "2022 年度报告" in got[0].message_zh and "= 49" in got[1].message_zh
    assert check_continuity(2023, values, {}, prev, 2021) == []


def test_catalogue_header_variants_and_counts() -> None:
    csv = ("序号,规范性文件名称,发文字号,成文日期,失效日期,效力状态\n"
           "1,甲,x〔2021〕1号,2021/3/1,,现行有效\n"
           "2,乙,x〔2022〕2号,2022年5月6日,2023-02-01,已废止\n"
           "3,丙,x〔2023〕3号,2023.07.08,,现行有效\n"
           "4,丁,x〔2020〕4号,2020-01-02,,已失效\n").encode("gb18030")
    cat = read_catalogue(csv, "某局规范性文件目录.csv")
    assert cat.counts(2023) == {"issued": 1, "repealed": 1, "in_force": 2}
    values = {"proactive.normative_docs.issued": 1, "proactive.normative_docs.repealed": 0,
              "proactive.normative_docs.in_force": 2}
    got = check_catalogue(2023, "2021", values, {}, cat)
    assert [(p.rule, p.severity, p.keys) for p in got] == [
        ("catalogue_count", "error", ("proactive.normative_docs.repealed",)),
        ("catalogue_undated_repeal", "info", ()),
    ]
    assert "2023 年为 1 件" in got[0].message_zh


def test_weights_file_can_be_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pairs = [("consistency", "error")] * 8 + [("on_time", "error")]
    assert score(pairs, load_weights()) == 60.0  # 30 (capped) + 10
    custom = tmp_path / "w.toml"
    custom.write_text("[score]\nbase = 10\n[checks.on_time]\nerror = 4\n", encoding="utf-8")
    monkeypatch.setenv("GONGKAI_SCORECARD_WEIGHTS", str(custom))
    assert score(pairs, load_weights()) == 6.0


def _expected_errors() -> dict[str, set[tuple[str, str]]]:
    out = {}
    for p in sorted((CORPUS / "expected").glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        out[d["source"]] = {(e["rule"], e["keys"][0]) for e in d.get("publisher_errors") or []}
    return out


@needs_corpus
def test_corpus_every_publisher_error_found_and_no_other_error() -> None:
    from pipelines.checker import check_file

    expected = _expected_errors()
    late = {"007_fujian-pingtan-syq_2011.txt", "008_fujian-pingtan-county_2011.txt",
            "011_fujian-pingtan-syq_2021.txt", "012_fujian-pingtan-syq_2025.txt",
            "014_fujian-pingtan-syq_2020.txt", "015_fujian-pingtan-syq_2023.txt",
            "018_fujian-pingtan-syq_2022.txt"}
    for path in sorted((CORPUS / "docs").iterdir()):
        _, problems = check_file(path)
        errors = [p for p in problems if p.severity == "error"]
        found = {(p.rule, k) for p in errors for k in p.keys}
        assert expected.get(path.name, set()) <= found, path.name
        # every other error is a late publication by the page's own 发布时间
        rest = [p for p in errors if p.check != "consistency"]
        assert {p.rule for p in rest} <= {"published_late"}, (path.name, rest)
        assert bool(rest) == (path.name in late), path.name
        consistency = {(p.rule, p.keys[0]) for p in errors if p.check == "consistency"}
        assert {r for r, _ in consistency} <= {r for r, _ in expected.get(path.name, set())} | {
            "outcomes_sum", "row_total"} if expected.get(path.name) else not consistency


@needs_corpus
def test_corpus_text_vs_table_and_continuity() -> None:
    from pipelines.checker import check_file
    from pipelines.extract import extract_file

    _, problems = check_file(CORPUS / "docs" / "hongze-2024.pdf")
    assert [(p.rule, p.keys) for p in problems if p.check == "text_vs_table"] == [
        ("text_vs_table", ("headline.applications_received", "applications.new_received.total"))]
    prev = extract_file(CORPUS / "docs" / "hongze-2023.pdf")
    ex, problems = check_file(CORPUS / "docs" / "hongze-2024.pdf",
                              previous=Previous(prev.year, prev.values))
    assert not [p for p in problems if p.check == "continuity"]  # 2023 carried forward 0 = 0
    wrong = dict(prev.values, **{"applications.carried_forward.total": 7})
    got = check_extraction(ex, document_facts(""), Previous(2023, wrong))
    assert [(p.rule, p.keys) for p in got if p.check == "continuity"] == [
        ("carry_over_years", ("applications.carried_over.total",))]


@needs_corpus
def test_cli_check_lists_problems_and_exits_non_zero_on_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["check", str(CORPUS / "docs" / "shuyang-2025.txt")])
    assert ok.exit_code == 0, ok.output
    assert "宿迁市沭阳县人民政府" in ok.output or "沭阳县人民政府" in ok.output
    assert "错误 0 个，警告 0 个" in ok.output
    bad = runner.invoke(main, ["check", "--json", str(CORPUS / "docs" / "hongze-2023.pdf")])
    assert bad.exit_code == 1
    objs = [json.loads(line) for line in bad.output.splitlines() if line.startswith("{")]
    assert {"rule", "severity", "keys", "location", "message"} <= set(objs[0])
    assert [(o["rule"], o["location"]["row"]) for o in objs if o["severity"] == "error"] == [
        ("appeals_total", "行政复议"), ("appeals_total", "行政诉讼·复议后起诉")]
    en = runner.invoke(main, ["--lang", "en", "check", str(CORPUS / "docs" / "hongze-2023.pdf")])
    assert "[error] table 四 · 行政复议 · 总计: administrative review · total is printed as 0" in (
        en.output)
    cat = tmp_path / "目录.csv"
    cat.write_text("文件名称,印发日期,废止日期\n甲,2024-03-01,\n", encoding="utf-8")
    res = runner.invoke(main, ["check", "--json", "--catalogue", str(cat),
                               str(CORPUS / "docs" / "hongze-2024.pdf")])
    rules = [json.loads(line)["rule"] for line in res.output.splitlines() if line.startswith("{")]
    assert "catalogue_count" in rules
    missing = runner.invoke(main, ["check", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 1


def test_prose_figures_come_from_the_prose_reader_with_spans_in_the_text() -> None:
    text = "全年办结申请81件，其中：予以公开及部分公开 42 件，\n不予公开5件。"
    figs = {f.key: f for f in document_facts(text).figures}
    joined = figs["applications.granted.total+applications.partially_granted.total"]
    assert joined.value == 42 and text[joined.span[0]:joined.span[1]].startswith("42")
    denied = figs["applications.denied.total"]
    assert denied.value == 5 and text[denied.span[0]:denied.span[1]].startswith("5")
    assert "applications.partially_granted.total" not in figs

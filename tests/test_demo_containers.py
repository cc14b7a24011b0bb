"""The rendered containers carry the template labels and the expected numbers when read back."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pdfplumber
import pytest
from selectolax.lexbor import LexborHTMLParser
from test_demo_support import expected, full_province, manifest

LABELS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "予以公开",
          "属于国家秘密", "本机关不掌握相关政府信息", "信访举报投诉类申请", "结转下年度继续办理",
          "行政复议", "未经复议直接起诉", "复议后起诉", "尚未审结", "法律服务机构")
SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项")


def _docs(container: str, limit: int) -> list[tuple[str, dict]]:
    out, _, _ = full_province()
    exp = expected(out)
    rows = [r for r in manifest(out) if r["container"] == container]
    step = max(1, len(rows) // limit)
    return [(str(out / "docs" / r["file"]), exp[r["file"].rsplit(".", 1)[0]])
            for r in rows[::step][:limit]]


def _title_ok(text: str, e: dict) -> None:
    assert e["body"]["name"] in text and f"{e['year']}年" in text


def test_pdfs_have_a_text_layer_with_labels_and_numbers() -> None:
    for path, e in _docs("pdf", 6):
        with pdfplumber.open(path) as pdf:
            assert 1 <= len(pdf.pages) <= 2, path
            text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        # narrow column headers wrap in PDFs (as in real ones); row labels do not
        for label in (*LABELS[:-1], *SECTIONS):
            assert label in text, (path, label)
        _title_ok(text, e)
        total = e["values"]["applications.total_processed.total"]
        assert re.search(rf"（七）总计(\s+\S+){{6}}\s+{total}\b", text), path


def test_docx_has_word_tables_with_merged_cells_and_labels() -> None:
    for path, e in _docs("docx", 8):
        d = docx.Document(path)
        assert len(d.tables) == 3
        t3 = d.tables[1]
        assert len(t3.columns) == 10
        text = "\n".join(p.text for p in d.paragraphs)
        cells = {c.text for t in d.tables for row in t.rows for c in row.cells}
        for label in LABELS:
            assert any(label in c for c in cells), (path, label)
        for s in SECTIONS:
            assert s in text
        _title_ok(d.paragraphs[0].text, e)
        # the merged 三、本年度办理结果 cell spans all outcome rows
        col0 = [row.cells[0].text for row in t3.rows]
        assert col0.count("三、本年度办理结果") == (20 if e["template"] == "2019" else 22)
        new = [c.text for c in t3.rows[3].cells]
        assert new[-1] in (str(e["values"]["applications.new_received.total"]), "", "—", "-",
                           "/", "无")
        assert d.core_properties.created.year == e["year"] + 1


def test_html_has_merged_header_cells_title_and_date() -> None:
    for path, e in _docs("html", 10):
        html = Path(path).read_text(encoding="utf-8")
        tree = LexborHTMLParser(html)
        _title_ok(tree.css_first("title").text(), e)
        assert re.search(r"发布(日期|时间)：\d{4}", html)
        tables = tree.css("table")
        assert len(tables) == 3
        spans = [td.attributes for td in tables[1].css("td")
                 if "rowspan" in td.attributes or "colspan" in td.attributes]
        assert len(spans) >= 8
        for s in SECTIONS:
            assert s in html
        for label in LABELS:
            assert label in html


def test_txt_flattened_tables_keep_labels_and_cells_in_order() -> None:
    for path, e in _docs("txt", 10):
        raw = Path(path).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        assert text.startswith("标题: ")
        _title_ok(text.splitlines()[0], e)
        for label in LABELS:
            assert label in text
        assert "empty" not in e["cells"].values()
        v = e["values"]
        row = [v[f"applications.new_received.{c}"] for c in (
            "natural_person", "commercial", "research", "social_org", "legal_service",
            "other_org", "total")]
        cells = [str(x) if x else "(?:0|—|-|/|无)" for x in row]
        pattern = r"本年新收政府信息公开申请数量\s+" + r"\s+".join(cells) + r"(\s|$)"
        assert re.search(pattern, text), path


@pytest.mark.parametrize("kind,printed", [("dash", ("—", "-", "/")), ("text", ("无",))])
def test_cell_kinds_are_printed_as_recorded(kind: str, printed: tuple[str, ...]) -> None:
    out, _, _ = full_province()
    exp = expected(out)
    found = 0
    for r in manifest(out):
        e = exp[r["file"].rsplit(".", 1)[0]]
        kinds = {k for key, k in e["cells"].items() if not key.startswith("headline.")}
        if r["container"] != "html" or kind not in kinds:
            continue
        html = (out / "docs" / r["file"]).read_text(encoding="utf-8")
        assert any(f"<p align=\"center\">{p}</p>" in html for p in printed)
        found += 1
    assert found >= 1

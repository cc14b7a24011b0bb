"""Table labels by meaning: real labels from many provinces (tests/cases/table_labels.yaml).

Each case is a label as a body printed it, with the row a careful reader gives it. The labels
are matched with the same normalisation the readers apply; variants made from them (traditional
script, spaces, a dropped or wrong character) must land on the same row.
"""

from pathlib import Path

import opencc
import pytest
import yaml

from pipelines.extract import labels
from pipelines.extract.matcher import Matcher, best, found
from pipelines.extract.normalize import normalize_text
from schemas.vocabulary import Sense, words
from schemas.vocabulary import tables as vocab

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "table_labels.yaml").read_text("utf-8"))
CATEGORY_KEYS = {"denied", "unable", "not_processed", "other"}
# Labels a label matcher cannot place by itself, with why (their rows come from the neighbours).
NEEDS_CONTEXT = {
    "| | 6.属于四": "cut off after 四: only its position says 四类过程性信息",
    "其他处理-其他": "a bare 其他 sub-row: placed by the category above it (tables.py)",
    "采购总金额(万元)": "a column header of the 采购 row, not a row",
}


def _clean(label: str) -> str:
    return normalize_text(label).replace(" ", "").replace("|", "")


def _table3(label: str) -> str | None:
    text = _clean(label)
    return labels.classify_application(text, text, None) or labels.category_of(text)


def _cases(table: str) -> list[dict]:
    return [c for c in CASES if c["table"] == table and not c.get("column")]


@pytest.mark.parametrize("case", _cases("三"), ids=lambda c: c["label"][:24])
def test_table3_labels(case):
    if case["label"] in NEEDS_CONTEXT:
        pytest.skip(NEEDS_CONTEXT[case["label"]])
    got = _table3(case["label"])
    want = case["key"]
    if want is None and got in CATEGORY_KEYS:
        # a row some bodies add under a category (不予公开-属于工作秘密): no template row
        assert labels.classify_application(_clean(case["label"]), _clean(case["label"]),
                                           None) is None
        return
    assert got == want, f"{case['label']} ({case['where']})"


@pytest.mark.parametrize("case", _cases("二"), ids=lambda c: c["label"][:24])
def test_table2_labels(case):
    if case["label"] in NEEDS_CONTEXT:
        pytest.skip(NEEDS_CONTEXT[case["label"]])
    text = _clean(case["label"])
    assert labels.classify_proactive(text, text) == case["key"], case["where"]


def test_cases_cover_every_template_row_from_many_places():
    keyed = {c["key"] for c in _cases("三") if c["key"]}
    assert {s.key for s in vocab.APPLICATION_ROWS if not s.key.startswith("_")} - {
        "other.no_correction", "total_processed"} <= keyed | CATEGORY_KEYS
    assert len({c["where"].split()[0] for c in CASES}) >= 10


_T2S = opencc.OpenCC("s2t")
ROW_LABELS = [c for c in _cases("三") if c["key"] and "." in c["key"]
              and c["label"] not in NEEDS_CONTEXT]


@pytest.mark.parametrize("case", ROW_LABELS, ids=lambda c: c["label"][:24])
def test_label_variants_keep_their_row(case):
    text = _clean(case["label"])
    variants = [
        _clean(_T2S.convert(text)),                # traditional script, normalised back
        " ".join(text).replace(" ", ""),           # spaces between every character
        text.replace("属于", ""),                   # an abbreviation without 属于
        "（三）" + text if case["key"].startswith("denied.") else "（四）" + text,
    ]
    for v in variants:
        assert _table3(v) == case["key"], v


@pytest.mark.parametrize(("slip", "key"), [
    ("其他法律行政止公开", "denied.prohibited_by_law"),   # 洪泽 2023's own typo
    ("属于行政执法案券", "denied.enforcement_file"),        # one wrong character
    ("本机关不掌屋相关政府信息", "unable.not_held"),        # OCR slip in 掌握… still 不掌
    ("要求提供公开出版物", "not_processed.publication"),
    ("无正当理由大量反夏申请", "not_processed.excessive"),  # 复 → 夏 (one slip in 大量反复)
])
def test_typos_and_ocr_slips(slip, key):
    assert _table3(slip) == key


def test_two_rows_that_fit_equally_are_not_taken():
    senses = (Sense("a", words("过程性", weight=2.0)), Sense("b", words("执法案卷", weight=2.0)))
    m = best("过程性执法案卷", senses)
    assert m.key is None and m.ambiguous
    assert {k for k, _ in m.candidates} == {"a", "b"}


def test_fuzzy_matching_never_turns_denied_into_granted():
    assert found("予以公开", "不予公开") == 0.0
    assert _table3("（三）不予公开") == "denied"
    assert _table3("（一）予以公开") == "granted"
    partial = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert _table3(partial) == "partially_granted"


def test_matcher_memoises_and_respects_exclusions():
    m = Matcher((Sense("fee", words("收费", weight=2.0), words("减免")),))
    assert m.match("依申请公开收费").key == "fee"
    assert m.match("收费减免金额").key is None
    assert m.match("依申请公开收费") is m.match("依申请公开收费")


@pytest.mark.parametrize(("label", "header"), [
    (c["label"], not c["label"].startswith("五")) for c in CASES
    if c["table"] == "四" and c["key"] is None])
def test_table4_header_rows_do_not_end_the_table(label, header):
    assert labels.is_appeals_header(_clean(label)) is header


def test_two_rows_with_one_label_are_withheld_with_a_finding():
    from pipelines.extract.tables import read_applications
    from pipelines.extract.tokens import group_tokens, tokenize

    zeros = ["0"] * 7
    lines = [["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"],
             ["1.属于国家秘密", "1", "0", "0", "0", "0", "0", "1"],
             ["2.属于国家秘密", "2", "0", "0", "0", "0", "0", "2"],
             ["四、结转下年度继续办理", *zeros]]
    out = read_applications(group_tokens(tokenize(lines)), "html")
    assert "applications.denied.state_secret.total" not in out.values
    assert any(f.rule == "shared_label" for f in out.findings)
    assert out.values["applications.new_received.total"] == 3

import json
import os
from pathlib import Path

import opencc
import pytest

from pipelines.extract import extract_bytes, extract_file
from pipelines.extract.evaluate import evaluate, format_eval, ratchet_check


def _corpus_dir() -> Path | None:
    env = os.environ.get("GONGKAI_CORPUS")
    path = Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "corpus"
    return path if (path / "docs").is_dir() else None


CORPUS = _corpus_dir()
RATCHET = Path(__file__).parent / "corpus_ratchet.json"
pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(CORPUS is None, reason="../shared/corpus not present")]
S2T = opencc.OpenCC("s2t")


@pytest.fixture(scope="module")
def result():
    return evaluate(CORPUS)


def test_corpus_accuracy_meets_ratchet(result):
    assert ratchet_check(result, RATCHET) == [], format_eval(result, "en")


def test_no_wrong_values_or_years(result):
    assert [d.mismatches for d in result.docs if d.mismatches] == []
    assert [e for d in result.docs for e in d.meta_errors if e.startswith("year")] == []
    assert result.crashed == []


def test_every_corpus_file_extracts():
    for path in sorted((CORPUS / "docs").iterdir()):
        ex = extract_file(path)
        assert json.loads(json.dumps(ex.to_json()))["sha256"] == ex.sha256


def _expected(name):
    return json.loads((CORPUS / "expected" / f"{Path(name).stem}.json").read_text("utf-8"))


def _same_values(ex, base):
    assert ex.year == base.year
    assert {k: v for k, v in ex.values.items()} == base.values


TEXT_DOCS = ["011_fujian-pingtan-syq_2021.txt", "013_fujian-pingtan-syq_2015.txt"]


@pytest.mark.parametrize("name", TEXT_DOCS)
def test_traditional_script_and_big5(name):
    raw = (CORPUS / "docs" / name).read_bytes()
    base = extract_bytes(raw, name)
    assert base.values
    trad = S2T.convert(raw.decode("utf-8"))
    _same_values(extract_bytes(trad.encode("utf-8"), name), base)
    _same_values(extract_bytes(trad.encode("big5", errors="replace"), name), base)


@pytest.mark.parametrize("name", TEXT_DOCS)
def test_gb18030_and_fullwidth_digits(name):
    raw = (CORPUS / "docs" / name).read_bytes()
    base = extract_bytes(raw, name)
    text = raw.decode("utf-8")
    _same_values(extract_bytes(text.encode("gb18030"), name), base)
    wide = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    _same_values(extract_bytes(wide.encode("utf-8"), name), base)


def test_html_in_js_string_and_traditional():
    name = "017_shanghai-office_2019.html"
    raw = (CORPUS / "docs" / name).read_bytes()
    base = extract_bytes(raw, name)
    exp = _expected(name)
    assert all(base.values.get(k) == v for k, v in exp["values"].items())
    js = "window.pages = {\"report\": " + json.dumps(raw.decode("utf-8"), ensure_ascii=True) + "};"
    _same_values(extract_bytes(js.encode("utf-8"), "page.js"), base)
    trad = S2T.convert(raw.decode("utf-8"))
    _same_values(extract_bytes(trad.encode("utf-8"), name), base)


def test_pinyin_annotated_mirror_text():
    name = "007_fujian-pingtan-syq_2011.txt"
    raw = (CORPUS / "docs" / name).read_bytes().decode("utf-8")
    base = extract_bytes(raw.encode(), name)
    garbled = raw.replace("关于", "关(guān)于(yú)").replace("公开", "公(gōng)开(kāi)")
    _same_values(extract_bytes(garbled.encode(), name), base)

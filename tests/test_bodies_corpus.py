"""Every corpus document's body, from its expected name and from strings a reader meets.

The corpus is ``$GONGKAI_CORPUS`` or ``shared/corpus`` beside the repository; absent, skip.
"""

import json
import os
from pathlib import Path

import opencc
import pytest

from pipelines.bodies import resolve_body, resolve_body_detailed

pytestmark = pytest.mark.corpus


def _corpus() -> Path:
    env = os.environ.get("GONGKAI_CORPUS")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _expected() -> list[tuple[str, int | None, dict]]:
    folder = _corpus() / "expected"
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("body", {}).get("name"):
            out.append((path.stem, doc.get("year"), doc["body"]))
    return out


CASES = _expected()
if not CASES:
    pytest.skip("corpus with expected/*.json not found", allow_module_level=True)

_S2T = opencc.OpenCC("s2t")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _variants(name: str, year: int | None) -> dict[str, str]:
    """Strings an extractor plausibly hands over for a body called ``name``."""
    y = year or 2023
    out = {
        "name": name,
        "title": f"{name}{y}年政府信息公开工作年度报告",
        "title_year_first": f"{y}年{name}政府信息公开工作年度报告",
        "title_spaced": f"{name} {y} 年 政府信息公开工作年度报告",
        "title_fullwidth_year": f"{name}{str(y).translate(_FULLWIDTH)}年度政府信息公开工作年度报告",
        "traditional": _S2T.convert(f"{name}{y}年政府信息公开工作年度报告"),
        "scraped_label": f"标题: {name}{y}年度政府信息公开工作年度报告",
    }
    if "沭" in name:
        out["ocr"] = name.replace("沭", "沐")
    return out


PARAMS = [
    pytest.param(body, text, id=f"{stem}-{kind}")
    for stem, year, body in CASES
    for kind, text in _variants(body["name"], year).items()
]


@pytest.mark.parametrize(("body", "text"), PARAMS)
def test_corpus_body_resolves(body, text):
    got = resolve_body(text)
    assert (got.region_code, got.level, got.type) == (
        body["region_code"],
        body["level"],
        body["type"],
    )


@pytest.mark.parametrize(("stem", "year", "body"), CASES, ids=[c[0] for c in CASES])
def test_corpus_expected_name_is_its_own_clean_form(stem, year, body):
    assert resolve_body(body["name"]).name == body["name"]


def _title_line(path: Path) -> str | None:
    """The document's own title line, as scraped pages and OCR transcripts print it."""
    if path.suffix not in (".txt", ".md"):
        return None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[:5]:
        if line.startswith(("标题:", "# ")):
            return line
    return None


TITLES = [
    (stem, body, line)
    for stem, _, body in CASES
    for path in (_corpus() / "docs").glob(f"{stem}.*")
    if (line := _title_line(path))
]


@pytest.mark.parametrize(("stem", "body", "line"), TITLES, ids=[t[0] for t in TITLES])
def test_corpus_title_line_resolves_or_names_the_right_candidate(stem, body, line):
    r = resolve_body_detailed(line)
    if r.status == "resolved":
        assert r.body.region_code == body["region_code"]
        assert r.body.type == body["type"]
    else:
        # shuyang-2025 prints only 沐阳县 (OCR) and names no city: never guessed.
        assert r.status == "ambiguous" and r.candidates == (body["region_code"],)

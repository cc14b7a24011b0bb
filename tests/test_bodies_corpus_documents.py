"""Every corpus document, read by the extractor, names its body right or says it is ambiguous.

Checked against ``MANIFEST.tsv`` (body, region_code, level, type of every document, including
those without gold values). Never a wrong code: an unsettled place must come back without a code
and with a ``body_ambiguous`` finding listing the true code among its candidates.
"""

from __future__ import annotations

import csv

import pytest
from conftest import corpus_dir

from pipelines.extract import extract_file

pytestmark = pytest.mark.corpus
CORPUS = corpus_dir()
if CORPUS is None or not (CORPUS / "MANIFEST.tsv").is_file():
    pytest.skip("corpus MANIFEST.tsv not found", allow_module_level=True)
with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as f:
    ROWS = list(csv.DictReader(f, delimiter="\t"))


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_document_body_is_right_or_ambiguous(row: dict) -> None:
    ex = extract_file(CORPUS / "docs" / row["file"]).to_json()
    body = ex["body"]
    if body["region_code"] is not None:
        assert (body["region_code"], body["level"], body["type"]) == (
            row["region_code"],
            row["level"],
            row["type"],
        )
        return
    ambiguous = [f for f in ex["findings"] if f["rule"] == "body_ambiguous"]
    assert ambiguous and row["region_code"] in ambiguous[0]["message"]
    assert (body["level"], body["type"]) == (row["level"], row["type"])

"""Layout, determinism, manifest and province shape of the demo generator."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from test_demo_support import expected, full_province, manifest, small_province

from pipelines.demo import generate
from pipelines.demo.generate import MANIFEST_COLUMNS
from schemas.registry import is_known_key

CORPUS_MANIFEST = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "MANIFEST.tsv"


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_small_province_is_complete_and_fast() -> None:
    out, summary, seconds = small_province()
    assert seconds < 3.0, f"scale 0.05 took {seconds:.2f}s"
    assert 20 <= summary["documents"] <= 60
    with open(out / "regions.csv", encoding="utf-8") as f:
        levels = Counter(r["level"] for r in csv.DictReader(f))
    assert levels["province"] == 1 and levels["city"] >= 1
    assert levels["county"] >= 2 and levels["township"] >= 1
    with open(out / "bodies.csv", encoding="utf-8") as f:
        bodies = list(csv.DictReader(f))
    assert any(b["type"] == "department" for b in bodies)
    assert set(summary["years"]) == {2019, 2020, 2021, 2022, 2023, 2024}
    assert set(summary["containers"]) == {"html", "txt", "docx", "pdf"}
    assert set(summary["templates"]) == {"2019", "2021"}
    assert summary["ledgers"] >= 1
    assert len(list((out / "docs").iterdir())) == summary["documents"]


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first, _, _ = small_province()
    generate(tmp_path / "again", scale=0.05)
    a, b = _tree(first), _tree(tmp_path / "again")
    assert a == b
    suffixes = {Path(k).suffix for k in a}
    assert {".pdf", ".docx", ".html", ".txt", ".json", ".tsv", ".csv", ".xlsx"} <= suffixes


def test_other_seed_gives_other_numbers(tmp_path: Path) -> None:
    first, _, _ = small_province()
    generate(tmp_path / "other", seed=7, scale=0.05)
    one = {r["file"]: r["sha256"] for r in manifest(first)}
    two = {r["file"]: r["sha256"] for r in manifest(tmp_path / "other")}
    common = set(one) & set(two)
    assert common and any(one[f] != two[f] for f in common)


def test_regenerating_into_demo_dir_replaces_it_but_foreign_dirs_are_refused(
    tmp_path: Path,
) -> None:
    (tmp_path / "precious.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, scale=0.05)
    assert (tmp_path / "precious.txt").exists()


@pytest.mark.parametrize("which", ["small", "full"])
def test_manifest_names_every_document_with_right_sha256(which: str) -> None:
    out, summary, _ = small_province() if which == "small" else full_province()
    rows = manifest(out)
    assert len(rows) == summary["documents"]
    assert tuple(rows[0]) == MANIFEST_COLUMNS
    assert {p.name for p in (out / "docs").iterdir()} == {r["file"] for r in rows}
    exp = expected(out)
    for r in rows:
        data = (out / "docs" / r["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == r["sha256"], r["file"]
        assert int(r["bytes"]) == len(data)
        e = exp[Path(r["file"]).stem]
        assert e["source"] == r["file"]
        assert (e["body"]["name"], e["body"]["region_code"], e["body"]["level"],
                e["body"]["type"]) == (r["body"], r["region_code"], r["level"], r["type"])
        assert (str(e["year"]), e["template"], Path(r["file"]).suffix[1:]) == (
            r["year"], r["template"], r["container"])


@pytest.mark.skipif(not CORPUS_MANIFEST.exists(), reason="needs ../shared/corpus")
def test_manifest_columns_are_the_corpus_columns() -> None:
    header = CORPUS_MANIFEST.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert tuple(header) == MANIFEST_COLUMNS


def test_expected_files_follow_the_corpus_format() -> None:
    out, _, _ = small_province()
    for stem, e in expected(out).items():
        assert list(e) == ["source", "body", "year", "template", "values", "cells",
                           "publisher_errors", "notes"], stem
        assert set(e["body"]) == {"name", "region_code", "level", "type"}
        assert e["body"]["level"] in {"province", "city", "county", "township"}
        assert e["body"]["type"] in {"government", "office", "department", "special_zone"}
        assert all(is_known_key(k) for k in e["values"]), stem
        for key, kind in e["cells"].items():
            assert kind in {"empty", "dash", "text"}
            assert e["values"][key] == 0
        assert str(e["year"]) in stem
        for err in e["publisher_errors"]:
            assert set(err) == {"rule", "keys", "message"} and err["keys"]


def test_full_province_size_containers_and_templates() -> None:
    out, summary, seconds = full_province()
    assert seconds < 30.0, f"scale 1.0 took {seconds:.1f}s"
    assert 900 <= summary["documents"] <= 1300
    with open(out / "regions.csv", encoding="utf-8") as f:
        levels = Counter(r["level"] for r in csv.DictReader(f))
    assert levels["city"] == 8 and 38 <= levels["county"] <= 42 and levels["township"] >= 10
    c = summary["containers"]
    assert set(c) == {"html", "txt", "docx", "pdf"}
    assert 0.02 <= c["pdf"] / summary["documents"] <= 0.08
    rows = manifest(out)
    by_year_template = Counter((r["year"], r["template"]) for r in rows)
    assert by_year_template[("2019", "2021")] == 0 and by_year_template[("2022", "2019")] == 0
    assert 0 < by_year_template[("2021", "2019")] < by_year_template[("2021", "2021")] / 5
    names = {r["body"] for r in rows}
    assert "淮安市洪泽区人民政府" in names and "淮安市自然资源和规划局" in names
    assert any(n.endswith("镇人民政府") for n in names)

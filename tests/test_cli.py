"""The `gongkai` CLI: messages in both languages, idempotent ingest, extract contract, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.inbox import Inbox
from tests.conftest import corpus_dir

HTML_2021 = """<html><head><title>某县人民政府2023年政府信息公开工作年度报告</title></head><body>
<h1>某县人民政府2023年政府信息公开工作年度报告</h1><p>发布日期：2024-01-20</p>
<p>一、总体情况</p><p>全年主动公开政府信息1234条。</p></body></html>"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GONGKAI_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return tmp_path / "home"


def test_ingest_copies_unchanged_and_twice_is_a_no_op(home: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.html").write_text(HTML_2021, encoding="utf-8")
    (src / "b.txt").write_bytes("报告".encode("gb18030"))
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(src)])
    assert first.exit_code == 0, first.output
    assert "新增 2 个文件" in first.output
    second = runner.invoke(main, ["--lang", "en", "ingest", str(src)])
    assert "0 new files" in second.output and "2 files already in the inbox" in second.output
    entries = Inbox(home / "inbox").entries()
    assert len(entries) == 2
    for e in entries:
        stored = Inbox(home / "inbox").object_path(e.sha256, e.suffix).read_bytes()
        assert stored == (src / e.file_name).read_bytes()


def test_ingest_names_the_bad_file_and_fails(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "table.exe"
    bad.write_bytes(b"MZ")
    result = CliRunner().invoke(
        main, ["--lang", "en", "ingest", str(bad), str(tmp_path / "nope.pdf")]
    )
    assert result.exit_code == 1
    output = result.output.replace("\n", "")  # the console wraps long paths at its width
    assert "table.exe" in output and "unsupported type" in output
    assert "nope.pdf" in output and "file not found" in output


def test_extract_json_prints_one_line_per_file_even_for_bad_files(tmp_path: Path) -> None:
    good = tmp_path / "good.html"
    good.write_text(HTML_2021, encoding="utf-8")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 garbage")
    missing = tmp_path / "missing.docx"
    result = CliRunner().invoke(main, ["extract", "--json", str(good), str(broken), str(missing)])
    assert result.exit_code == 1, result.output  # a missing file (issue 11); still a line for it
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [d["source"] for d in lines] == ["good.html", "broken.pdf", "missing.docx"]
    for d in lines:
        assert set(d) >= {
            "source",
            "sha256",
            "body",
            "year",
            "template",
            "values",
            "cells",
            "findings",
            "provenance",
        }
    assert lines[0]["year"] == 2023
    assert lines[0]["values"].get("headline.items_published") == 1234
    for d in lines[1:]:
        assert any(f["blame"] == "reading" and f["severity"] == "error" for f in d["findings"])
        assert d["values"] == {}


def test_build_on_an_empty_inbox_fails_with_a_clear_message(home: Path) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "build"])
    assert result.exit_code == 1
    assert "the inbox is empty" in result.output


def test_export_and_serve_without_a_warehouse_fail_clearly(home: Path, tmp_path: Path) -> None:
    for args in (["export", str(tmp_path / "out")], ["serve"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1
        assert "尚无已发布的数据仓库" in result.output


def test_eval_on_a_folder_without_expected_values_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "eval", str(tmp_path)])
    assert result.exit_code == 2
    assert "cannot find" in result.output


def test_english_from_lang_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv("GONGKAI_LANG", raising=False)
    result = CliRunner().invoke(main, ["eval", str(tmp_path)])
    assert "cannot find" in result.output


@pytest.mark.skipif(corpus_dir() is None, reason="../shared/corpus not present")
def test_extract_json_on_every_corpus_file() -> None:
    files = sorted((corpus_dir() / "docs").iterdir())
    result = CliRunner().invoke(main, ["extract", "--json", *map(str, files)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [d["source"] for d in lines] == [f.name for f in files]
    assert all(d["year"] for d in lines)


def test_demo_national_and_provinces_exclude_each_other(home: Path) -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "demo", "--national", "--provinces", "32"])
    assert result.exit_code == 2
    assert "either --national or --provinces" in result.output


def test_demo_names_an_unknown_province(home: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--provinces", "32,99", "--no-serve"])
    assert result.exit_code == 2
    assert "省份有误" in result.output and "'99'" in result.output


def test_demo_provinces_reach_the_generator_as_codes(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.cli as cli
    import pipelines.demo

    calls: list[dict] = []

    def fake_generate(out: Path, **kwargs: object) -> dict:
        calls.append(kwargs)
        (out / "docs").mkdir(parents=True, exist_ok=True)
        return {"documents": 7}

    monkeypatch.setattr(pipelines.demo, "generate", fake_generate)
    monkeypatch.setattr(cli, "_locked_build", lambda lang, code: 0)
    result = CliRunner().invoke(
        main, ["--lang", "en", "demo", "--provinces", "广东,32", "--workers", "1", "--no-serve"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [{"seed": 20240201, "national": False, "provinces": ["320000", "440000"],
                      "workers": 1}]
    assert "2 provinces (江苏省、广东省" in result.output and "7 reports generated" in result.output

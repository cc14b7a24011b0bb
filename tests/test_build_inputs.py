"""The build's input record: an unchanged inbox is not rebuilt, any change is."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import build_inputs
from pipelines.inbox import Inbox
from pipelines.paths import Paths


def _home(tmp_path: Path) -> Paths:
    paths = Paths(tmp_path / "home")
    doc = tmp_path / "a.txt"
    doc.write_text("2023年度政府信息公开工作年度报告", encoding="utf-8")
    Inbox(paths.inbox).ingest([doc])
    paths.warehouse.parent.mkdir(parents=True)
    paths.warehouse.write_bytes(b"db")
    (paths.export / "gongkai-x").mkdir(parents=True)
    return paths


def test_recorded_inputs_are_unchanged_until_the_inbox_changes(tmp_path: Path) -> None:
    paths = _home(tmp_path)
    assert not build_inputs.unchanged(paths)  # never recorded
    build_inputs.record(paths, paths.export / "gongkai-x")
    assert build_inputs.unchanged(paths)
    more = tmp_path / "b.txt"
    more.write_text("2022年度政府信息公开工作年度报告", encoding="utf-8")
    Inbox(paths.inbox).ingest([more])
    assert not build_inputs.unchanged(paths)


def test_retiring_a_document_or_changing_a_limit_is_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _home(tmp_path)
    build_inputs.record(paths, paths.export / "gongkai-x")
    sha = Inbox(paths.inbox).entries()[0].sha256
    Inbox(paths.inbox).retire(sha, "test")
    assert not build_inputs.unchanged(paths)
    build_inputs.record(paths, paths.export / "gongkai-x")
    monkeypatch.setenv("GONGKAI_DOC_TIMEOUT_S", "5")
    assert not build_inputs.unchanged(paths)


def test_a_missing_warehouse_or_export_or_a_forgotten_record_rebuilds(tmp_path: Path) -> None:
    paths = _home(tmp_path)
    build_inputs.record(paths, paths.export / "gongkai-x")
    (paths.export / "gongkai-x").rmdir()
    assert not build_inputs.unchanged(paths)
    (paths.export / "gongkai-x").mkdir()
    assert build_inputs.unchanged(paths)
    build_inputs.forget(paths)
    assert not build_inputs.unchanged(paths)

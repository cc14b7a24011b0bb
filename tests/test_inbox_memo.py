"""The inbox index is parsed once per process and then only its appended lines."""

from __future__ import annotations

import json
from pathlib import Path

from pipelines.inbox import Inbox


def _line(sha: str, name: str) -> str:
    return json.dumps({"sha256": sha, "file_name": name, "suffix": ".txt", "size_bytes": 1,
                       "origin": name, "ingested_at": "2026-01-01T00:00:00+00:00",
                       "kind": "report"}) + "\n"


def test_appended_lines_are_seen(tmp_path: Path) -> None:
    box = Inbox(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    box.index_path.write_text(_line("a" * 64, "one.txt"), encoding="utf-8")
    assert [e.file_name for e in box.all_entries()] == ["one.txt"]
    with box.index_path.open("a", encoding="utf-8") as f:
        f.write(_line("b" * 64, "two.txt"))
        f.write(_line("a" * 64, "again.txt"))  # same content again: first ingestion wins
    assert [e.file_name for e in box.all_entries()] == ["one.txt", "two.txt"]


def test_half_written_line_waits(tmp_path: Path) -> None:
    box = Inbox(tmp_path)
    whole = _line("c" * 64, "three.txt")
    box.index_path.write_text(_line("a" * 64, "one.txt") + whole[:40], encoding="utf-8")
    assert [e.file_name for e in box.all_entries()] == ["one.txt"]
    with box.index_path.open("a", encoding="utf-8") as f:
        f.write(whole[40:])
    assert [e.file_name for e in box.all_entries()] == ["one.txt", "three.txt"]


def test_index_rewritten_in_place_is_read_again(tmp_path: Path) -> None:
    box = Inbox(tmp_path)
    box.index_path.write_text(_line("a" * 64, "one.txt"), encoding="utf-8")
    assert len(box.all_entries()) == 1
    # Same inode, longer file, different content (a restore from backup, an editor).
    box.index_path.write_text(_line("d" * 64, "four.txt") + _line("e" * 64, "five.txt"),
                              encoding="utf-8")
    assert [e.file_name for e in box.all_entries()] == ["four.txt", "five.txt"]


def test_a_snapshot_spares_the_next_process_the_parse(tmp_path: Path, monkeypatch) -> None:
    """A process that parsed much of the index leaves a snapshot; the next one parses only
    the lines appended since, and gets the same entries."""
    import pipelines.inbox as inbox_module

    monkeypatch.setattr(inbox_module, "SNAPSHOT_AFTER_BYTES", 1)
    box = Inbox(tmp_path)
    box.index_path.write_text(_line("a" * 64, "one.txt") + _line("b" * 64, "two.txt"),
                              encoding="utf-8")
    assert len(box.all_entries()) == 2
    assert (tmp_path / inbox_module.SNAPSHOT).is_file()
    with box.index_path.open("a", encoding="utf-8") as f:
        f.write(_line("c" * 64, "three.txt"))
        f.write(_line("a" * 64, "again.txt"))

    parsed: list[str] = []
    real = inbox_module.json.loads
    monkeypatch.setattr(inbox_module.json, "loads", lambda s: parsed.append(s) or real(s))
    inbox_module._INDEX_MEMO.clear()  # a new process
    names = [e.file_name for e in Inbox(tmp_path).all_entries()]
    assert names == ["one.txt", "two.txt", "three.txt"]
    assert len(parsed) == 2  # only the appended lines


def test_a_snapshot_of_another_index_is_not_used(tmp_path: Path, monkeypatch) -> None:
    import pipelines.inbox as inbox_module

    monkeypatch.setattr(inbox_module, "SNAPSHOT_AFTER_BYTES", 1)
    box = Inbox(tmp_path)
    box.index_path.write_text(_line("a" * 64, "one.txt"), encoding="utf-8")
    assert len(box.all_entries()) == 1
    # Rewritten in place (same inode, other content), then a damaged snapshot elsewhere.
    box.index_path.write_text(_line("d" * 64, "four.txt") + _line("e" * 64, "five.txt"),
                              encoding="utf-8")
    inbox_module._INDEX_MEMO.clear()
    assert [e.file_name for e in Inbox(tmp_path).all_entries()] == ["four.txt", "five.txt"]
    (tmp_path / inbox_module.SNAPSHOT).write_bytes(b"not parquet")
    inbox_module._INDEX_MEMO.clear()
    assert [e.file_name for e in Inbox(tmp_path).all_entries()] == ["four.txt", "five.txt"]

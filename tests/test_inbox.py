"""The inbox: only regular files go in, a full disk leaves nothing behind, retiring a file."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.inbox import Inbox, InboxError

pytestmark = pytest.mark.hostile


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GONGKAI_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    return tmp_path / "home"


def _drop(tmp_path: Path) -> Path:
    src = tmp_path / "drop"
    src.mkdir()
    (src / "a.html").write_text("<p>报告甲</p>", encoding="utf-8")
    (src / "b.csv").write_text("受理时间,申请人性质\n2024-01-02,公民\n", encoding="utf-8")
    return src


def _leftovers(inbox: Path) -> list[Path]:
    return [p for p in (inbox / "objects").rglob("*") if p.is_file() and p.name.startswith("tmp")]


def test_links_and_special_files_are_not_followed_or_opened(tmp_path: Path) -> None:
    src = _drop(tmp_path)
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "passwd.txt").write_text("root:x:0:0", encoding="utf-8")
    (src / "passwd.txt").symlink_to(outside / "passwd.txt")
    (src / "linked_dir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(src / "pipe.csv")  # reading it would block forever
    inbox = Inbox(tmp_path / "inbox")
    outcomes = {Path(o.path).name: o for o in inbox.ingest([src])}
    assert {n for n, o in outcomes.items() if o.status == "new"} == {"a.html", "b.csv"}
    assert "符号链接" in outcomes["passwd.txt"].reason
    assert "symbolic link" in outcomes["linked_dir"].reason
    assert "FIFO" in outcomes["pipe.csv"].reason and outcomes["pipe.csv"].status == "error"
    stored = b"".join(inbox.object_path(e.sha256, e.suffix).read_bytes() for e in inbox.entries())
    assert b"root:x" not in stored
    # A link named on the command line is refused too.
    (direct,) = inbox.ingest([src / "passwd.txt"])
    assert direct.status == "error" and "not followed" in direct.reason


def test_a_full_disk_names_the_file_and_leaves_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _drop(tmp_path)
    inbox = Inbox(tmp_path / "inbox")

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)  # fault injection: the disk is full
    outcomes = inbox.ingest([src])
    assert [o.status for o in outcomes] == ["error", "error"]
    assert all("磁盘已满" in o.reason and "disk full" in o.reason for o in outcomes)
    assert _leftovers(tmp_path / "inbox") == [] and inbox.entries() == []
    monkeypatch.undo()
    assert [o.status for o in inbox.ingest([src])] == ["new", "new"]


def test_cli_prints_the_full_disk_with_the_file(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _drop(tmp_path)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full)
    out = CliRunner().invoke(main, ["ingest", str(src / "a.html")])
    assert out.exit_code == 1
    printed = out.output.replace("\n", "")
    assert "drop/a.html：磁盘已满" in printed


def test_retire_restore_and_reingest(tmp_path: Path) -> None:
    src = _drop(tmp_path)
    inbox = Inbox(tmp_path / "inbox")
    inbox.ingest([src])
    (a,) = [e for e in inbox.entries() if e.file_name == "a.html"]
    before = inbox.version()
    with pytest.raises(InboxError, match="8"):
        inbox.retire(a.sha256[:7])
    inbox.retire(a.sha256[:8], "重复上传 / uploaded twice", by="tester")
    assert [e.file_name for e in inbox.entries()] == ["b.csv"]
    assert inbox.object_path(a.sha256, a.suffix).exists()  # the bytes are kept
    rec = inbox.retirements()[a.sha256]
    assert (rec["by"], rec["reason"]) == ("tester", "重复上传 / uploaded twice") and rec["at"]
    assert inbox.version() > before  # the sensor sees the change
    with pytest.raises(InboxError, match="already retired"):
        inbox.retire(a.sha256)
    # The same content dropped again stays retired.
    assert {o.status for o in inbox.ingest([src / "a.html"])} == {"retired"}
    assert [e.file_name for e in inbox.entries()] == ["b.csv"]
    inbox.restore(a.sha256[:10])
    assert sorted(e.file_name for e in inbox.entries()) == ["a.html", "b.csv"]


def test_an_ambiguous_prefix_is_refused(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "inbox")
    inbox.ingest([_drop(tmp_path)])
    # Two sha256 sharing 8 digits need ~10^5 files; two index lines written as ingest does.
    shared = "abcdef12"
    lines = [
        json.dumps(
            {
                "sha256": shared + c * 56,
                "file_name": f"{c}.txt",
                "suffix": ".txt",
                "size_bytes": 1,
                "origin": "/x",
                "ingested_at": "2024-01-01T00:00:00+00:00",
            }
        )
        for c in "01"
    ]
    with inbox.index_path.open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    with pytest.raises(InboxError, match="ambiguous"):
        inbox.retire(shared)
    assert inbox.retire(shared + "0").file_name == "0.txt"
    with pytest.raises(InboxError, match="no 00000000"):
        inbox.resolve("00000000")
    with pytest.raises(InboxError, match="8 hex digits"):
        inbox.resolve("abcdef1")


def test_cli_inbox_list_remove_restore(home: Path, tmp_path: Path) -> None:
    src = _drop(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(src)]).exit_code == 0
    (a,) = [e for e in Inbox(home / "inbox").entries() if e.file_name == "a.html"]
    listed = runner.invoke(main, ["inbox", "list", "--kind", "report"])
    assert a.sha256[:12] in listed.output and "b.csv" not in listed.output
    gone = runner.invoke(main, ["inbox", "remove", a.sha256[:8], "--reason", "测试"])
    assert gone.exit_code == 0 and "已停用" in gone.output
    again = runner.invoke(main, ["--lang", "en", "inbox", "remove", a.sha256[:8]])
    assert again.exit_code == 1 and "already retired" in again.output
    bad = runner.invoke(main, ["--lang", "en", "inbox", "remove", "abc"])
    assert bad.exit_code == 1 and "8 hex digits" in bad.output
    retired = runner.invoke(main, ["inbox", "list", "--retired"])
    assert "a.html" in retired.output and "测试" in retired.output
    dropped = runner.invoke(main, ["--lang", "en", "ingest", str(src)])
    assert "1 files are retired" in dropped.output
    back = runner.invoke(main, ["--lang", "en", "inbox", "restore", a.sha256])
    assert back.exit_code == 0 and "restored" in back.output

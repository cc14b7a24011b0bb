"""Hostile input and faults (issue 11): limits, refusals, and a pool that survives its workers.

Every input is made on the fly (``tests/hostile.py``) and the limits are lowered through the
environment, so bombs that once took gigabytes are refused here in milliseconds for the same
reason. Pool tests use the tiny work functions below (a task that sleeps, one whose worker is
killed) instead of real documents, to show timeouts and deaths cheaply.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import hostile
import pytest
from click.testing import CliRunner
from pool_tasks import failed as _failed
from pool_tasks import never as _never
from pool_tasks import work as _work

from pipelines.batch import map_cached
from pipelines.cli import main
from pipelines.extract import extract_bytes, extract_file, readers
from pipelines.extract.limits import Limits, current_limits
from pipelines.pool import Failure, TaskError

pytestmark = pytest.mark.hostile

REPORT = (
    "某某县人民政府2023年政府信息公开工作年度报告\n"
    "本年度共收到政府信息公开申请 12 件，其中当面申请 3 件，网络申请 9 件。\n"
)


def only_finding(ex):
    assert len(ex.findings) == 1, ex.findings
    f = ex.findings[0]
    assert f.severity == "error" and f.blame == "reading"
    assert not ex.readable
    return f


# --- limits -----------------------------------------------------------------------------------


def test_limits_defaults_and_environment_overrides() -> None:
    assert current_limits({}) == Limits()
    lim = current_limits(
        {
            "GONGKAI_MAX_FILE_MB": "2",
            "GONGKAI_MAX_PDF_PAGES": "7",
            "GONGKAI_DOC_TIMEOUT_S": "1.5",
            "GONGKAI_WORKER_MEMORY_MB": "x",
        }
    )
    assert (lim.text_file_mb, lim.docx_file_mb, lim.pdf_file_mb) == (2, 2, 2)
    assert lim.pdf_pages == 7 and isinstance(lim.pdf_pages, int)
    assert lim.doc_timeout_s == 1.5
    assert lim.worker_memory_mb == Limits().worker_memory_mb  # unparsable: ignored


@pytest.mark.parametrize("stream_over", [8_000_000, 0])
def test_docx_of_many_tiny_paragraphs_is_refused_by_the_line_limit(
    monkeypatch, stream_over: int
) -> None:
    monkeypatch.setattr(readers, "DOCX_STREAM_OVER", stream_over)  # parsed whole / streamed
    monkeypatch.setenv("GONGKAI_MAX_LINES", "1000")
    data = hostile.docx_many_paragraphs(5_000)
    f = only_finding(extract_bytes(data, "many.docx"))
    assert f.rule == "limit_exceeded"
    assert "行数过多" in f.message and "too many lines (more than 1000, limit 1000)" in f.message
    monkeypatch.setenv("GONGKAI_MAX_LINES", "10000")
    assert extract_bytes(data, "many.docx").container == "docx"  # under the limit: read


@pytest.mark.parametrize("stream_over", [8_000_000, 0])
def test_docx_single_run_bomb_is_refused_by_the_text_limit(monkeypatch, stream_over: int) -> None:
    monkeypatch.setattr(readers, "DOCX_STREAM_OVER", stream_over)
    monkeypatch.setenv("GONGKAI_MAX_TEXT_CHARS", "10000")
    f = only_finding(extract_bytes(hostile.docx_single_run(50_000), "run.docx"))
    assert f.rule == "limit_exceeded"
    assert "文本过长" in f.message and "more than 10000 characters, limit 10000" in f.message


def test_zip_bombs_are_refused_from_the_directory(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_MAX_ZIP_MEMBER_MB", "1")
    f = only_finding(extract_bytes(hostile.zip_bomb(5_000_000), "bomb.docx"))
    assert f.rule == "limit_exceeded"
    assert "word/media/image1.bin inflates to 5.0 MB (limit 1 MB): zip bomb?" in f.message
    monkeypatch.setenv("GONGKAI_MAX_ZIP_MEMBER_MB", "10")
    monkeypatch.setenv("GONGKAI_MAX_ZIP_TOTAL_MB", "3")
    f = only_finding(extract_bytes(hostile.zip_bomb(5_000_000), "bomb.docx"))
    assert "zip inflates to 5.0 MB in all (limit 3 MB)" in f.message
    monkeypatch.setenv("GONGKAI_MAX_ZIP_MEMBERS", "50")
    f = only_finding(extract_bytes(hostile.zip_many_members(100), "members.docx"))
    assert "压缩包成员过多" in f.message and "too many zip members (103, limit 50)" in f.message


@pytest.mark.parametrize("stream_over", [8_000_000, 0])
def test_streamed_docx_reads_like_python_docx(monkeypatch, stream_over: int) -> None:
    """Whole or streamed, the reader gives python-docx's lines (tables, merges, breaks)."""
    from dress import python_docx

    from pipelines.extract.readers import read_docx_lines, read_docx_lines_python_docx

    monkeypatch.setattr(readers, "DOCX_STREAM_OVER", stream_over)
    html = (
        "<p>2023年报告</p><table><tr><td rowspan=2>申请</td><td>当面</td><td>3</td></tr>"
        "<tr><td>网络</td><td>9</td></tr><tr><td colspan=2>合计</td><td>12</td></tr></table>"
        "<p>结束<br>语</p>"
    )
    data = python_docx(html)
    assert read_docx_lines(data) == read_docx_lines_python_docx(data)
    assert ["申请", "网络", "9"] in read_docx_lines(data)


def test_pdf_over_the_page_limit_is_refused_and_under_it_read(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_MAX_PDF_PAGES", "3")
    f = only_finding(extract_bytes(hostile.pdf_pages(5, lines_per_page=2), "thick.pdf"))
    assert f.rule == "limit_exceeded"
    assert "PDF 页数过多（5 页，上限 3 页）" in f.message
    assert "PDF has too many pages (5, limit 3)" in f.message
    ex = extract_bytes(hostile.pdf_pages(3, lines_per_page=2), "thin.pdf")
    assert ex.container == "pdf" and all(f.rule != "limit_exceeded" for f in ex.findings)


def test_big_text_is_refused_without_being_read_whole(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GONGKAI_MAX_FILE_MB", "1")
    data = hostile.big_text(2.5)
    path = tmp_path / "big.txt"
    path.write_bytes(data)
    ex = extract_file(path)
    f = only_finding(ex)
    assert f.rule == "limit_exceeded"
    assert "文件过大" in f.message and "file too large (2.5 MB, txt limit 1 MB)" in f.message
    assert ex.sha256 == hashlib.sha256(data).hexdigest()
    assert only_finding(extract_bytes(data, "big.txt")).message == f.message


def test_text_over_the_character_limit_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_MAX_TEXT_CHARS", "1000")
    f = only_finding(extract_bytes((REPORT * 40).encode(), "long.txt"))
    assert f.rule == "limit_exceeded" and "text too long (" in f.message
    assert "limit 1000" in f.message


# --- inputs that are not what their name says ----------------------------------------------


def test_encrypted_pdf_is_named_as_such() -> None:
    f = only_finding(extract_bytes(hostile.pdf_pages(1, 2, password="secret"), "locked.pdf"))
    assert f.rule == "encrypted_pdf"
    assert f.message == (
        "locked.pdf: PDF 已加密，无法读取文字 / encrypted PDF: its text cannot be read"
    )


@pytest.mark.parametrize("name", ["noise.txt", "noise.html", "noise.md"])
def test_random_bytes_are_not_text(name: str) -> None:
    f = only_finding(extract_bytes(os.urandom(20_000), name))
    assert f.rule == "not_text"
    assert "不是文本（二进制内容）/ not text (binary content)" in f.message


@pytest.mark.parametrize("data", [b"", b"  \r\n\t "])
def test_empty_file_says_so(data: bytes) -> None:
    f = only_finding(extract_bytes(data, "empty.txt"))
    assert f.rule == "empty_file" and "空文件 / empty file" in f.message


def test_utf8_with_a_few_bad_bytes_is_still_utf8() -> None:
    text = REPORT * 200  # ~13,000 characters
    clean = extract_bytes(text.encode(), "r.txt")
    ex = extract_bytes(hostile.utf8_with_bad_bytes(text, every=5_000), "r.txt")
    assert ex.year == clean.year == 2023
    assert ex.values == clean.values and ex.values
    warn = [f for f in ex.findings if f.rule == "invalid_bytes"]
    assert len(warn) == 1 and warn[0].severity == "warning" and warn[0].blame == "reading"
    assert "含 2 处无效字节" in warn[0].message and "2 invalid byte sequences" in warn[0].message
    assert ex.readable and not any(f.rule == "no_year" for f in ex.findings)


TRADITIONAL = (
    "某某縣人民政府2023年政府信息公開工作年度報告\n"
    "本年度共收到政府信息公開申請 12 件，其中當面申請 3 件，網絡申請 9 件。\n"
)


@pytest.mark.parametrize(("codec", "text"), [("gb18030", REPORT), ("big5", TRADITIONAL)])
def test_legacy_chinese_encodings_are_still_detected(codec: str, text: str) -> None:
    ex = extract_bytes((text * 20).encode(codec), "r.txt")
    assert ex.year == 2023 and ex.values
    assert not any(f.rule in ("not_text", "invalid_bytes") for f in ex.findings)


# --- the pool: deadlines, memory, deaths ---------------------------------------------------


def test_pool_survives_timeouts_oom_and_killed_workers(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GONGKAI_DOC_TIMEOUT_S", "3")
    monkeypatch.setenv("GONGKAI_WORKER_MEMORY_MB", "300")
    marker = str(tmp_path)
    names = ["a", "sleep", "b", "kill", "c", "kill-once", "hog", "d"]
    jobs = [(n, (n, marker)) for n in names]
    cache = tmp_path / "cache"
    t0 = time.monotonic()
    out = map_cached(jobs, _work, cache, workers=2, failed=_failed)
    assert time.monotonic() - t0 < 50  # the sleeping task was stopped, not waited for
    assert out["sleep"] == {
        "what": "sleep",
        "failed": "timeout",
        "message": "处理超过 3 秒 / exceeded 3 s",
    }
    assert out["kill"]["failed"] == "died"
    assert out["kill"]["message"] == "处理进程异常退出（信号 9）/ worker died (signal 9)"
    assert out["hog"]["failed"] == "memory" and "(300 MB)" in out["hog"]["message"]
    assert out["kill-once"]["what"] == "kill-once" and "failed" not in out["kill-once"]
    for n in ("a", "b", "c", "d"):
        assert out[n]["what"] == n and "failed" not in out[n]
    # Every outcome is cached: a second run computes nothing.
    assert {p.stem for p in cache.glob("*.json")} == set(names)
    assert map_cached(jobs, _never, cache, workers=2, failed=_failed) == out


def test_failures_without_a_fallback_name_the_task(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GONGKAI_DOC_TIMEOUT_S", "1")
    with pytest.raises(TaskError, match="sleep: 处理超过 1 秒 / exceeded 1 s"):
        map_cached([("sleep", ("sleep", str(tmp_path)))], _work, tmp_path / "c", workers=1)


def test_a_killed_extraction_is_a_finding_cached_until_the_limits_change(
    monkeypatch, tmp_path: Path
) -> None:
    """Through the real extraction: a timeout is cached with the limits it was decided under."""
    from pipelines.batch import _extract_failed, _extract_one, reading_fingerprint

    doc = tmp_path / "ok.txt"
    doc.write_text(REPORT, encoding="utf-8")
    monkeypatch.setenv("GONGKAI_DOC_TIMEOUT_S", "5")
    timed_out = _extract_failed((str(doc), "ok.txt", "k1"), Failure("timeout", 5))
    assert timed_out["findings"][0]["rule"] == "worker_timeout"
    assert timed_out["findings"][0]["message"] == "ok.txt: 处理超过 5 秒 / exceeded 5 s"
    assert timed_out["_limits"] == reading_fingerprint(current_limits())
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "k1.json").write_text(json.dumps(timed_out), encoding="utf-8")
    jobs = [("k1", (str(doc), "ok.txt", "k1"))]
    # Same limits: the cached timeout stands (later builds do not retry for ever).
    same = map_cached(jobs, _never, cache, failed=_extract_failed)
    assert same["k1"]["findings"][0]["rule"] == "worker_timeout" and "_limits" not in same["k1"]
    # A raised limit reads the document again.
    monkeypatch.setenv("GONGKAI_DOC_TIMEOUT_S", "30")
    again = map_cached(jobs, _extract_one, cache, failed=_extract_failed)
    assert again["k1"]["year"] == 2023 and again["k1"]["values"]


# --- the command line -----------------------------------------------------------------------


def test_extract_command_exits_non_zero_for_a_missing_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    ok = tmp_path / "ok.txt"
    ok.write_text(REPORT, encoding="utf-8")
    noise = tmp_path / "noise.txt"
    noise.write_bytes(os.urandom(5_000))
    gone = tmp_path / "gone.txt"
    result = CliRunner().invoke(main, ["extract", "--json", str(ok), str(gone), str(noise)])
    assert result.exit_code == 1, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [r["source"] for r in rows] == ["ok.txt", "gone.txt", "noise.txt"]
    assert rows[0]["year"] == 2023
    assert "无法打开文件" in rows[1]["findings"][0]["message"]
    assert rows[2]["findings"][0]["rule"] == "not_text"


def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    """A parent killed with SIGKILL takes its workers with it (no orphan finishes a document)."""
    import signal
    import subprocess
    import sys

    script = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from pool_tasks import work\n"
        "from pipelines.pool import run_tasks\n"
        "from pipelines.extract.limits import current_limits\n"
        f"run_tasks([('a', ('sleep', {str(tmp_path)!r}))], work, lambda k, r: None, 1,"
        " current_limits())\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=Path(__file__).parent.parent)
    children: list[int] = []
    for _ in range(300):  # the worker is up once the parent has a child
        time.sleep(0.1)
        kids = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
        children = [int(p) for p in kids.read_text().split()] if kids.exists() else []
        if children:
            break
    assert children, "the pool started no worker"
    time.sleep(1.0)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    for _ in range(50):
        alive = [c for c in children if Path(f"/proc/{c}").exists()]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, f"workers outlived their killed parent: {alive}"


def test_a_damaged_cache_entry_is_computed_again(tmp_path: Path) -> None:
    """A cache file cut short (a disk fault) is a miss, never an error on every later build."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "k.json").write_text('{"what": "ok", "pi', encoding="utf-8")
    out = map_cached([("k", ("ok", str(tmp_path)))], _work, cache)
    assert out["k"]["what"] == "ok"
    assert json.loads((cache / "k.json").read_text(encoding="utf-8"))["what"] == "ok"

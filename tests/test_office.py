"""Old Office formats (.doc/.wps/.xls/.et/.xlsx) read as reports (issue 15, part 4).

The fixtures in ``tests/fixtures/office`` are demo reports converted by LibreOffice
(``scripts/make_office_fixtures.py``); each is read to the values its source rendering (the
DOCX, HTML page or GBK text it was made from) gives, key by key, and to the generator's truth.
Word documents are read both ways: converted by LibreOffice (when installed) and by the
pure-Python Word 97 reader (``GONGKAI_SOFFICE=off``, as on a machine without LibreOffice).
"""

from __future__ import annotations

import json
import os
import shutil
import struct
from pathlib import Path

import pytest

from pipelines.extract.engine import extract_bytes
from pipelines.extract.normalize import EMPTY_MARK
from pipelines.extract.office import sheet_lines
from pipelines.extract.readers import read_bytes, sniff_container
from pipelines.extract.soffice import soffice_path
from pipelines.extract.word97 import _strip_fields
from pipelines.inbox import Inbox

FIXTURES = Path(__file__).parent / "fixtures" / "office"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
FILES = sorted(EXPECTED["files"])
PURE_FILES = [f for f in FILES if not f.endswith(".rtf")]  # RTF is read by LibreOffice only
WORD_FILES = [f for f in FILES if f.endswith((".doc", ".wps", ".rtf"))]
HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is not installed")


def _data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _same_reading(name: str) -> None:
    """The fixture reads to its source's values and cell kinds, key by key, and to the truth."""
    info = EXPECTED["files"][name]
    got = extract_bytes(_data(name), name)
    ref = extract_bytes(_data(info["source"]), info["source"])
    assert got.readable, [f.message for f in got.findings]
    assert len(ref.values) > 150
    diff = {k: (got.values.get(k), ref.values.get(k))
            for k in set(got.values) | set(ref.values) if got.values.get(k) != ref.values.get(k)}
    assert diff == {}, name
    assert got.cells == ref.cells
    assert (got.year, got.template, got.body.name) == (ref.year, ref.template, ref.body.name)
    truth = EXPECTED["truth"][info["stem"]]
    wrong = {k: (got.values.get(k), v) for k, v in truth["values"].items()
             if got.values.get(k) != v}
    assert wrong == {}, name
    assert got.template == truth["template"]


@pytest.mark.parametrize("name", PURE_FILES)
def test_each_format_reads_as_its_source_with_the_pure_readers(name: str, monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    _same_reading(name)
    doc = read_bytes(_data(name), name)
    assert doc.reader in ("doc (Word 97 reader)", "calamine")


@needs_soffice
@pytest.mark.parametrize("name", WORD_FILES)
def test_word_files_read_as_their_source_through_libreoffice(name: str, monkeypatch) -> None:
    monkeypatch.delenv("GONGKAI_SOFFICE", raising=False)
    _same_reading(name)
    doc = read_bytes(_data(name), name)
    kind = "rtf" if name.endswith(".rtf") else "doc"
    assert doc.reader.startswith(f"{kind}→docx (LibreOffice ")
    # RTF is recognised by its bytes under the .doc name sites give it
    assert extract_bytes(_data(name), "report.doc").container == kind


def test_rtf_without_libreoffice_is_refused_with_the_reason(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    rule, message = _refusal(_data("t2021_blank.rtf"), "report.doc")
    assert rule == "needs_libreoffice" and "需要 LibreOffice" in message and "RTF" in message


def test_both_word_readers_give_the_same_lines(monkeypatch) -> None:
    """The pure reader's lines are the DOCX reader's lines of LibreOffice's conversion."""
    if not HAS_SOFFICE:
        pytest.skip("LibreOffice is not installed")
    name = "t2021_blank.doc"
    converted = read_bytes(_data(name), name)
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    pure = read_bytes(_data(name), name)
    assert pure.lines == converted.lines
    assert pure.table_rows == converted.table_rows


def test_tables_keep_their_cells_and_merges(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    doc = read_bytes(_data("t2021.doc"), "t2021.doc")
    rows = [doc.lines[i] for i in sorted(doc.table_rows)]
    # the vertically merged 三、本年度办理结果 stands on every outcome row, as in the DOCX reader
    assert sum(r[0] == "三、本年度办理结果" for r in rows) == 22
    # the 行政复议 header spans five columns and is one cell
    assert ["行政复议", "行政诉讼"] in rows
    sheet = read_bytes(_data("sheet_t2021_blank.xls"), "sheet_t2021_blank.xls")
    srows = [sheet.lines[i] for i in sorted(sheet.table_rows)]
    assert ["行政复议", "行政诉讼"] in srows  # a merged range appears once, as in HTML
    assert any(EMPTY_MARK in r for r in srows)  # zero cells printed blank stay blank cells


def test_provenance_says_how_the_file_was_read(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    ex = extract_bytes(_data("t2021.doc"), "t2021.doc")
    assert ex.container == "doc"
    assert {p["via"] for p in ex.provenance.values()} == {"doc (Word 97 reader)"}
    ex = extract_bytes(_data("sheet_t2019_blank.et"), "sheet_t2019_blank.et") if (
        FIXTURES / "sheet_t2019_blank.et").exists() else extract_bytes(
        _data("sheet_t2021_blank.et"), "sheet_t2021_blank.et")
    assert ex.container == "xls" and {p["via"] for p in ex.provenance.values()} == {"calamine"}
    html = extract_bytes(_data("sheet_t2021_blank.src.html"), "a.html")
    assert not any("via" in p for p in html.provenance.values())


@pytest.mark.parametrize(("name", "renamed", "container"), [
    ("t2021.doc", "report.html", "doc"),
    ("t2021_blank.wps", "附件1.txt", "doc"),
    ("t2019.doc", "report.xls", "doc"),
    ("sheet_t2021_blank.xls", "report.doc", "xls"),
    ("sheet_t2021_blank.et", "download", "xls"),
    ("sheet_t2021_blank.xlsx", "report.docx", "xlsx"),
])
def test_files_are_recognised_by_their_bytes_not_their_names(
        name: str, renamed: str, container: str, monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    data = _data(name)
    ex = extract_bytes(data, renamed)
    assert ex.container == container
    assert ex.values == extract_bytes(data, name).values and len(ex.values) > 150


# --- damaged, encrypted and foreign files ---------------------------------------------------


def _stream_at(data: bytes, head: bytes) -> int:
    """Where a stream starting with ``head`` begins (streams start on 512-byte sectors)."""
    for at in range(512, len(data), 512):
        if data[at:at + len(head)] == head:
            return at
    raise AssertionError("stream not found")


def _word_stream(data: bytes) -> int:
    return _stream_at(data, b"\xec\xa5")


def _renamed_stream(data: bytes, old: str, new: str) -> bytes:
    """The file with one directory entry renamed (a 64-byte UTF-16 name and its length)."""
    raw = (old + "\0").encode("utf-16-le")
    at = data.index(raw)
    entry = bytearray(data)
    name = (new + "\0").encode("utf-16-le")
    entry[at:at + 64] = name.ljust(64, b"\0")
    struct.pack_into("<H", entry, at + 64, len(name))
    return bytes(entry)


def _refusal(data: bytes, name: str) -> tuple[str, str]:
    ex = extract_bytes(data, name)
    assert not ex.readable and ex.values == {}
    errors = [f for f in ex.findings if f.severity == "error"]
    assert len(errors) == 1
    assert errors[0].message.startswith(f"{name}: ")
    assert "/ " in errors[0].message  # 中文 / English
    return errors[0].rule, errors[0].message


@pytest.mark.parametrize("soffice", ["off", "auto"])
def test_truncated_and_corrupt_office_files_are_refused_naming_the_file(
        soffice: str, monkeypatch) -> None:
    if soffice == "off":
        monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    elif not HAS_SOFFICE:
        pytest.skip("LibreOffice is not installed")
    doc, xls = _data("t2021.doc"), _data("sheet_t2021_blank.xls")
    cases = {
        "cut.doc": doc[:5000],
        "cut_late.doc": doc[:len(doc) - 9000],
        "cut.xls": xls[:6000],
        "magic_only.doc": doc[:8] + b"\0" * 600,
        "garbage.wps": doc[:512] + os.urandom(4096),
    }
    # the piece table pointed past the end of the table stream
    at = _word_stream(doc)
    bad_clx = bytearray(doc)
    struct.pack_into("<I", bad_clx, at + 0x1A2, 0x7FFFFF00)
    cases["bad_piece_table.doc"] = bytes(bad_clx)
    for name, data in cases.items():
        if soffice == "auto" and name == "bad_piece_table.doc":
            # LibreOffice reads past a broken piece table (finds no report in what it gets):
            # never published, never a crash, the finding names the file
            ex = extract_bytes(data, name)
            assert not ex.readable and all(f.message.startswith(name) for f in ex.findings)
            continue
        rule, message = _refusal(data, name)
        assert rule == "damaged_office_file", (name, message)


@pytest.mark.parametrize("soffice", ["off", "auto"])
def test_encrypted_office_files_are_refused(soffice: str, monkeypatch) -> None:
    if soffice == "off":
        monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    elif not HAS_SOFFICE:
        pytest.skip("LibreOffice is not installed")
    doc = bytearray(_data("t2021.doc"))
    at = _word_stream(bytes(doc))
    flags = struct.unpack_from("<H", doc, at + 0x0A)[0]
    struct.pack_into("<H", doc, at + 0x0A, flags | 0x0100)  # fEncrypted
    rule, message = _refusal(bytes(doc), "locked.doc")
    assert rule == "encrypted_office_file" and "已加密" in message
    # a password-protected DOCX/XLSX is an OLE2 file holding EncryptionInfo + EncryptedPackage
    wrapped = _renamed_stream(_data("t2021.doc"), "WordDocument", "EncryptionInfo")
    rule, _ = _refusal(wrapped, "locked.docx")
    assert rule == "encrypted_office_file"


def test_other_ole_files_are_refused_with_their_streams(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    ppt = _renamed_stream(_data("t2021.doc"), "WordDocument", "PowerPoint Document")
    rule, message = _refusal(ppt, "slides.doc")
    assert rule == "unsupported_office_file" and "PowerPoint Document" in message


def test_word_95_is_refused_without_libreoffice(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    doc = bytearray(_data("t2021.doc"))
    struct.pack_into("<H", doc, _word_stream(bytes(doc)) + 2, 0x0068)  # nFib of Word 95
    rule, message = _refusal(bytes(doc), "old.doc")
    assert rule == "needs_libreoffice" and "LibreOffice" in message and "需要" in message


# --- without LibreOffice, or with one that fails ----------------------------------------------


def test_missing_soffice_on_path_falls_back_to_the_pure_reader(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("GONGKAI_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere on PATH
    assert soffice_path() is None
    doc = read_bytes(_data("t2021.doc"), "t2021.doc")
    assert doc.reader == "doc (Word 97 reader)"
    assert len(extract_bytes(_data("t2021.doc"), "t2021.doc").values) > 150


def _fake_soffice(tmp_path: Path, body: str) -> str:
    prog = tmp_path / "soffice"
    prog.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    prog.chmod(0o755)
    return str(prog)


def test_a_failing_libreoffice_falls_back_and_says_so(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", _fake_soffice(tmp_path, "echo 'Error: boom' >&2; exit 1"))
    doc = read_bytes(_data("t2021.doc"), "t2021.doc")
    assert doc.reader.startswith("doc (Word 97 reader); LibreOffice failed:")
    assert "boom" in doc.reader
    # and when the pure reader cannot read it either, the refusal gives both reasons
    doc = bytearray(_data("t2021.doc"))
    struct.pack_into("<I", doc, _word_stream(bytes(doc)) + 0x1A2, 0x7FFFFF00)  # fcClx
    rule, message = _refusal(bytes(doc), "bad.doc")
    assert rule == "damaged_office_file"
    assert "piece table" in message and "boom" in message


@pytest.mark.serial
def test_a_hanging_libreoffice_is_killed_at_its_time_limit(tmp_path, monkeypatch) -> None:
    import time

    marker = tmp_path / "child.pid"
    monkeypatch.setenv("GONGKAI_SOFFICE", _fake_soffice(
        tmp_path, f"sleep 60 & echo $! > {marker}; wait"))
    monkeypatch.setenv("GONGKAI_DOC_TIMEOUT_S", "2")
    start = time.monotonic()
    doc = read_bytes(_data("t2021.doc"), "t2021.doc")
    assert time.monotonic() - start < 10
    assert "timed out" in doc.reader and doc.reader.startswith("doc (Word 97 reader)")
    child = int(marker.read_text().strip())
    time.sleep(0.2)
    assert not _running(child)  # the whole process group was killed, not only the shell


def _running(pid: int) -> bool:
    """Whether ``pid`` runs (a killed child waiting to be reaped by init does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


# --- small pure functions --------------------------------------------------------------------


def test_field_codes_keep_their_results() -> None:
    assert _strip_fields("第\x13 PAGE \x143\x15页") == "第3页"
    assert _strip_fields("a\x13 IF \x13 X \x141\x15 \x14yes\x15b") == "ayesb"
    assert _strip_fields("no fields") == "no fields"


def test_sheet_lines_tables_merges_and_text() -> None:
    rows = [["2023年度报告", "", ""],
            ["", "", ""],
            ["一、总体情况", "", ""],
            ["信息内容", "本年制发件数", ""],
            ["规章", "3", ""],
            ["规范性文件", "", "7"],
            ["（注：无）", "", ""]]
    merged = [((3, 1), (3, 2))]  # 本年制发件数 spans two columns
    lines: list[list[str]] = []
    rows_out: set[int] = set()
    sheet_lines(rows, merged, lambda s: s, rows_out, lines)
    assert lines == [["2023年度报告"], ["一、总体情况"], ["信息内容", "本年制发件数"],
                     ["规章", "3", EMPTY_MARK], ["规范性文件", EMPTY_MARK, "7"], ["（注：无）"]]
    assert rows_out == {2, 3, 4}


def test_sniffing_names_ole_files() -> None:
    assert sniff_container(_data("t2021.doc"), "x.txt") == "ole"
    assert sniff_container(_data("sheet_t2021_blank.et"), "x.et") == "ole"


# --- the inbox -------------------------------------------------------------------------------


def test_inbox_takes_doc_wps_as_reports_et_as_ledgers_or_reports_when_told(tmp_path) -> None:
    box = Inbox(tmp_path / "inbox")
    src = tmp_path / "src"
    src.mkdir()
    for name in ("t2021.doc", "t2021_blank.wps", "sheet_t2021_blank.et",
                 "sheet_t2019_blank.xls"):
        shutil.copyfile(FIXTURES / name, src / name)
    out = box.ingest([src / "t2021.doc", src / "t2021_blank.wps", src / "sheet_t2021_blank.et"])
    assert [o.status for o in out] == ["new"] * 3
    kinds = {e.file_name: e.kind for e in box.entries()}
    assert kinds == {"t2021.doc": "report", "t2021_blank.wps": "report",
                     "sheet_t2021_blank.et": "ledger"}
    told = box.ingest([src / "sheet_t2019_blank.xls"], kind="report")
    assert told[0].status == "new"
    assert {e.file_name: e.kind for e in box.entries()}["sheet_t2019_blank.xls"] == "report"
    wrong = box.ingest([src / "t2021.doc"], kind="ledger")
    assert wrong[0].status == "error" and ".doc" in (wrong[0].reason or "")


# --- a whole build ---------------------------------------------------------------------------


@pytest.mark.slow
def test_a_build_publishes_the_values_of_old_office_reports(tmp_path, monkeypatch) -> None:
    """``gongkai ingest`` + ``gongkai build`` in an isolated home publish every fixture's values."""
    import duckdb
    from click.testing import CliRunner

    from pipelines.cli import main
    from pipelines.paths import Paths

    home = tmp_path / "home"
    monkeypatch.setenv("GONGKAI_HOME", str(home))
    monkeypatch.setenv("LANG", "C.UTF-8")
    reports = tmp_path / "reports"
    sheets = tmp_path / "sheets"
    reports.mkdir()
    sheets.mkdir()
    chosen = {"t2021.doc": reports, "t2019.doc": reports, "t2021_blank.wps": reports,
              "gbk_text.doc": reports, "sheet_t2021_blank.et": sheets,
              "sheet_t2019_blank.xls": sheets}
    for name, folder in chosen.items():
        shutil.copyfile(FIXTURES / name, folder / name)
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", str(reports)]).exit_code == 0
    assert runner.invoke(main, ["ingest", "--kind", "report", str(sheets)]).exit_code == 0
    result = runner.invoke(main, ["--lang", "en", "build", "--workers", "2"])
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(Paths(home).warehouse), read_only=True)
    status = dict(con.execute("SELECT source, status FROM core_report").fetchall())
    containers = dict(con.execute("SELECT source, container FROM core_report").fetchall())
    assert status == dict.fromkeys(chosen, "published")
    assert {containers[n] for n in chosen} == {"doc", "xls"}
    got: dict[str, dict[str, float]] = {}
    for source, key, value in con.execute(
            "SELECT r.source, v.key, v.value FROM core_value v JOIN core_report r "
            "USING (report_id)").fetchall():
        got.setdefault(source, {})[key] = value
    for name in chosen:
        truth = EXPECTED["truth"][EXPECTED["files"][name]["stem"]]["values"]
        table = {k: v for k, v in truth.items() if not k.startswith("headline.")}
        assert {k: got[name].get(k) for k in table} == table, name


def test_the_text_limit_holds_for_office_files(monkeypatch) -> None:
    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    monkeypatch.setenv("GONGKAI_MAX_TEXT_CHARS", "500")
    for name in ("t2021.doc", "sheet_t2021_blank.et"):
        rule, message = _refusal(_data(name), name)
        assert rule == "limit_exceeded", message


def test_damaged_bytes_never_crash_or_hang_the_pure_readers(monkeypatch) -> None:
    """Seeded byte flips anywhere in a .doc and an .xls: read, or refused naming the file."""
    import random
    import time

    monkeypatch.setenv("GONGKAI_SOFFICE", "off")
    rng = random.Random(15)
    for name in ("t2021.doc", "sheet_t2021_blank.xls"):
        original = _data(name)
        for _ in range(40):
            data = bytearray(original)
            for _ in range(rng.randint(1, 40)):
                data[rng.randrange(512, len(data))] = rng.randrange(256)
            start = time.monotonic()
            ex = extract_bytes(bytes(data), name)
            assert time.monotonic() - start < 15  # the limits bound a damaged file's cost
            errors = [f for f in ex.findings if f.severity == "error" and f.blame == "reading"]
            assert all(f.message.startswith(name) for f in errors)

"""``gongkai collect`` killed with SIGKILL mid-run, then run again: nothing lost, nothing twice.

The fixture server holds one file (the province's DOCX) so that the kill lands while the
crawler is waiting for it, after the other sites' files have been collected.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.collect.store import collected_documents, latest_status
from pipelines.inbox import Inbox
from tests.collect_sites import FIXTURES, PUBLISHED, Sites

pytestmark = [pytest.mark.slow, pytest.mark.serial]
REPO = Path(__file__).resolve().parents[1]


def _collect(home: Path, sources: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_LANG": "en"}
    cmd = [sys.executable, "-m", "pipelines.cli", "collect", "--year", "2024", "--sources",
           str(sources), "--no-polite", "--retries", "0", *extra]
    return subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    out = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(raw))
        except json.JSONDecodeError:
            out.append({"torn": raw})
    return out


def test_kill_9_mid_run_then_rerun_loses_nothing_and_duplicates_nothing(tmp_path: Path) -> None:
    sites = Sites()
    home = tmp_path / "home"
    try:
        sources = sites.sources_yaml(tmp_path / "sources.yaml")
        sites.delays[("province", "/attach/0/2501201200.docx")] = 60.0
        sites.delays[("slow", "/xuyi/ndbg/index.html")] = 0.0
        proc = _collect(home, sources, "--time-cap", "90")
        documents = home / "collect" / "documents.jsonl"
        deadline = time.monotonic() + 60
        while len(_lines(documents)) < len(PUBLISHED) - 1 and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.05)
        assert len(_lines(documents)) == len(PUBLISHED) - 1, "the crawl never got that far"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        before = {e.sha256 for e in Inbox(home / "inbox").entries()}
        sites.delays.clear()
        again = _collect(home, sources, "--time-cap", "2")
        out, _ = again.communicate(timeout=120)
    finally:
        sites.close()
    assert again.returncode == 0, out
    index = _lines(home / "inbox" / "index.jsonl")
    shas = [e["sha256"] for e in index]
    assert len(shas) == len(set(shas)) == len(PUBLISHED), shas  # each file once
    assert before < set(shas)  # nothing collected before the kill was lost
    docs = _lines(documents)
    assert len(docs) == len({d["sha256"] for d in docs}) == len(PUBLISHED)
    assert {d["sha256"] for d in collected_documents(home / "collect")} == set(shas)
    for fixture, suffix in PUBLISHED.values():
        if suffix != ".html":
            assert hashlib.sha256((FIXTURES / fixture).read_bytes()).hexdigest() in shas
    current = {r["body_name"]: r["status"] for r in latest_status(home / "collect")}
    assert all(current[b] == "found" for b in PUBLISHED)
    assert "7 found" in out

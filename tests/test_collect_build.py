"""``gongkai collect --year 2024`` on the fixture sites, then ``gongkai build``: every published
report is read into the warehouse under the body the sources file named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.collect.run import collect, limits_for
from pipelines.collect.store import latest_status
from pipelines.paths import Paths
from tests.collect_sites import PUBLISHED, Sites

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
OLD_FORMATS = {".doc", ".wps", ".xls", ".et"}
# The served reports were rendered from this demo (scripts/make_collect_fixtures.py): its
# expected files are the truth each collected file must be read to.
SEED, SCALE = 20240201, 0.05


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, dict, Path]:
    tmp = tmp_path_factory.mktemp("collect_build")
    home = Paths(tmp / "home")
    sites = Sites()
    try:
        sites.delays.clear()  # the slow site's case is not this test's
        limits = limits_for(False, time_cap=2.0, retries=1, backoff=0.05)
        result = collect(sites.sources_yaml(tmp / "sources.yaml"), 2024, home, limits=limits)
    finally:
        sites.close()
    assert result.found == len(PUBLISHED)
    env = {**os.environ, "GONGKAI_HOME": str(home.home), "GONGKAI_LANG": "en"}
    run = subprocess.run([sys.executable, "-m", "pipelines.cli", "build", "--workers", "1"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=500)
    assert run.returncode == 0, run.stdout + run.stderr
    statuses = {r["body_name"]: r for r in latest_status(home.collect)}
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        rows = con.execute("SELECT report_id, body_id, year, status, quarantine_reason "
                           "FROM core_report").fetchall()
        values: dict[str, dict[str, float]] = {}
        read = con.execute("SELECT report_id, key, value FROM core_value").fetchall()
        for rid, key, value in read:
            values.setdefault(rid, {})[key] = value
    reports = {r[0]: r[1:] for r in rows}
    from pipelines.demo import generate

    generate(tmp / "demo", seed=SEED, scale=SCALE)
    return statuses, reports, values, tmp / "demo" / "expected"


def _check(built: tuple[dict, dict, dict, Path], formats: set[str]) -> None:
    """Each collected file is published under its body, with exactly the generator's values."""
    statuses, reports, values, expected = built
    checked = 0
    for body, (served, suffix) in PUBLISHED.items():
        if suffix not in formats:
            continue
        rec = statuses[body]
        (sha,) = rec["sha256"]
        assert reports[sha][:3] == (rec["body_id"], 2024, "published"), (body, reports[sha])
        stem = served.rsplit(".", 1)[0]
        truth = json.loads((expected / f"{stem}.json").read_text(encoding="utf-8"))["values"]
        read = values[sha]
        assert {k: read.get(k) for k in truth} == {k: float(v) for k, v in truth.items()}, body
        checked += 1
    assert checked == len(formats)


def test_build_publishes_the_collected_html_pdf_and_docx_reports(built) -> None:
    _check(built, {".html", ".pdf", ".docx"})


def test_build_publishes_the_collected_old_office_formats(built) -> None:
    _check(built, OLD_FORMATS)

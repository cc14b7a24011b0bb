"""The running app in headless Chromium: the page a person opens shows the expected figures.

Streamlit renders over a websocket after the page has loaded, so one Chromium call can return
before the script finished; each capture is repeated until the page shows what it should (the
DOM contains the KPI figures, the screenshot contains the bar colour of the charts).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_setup import ensure_chromium
from dashboard_fixture import make_fixture_warehouse
from PIL import Image

pytestmark = pytest.mark.serial

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "dashboards" / "app.py"
BAR_RGB = (0x1F, 0x77, 0xB4)  # dashboards.charts ranking bars
ATTEMPTS = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError("streamlit did not become healthy")


def _chromium(chromium: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / f"profile-{time.monotonic_ns()}"
    cmd = [
        str(chromium),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1400,1000",
        "--virtual-time-budget=20000",
        *args,
    ]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=90)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _dom_when(chromium: Path, tmp: Path, url: str, expected: tuple[str, ...]) -> str:
    dom = ""
    for _ in range(ATTEMPTS):
        dom = _chromium(chromium, tmp, "--dump-dom", url).stdout
        if all(e in dom for e in expected):
            return dom
        time.sleep(1)
    missing = [e for e in expected if e not in dom]
    raise AssertionError(f"{url}: never showed {missing}")


def _bar_pixels(png: Path) -> int:
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        return sum(
            1
            for p in rgb.get_flattened_data()
            if all(abs(c - b) <= 12 for c, b in zip(p, BAR_RGB, strict=True))
        )


def _screenshot(chromium: Path, tmp: Path, url: str, png: Path) -> None:
    for _ in range(ATTEMPTS):
        png.unlink(missing_ok=True)
        _chromium(chromium, tmp, f"--screenshot={png}", url)
        if png.exists() and _bar_pixels(png) > 2000:
            return
        time.sleep(1)
    raise AssertionError(f"{url}: screenshot never showed the charts")


@pytest.fixture
def served(tmp_path: Path):
    """The dashboard served on a free port against the fixture, in its own process group."""
    warehouse = make_fixture_warehouse(tmp_path / "gongkai.duckdb")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = (tmp_path / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(APP),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env={**os.environ, "GONGKAI_WAREHOUSE": str(warehouse)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.mark.slow
def test_running_app_shows_figures(served: str, tmp_path: Path) -> None:
    chromium = ensure_chromium()
    # A deep link first, on a fresh server: the page must still run inside the entry script.
    compare = _dom_when(chromium, tmp_path, f"{served}/compare", ("地区比较", "乙市", "演示数据"))
    assert "总览" in compare  # the navigation is there too
    dom = _dom_when(chromium, tmp_path, served, ("本年新收申请", "540", "68.5%", "演示数据"))
    assert "+7.7 个百分点" in dom
    png = tmp_path / "overview.png"
    _screenshot(chromium, tmp_path, served, png)
    with Image.open(png) as im:
        assert im.size == (1400, 1000)
        colours = set(im.convert("RGB").get_flattened_data())
    assert len(colours) > 200  # text and charts, not a blank page
    assert png.stat().st_size > 30_000
    if target := os.environ.get("GONGKAI_SCREENSHOT_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(target) / "dashboard-overview.png")

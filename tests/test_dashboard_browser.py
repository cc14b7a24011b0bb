"""The running app in headless Chromium: the page a person opens shows the expected figures.

Streamlit renders over a websocket after the page has loaded, so ``chromium --dump-dom`` could
return loading skeletons; the page is driven over the DevTools protocol instead
(``browser_cdp``) and read once the app has finished its run and drawn the figures.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from browser_cdp import Browser, free_port, stop_server, wait_healthy
from browser_setup import ensure_chromium
from dashboard_fixture import make_fixture_warehouse
from PIL import Image

pytestmark = pytest.mark.serial

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "dashboards" / "app.py"
BAR_RGB = (0x1F, 0x77, 0xB4)  # dashboards.charts ranking bars




def _bar_pixels(png: Path) -> int:
    with Image.open(png) as im:
        rgb = im.convert("RGB")
        return sum(
            1
            for p in rgb.get_flattened_data()
            if all(abs(c - b) <= 12 for c, b in zip(p, BAR_RGB, strict=True))
        )


@pytest.fixture
def served(tmp_path: Path):
    """The dashboard served on a free port against the fixture, in its own process group."""
    warehouse = make_fixture_warehouse(tmp_path / "gongkai.duckdb")
    port = free_port()
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
        wait_healthy(base, proc)
        yield base
    finally:
        stop_server(proc)
        log.close()


@pytest.mark.slow
def test_running_app_shows_figures(served: str, tmp_path: Path) -> None:
    chromium = ensure_chromium()
    browser = Browser(chromium, tmp_path / "profile")
    try:
        # A deep link first, on a fresh server: the page must still run inside the entry script.
        browser.goto(f"{served}/compare")
        browser.settle(("地区比较", "乙市", "演示数据"))
        assert "总览" in browser.text()  # the navigation is there too
        browser.goto(served)
        browser.settle(("本年新收申请", "540", "68.5%", "演示数据"))
        assert "+7.7 个百分点" in browser.text()
        png = browser.screenshot(tmp_path / "overview.png")
    finally:
        browser.close()
    assert _bar_pixels(png) > 2000  # the charts are drawn, not their skeletons
    with Image.open(png) as im:
        assert im.size == (1400, 1000)
        colours = set(im.convert("RGB").get_flattened_data())
    assert len(colours) > 200  # text and charts, not a blank page
    assert png.stat().st_size > 30_000
    if target := os.environ.get("GONGKAI_SCREENSHOT_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(png, Path(target) / "dashboard-overview.png")

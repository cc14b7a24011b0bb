"""A small driver of headless Chromium over the DevTools protocol, for the browser tests.

``chromium --dump-dom`` returns when a time budget ends, not when Streamlit has drawn the page
(the script runs over a websocket after the page loads), so captures were loading skeletons.
Driving the page instead lets a test wait for what it needs: the app's own "script not running"
state, no stale or skeleton elements, the expected text, and a quiet DOM; then read the text,
the visible cells of a table (the grid's accessibility rows) or take a screenshot.

Only the protocol commands the tests use are here, over ``websockets``' synchronous client (a
dependency of Streamlit itself), so no browser-automation package is needed.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

# True once Streamlit has finished the run and drawn it: the script is not running, nothing is
# stale (greyed while a rerun is pending) or a skeleton, and the page has a main block.
SETTLED_JS = """(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stSpinner"]'))
    return false;
  return !!document.querySelector('[data-testid="stMainBlockContainer"] h1');
})()"""

# The cells of every dataframe as rows of text (only rows the grid has drawn: the visible ones).
TABLES_JS = """(() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')).map(
  df => Array.from(df.querySelectorAll('table[role="grid"] tr')).map(
    tr => Array.from(tr.querySelectorAll('th, td')).map(c => c.innerText.trim()))))()"""


class BrowserError(RuntimeError):
    """Chromium did not start, or a protocol command failed."""


class Browser:
    """One headless Chromium with one tab, driven synchronously."""

    def __init__(self, chromium: Path, profile: Path, width: int = 1400, height: int = 1000):
        self.profile = profile
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                f"--user-data-dir={profile}", f"--window-size={width},{height}",
                "--remote-debugging-port=0", "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._ids = itertools.count(1)
        self._socket = connect(self._page_socket(), max_size=None, open_timeout=30)
        self.ws = self._socket.__enter__()  # closed in close(), like leaving a with-block
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def _page_socket(self, timeout: float = 60) -> str:
        """The websocket URL of the first tab, from the port Chromium wrote to its profile."""
        import urllib.request

        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrowserError(f"chromium exited with {self.proc.returncode}")
            if port_file.exists() and port_file.read_text().strip():
                port = port_file.read_text().split()[0]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as r:
                        tabs = [x for x in json.load(r) if x.get("type") == "page"]
                except OSError:
                    tabs = []
                if tabs:
                    return tabs[0]["webSocketDebuggerUrl"]
            time.sleep(0.2)
        raise BrowserError("chromium did not open its debugging port")

    def send(self, method: str, **params: Any) -> dict:
        """Send one command and return its result (events in between are skipped)."""
        msg_id = next(self._ids)
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv(timeout=120))
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def eval(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:60]}…: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def goto(self, url: str) -> None:
        """Load ``url`` (returns before Streamlit has run; follow with ``settle``)."""
        self.send("Page.navigate", url=url)

    def settle(self, contains: tuple[str, ...] = (), timeout: float = 90, quiet: float = 0.6
               ) -> float:
        """Wait until the app finished its run and shows ``contains``; seconds it took.

        The DOM must also stay unchanged for ``quiet`` seconds: charts and grids draw a moment
        after the run ends. ``contains`` is looked for in the DOM's text (a table's cells are in
        its accessibility rows, not in the visible text).
        """
        start = time.monotonic()
        deadline = start + timeout
        wanted = json.dumps(list(contains), ensure_ascii=False)
        check = f"({SETTLED_JS}) && {wanted}.every(s => document.body.textContent.includes(s))"
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            if self.eval(check):
                size = self.eval("document.body.innerHTML.length")
                if size != last:
                    last, since = size, time.monotonic()
                elif time.monotonic() - since >= quiet:
                    return since - start
            else:
                last = None
            time.sleep(0.1)
        missing = [s for s in contains if not self.eval(
            f"document.body.textContent.includes({json.dumps(s, ensure_ascii=False)})")]
        raise TimeoutError(f"page never settled{'; missing ' + str(missing) if missing else ''}")

    def text(self) -> str:
        """The rendered text of the page, as a person reads it."""
        return self.eval("document.body.innerText")

    def tables(self) -> list[list[list[str]]]:
        """Every dataframe's drawn rows (header first) as lists of cell texts."""
        return self.eval(TABLES_JS)

    def click_at(self, x: float, y: float) -> None:
        """A left click at page coordinates (CSS pixels)."""
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def screenshot(self, png: Path, full_page: bool = False) -> Path:
        """Save the viewport (or the whole page) as PNG."""
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.eval("[document.documentElement.scrollWidth, "
                             "document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight"
                             " || document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = self.send("Page.captureScreenshot", **params)["data"]
        png.write_bytes(base64.b64decode(data))
        return png

    def close(self) -> None:
        """Stop Chromium and remove its profile."""
        try:
            self._socket.__exit__(None, None, None)
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            shutil.rmtree(self.profile, ignore_errors=True)


def free_port() -> int:
    """A TCP port free on the loopback right now (for a Streamlit server under test)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Wait until the Streamlit server at ``base`` answers its health check."""
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


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started in its own session: SIGTERM to its group, SIGKILL after 15 s."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

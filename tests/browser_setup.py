"""Headless Chromium for the browser test: find it, install it on Debian when we may, else skip.

Chromium and the Noto CJK fonts (without which Chinese renders as boxes) come from Debian's
``chromium`` and ``fonts-noto-cjk`` packages. A CI container runs as root and can install them;
a developer's machine without them just skips the browser test with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT_DIR = Path("/usr/share/fonts/opentype/noto")
PACKAGES = ("chromium", "fonts-noto-cjk")


def _has_cjk_fonts() -> bool:
    return any(CJK_FONT_DIR.glob("NotoSansCJK*")) if CJK_FONT_DIR.exists() else False


def _apt_install() -> str | None:
    """Install the packages; return an error text, or ``None`` on success."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", *PACKAGES]):
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(cmd)} failed: {done.stderr.strip()[-300:]}"
    return None


def ensure_chromium() -> Path:
    """Return the Chromium binary, installing Chromium and CJK fonts first if needed.

    Skips the calling test (``pytest.skip``) when they are missing and cannot be installed:
    not root, no ``apt-get``, or the install failed.
    """
    if CHROMIUM.exists() and _has_cjk_fonts():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(
            "needs /usr/bin/chromium and fonts-noto-cjk; run as root on Debian or "
            "`apt-get install -y chromium fonts-noto-cjk`"
        )
    error = _apt_install()
    if error or not CHROMIUM.exists():
        pytest.skip(f"could not install {', '.join(PACKAGES)}: {error or 'chromium missing'}")
    return CHROMIUM

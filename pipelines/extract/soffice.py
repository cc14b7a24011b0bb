"""LibreOffice headless as a converter: an old Office file in, a DOCX/XLSX's bytes out.

LibreOffice reads Word 97-2003, Word 6/95 and WPS files as Word does (field results, merged
cells, revision marks), so when it is installed a ``.doc``/``.wps`` is converted to DOCX and read
by the DOCX reader, tables with their cells. Each conversion runs ``soffice --headless
--convert-to`` in a temporary folder that is removed afterwards, with a time limit after which
the whole process group is killed. LibreOffice keeps a user profile and lets one instance
per profile run, so each process (each build worker) has its own profile folder, created on
its first conversion (~0.4 s), reused after, removed at exit; a folder left by a killed worker
is removed by the next process that starts one.

``GONGKAI_SOFFICE`` chooses the program: a path, or ``off`` to never use LibreOffice (the pure
Python readers then read the files, or refuse what only LibreOffice reads). Unset, ``soffice``
(or ``libreoffice``) is looked up on ``PATH``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

ENV = "GONGKAI_SOFFICE"
OFF = frozenset(("off", "none", "no", "0", "false"))
PROFILE_PREFIX = "gongkai-soffice-profile-"


class ConversionError(RuntimeError):
    """LibreOffice did not produce the converted file (timeout, crash, unreadable input)."""


def soffice_path() -> str | None:
    """The LibreOffice program to run, or None when it is switched off or not installed."""
    chosen = os.environ.get(ENV, "").strip()
    if chosen.lower() in OFF:
        return None
    if chosen:
        return chosen if os.access(chosen, os.X_OK) else shutil.which(chosen)
    return shutil.which("soffice") or shutil.which("libreoffice")


@lru_cache(maxsize=4)
def soffice_version(path: str) -> str:
    """``LibreOffice 7.4`` (the provenance of a conversion); ``LibreOffice`` when unknown."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return "LibreOffice"
    m = re.search(r"(LibreOffice|OpenOffice)\S*\s+(\d+\.\d+)", out)
    return f"{m.group(1)} {m.group(2)}" if m else "LibreOffice"


def _sweep_stale(root: Path) -> None:
    """Remove the profile folders of processes that no longer run (a killed worker's)."""
    for p in root.glob(PROFILE_PREFIX + "*"):
        pid = p.name.removeprefix(PROFILE_PREFIX)
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(p, ignore_errors=True)
        except OSError:
            pass


@lru_cache(maxsize=1)
def _profile_for(pid: int) -> Path:
    root = Path(tempfile.gettempdir())
    _sweep_stale(root)
    folder = root / f"{PROFILE_PREFIX}{pid}"
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _unlimited_memory() -> None:  # pragma: no cover - runs in the child before exec
    """Lift the build worker's address-space cap for LibreOffice (it maps far more than it uses).

    The conversion is bounded by its time limit and the file-size limit instead.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def convert(data: bytes, suffix: str, target: str, timeout_s: float,
            program: str | None = None) -> bytes:
    """``data`` (an Office file named ``*suffix``) converted to ``target`` (``docx``, ``xlsx``).

    Raises :class:`ConversionError` when LibreOffice is missing, times out (its process group is
    killed), or writes no output (a file it cannot read).
    """
    program = program or soffice_path()
    if program is None:
        raise ConversionError("LibreOffice 未安装 / LibreOffice is not installed")
    profile = _profile_for(os.getpid())
    with tempfile.TemporaryDirectory(prefix="gongkai-soffice-") as tmp:
        src = Path(tmp) / f"document{suffix}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", target,
               "--outdir", str(out_dir), str(src)]
        env = {**os.environ, "HOME": tmp}  # nothing written to the user's home
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, env=env, start_new_session=True,
                                    preexec_fn=_unlimited_memory)
        except OSError as exc:
            raise ConversionError(f"无法启动 LibreOffice / cannot start LibreOffice ({exc})"
                                  ) from exc
        try:
            _, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionError(f"LibreOffice 转换超时（{timeout_s:g} 秒）/ "
                                  f"LibreOffice conversion timed out ({timeout_s:g} s)") from None
        finally:
            with contextlib.suppress(ProcessLookupError):  # helpers it may have left behind
                os.killpg(proc.pid, signal.SIGKILL)
        out = out_dir / f"document.{target.split(':', 1)[0]}"
        if not out.is_file() or out.stat().st_size == 0:
            said = err.decode("utf-8", "replace").strip().splitlines()
            said = [s for s in said if "javaldx" not in s]
            why = (said[-1] if said else f"exit code {proc.returncode}")[:200]
            raise ConversionError(f"LibreOffice 未能转换（{why}）/ LibreOffice could not convert "
                                  f"the file ({why})")
        return out.read_bytes()

"""Probe the reading limits: hostile files through ``gongkai extract``, max RSS and seconds each.

Not a test (sizes are large and timings depend on the machine). Writes each hostile input of
``tests/hostile.py`` into a temporary folder, runs ``gongkai extract --json FILE`` on it under
``/usr/bin/time -v`` (with a wall-clock guard) and prints one row per probe: input size, exit
code, wall seconds, maximum resident memory and the first finding's rule and message.

    .venv/bin/python scripts/probe_limits.py [--only NAME ...] [--guard-s 180]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402

PROBES = {
    "docx-paragraphs-1M": ("x.docx", lambda: hostile.docx_many_paragraphs(1_000_000)),
    "docx-paragraphs-600MB": ("x.docx", lambda: hostile.docx_many_paragraphs(16_000_000)),
    "docx-single-run-600MB": ("x.docx", lambda: hostile.docx_single_run(200_000_000)),
    "zip-bomb-2GB": ("x.docx", lambda: hostile.zip_bomb(2_000_000_000)),
    "pdf-600-pages": ("x.pdf", lambda: hostile.pdf_pages(600)),
    "text-100MB": ("x.txt", lambda: hostile.big_text(100)),
    "text-200MB": ("x.txt", lambda: hostile.big_text(200)),
}


def probe(name: str, file_name: str, data: bytes, tmp: Path, guard_s: float) -> str:
    """Run one extract under /usr/bin/time -v; one printed row."""
    path = tmp / f"{name}-{file_name}"
    path.write_bytes(data)
    cmd = ["/usr/bin/time", "-v", str(ROOT / ".venv/bin/gongkai"), "extract", "--json", str(path)]
    t0 = time.perf_counter()
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=guard_s)
        rc, out, err = run.returncode, run.stdout, run.stderr
    except subprocess.TimeoutExpired as exc:
        rc, out, err = "guard", exc.stdout or "", exc.stderr or ""
        out, err = (s.decode() if isinstance(s, bytes) else s for s in (out, err))
    wall = time.perf_counter() - t0
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    rss_mb = f"{int(rss.group(1)) / 1024:.0f} MB" if rss else "?"
    first = "?"
    for line in out.splitlines():
        if line.startswith("{"):
            d = json.loads(line)
            f = (d.get("findings") or [{}])[0]
            first = f"{f.get('rule')}: {f.get('message', '')[:110]}"
    path.unlink()
    return f"{name:<24}{len(data) / 1e6:>10.2f} MB  rc={rc!s:<5}{wall:>7.1f} s{rss_mb:>10}  {first}"


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", choices=sorted(PROBES))
    ap.add_argument("--guard-s", type=float, default=180)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gk_probe_") as tmp:
        for name in args.only or PROBES:
            file_name, make = PROBES[name]
            print(probe(name, file_name, make(), Path(tmp), args.guard_s), flush=True)


if __name__ == "__main__":
    main()

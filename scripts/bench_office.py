"""Seconds per old-Office report: LibreOffice conversion vs. the built-in readers.

Reads every fixture of ``tests/fixtures/office`` ``--rounds`` times through
:func:`pipelines.extract.readers.read_bytes` (the reading only) and through the whole extraction
(:func:`pipelines.extract.engine.extract_bytes`), once with LibreOffice (``GONGKAI_SOFFICE``
unset) and once without (``GONGKAI_SOFFICE=off``: the pure-Python Word 97 reader; spreadsheets
are read by calamine either way). The first LibreOffice conversion of a process, which creates
its profile, is timed apart.

    .venv/bin/python scripts/bench_office.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "fixtures" / "office"


def _time(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    from pipelines.extract.engine import extract_bytes
    from pipelines.extract.readers import read_bytes
    from pipelines.extract.soffice import soffice_path

    files = sorted(p for p in FIXTURES.iterdir()
                   if p.suffix in (".doc", ".wps", ".xls", ".et", ".xlsx"))
    print(f"{'file':<28}{'route':<34}{'read s':>9}{'extract s':>11}")
    for mode in ("libreoffice", "builtin"):
        if mode == "builtin":
            os.environ["GONGKAI_SOFFICE"] = "off"
        elif soffice_path() is None:
            print("LibreOffice is not installed: only the built-in readers are timed")
            continue
        first = None
        for p in files:
            data = p.read_bytes()
            if first is None and mode == "libreoffice" and p.suffix in (".doc", ".wps"):
                start = time.perf_counter()
                read_bytes(data, p.name)
                first = time.perf_counter() - start
            reader = read_bytes(data, p.name).reader
            read_s = _time(lambda d=data, n=p.name: read_bytes(d, n), args.rounds)
            extract_s = _time(lambda d=data, n=p.name: extract_bytes(d, n), args.rounds)
            print(f"{p.name:<28}{reader:<34}{read_s:>9.3f}{extract_s:>11.3f}")
        if first is not None:
            print(f"(first LibreOffice conversion of the process, profile created: {first:.2f} s)")


if __name__ == "__main__":
    main()

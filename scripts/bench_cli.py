"""Benchmark ``gongkai extract``/``gongkai check``: start-up for one file, throughput for many.

Usage::

    .venv/bin/python scripts/bench_cli.py [--docs DIR] [--one FILE] [--runs 5] [--n 60]

* start-up: wall time of the real command (``gongkai extract ONE``, ``gongkai check ONE``) in
  a fresh process, median and min of ``--runs``: what a user waits for one small file;
* throughput: ``--n`` documents (the folder's files, repeated as needed) through the worker
  pool with 1 worker and with one per core: documents per second and CPU use (children's
  user+system time over wall time; 200 % = two cores busy).

``--docs`` defaults to ``$GONGKAI_HOME/demo/docs``; without it a small demo province is
generated into a temporary folder. Timings on a shared machine are noisy: compare runs made
under the same load, and look at the minimum as well as the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GONGKAI = Path(sys.executable).with_name("gongkai")


def _docs(arg: Path | None) -> Path:
    """The documents to read: ``--docs``, the home's demo, or a freshly generated demo."""
    if arg is not None:
        return arg
    home = Path(os.environ.get("GONGKAI_HOME", "data"))
    if (home / "demo" / "docs").is_dir():
        return home / "demo" / "docs"
    from pipelines.demo import generate

    out = Path(tempfile.mkdtemp(prefix="bench-cli-")) / "demo"
    generate(out, seed=20240201, scale=0.05)
    return out / "docs"


def startup(command: str, one: Path, runs: int) -> list[float]:
    """Wall seconds of ``gongkai COMMAND ONE`` in a new process, ``runs`` times."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [str(GONGKAI), command, str(one)], capture_output=True, check=False, cwd=REPO
        )
        times.append(time.perf_counter() - t0)
    return times


def throughput(files: list[Path], workers: int) -> tuple[float, float, float]:
    """(documents per second, workers' CPU %, this process's CPU %) for ``files``."""
    import pipelines

    if (Path(pipelines.__file__).parent / "filepool.py").exists():
        from pipelines.filepool import extract_paths
    else:  # the code before the file pool (for a before/after comparison)
        from pipelines.batch import extract_paths
    before = os.times()
    t0 = time.perf_counter()
    extract_paths(files, workers=workers)
    wall = time.perf_counter() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    own = (after.user - before.user) + (after.system - before.system)
    return len(files) / wall, 100 * cpu / wall, 100 * own / wall


def main() -> None:
    """Print the start-up times and the throughput with 1 worker and one per core."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=None)
    parser.add_argument("--one", type=Path, default=None, help="the one-file start-up document")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--n", type=int, default=60, help="documents for throughput")
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()

    docs = _docs(args.docs)
    files = sorted(p for p in docs.iterdir() if p.is_file())
    one = args.one or min((p for p in files if p.suffix in (".html", ".txt")), key=os.path.getsize)
    print(f"one file: {one.name} ({one.stat().st_size:,} bytes); cores: {os.cpu_count()}")
    for command in ("extract",) + (() if args.skip_check else ("check",)):
        times = startup(command, one, args.runs)
        print(
            f"start-up gongkai {command} (1 file): median {statistics.median(times):.2f} s, "
            f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} runs"
        )
    batch = (files * (args.n // max(1, len(files)) + 1))[: args.n]
    for workers in sorted({1, os.cpu_count() or 1}):
        rate, cpu, own = throughput(batch, workers)
        print(
            f"throughput {len(batch)} docs, {workers} worker(s): {rate:.1f} docs/s, "
            f"workers' CPU {cpu:.0f} %, parent's CPU {own:.0f} %"
        )


if __name__ == "__main__":
    main()

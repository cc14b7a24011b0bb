"""The build benchmark at a small size: the same script a person runs at national size.

Timings are not asserted (they depend on the machine); what is asserted is that every part of
the benchmark ran and printed its figures, so the full run by hand cannot find it broken.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from warehouse.segments import SHARDS

ROOT = Path(__file__).resolve().parents[1]


def test_bench_build_prints_every_figure_at_a_small_scale(tmp_path: Path) -> None:
    home = tmp_path / "home"
    res = subprocess.run(
        [sys.executable, "scripts/bench_build.py", "--scale", "0.05", "--add", "12",
         "--home", str(home)],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    out = res.stdout
    assert res.returncode == 0, out[-3000:] + res.stderr[-3000:]
    generated = re.search(r"generation: ([\d,]+) documents in [\d.]+ s", out)
    assert generated and int(generated.group(1).replace(",", "")) > 20
    clean = re.search(r"clean build: ([\d,]+) reports in ([\d.]+) s .* peak memory ([\d.]+) GB",
                      out)
    assert clean and int(clean.group(1).replace(",", "")) > 0 and float(clean.group(3)) > 0
    assert re.search(r"published the warehouse [\d.]+ s after the command started", out)
    table = out.split("clean build:")[1].split("unchanged rebuild:")[0]
    shown = set(re.findall(r"^  (core_shard_\w+) ", table, re.M))
    assert shown == {f"core_shard_{s}" for s in SHARDS}  # every step, however fast
    assert "out_warehouse_staging" in table
    unchanged = out.split("unchanged rebuild:")[1].split("incremental build:")[0]
    assert "out_warehouse_staging" not in unchanged  # no job ran, so no steps to show
    grown = re.search(r"incremental build: \+([\d,]+) reports \(12 files\) → ([\d,]+)", out)
    assert grown and int(grown.group(2).replace(",", "")) == (
        int(clean.group(1).replace(",", "")) + int(grown.group(1).replace(",", "")))
    overall = re.search(r"OVERALL\s+(\d+)\s+([\d.]+)\s+([\d.]+)", out)
    assert overall and int(overall.group(1)) > 0, out[-2000:]

"""Benchmark of whole builds: generate, clean build, unchanged rebuild, +N reports, dashboard.

Not a test (timings depend on the machine). One run prints:

* demo generation: time and document count (``--national``, ``--provinces`` or ``--scale``);
* a clean ``gongkai build`` (empty home, no cached extractions): wall time, reports/s, peak
  memory of the whole process tree (the build and its workers, sampled from ``/proc``), and
  the time and reports/s of every Dagster step, from the run's event log;
* a rebuild with the inbox unchanged;
* an incremental build after adding ``--add`` reports (a second demo of another seed);
* dashboard data-layer query times p50/p95 on the built warehouse, when
  ``scripts/bench_dashboard.py`` is present.

Every build runs as ``gongkai build`` in a subprocess, exactly as a user runs it.

    .venv/bin/python scripts/bench_build.py --scale 0.2           # CI-sized
    .venv/bin/python scripts/bench_build.py --national --add 1000  # the full run, by hand
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GONGKAI = str(ROOT / ".venv" / "bin" / "gongkai")
PY = str(ROOT / ".venv" / "bin" / "python")


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            pages = int((d / "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = pages
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``cmd``; wall seconds, peak MB of its process tree, and its output."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.5)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    t.join()
    if proc.returncode == 2 and cmd[-1] == "build":
        print("  (published, but the open-data export failed: "
              f"{out.strip().splitlines()[-1][:300]})")
    elif proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out[-3000:]}")
    return time.monotonic() - started, peak[0], out


def step_times(env: dict[str, str]) -> dict[str, float | str]:
    """Seconds per step of the latest Dagster run of this home (from its event log).

    Also ``"@published"``: the clock time the published warehouse was switched in (the end
    of ``out_warehouse``), which :func:`print_published` sets against the command's start.
    """
    code = """
import json
from dagster import DagsterEventType
from pipelines.cli import _instance
with _instance() as inst:
    run = inst.get_runs(limit=1)[0]
    start, out = {}, {}
    for e in inst.all_logs(run.run_id):
        ev = e.dagster_event
        if e.step_key is None or ev is None:
            continue
        if ev.event_type == DagsterEventType.STEP_START:
            start[e.step_key] = e.timestamp
        elif ev.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            out[e.step_key] = e.timestamp - start.get(e.step_key, e.timestamp)
            if e.step_key == "out_warehouse":
                out["@published"] = e.timestamp
out["@run"] = run.run_id
print(json.dumps(out))
"""
    res = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return json.loads(res.stdout.strip().splitlines()[-1])


def reports_in(env: dict[str, str]) -> int:
    """Published + quarantined reports of the home's warehouse."""
    code = ("import duckdb,os; c=duckdb.connect(os.environ['GONGKAI_HOME']+"
            "'/warehouse/gongkai.duckdb', read_only=True); "
            "print(c.execute('SELECT reports_published+reports_quarantined FROM meta_build')"
            ".fetchall()[0][0])")
    res = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, check=True)
    return int(res.stdout.strip())


def generate(args: argparse.Namespace, out: Path, seed: int) -> tuple[float, int]:
    """Generate the demo into ``out``; seconds and documents."""
    # A file, not ``-c``: the generator's process pool re-imports the main module.
    script = out.parent / f".generate-{seed}.py"
    script.write_text(
        "import json, sys\nfrom pathlib import Path\nfrom pipelines.demo import generate\n"
        "if __name__ == '__main__':\n"
        "    kw = json.loads(sys.argv[1])\n"
        f"    s = generate(Path(sys.argv[2]), seed={seed}, **kw)\n"
        "    print(json.dumps({'documents': s['documents']}))\n", encoding="utf-8")
    kw: dict = {"scale": args.scale}
    if args.national:
        kw["national"] = True
    if args.provinces:
        kw["provinces"] = args.provinces.split(",")
    started = time.monotonic()
    res = subprocess.run([PY, str(script), json.dumps(kw), str(out)], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if res.returncode:
        sys.exit(f"generation failed:\n{res.stderr[-3000:]}")
    return time.monotonic() - started, json.loads(res.stdout.strip().splitlines()[-1])[
        "documents"]


def print_published(steps: dict[str, float], started: float) -> None:
    """How long after the command started the new warehouse was published."""
    if "@published" in steps:
        print(f"  published the warehouse {steps['@published'] - started:.1f} s after the "
              "command started (the open-data export follows)")


def print_steps(steps: dict[str, float], reports: int) -> None:
    """Every step, the slowest first, with reports per second.

    All of them, not the slowest few: which steps are slow depends on the machine and the size,
    and a step missing from the table would read as a step that did not run.
    """
    steps = {k: v for k, v in steps.items() if not k.startswith("@")}
    print(f"  {'step':<52} {'s':>8} {'reports/s':>10}")
    for key, secs in sorted(steps.items(), key=lambda kv: -kv[1]):
        rate = f"{reports / secs:,.0f}" if secs > 0.05 else "–"
        print(f"  {key:<52} {secs:8.1f} {rate:>10}")


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--national", action="store_true")
    ap.add_argument("--provinces", default="")
    ap.add_argument("--add", type=int, default=1000, help="reports added for the incremental run")
    ap.add_argument("--source", type=Path, default=None,
                    help="reuse a generated demo folder (its docs/) instead of generating")
    ap.add_argument("--home", type=Path, default=None, help="keep the home here (else temp)")
    args = ap.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_LANG": "en"}
    cpus = os.cpu_count()
    print(f"# build benchmark · {cpus} cores · home {home}")

    source = home / "source"
    if args.source:
        source = args.source
        docs = sum(1 for _ in (source / "docs").iterdir())
        print(f"generation: reused {source} ({docs:,} documents)")
    else:
        secs, docs = generate(args, source, seed=20240201)
        print(f"generation: {docs:,} documents in {secs:.1f} s ({docs / secs:,.0f} docs/s)")
    secs, _, _ = run([GONGKAI, "ingest", str(source / "docs")], env)
    print(f"ingest: {secs:.1f} s")

    started = time.time()
    secs, peak, _ = run([GONGKAI, "build"], env)
    reports = reports_in(env)
    print(f"\nclean build: {reports:,} reports in {secs:.1f} s = {reports / secs:,.1f} reports/s"
          f" · peak memory {peak / 1024:.2f} GB (build + workers)")
    steps = step_times(env)
    print_published(steps, started)
    print_steps(steps, reports)

    secs, peak, _ = run([GONGKAI, "build"], env)
    print(f"\nunchanged rebuild: {secs:.1f} s · peak {peak / 1024:.2f} GB")
    again = step_times(env)
    if again["@run"] != steps["@run"]:  # an unchanged inbox runs no Dagster job at all
        print_steps(again, reports)

    if args.add:
        extra = home / "extra"
        generate(argparse.Namespace(
            scale=min(1.0, max(0.05, args.add / 1100)), national=False, provinces=""),
            extra, seed=7)
        picked = home / "extra-picked"
        picked.mkdir()
        for p in sorted((extra / "docs").iterdir())[: args.add]:
            shutil.copy2(p, picked / p.name)
        run([GONGKAI, "ingest", str(picked)], env)
        started = time.time()
        secs, peak, _ = run([GONGKAI, "build"], env)
        after = reports_in(env)
        print(f"\nincremental build: +{after - reports:,} reports ({len(list(picked.iterdir()))}"
              f" files) → {after:,} in {secs:.1f} s · peak {peak / 1024:.2f} GB")
        steps = step_times(env)
        print_published(steps, started)
        print_steps(steps, after)

    bench = ROOT / "scripts" / "bench_dashboard.py"
    if bench.exists():
        res = subprocess.run([PY, str(bench), "--warehouse",
                              str(home / "warehouse" / "gongkai.duckdb")],
                             env=env, capture_output=True, text=True)
        print("\n" + (res.stdout or res.stderr)[-4000:])


if __name__ == "__main__":
    main()

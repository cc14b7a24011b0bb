r"""Where a build's per-document extraction time goes: docs/s/core per container, per phase.

Runs, in this one process, what a build's extraction worker and the parent that caches its
result do per document (:func:`pipelines.batch._extract_one`, then the pipe and the cache
write of :func:`pipelines.batch.map_cached`), split into phases timed by CPU time
(``time.process_time``, so other load on the machine counts little):

* ``file``: opening and reading the file, its size check and sha256;
* ``read``: bytes → lines of cells (:func:`pipelines.extract.readers.read_bytes`);
* ``extract``: the engine (:func:`pipelines.extract.engine.extract_document`) and ``to_json``;
* ``facts``: the checker's text facts (:func:`pipelines.checker.facts.document_facts`);
* ``ipc``: the worker's encoding of the cache entry (:func:`pipelines.batch.encode_entry`) and
  its pickling to the parent and back (what the pool's pipe does);
* ``cache``: the parent's file write.

The sample is drawn from a generated national demo (its ``MANIFEST.tsv``), stratified by
container in the national proportions, so the overall rate is the national one.
``--cprofile N`` also prints the N functions with the most own time per container and overall.

    .venv/bin/python scripts/profile_extract.py --national /tmp/natdemo-home/national \
        [--sample 5000] [--seed 13] [--cprofile 25]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import hashlib
import io
import os
import pickle
import pstats
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PHASES = ("file", "read", "extract", "facts", "ipc", "cache")


def national_sample(root: Path, n: int, seed: int) -> list[Path]:
    """``n`` documents of ``root/docs``, per container in the proportions of its MANIFEST."""
    by_container: dict[str, list[str]] = defaultdict(list)
    with (root / "MANIFEST.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            by_container[row["container"]].append(row["file"])
    total = sum(map(len, by_container.values()))
    rng = random.Random(seed)
    out: list[Path] = []
    for container in sorted(by_container):
        files = sorted(by_container[container])
        k = max(1, round(n * len(files) / total))
        out += [root / "docs" / name for name in sorted(rng.sample(files, k))]
    return out


def _warm() -> None:
    """Import the engine and load the place index, as a pool worker does before its tasks."""
    from pipelines.extract import extract_bytes
    from pipelines.pool import engine_warm_up

    extract_bytes("2023年度政府信息公开工作年度报告\n本年新收申请 1".encode(), "warm.txt")
    engine_warm_up()


def one(path: Path, cache: Path, clock: dict[str, float]) -> str:
    """Run one document through the build path, adding each phase's CPU time to ``clock``.

    The same calls, in the same order, as ``read_document_file`` → ``_extract_entry`` →
    ``map_cached.keep``; returns the container.
    """
    from pipelines.batch import FACTS_KEY, _limited, encode_entry
    from pipelines.checker.facts import document_facts
    from pipelines.extract.engine import _refused, _unreadable, extract_document
    from pipelines.extract.limits import check_file_size, current_limits
    from pipelines.extract.readers import read_bytes, sniff_container
    from pipelines.extract.refusal import Refusal

    t = time.process_time()
    source = path.name
    with path.open("rb") as f:
        head = f.read(200_000)
        check_file_size(path.stat().st_size, sniff_container(head, source), source,
                        current_limits())
        data = head + f.read()
    sha = hashlib.sha256(data).hexdigest()
    t1 = time.process_time()
    clock["file"] += t1 - t
    try:
        doc = read_bytes(data, source)
    except Refusal as refusal:
        doc, ex = None, _refused(source, sha, refusal)
    except Exception as exc:
        doc, ex = None, _unreadable(source, sha, f"{source}: {exc}")
    t2 = time.process_time()
    clock["read"] += t2 - t1
    text = ""
    if doc is not None:
        ex = extract_document(doc, source, sha)
        ex.findings[:0] = doc.findings
        text = doc.text
    d = ex.to_json()
    t3 = time.process_time()
    clock["extract"] += t3 - t2
    if text and ex.document_kind == "annual_report":
        d[FACTS_KEY] = document_facts(text).to_json()
    d = _limited(d)
    t4 = time.process_time()
    clock["facts"] += t4 - t3
    entry = pickle.loads(pickle.dumps(("ok", encode_entry(d))))[1]
    t5 = time.process_time()
    clock["ipc"] += t5 - t4
    tmp = cache / f".{sha}.{os.getpid()}.tmp"
    tmp.write_bytes(entry)
    os.replace(tmp, cache / f"{sha}.json")
    clock["cache"] += time.process_time() - t5
    return ex.container or "none"


def run(paths: list[Path], top: int) -> None:
    """Profile ``paths`` and print the tables."""
    _warm()
    clocks: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    docs: dict[str, int] = defaultdict(int)
    stats: dict[str, pstats.Stats] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gk_profile_") as tmp:
        for p in paths:
            clock: dict[str, float] = defaultdict(float)
            prof = cProfile.Profile() if top else None
            if prof:
                prof.enable()
            container = one(p, Path(tmp), clock)
            if prof:
                prof.disable()
                for name in (container, "all containers"):
                    if name in stats:
                        stats[name].add(prof)
                    else:
                        stats[name] = pstats.Stats(prof)
            docs[container] += 1
            for k, v in clock.items():
                clocks[container][k] += v
    wall = time.perf_counter() - t0
    _print_table(docs, clocks)
    print(f"wall {wall:.1f} s for {sum(docs.values())} documents in one process"
          + (" (under cProfile: the rates are lower than without)" if top else ""))
    if top:
        for name, st in sorted(stats.items()):
            _print_top(f"{name}: top {top} by own time", st, top)
            _print_top(f"{name}: top {top} by cumulative time", st, top, "cumulative")


def _print_top(title: str, stats: pstats.Stats, top: int, sort: str = "tottime") -> None:
    buf = io.StringIO()
    stats.stream = buf  # type: ignore[attr-defined]
    stats.sort_stats(sort).print_stats(top)
    lines = buf.getvalue().splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    print(f"\n### {title}")
    print("\n".join(ln.replace(str(ROOT) + "/", "") for ln in lines[start:] if ln.strip()))


def _print_table(docs: dict[str, int], clocks: dict[str, dict[str, float]]) -> None:
    head = f"{'container':<10}{'docs':>7}{'cpu s':>9}{'docs/s/core':>13}"
    print("\n" + head + "".join(f"{p + ' %':>10}" for p in PHASES))
    rows = [*sorted(docs), "all"]
    for c in rows:
        n = sum(docs.values()) if c == "all" else docs[c]
        clock = ({p: sum(clocks[k][p] for k in docs) for p in PHASES} if c == "all"
                 else clocks[c])
        secs = sum(clock.get(p, 0.0) for p in PHASES)
        rate = n / secs if secs else float("inf")
        shares = "".join(f"{100 * clock.get(p, 0.0) / secs if secs else 0:>10.1f}"
                         for p in PHASES)
        print(f"{c:<10}{n:>7}{secs:>9.2f}{rate:>13.1f}{shares}")
    print("ms/doc per phase: " + ", ".join(
        f"{p} {1000 * sum(clocks[k][p] for k in docs) / max(1, sum(docs.values())):.2f}"
        for p in PHASES))


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--national", type=Path, default=Path("/tmp/natdemo-home/national"))
    ap.add_argument("--sample", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cprofile", type=int, default=0, metavar="N")
    args = ap.parse_args(argv)
    run(national_sample(args.national, args.sample, args.seed), args.cprofile)


if __name__ == "__main__":
    main()

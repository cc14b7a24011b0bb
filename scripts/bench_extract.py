"""Benchmark of the extraction engine: documents per second per core, PDF pages per second, memory.

Not a test (timings depend on the machine). Runs :func:`pipelines.extract.extract_bytes` over

* the real corpus (``../shared/corpus/docs``), and
* the demo province, generated once into a temporary folder and its documents replicated until
  there are at least ``--demo-docs`` of them (10,000 by default),

in a process pool with one worker per core, and prints one table per run: per container the
documents, the engine's CPU seconds (summed over workers, file reading excluded), documents per
second per core, and for PDFs pages per second per core; then wall time and the peak resident
memory of the workers and of this process (``resource.getrusage`` maxrss).

    .venv/bin/python scripts/bench_extract.py [--corpus DIR] [--demo-docs N] [--workers N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHUNK = 64


def _warm() -> None:
    """Worker start-up: import the engine and build the body index (not timed)."""
    from pipelines.extract import extract_bytes

    warm = "2023年度政府信息公开工作年度报告\n本年新收政府信息公开申请数量 1"
    extract_bytes(warm.encode(), "warm.txt")


def _pdf_pages(data: bytes) -> int:

    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def _run_chunk(paths: list[str]) -> tuple[list[tuple[str, float, int]], int]:
    """Extract each file; (container, engine seconds, PDF pages) per file, and worker maxrss."""
    from pipelines.extract import extract_bytes

    out = []
    for p in paths:
        data = Path(p).read_bytes()
        # CPU time of this worker, so that other load on the machine does not count
        t0 = time.process_time()
        ex = extract_bytes(data, Path(p).name)
        dt = time.process_time() - t0
        pages = _pdf_pages(data) if ex.container == "pdf" else 0
        out.append((ex.container, dt, pages))
    return out, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench(name: str, files: list[Path], workers: int) -> dict:
    """Run ``files`` through a pool of ``workers`` processes and print the table."""
    chunks = [[str(p) for p in files[i:i + CHUNK]] for i in range(0, len(files), CHUNK)]
    secs: dict[str, float] = defaultdict(float)
    docs: dict[str, int] = defaultdict(int)
    pages: dict[str, int] = defaultdict(int)
    worker_rss = 0
    t0 = time.perf_counter()
    # spawn, not fork: the demo generator has started polars' thread pool in this process, and a
    # forked child inherits its locks without the threads (the workers hang).
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm, mp_context=ctx) as pool:
        for rows, rss in pool.map(_run_chunk, chunks):
            worker_rss = max(worker_rss, rss)
            for container, dt, n in rows:
                secs[container] += dt
                docs[container] += 1
                pages[container] += n
    wall = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\n## {name}: {len(files)} documents, {workers} worker processes")
    print(f"{'container':<10}{'docs':>8}{'engine cpu s':>13}{'docs/s/core':>13}"
          f"{'pages/s/core':>14}")
    for c in sorted(docs):
        rate = docs[c] / secs[c] if secs[c] else float("inf")
        prate = f"{pages[c] / secs[c]:.1f}" if pages[c] else "–"
        print(f"{c:<10}{docs[c]:>8}{secs[c]:>13.2f}{rate:>13.1f}{prate:>14}")
    html_txt = [c for c in docs if c in ("html", "txt", "md")]
    n_ht = sum(docs[c] for c in html_txt)
    s_ht = sum(secs[c] for c in html_txt)
    if s_ht:
        print(f"{'html+txt+md':<10}{n_ht:>8}{s_ht:>13.2f}{n_ht / s_ht:>13.1f}{'–':>14}")
    total = sum(docs.values())
    print(f"wall {wall:.1f} s · {total / wall:.1f} docs/s over {workers} workers "
          f"({total / wall / workers:.1f} docs/s/core incl. pool overhead and PDF page counting)")
    print(f"peak RSS: worker {worker_rss / 1024:.0f} MB (children maxrss "
          f"{children / 1024:.0f} MB), main process {own / 1024:.0f} MB")
    return {"docs": dict(docs), "secs": dict(secs), "wall": wall, "worker_rss_kb": worker_rss}


def demo_files(target: int, tmp: Path, scale: float) -> list[Path]:
    """Generate the demo province once and replicate its documents up to ``target``."""
    from pipelines.demo import generate

    out = tmp / "demo"
    t0 = time.perf_counter()
    generate(out, scale=scale)
    docs = sorted(p for p in (out / "docs").iterdir() if p.is_file())
    took = time.perf_counter() - t0
    print(f"generated {len(docs)} demo documents (scale {scale}) in {took:.1f} s; "
          f"replicated to ≥ {target}")
    reps = -(-target // len(docs))
    return (docs * reps)[: max(target, len(docs))]


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--demo-docs", type=int, default=10_000)
    ap.add_argument("--demo-scale", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args(argv)
    corpus_docs = args.corpus / "docs"
    if corpus_docs.is_dir():
        bench("corpus", sorted(p for p in corpus_docs.iterdir() if p.is_file()), args.workers)
    else:
        print(f"no corpus at {args.corpus}; skipped")
    if args.demo_docs > 0:
        with tempfile.TemporaryDirectory(prefix="gk_bench_") as tmp:
            files = demo_files(args.demo_docs, Path(tmp), args.demo_scale)
            bench("demo", files, args.workers)


if __name__ == "__main__":
    main()

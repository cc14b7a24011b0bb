r"""Dump the build's reading of many documents, or compare it with a dump made before.

A speed change to the extraction path must not change one reading. This runs exactly what a
build's extraction worker runs per document (:func:`pipelines.batch._extract_one`: reading,
extraction, the checker's text facts, the cache entry) over a list of documents and writes one
line per document: its path and the cache entry as ``json.dumps(entry, ensure_ascii=False)``
(key order included), after checking that the bytes a build stores decode to the same
entry. ``compare`` reads such a dump, reads every document again with the
current code and lists each document whose entry differs, byte for byte.

    .venv/bin/python scripts/readings.py dump OUT.tsv --national DIR --sample 5000 \
        [--docs DIR ...] [--workers 2]
    .venv/bin/python scripts/readings.py compare OUT.tsv [--workers 2]

Not a test: a dump takes minutes. The sample is that of ``scripts/profile_extract.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from profile_extract import national_sample  # noqa: E402

CHUNK = 32


def entry_of(path: str) -> str:
    """The cache entry a build stores for ``path``, as the text the comparison holds."""
    import orjson

    from pipelines.batch import _extract_one, encode_entry

    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    d = _extract_one((path, Path(path).name, sha))
    text = json.dumps(d, ensure_ascii=False)
    if orjson.loads(encode_entry(d)) != json.loads(text):  # tuples are lists in both
        raise AssertionError(f"{path}: the stored bytes do not decode to the entry")
    return text


def _entries(paths: list[str]) -> list[tuple[str, str]]:
    return [(p, entry_of(p)) for p in paths]


def read_all(paths: list[str], workers: int) -> dict[str, str]:
    """Every path's entry, in ``workers`` spawned processes."""
    chunks = [paths[i:i + CHUNK] for i in range(0, len(paths), CHUNK)]
    out: dict[str, str] = {}
    ctx = multiprocessing.get_context("spawn")
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        for part in pool.map(_entries, chunks):
            out.update(part)
            if len(out) % 1024 < CHUNK:
                print(f"  {len(out)}/{len(paths)} in {time.perf_counter() - t0:.0f} s",
                      file=sys.stderr)
    return out


def document_paths(national: Path | None, sample: int, seed: int, folders: list[Path]) -> list[str]:
    """The national sample, then every file of each folder (sorted)."""
    paths = [str(p) for p in national_sample(national, sample, seed)] if national else []
    for folder in folders:
        paths += sorted(str(p) for p in folder.iterdir() if p.is_file())
    return paths


def dump(out: Path, paths: list[str], workers: int) -> None:
    """Write ``path<TAB>entry`` per document."""
    entries = read_all(paths, workers)
    with out.open("w", encoding="utf-8") as f:
        for p in paths:
            f.write(f"{p}\t{entries[p]}\n")
    print(f"dumped {len(paths)} documents to {out}")


def compare(dumped: Path, workers: int) -> int:
    """Read every document of ``dumped`` again; the number of documents whose entry differs."""
    before: dict[str, str] = {}
    with dumped.open(encoding="utf-8") as f:
        for line in f:
            path, entry = line.rstrip("\n").split("\t", 1)
            before[path] = entry
    after = read_all(list(before), workers)
    differ = [p for p in before if before[p] != after[p]]
    for p in differ[:20]:
        old, new = json.loads(before[p]), json.loads(after[p])
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        same = "dicts equal, bytes differ" if old == new else f"differs in {keys}"
        print(f"DIFFERENT {p}: {same}")
    print(f"compared {len(before)} documents: {len(before) - len(differ)} identical, "
          f"{len(differ)} different")
    return len(differ)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("dump", "compare"))
    ap.add_argument("file", type=Path)
    ap.add_argument("--national", type=Path)
    ap.add_argument("--sample", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--docs", type=Path, action="append", default=[])
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    if args.action == "dump":
        dump(args.file, document_paths(args.national, args.sample, args.seed, args.docs),
             args.workers)
        return 0
    return 1 if compare(args.file, args.workers) else 0


if __name__ == "__main__":
    sys.exit(main())

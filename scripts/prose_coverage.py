"""How much of the prose the reader places: numbers near disclosure wording, placed or not.

Not a test (no gold needed): over every real text — ``tests/cases/texts/*.txt`` and, when
present, the corpus documents (``../shared/corpus/docs``) — each counted number in a clause
with disclosure wording ends up *assigned* to a key, classed as *not a figure* (with a reason),
or *unplaced* (withheld with an ``unplaced_figure`` finding). The share placed says how general
the reader is on wording it was not built from; ``--show`` lists the unplaced clauses.

    .venv/bin/python scripts/prose_coverage.py [--corpus DIR] [--show]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def files(corpus: Path) -> list[Path]:
    """The real texts: collected case texts, then the corpus documents when present."""
    out = sorted((ROOT / "tests" / "cases" / "texts").glob("*.txt"))
    if (corpus / "docs").is_dir():
        out += sorted(p for p in (corpus / "docs").iterdir() if p.is_file())
    return out


def main(argv: list[str] | None = None) -> None:
    """Print placed / unplaced counts per source and overall."""
    from pipelines.extract.fulltext import document_text
    from pipelines.extract.prose import compact, read_prose

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--show", action="store_true", help="list the unplaced clauses")
    args = ap.parse_args(argv)
    totals: Counter[str] = Counter()
    by_group: dict[str, Counter[str]] = {}
    unplaced: list[tuple[str, str]] = []
    for path in files(args.corpus):
        group = "cases" if path.parent.name == "texts" else "corpus"
        reading = read_prose(compact(document_text(path)))
        for p in reading.placements:
            totals[p.status] += 1
            by_group.setdefault(group, Counter())[p.status] += 1
            if p.status == "unplaced":
                unplaced.append((path.name, f"{p.value}{p.unit} {p.reason}: {p.sentence}"))
    print(f"{'texts':8} {'numbers':>8} {'assigned':>9} {'not fig.':>9} {'unplaced':>9} "
          f"{'placed %':>9}")
    for name, c in [*sorted(by_group.items()), ("all", totals)]:
        n = sum(c.values())
        placed = c["assigned"] + c["not_figure"]
        share = 100 * placed / n if n else 100.0
        print(f"{name:8} {n:8d} {c['assigned']:9d} {c['not_figure']:9d} {c['unplaced']:9d} "
              f"{share:8.1f}%")
    if args.show:
        for name, line in unplaced:
            print(f"  {name}: {line}")


if __name__ == "__main__":
    main()

"""Accuracy on browser-printed copies: corpus (and demo) pages printed to PDF, then evaluated.

A report is often re-published as the PDF a browser prints of its page. This prints every HTML,
Markdown and text document of the corpus with headless Chromium (see ``scripts/printing.py``)
in landscape A4, the tables once as published and once with every border removed (so the
geometry reader must find the columns without ruling lines), and runs ``gongkai eval`` on each
printed set against the corpus's own expected values. ``--demo`` does the same for the HTML
documents of a small generated demo province, whose zero cells are often printed blank.

The copies are written to ``--out`` (a temporary folder by default) and reused when they exist,
so a before/after comparison prints once. Nothing is written into the corpus.

    .venv/bin/python scripts/eval_printed.py [--corpus DIR] [--out DIR] [--demo]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from printing import BORDERLESS, LANDSCAPE, page_for, print_pdf  # noqa: E402

VARIANTS = {"bordered": LANDSCAPE, "borderless": LANDSCAPE + BORDERLESS}


def print_set(docs: list[Path], expected: Path, out: Path, css: str) -> Path:
    """Print ``docs`` into ``out/docs`` as PDFs (reused if present) beside their expected."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "expected").mkdir(parents=True, exist_ok=True)
    for doc in docs:
        exp = expected / f"{doc.stem}.json"
        if not exp.exists():
            continue
        pdf = out / "docs" / f"{doc.stem}.pdf"
        if not pdf.exists():
            print_pdf(css + page_for(doc), pdf)
        shutil.copyfile(exp, out / "expected" / exp.name)
    return out


def report(name: str, folder: Path, base: Path | None) -> None:
    """Print the overall rate of ``folder`` and per document, beside the original's."""
    from pipelines.extract.evaluate import evaluate

    printed = evaluate(folder)
    original = {d.file.rsplit(".", 1)[0]: d for d in evaluate(base).docs} if base else {}

    def rate(d) -> str:
        tot = sum(d.expected.values())
        return f"{sum(d.matched.values()) / tot:7.2%}" if tot else "      –"

    hit = sum(sum(d.matched.values()) for d in printed.docs)
    tot = sum(sum(d.expected.values()) for d in printed.docs)
    print(f"\n## {name}: {hit}/{tot} = {hit / max(tot, 1):.2%} of expected cells")
    for d in sorted(printed.docs, key=lambda d: d.file):
        stem = d.file.rsplit(".", 1)[0]
        orig = original.get(stem)
        print(f"  {stem:<40} printed {rate(d)}   original {rate(orig) if orig else '      –'}")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--demo", action="store_true", help="also print the demo HTML documents")
    args = ap.parse_args(argv)
    tmp = None
    if args.out is None:
        tmp = tempfile.TemporaryDirectory(prefix="gk_printed_")
        args.out = Path(tmp.name)
    docs = sorted(p for p in (args.corpus / "docs").iterdir()
                  if p.suffix.lower() in (".html", ".htm", ".md", ".txt"))
    for name, css in VARIANTS.items():
        folder = print_set(docs, args.corpus / "expected", args.out / f"corpus-{name}", css)
        report(f"corpus printed, {name}", folder, args.corpus)
    if args.demo:
        from pipelines.demo import generate

        demo = args.out / "demo-source"
        if not demo.exists():
            generate(demo, scale=0.05)
        html = sorted((demo / "docs").glob("*.html"))
        for name, css in VARIANTS.items():
            folder = print_set(html, demo / "expected", args.out / f"demo-{name}", css)
            report(f"demo HTML printed, {name}", folder, None)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

"""Accuracy on reworded copies: the corpus's sentences said the way other bodies say them.

The issue that asked for a prose reader found every reworded headline figure missed. This makes
copies of the corpus's text documents (HTML, Markdown, text) with their wording swapped for
wordings seen in other provinces' reports (``tests/cases/prose_sentences.yaml``), converted to
traditional script and full-width digits too, and runs ``gongkai eval`` on each set against the
corpus's own expected values. The figures must not move.

    .venv/bin/python scripts/eval_reworded.py [--corpus DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (as the corpus says it, as another body says it). Each right-hand side is a wording of a real
# sentence in tests/cases/prose_sentences.yaml; none touches a table label.
REWORDINGS: tuple[tuple[str, str], ...] = (
    ("主动公开政府信息", "主动公开各类政务信息"),
    ("发布政策解读", "发布政策文件解读"),
    ("收到政府信息公开申请", "接收政府信息公开申请"),
    ("受理政府信息公开申请", "共收到有关政府信息公开的申请"),
    ("未收到", "没有收到"),
    ("未收取", "没有收取"),
    ("召开新闻发布会", "举办新闻发布会"),
    ("共计", "共"),
)


def reword(text: str) -> str:
    """The text with every rewording applied."""
    for old, new in REWORDINGS:
        text = text.replace(old, new)
    return text


def traditional_fullwidth(text: str) -> str:
    """Traditional script (OpenCC s2t) and full-width digits, as mirror sites print."""
    import opencc

    text = opencc.OpenCC("s2t").convert(text)
    return text.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})


def decode_text(path: Path) -> str:
    """A document's text, decoded as the engine decodes it."""
    from pipelines.extract.encoding import decode_bytes

    return decode_bytes(path.read_bytes())[0]


def make_set(corpus: Path, out: Path, change) -> Path:
    """Copies of the corpus's text documents changed by ``change``, beside their expected."""
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "expected").mkdir(parents=True, exist_ok=True)
    for doc in sorted((corpus / "docs").iterdir()):
        exp = corpus / "expected" / f"{doc.stem}.json"
        if doc.suffix.lower() not in (".html", ".md", ".txt") or not exp.exists():
            continue
        (out / "docs" / doc.name).write_text(change(decode_text(doc)), encoding="utf-8")
        shutil.copyfile(exp, out / "expected" / exp.name)
    return out


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    from pipelines.extract.evaluate import evaluate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gk_reworded_") as tmp:
        sets = {
            "as published": make_set(args.corpus, Path(tmp) / "same", lambda t: t),
            "reworded": make_set(args.corpus, Path(tmp) / "reworded", reword),
            "reworded, traditional, full-width": make_set(
                args.corpus, Path(tmp) / "trad", lambda t: traditional_fullwidth(reword(t))),
        }
        hits = sum(decode_text(d).count(old) for d in (args.corpus / "docs").iterdir()
                   if d.suffix.lower() in (".html", ".md", ".txt") for old, _ in REWORDINGS)
        print(f"{hits} wordings swapped in the corpus's text documents")
        for name, folder in sets.items():
            res = evaluate(folder)
            rates = res.rates()
            changed = sum(1 for d in res.docs for _ in d.mismatches)
            print(f"{name:<36} overall {rates['overall']['all']:.2%} · headline "
                  f"{rates['table'].get('headline', 0):.2%} · prose "
                  f"{rates['prose'].get('all', 0):.2%} · wrong values {changed}")


if __name__ == "__main__":
    main()

"""Make the old-Office test fixtures in ``tests/fixtures/office/`` (run once; needs LibreOffice).

Each fixture is a demo report (``pipelines.demo``, seed 20240201, scale 0.05: 演示数据) saved the
way government sites publish it:

* Word 97-2003 ``.doc``: the demo's DOCX converted by LibreOffice (``MS Word 97`` filter); the
  ``.wps`` copy is what WPS Writer writes (a Word-97-compatible OLE2 file under another name);
* Excel 97-2003 ``.xls``: the demo's report laid out on a sheet (``pipelines.demo.render_xlsx``:
  text in column A, the tables with merged header cells) converted by LibreOffice (``MS Excel
  97``); the ``.et`` copy is what WPS Spreadsheets writes; the ``.xlsx`` is kept as well;
* Rich Text (``.rtf``, which sites also publish under ``.doc``): the DOCX saved by LibreOffice;
* a GBK-era text in a ``.doc``: the demo's plain-text report encoded GBK, imported by
  LibreOffice with that encoding and saved as ``.doc``.

The document each was made from (DOCX, HTML, GBK text) is kept beside it (``*.src.*``): the tests
read both and compare the values key by key. ``expected.json`` holds, per fixture, the source
file and the demo stem (``files``), and the generator's truth for each stem (``truth``: its
``expected/<stem>.json`` template, values and cell kinds), so no value is typed by hand.

    .venv/bin/python scripts/make_office_fixtures.py [--out tests/fixtures/office]

Needs ``apt-get install -y --no-install-recommends libreoffice-writer-nogui
libreoffice-calc-nogui``.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED, SCALE = 20240201, 0.05
# fixture name → demo stem; the stems give both templates and blank zero cells
WORD = {"t2021": "320000_gov_2024", "t2021_blank": "320813001_gov_2023",
        "t2019": "320813001_gov_2019"}
WPS = "t2021_blank"  # also saved as .wps
SHEETS = {"sheet_t2021_blank": "320813_gov_2022", "sheet_t2019_blank": "320800_gov_2021"}
ET = "sheet_t2021_blank"  # also saved as .et
GBK_TEXT = ("gbk_text", "320826_gov_2022")


def soffice(program: str, src: Path, target: str, out: Path, infilter: str = "") -> Path:
    """Convert ``src`` with LibreOffice into the folder ``out``; the converted file."""
    profile = out / ".profile"
    cmd = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", target, "--outdir", str(out), str(src)]
    subprocess.run(cmd, capture_output=True, timeout=300, check=True)
    made = out / f"{src.stem}.{target.split(':', 1)[0]}"
    if not made.is_file():
        raise SystemExit(f"LibreOffice did not convert {src.name} to {target}")
    return made


def _generate(demo: Path, wanted: set[str]) -> dict:
    """Generate the demo, keeping the printed document of the ``wanted`` stems."""
    import importlib

    G = importlib.import_module("pipelines.demo.generate")  # the module, not the function

    kept: dict = {}
    render = G._render

    def keep(doc, rng):  # the generator drops documents once written; keep the few we need
        if doc.stem in wanted:
            kept[doc.stem] = copy.deepcopy(doc)
        return render(doc, rng)

    G._render = keep
    try:
        G.generate(demo, seed=SEED, scale=SCALE)
    finally:
        G._render = render
    return kept


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "office")
    args = ap.parse_args(argv)
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise SystemExit("LibreOffice (soffice) is needed to make these fixtures")
    from pipelines.demo.render_xlsx import render_xlsx

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    expected: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="gk_office_") as tmp_name:
        tmp = Path(tmp_name)
        demo = tmp / "demo"
        docs = _generate(demo, set(SHEETS.values()))

        truths: dict[str, dict] = {}

        def truth(stem: str) -> dict:
            e = json.loads((demo / "expected" / f"{stem}.json").read_text("utf-8"))
            truths[stem] = {"template": e["template"], "values": e["values"],
                            "cells": e["cells"]}
            return {"stem": stem}

        for name, stem in WORD.items():
            src = tmp / f"{name}.docx"
            shutil.copyfile(demo / "docs" / f"{stem}.docx", src)
            made = soffice(program, src, "doc:MS Word 97", tmp)
            shutil.copyfile(made, out / f"{name}.doc")
            shutil.copyfile(src, out / f"{name}.src.docx")
            expected[f"{name}.doc"] = {"source": f"{name}.src.docx", **truth(stem)}
            if name == WPS:
                shutil.copyfile(made, out / f"{name}.wps")
                expected[f"{name}.wps"] = {"source": f"{name}.src.docx", **truth(stem)}
                rtf = soffice(program, src, "rtf", tmp)  # Word's RTF, published as .doc
                shutil.copyfile(rtf, out / f"{name}.rtf")
                expected[f"{name}.rtf"] = {"source": f"{name}.src.docx", **truth(stem)}
        for name, stem in SHEETS.items():
            src = tmp / f"{name}.xlsx"
            src.write_bytes(render_xlsx(docs[stem]))
            made = soffice(program, src, "xls:MS Excel 97", tmp)
            shutil.copyfile(made, out / f"{name}.xls")
            shutil.copyfile(src, out / f"{name}.xlsx")
            shutil.copyfile(demo / "docs" / f"{stem}.html", out / f"{name}.src.html")
            for suffix in (".xls", ".xlsx") + ((".et",) if name == ET else ()):
                if suffix == ".et":
                    shutil.copyfile(made, out / f"{name}.et")
                expected[f"{name}{suffix}"] = {"source": f"{name}.src.html", **truth(stem)}
        name, stem = GBK_TEXT
        text = (demo / "docs" / f"{stem}.txt").read_bytes().decode("utf-8")
        src = tmp / f"{name}.txt"
        src.write_bytes(text.encode("gbk"))
        made = soffice(program, src, "doc:MS Word 97", tmp, infilter="Text (encoded):GBK,LF,,,")
        shutil.copyfile(made, out / f"{name}.doc")
        shutil.copyfile(src, out / f"{name}.src.txt")
        expected[f"{name}.doc"] = {"source": f"{name}.src.txt", **truth(stem)}
    (out / "expected.json").write_text(
        json.dumps({"files": expected, "truth": truths}, ensure_ascii=False, indent=1,
                   sort_keys=True) + "\n", "utf-8")
    for p in sorted(out.iterdir()):
        print(f"{p.name:<32}{p.stat().st_size:>10}")


if __name__ == "__main__":
    main()

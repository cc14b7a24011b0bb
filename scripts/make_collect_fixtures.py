"""Write the report files the collect fixture sites serve (tests/fixtures/collect/), once.

The reports come from the demo generator (seed 20240201, scale 0.05: seven bodies with a
2024 report on the 2021 template), so ``gongkai build`` reads them. The old office formats are
made from them by LibreOffice headless, as sites publish them: ``.doc`` from a DOCX, ``.wps``
(WPS Office's name for a Word 97 file) from the text report, ``.xls`` and ``.et`` (BIFF8 under
WPS's spreadsheet name) from the HTML report opened in Calc, ``.pdf`` from an HTML report.
The outputs are committed (small binaries), so tests need neither LibreOffice nor the generator.

    .venv/bin/python scripts/make_collect_fixtures.py
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "tests" / "fixtures" / "collect"
SEED, SCALE = 20240201, 0.05

# stem of the demo document -> (how to make the served file, served file name)
PLAN = {
    "320800_gov_2024.html": ("copy", "320800_gov_2024.html"),
    "320800_natural_resources_2024.html": ("xls", "320800_natural_resources_2024.xls"),
    "320813_gov_2024.html": ("pdf", "320813_gov_2024.pdf"),
    "320813_natural_resources_2024.html": ("xls", "320813_natural_resources_2024.et"),
    "320826_gov_2024.txt": ("doc", "320826_gov_2024.wps"),
    "320813001_gov_2024.docx": ("doc", "320813001_gov_2024.doc"),
    "320000_gov_2024.docx": ("copy", "320000_gov_2024.docx"),
}
_FILTERS = {
    "xls": (["--infilter=HTML (StarCalc)"], "xls:MS Excel 97", ".xls"),
    "pdf": (["--infilter=HTML (StarWriter)"], "pdf:writer_pdf_Export", ".pdf"),
    "doc": ([], "doc:MS Word 97", ".doc"),
}


def _soffice(src: Path, how: str, work: Path) -> Path:
    infilter, convert, suffix = _FILTERS[how]
    if src.suffix == ".txt":
        infilter = ["--infilter=Text (encoded):UTF8,LF,,"]
    profile = work / "profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", *infilter,
           "--convert-to", convert, "--outdir", str(work / "out"), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    return work / "out" / (src.stem + suffix)


def main() -> int:
    """Generate the demo, convert the planned reports, copy them into the fixtures folder."""
    from pipelines.demo import generate

    if not shutil.which("soffice"):
        print("需要 LibreOffice（soffice）/ LibreOffice (soffice) is required", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generate(work / "demo", seed=SEED, scale=SCALE)
        docs = work / "demo" / "docs"
        for stem, (how, served) in PLAN.items():
            src = docs / stem
            made = src if how == "copy" else _soffice(src, how, work)
            shutil.copyfile(made, OUT / served)
            print(f"{served}: {(OUT / served).stat().st_size} bytes ({how} of {stem})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

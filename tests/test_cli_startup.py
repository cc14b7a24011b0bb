"""The command line starts fast because it imports its heavy libraries only where used (issue 13).

Not a timing test (timings are noise on a shared machine): it checks which modules a fresh
interpreter has loaded, which is what the start-up time follows from.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("dagster", "duckdb", "polars", "pandas", "pandera", "pdfplumber", "pypinyin", "rich",
         "httpx")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages of HEAVY that a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    loaded = {m.split(".")[0] for m in json.loads(out.splitlines()[-1])}
    return loaded & set(HEAVY)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_after("import pipelines.cli") == set()


def test_the_worker_pool_parent_loads_no_engine() -> None:
    """The parent of `gongkai extract`/`check` only sends paths; the engine is the workers'."""
    code = "import pipelines.filepool, pipelines.extract.model, pipelines.checker.run"
    assert _loaded_after(code) == set()
    probe = f"{code}\nimport sys\nassert 'pipelines.extract.engine' not in sys.modules"
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_reading_an_html_report_loads_neither_polars_nor_the_pdf_stack(tmp_path) -> None:
    """A worker reading HTML needs the place index (from the disk cache), not polars or PDF."""
    from tests.test_cli import HTML_2021

    doc = tmp_path / "r.html"
    doc.write_text(HTML_2021, encoding="utf-8")
    code = (
        f"import os; os.environ['GONGKAI_CACHE'] = {str(tmp_path / 'cache')!r}\n"
        "from pipelines.filepool import warm, _extract_path\n"
        "warm()\n"  # the first run builds the index (polars) and stores it
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    loaded = _loaded_after(code + f"_extract_path({str(doc)!r})")
    assert loaded == set()

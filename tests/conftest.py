"""Shared fixtures: a tiny demo province built end to end by a real Dagster run."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def corpus_dir() -> Path | None:
    """The real corpus (``$GONGKAI_CORPUS`` or ``../shared/corpus``), when present."""
    env = os.environ.get("GONGKAI_CORPUS")
    path = Path(env) if env else REPO.parent / "shared" / "corpus"
    return path if (path / "docs").is_dir() else None


@dataclass
class BuiltHome:
    """A Gongkai home after a real build of the tiny demo province plus some bad files."""

    home: Path
    demo: Path
    warehouse: Path
    result: object
    bad_files: list[str]

    def expected(self) -> dict[str, dict]:
        """The generator's truth per document file name."""
        out = {}
        for p in sorted((self.demo / "expected").glob("*.json")):
            d = json.loads(p.read_text(encoding="utf-8"))
            out[d["source"]] = d
        return out


BAD_FILES = {
    "broken.pdf": b"%PDF-1.7\n this is not really a pdf",
    "empty.html": b"",
    "notes.txt": "会议纪要：无任何统计数字。".encode(),
}


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltHome]:
    """Generate the demo at scale 0.05, ingest it with three bad files, run the build job."""
    from pipelines.definitions import defs
    from pipelines.demo import generate
    from pipelines.inbox import Inbox
    from pipelines.paths import Paths
    from pipelines.resources import GongkaiHome

    home = tmp_path_factory.mktemp("gongkai_home")
    paths = Paths(home)
    generate(paths.demo, seed=20240201, scale=0.05)
    bad = home / "bad"
    bad.mkdir()
    for name, data in BAD_FILES.items():
        (bad / name).write_bytes(data)
    inbox = Inbox(paths.inbox)
    inbox.ingest([paths.demo / "docs", bad])
    # Application ledgers (CSV/XLSX) too, never their *.truth.json files (tests only).
    ledgers = sorted((paths.demo / "ledgers").iterdir())
    inbox.ingest(p for p in ledgers if p.suffix in {".csv", ".xlsx"})
    job = defs.resolve_job_def("build_warehouse")
    import dagster as dg

    with dg.instance_for_test() as instance:
        result = job.execute_in_process(
            instance=instance,
            resources={"gongkai": GongkaiHome(home=str(home), workers=2)},
            raise_on_error=False,
        )
        yield BuiltHome(home, paths.demo, paths.warehouse, result, sorted(BAD_FILES))

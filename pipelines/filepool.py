"""Read files given by path (``gongkai extract``, ``gongkai check``) in the worker pool.

The same pool as a build (:mod:`pipelines.pool`: a deadline per document, a memory cap, the
worker dies with its parent, a dead worker's document retried once), so one hostile draft
costs its own finding, never the command. What differs from :mod:`pipelines.batch` is the
start-up: this module imports nothing of the engine at import time. The parent only sends
paths and receives results; each worker imports the engine and loads the place index in
:func:`warm`, before its memory cap, so a one-file command starts in well under a second and
N files keep N cores busy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines.pool import Failure, run_tasks

if TYPE_CHECKING:
    from pipelines.checker.facts import DocFacts
    from pipelines.extract.model import Extraction

Progress = Callable[[int, int], None]


def warm() -> None:
    """Import the engine and load the place index once per worker (before the memory cap)."""
    from pipelines.bodies.index import place_index
    from pipelines.extract import engine  # noqa: F401

    place_index()


def _extract_path(path: str) -> dict:
    from pipelines.extract.engine import extract_file

    return extract_file(path).to_json()


def _check_path(path: str) -> dict:
    """Extraction and text facts of one draft: all the checker needs from the file itself."""
    from pipelines.checker.facts import document_facts
    from pipelines.extract.engine import read_document_file

    ex, text, reading = read_document_file(path)
    return {"extraction": ex.to_json(), "facts": document_facts(text, reading)}


def failed_extraction(path: str, failure: Failure) -> dict:
    """The extraction of a document whose worker ran out of time or memory, or died twice.

    Same rules as a build (``worker_timeout``, ``worker_died``, ``limit_exceeded``).
    """
    from pipelines.extract.model import Extraction, Finding

    source = Path(path).name
    rule = {"timeout": "worker_timeout", "died": "worker_died"}.get(failure.kind, "limit_exceeded")
    ex = Extraction(source=source, sha256="")
    ex.findings.append(Finding(rule, "error", (), f"{source}: {failure.message()}", "reading"))
    return ex.to_json()


def _failed_check(path: str, failure: Failure) -> dict:
    return {"extraction": failed_extraction(path, failure), "facts": None}


def _missing(path: Path) -> dict:
    """What a path that is not a file reads as: the engine's own "cannot open" finding.

    Asked of the engine in this process (nothing is read, and only when a path is wrong).
    """
    from pipelines.extract.engine import extract_file

    return extract_file(path).to_json()


def _run(
    paths: Sequence[Path],
    work: Callable[[str], dict],
    failed: Callable[[str, Failure], dict],
    workers: int,
    progress: Progress | None,
) -> dict[int, dict]:
    """``work(path)`` of every existing file, by position; missing paths are left out."""
    from pipelines.extract.limits import current_limits

    jobs = [(str(i), str(p)) for i, p in enumerate(paths) if Path(p).is_file()]
    out: dict[int, dict] = {}

    def done(key: str, d: dict) -> None:
        out[int(key)] = d
        if progress:
            progress(len(out), len(jobs))

    run_tasks(jobs, work, done, workers, current_limits(), failed, warm)
    return out


def extract_paths(
    paths: Sequence[Path], workers: int = 1, progress: Progress | None = None
) -> list[Extraction]:
    """Extract files given by path, each in a worker process, in the order given."""
    from pipelines.extract.model import Extraction

    out = _run(paths, _extract_path, failed_extraction, workers, progress)
    return [Extraction.from_json(out.get(i) or _missing(Path(p))) for i, p in enumerate(paths)]


def check_inputs(
    paths: Sequence[Path], workers: int = 1, progress: Progress | None = None
) -> list[tuple[Extraction, DocFacts] | None]:
    """Extraction and text facts of each file, read in worker processes; None if not a file.

    A document its worker could not finish has the limit finding and the facts of no text.
    """
    from pipelines.checker.facts import document_facts
    from pipelines.extract.model import Extraction

    out = _run(paths, _check_path, _failed_check, workers, progress)
    result: list[tuple[Extraction, DocFacts] | None] = []
    for i in range(len(paths)):
        d = out.get(i)
        if d is None:
            result.append(None)
            continue
        facts = d["facts"] if d["facts"] is not None else document_facts("")
        result.append((Extraction.from_json(d["extraction"]), facts))
    return result

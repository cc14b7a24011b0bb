"""The report checker over every published report: ``out_report_check`` (one row per problem).

Thin wiring: the words of each document are read once and cached by checker version and sha256
(documents never change), the same body's previous report comes from this build's extractions,
and normative-document catalogues are the ingested CSV/XLSX files that look like one. The pure
checks live in :mod:`pipelines.checker`; scores and ranks are computed in the warehouse build
(:mod:`warehouse.scorecard`), where the assessor's weights apply.
"""


from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.batch import map_cached
from pipelines.checker.catalogue import Catalogue, is_catalogue, read_catalogue
from pipelines.checker.facts import DocFacts, document_facts
from pipelines.checker.run import CHECKER_VERSION, Previous, check_extraction
from pipelines.checker.score import load_weights
from pipelines.extract.fulltext import text_of_bytes
from pipelines.extract.model import Extraction
from pipelines.inbox import Inbox, InboxEntry
from pipelines.resources import GongkaiHome
from warehouse.scorecard import problem_rows, report_check_frame


def _facts_of(path: str) -> dict:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError:
        return DocFacts().to_json()
    return document_facts(text_of_bytes(data, p.name)).to_json()


def _no_facts(path: str, failure) -> dict:
    """A document whose reading ran out of time or memory has no text facts (extraction: why)."""
    return DocFacts().to_json()


def read_facts(entries: list[InboxEntry], inbox: Inbox, cache: Path,
               workers: int = 1) -> dict[str, DocFacts]:
    """Text facts of every entry, cached as ``<cache>/<sha256>.json``; new ones in parallel."""
    jobs = [(e.sha256, str(inbox.object_path(e.sha256, e.suffix))) for e in entries]
    results = map_cached(jobs, _facts_of, cache, workers, failed=_no_facts)
    return {key: DocFacts.from_json(d) for key, d in results.items()}


def catalogues(inbox: Inbox) -> list[Catalogue]:
    """Every ingested CSV/XLSX file that is a normative-document catalogue."""
    found = []
    for e in inbox.entries():
        if e.kind == "report":
            continue
        data = inbox.object_path(e.sha256, e.suffix).read_bytes()
        if is_catalogue(data, e.file_name):
            found.append(read_catalogue(data, e.file_name))
    return found


def catalogue_for(body: str | None, found: list[Catalogue]) -> Catalogue | None:
    """The catalogue of a body: named in its file name or in its 制定机关 column."""
    if not body:
        return None
    for c in found:
        if body in c.source or any(e.body == body for e in c.entries):
            return c
    return None


@dg.asset(group_name="validate", kinds={"python", "polars"})
def out_report_check(
    context: dg.AssetExecutionContext,
    gongkai: GongkaiHome,
    raw_documents: list[InboxEntry],
    core_extractions: list[Extraction],
    core_report: pl.DataFrame,
) -> pl.DataFrame:
    """Every problem of every published report, one row each.

    Checks: on time, six parts, template, 勾稽 rules, text vs table, continuity with last year
    and the normative-document catalogue.
    """
    paths = gongkai.paths
    inbox = Inbox(paths.inbox)
    published = core_report.filter(pl.col("status") == "published")
    ids = dict(zip(published["report_id"], published["body_id"], strict=True))
    mine = [e for e in raw_documents if e.sha256 in ids]
    facts = read_facts(mine, inbox, paths.home / "cache" / "check" / CHECKER_VERSION,
                       gongkai.worker_count)
    by_body_year = {(ids[ex.sha256], ex.year): ex for ex in core_extractions if ex.sha256 in ids}
    found = catalogues(inbox)
    weights = load_weights()
    rows: list[dict] = []
    for ex in core_extractions:
        if ex.sha256 not in ids:
            continue
        prev = by_body_year.get((ids[ex.sha256], (ex.year or 0) - 1))
        previous = Previous(prev.year, prev.values) if prev and prev.year else None
        problems = check_extraction(ex, facts.get(ex.sha256, DocFacts()), previous,
                                    catalogue_for(ex.body.name, found))
        rows += problem_rows(ex.sha256, problems, weights)
    frame = report_check_frame(rows, core_report)
    context.add_output_metadata({
        "problems": frame.height,
        "catalogues": len(found),
        "by_check": dg.MetadataValue.json(
            dict(frame.group_by("check").len().iter_rows()) if frame.height else {}),
    })
    return frame

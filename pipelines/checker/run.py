"""Run every check on one report: extraction + text facts (+ last year, + catalogue) → problems.

Pure: the caller reads the files (:func:`check_file` is the one convenience that does) and
passes what the warehouse knows about the previous year, so the same code serves
``gongkai check`` on a draft and the scorecard over every published report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipelines.checker.catalogue import Catalogue, check_catalogue
from pipelines.checker.consistency import check_prose_figures, check_rules
from pipelines.checker.continuity import check_continuity
from pipelines.checker.facts import DocFacts, document_facts
from pipelines.checker.locate import cell_location
from pipelines.checker.model import Problem, sort_problems
from pipelines.checker.sections import check_sections
from pipelines.checker.template import check_template
from pipelines.checker.timeliness import PublicationDate, check_on_time
from pipelines.extract.model import Extraction

CHECKER_VERSION = "1.0.0"


@dataclass(frozen=True)
class Previous:
    """The same body's report on the year before: its year and printed values."""

    year: int
    values: Mapping[str, float]


def reading_notes(ex: Extraction) -> list[Problem]:
    """The engine's reading findings, as notes: a cell we could not read is checked by hand."""
    out = []
    for f in ex.findings:
        if f.blame != "reading":
            continue
        loc = cell_location(f.keys[0], ex.provenance.get(f.keys[0])) if f.keys else {}
        out.append(Problem(
            "reading", f.rule, "info", tuple(f.keys), loc,
            f"识读提示（请人工核对，不计入评分）：{f.message}",
            f"Reading note (check by hand; not scored): {f.message}"))
    return out


def check_extraction(ex: Extraction, facts: DocFacts, previous: Previous | None = None,
                     catalogue: Catalogue | None = None,
                     collected: PublicationDate | None = None) -> list[Problem]:
    """Every problem of one report, errors first.

    ``collected``: the publication date the crawler recorded for this file, preferred to the
    dates in the text (:func:`pipelines.checker.timeliness.check_on_time`).
    """
    unread = {k for f in ex.findings if f.blame == "reading" for k in f.keys}
    problems = check_on_time(ex.year, facts, ex.published, collected)
    problems += check_sections(ex.year, ex.template, ex.container, facts)
    problems += check_template(ex.year, ex.template, ex.values, unread)
    problems += check_rules(ex.findings, ex.values, ex.provenance)
    problems += check_prose_figures(facts.figures, ex.values, ex.cells)
    if previous is not None:
        problems += check_continuity(ex.year, ex.values, ex.provenance, previous.values,
                                     previous.year)
    problems += check_catalogue(ex.year, ex.template, ex.values, ex.provenance, catalogue)
    problems += reading_notes(ex)
    return sort_problems(problems)


def check_file(path: str | Path, previous: Previous | None = None,
               catalogue: Catalogue | None = None,
               collected: PublicationDate | None = None) -> tuple[Extraction, list[Problem]]:
    """Extract and check one report file (never raises on a bad file: it becomes a problem)."""
    from pipelines.extract.engine import read_document_file

    ex, text, reading = read_document_file(path)
    facts = document_facts(text, reading)
    return ex, check_extraction(ex, facts, previous, catalogue, collected)

"""Great Expectations suites over the warehouse tables, generated from :mod:`schemas.tables`.

The suites run inside Dagster asset checks on the staging warehouse, before it is published.
GE 1.x has no working DuckDB SQL data source, so tables are handed over as pandas frames: whole
for tables that fit one (:data:`schemas.profile.FRAME_ROWS`), as their profile for the big ones
(one row per constraint with the rows breaking it, counted by DuckDB in one pass). Each
run keeps its results as Data Docs HTML under the quality folder, so an assessor can read what
was checked and what failed. Each run validates in its own GE project (inside its staging
folder), so two runs never share GE's files; the finished Data Docs are then switched into the
quality folder by :func:`publish_data_docs`. Importing great_expectations takes seconds: it is
imported inside the functions that need it, never at module import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from schemas.tables import Table, tables

if TYPE_CHECKING:
    import pandas as pd

# Tables a build must never publish empty.
NON_EMPTY = ("dim_measure", "core_report")


@dataclass(frozen=True)
class SuiteResult:
    """Outcome of one suite on one table."""

    table: str
    success: bool
    evaluated: int
    failed: tuple[str, ...]
    docs_index: str | None


def expectations_for(table: Table) -> list:
    """The expectations of one table: keys, nullability, value sets and ranges."""
    import great_expectations as gx

    exp = gx.expectations
    out: list = []
    if table.name in NON_EMPTY:
        out.append(exp.ExpectTableRowCountToBeBetween(min_value=1))
    out.append(exp.ExpectTableColumnsToMatchOrderedList(column_list=table.column_names))
    if len(table.primary_key) == 1:
        out.append(exp.ExpectColumnValuesToBeUnique(column=table.primary_key[0]))
    elif table.primary_key:
        out.append(exp.ExpectCompoundColumnsToBeUnique(column_list=list(table.primary_key)))
    for c in table.columns:
        if c.unit in ("count", "signed_count", "yuan", "10k_yuan") and table.name.startswith(
            "out_"
        ):
            # Measure columns of the marts are pivots of core_value, whose pandera model and
            # suite already bound every value; one expectation per key would cost seconds.
            continue
        if not c.nullable:
            out.append(exp.ExpectColumnValuesToNotBeNull(column=c.name))
        if c.isin:
            out.append(exp.ExpectColumnValuesToBeInSet(column=c.name, value_set=list(c.isin)))
        if c.ge is not None or c.le is not None:
            out.append(
                exp.ExpectColumnValuesToBeBetween(column=c.name, min_value=c.ge, max_value=c.le)
            )
    return out


PROFILE_SUFFIX = "__profile"  # a big table's suite runs on its constraint counts


def profile_expectations(table: Table) -> list:
    """The suite of a big table, run on its profile (``schemas.profile``).

    The profile has one row per constraint with the rows breaking it, which must all be 0.
    """
    import great_expectations as gx

    exp = gx.expectations
    out: list = [
        exp.ExpectColumnValuesToBeBetween(column="rows_breaking", min_value=0, max_value=0),
        exp.ExpectColumnValuesToNotBeNull(column="rows_breaking"),
    ]
    if table.name in NON_EMPTY:
        out.append(exp.ExpectColumnValuesToBeBetween(column="table_rows", min_value=1))
    return out


def run_suites(frames: dict[str, pd.DataFrame], quality_dir: Path) -> list[SuiteResult]:
    """Validate each table with its suite in a file context and build Data Docs there."""
    import great_expectations as gx

    quality_dir.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(quality_dir))
    # GE draws a tqdm bar per table; in a build log that is noise.
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source_name = "warehouse"
    try:
        source = context.data_sources.get(source_name)
    except (KeyError, ValueError):
        source = context.data_sources.add_pandas(source_name)
    results = []
    # Listed once: each listing reads every stored suite or definition back from disk.
    suites = {s.name for s in context.suites.all()}
    definitions = {v.name for v in context.validation_definitions.all()}
    for name, df in frames.items():
        if name.endswith(PROFILE_SUFFIX):
            expectations = profile_expectations(tables()[name.removesuffix(PROFILE_SUFFIX)])
        else:
            expectations = expectations_for(tables()[name])
        for asset in [a for a in source.assets if a.name == name]:
            source.delete_asset(asset.name)
        batch = source.add_dataframe_asset(name=name).add_batch_definition_whole_dataframe(name)
        suite_name = f"{name}_suite"
        if suite_name in suites:
            context.suites.delete(suite_name)
        # Given whole: a saved suite writes itself to disk again on every add_expectation.
        suite = context.suites.add(gx.ExpectationSuite(name=suite_name, expectations=expectations))
        vd_name = f"{name}_validation"
        if vd_name in definitions:
            context.validation_definitions.delete(vd_name)
        vd = context.validation_definitions.add(
            gx.ValidationDefinition(name=vd_name, data=batch, suite=suite)
        )
        vr = vd.run(batch_parameters={"dataframe": df})
        failed = tuple(
            f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column', '')})"
            for r in vr.results
            if not r.success
        )
        results.append(SuiteResult(name, bool(vr.success), len(vr.results), failed, None))
    context.build_data_docs()
    index = _docs_index(quality_dir)
    return [SuiteResult(r.table, r.success, r.evaluated, r.failed, index) for r in results]


def _docs_index(quality_dir: Path) -> str | None:
    hits = sorted(quality_dir.rglob("data_docs/local_site/index.html"))
    return str(hits[0]) if hits else None


DOCS_DIR = "data_docs"


def publish_data_docs(project_dir: Path, quality_dir: Path) -> Path | None:
    """Switch the Data Docs built in ``project_dir`` into ``quality_dir/data_docs``; its index.

    The index is ``quality_dir/data_docs/local_site/index.html``.

    The site is copied beside its final name and renamed in, so a reader sees the old site or
    the new one; the run's GE project itself stays private to the run.
    """
    import os
    import shutil

    hits = sorted(project_dir.rglob("data_docs/local_site"))
    if not hits:
        return None
    quality_dir.mkdir(parents=True, exist_ok=True)
    final = quality_dir / DOCS_DIR
    incoming = quality_dir / f".{DOCS_DIR}.{os.getpid()}.incoming"
    old = quality_dir / f".{DOCS_DIR}.{os.getpid()}.old"
    for p in (incoming, old):
        shutil.rmtree(p, ignore_errors=True)
    shutil.copytree(hits[0].parent, incoming)
    if final.exists():
        os.replace(final, old)
    os.replace(incoming, final)
    shutil.rmtree(old, ignore_errors=True)
    return final / "local_site" / "index.html"

"""Orchestration: plan the documents of a province, inject faults, render, write files.

:func:`write_province` is the unit of work (the demo province, or one real province of the
national demo in a worker process); :func:`write_tables` appends the provinces' MANIFEST, region
and body rows in order; :func:`generate` is the entry point.

Layout written under ``out_dir`` (docs/ARCHITECTURE.md, "Demo data layout"): ``docs/``,
``expected/<stem>.json`` (corpus format), ``MANIFEST.tsv``, ``ledgers/``, ``regions.csv``,
``bodies.csv``. Containers: each body has a preferred container (HTML 45 %, TXT 25 %, DOCX 25 %,
PDF 5 %) and keeps it in 85 % of its years; 10 % of TXT pages are GB18030-encoded. Templates:
2019 for 2019–2020, 2021 from 2021 on, except ~5 % of bodies that keep the 2019 template in
2021. About 40 % of townships publish only from 2020 or 2021 on.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import faults as F
from . import json_text, prose
from .country import SIZES, Sizes
from .layout import PROACTIVE_KEYS, Doc, table3_keys, table4_keys
from .ledgers import write_ledgers
from .numbers import COLUMNS, YEARS, body_chain, rng_for
from .province import Body, Region, build_province
from .render_docx import render_docx
from .render_html import render_html
from .render_pdf import render_pdf
from .render_text import render_text

CONTAINERS = {"html": 0.45, "txt": 0.25, "docx": 0.25, "pdf": 0.05}
MANIFEST_COLUMNS = ("file", "body", "region_code", "level", "type", "year", "template",
                    "container", "bytes", "sha256", "source", "traps")
_SIGNED = {k for k in PROACTIVE_KEYS["2019"] if k.endswith(".change")}
_MONEY = {"proactive.fees.amount_10k_yuan", "proactive.procurement.amount_yuan"}


@dataclass
class _Plan:
    body: Body
    year: int
    template: str
    container: str
    rng: np.random.Generator
    values: dict = field(default_factory=dict)
    fault: str = ""
    fault_note: str = ""
    style: str = "zero"
    stem: str = ""
    file: str = ""
    touched: set[str] = field(default_factory=set)  # keys an injected fault changed
    errors: list[dict] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)
    heads: dict = field(default_factory=dict)  # true headline figures (prose states them)


def _fmt(key: str, value: float) -> str:
    if key in _MONEY:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if key in _SIGNED and value > 0:
        return f"+{int(value)}"
    return str(int(value))


def _years_of(body: Body, rng: np.random.Generator) -> tuple[int, ...]:
    start = 2019
    if body.level == "township" and rng.random() < 0.4:
        start = int(rng.choice([2020, 2021]))
    return tuple(y for y in YEARS if y >= start)


def _plan(bodies: list[Body], seed: int, scope: tuple[str, ...] = ()) -> list[_Plan]:
    """Every (body, year) document with its template and container, before numbers."""
    plans: list[_Plan] = []
    names = list(CONTAINERS)
    weights = np.array(list(CONTAINERS.values()))
    prng = rng_for(seed, *scope, "plan")
    keep_2019 = set(prng.choice(len(bodies), size=max(1, round(0.05 * len(bodies))),
                                replace=False).tolist())
    for i, body in enumerate(bodies):
        brng = rng_for(seed, body.body_id, "plan")
        home = names[int(brng.choice(len(names), p=weights))]
        for year in _years_of(body, brng):
            container = home if brng.random() < 0.85 else names[int(brng.choice(len(names),
                                                                                 p=weights))]
            template = "2019" if year <= 2020 or (year == 2021 and i in keep_2019) else "2021"
            plans.append(_Plan(body, year, template, container, rng_for(seed, body.body_id, year)))
    if len(plans) >= len(names):  # a tiny province still shows every container
        present = Counter(p.container for p in plans)
        for name in names:
            if not present[name]:
                victim = next(p for p in plans if present[p.container] > 1)
                present[victim.container] -= 1
                victim.container = name
                present[name] += 1
    return plans


def _printed_values(plan: _Plan, truth: dict) -> dict:
    """The document's table and headline values before faults (template projection)."""
    v: dict = {k: truth[k] for k in PROACTIVE_KEYS[plan.template]}
    if plan.template == "2019":
        for c in (*COLUMNS, "total"):
            truth[f"applications.other.{c}"] = sum(
                truth[f"applications.other.{s}.{c}"]
                for s in ("no_correction", "unpaid_fee", "other"))
    v |= {k: truth[k] for k in table3_keys(plan.template)}
    v |= {k: truth[k] for k in table4_keys()}
    v["headline.applications_received"] = truth["applications.new_received.total"]
    return v


def _assign_faults(plans: list[_Plan], seed: int,
                   scope: tuple[str, ...] = ()) -> dict[str, dict[int, int]]:
    """Choose the documents of every primary fault; returns the carry-over shifts per body."""
    frng = rng_for(seed, *scope, "faults")
    counts = F.fault_counts(len(plans))
    by_body: dict[str, list[_Plan]] = {}
    for p in plans:
        by_body.setdefault(p.body.body_id, []).append(p)
    candidates = [p for p in plans if p.year != by_body[p.body.body_id][0].year]
    shifts: dict[str, dict[int, int]] = {}
    for idx in frng.permutation(len(candidates))[: counts["carry_over_years"]]:
        p = candidates[int(idx)]
        p.fault = "carry_over_years"
        shift = int(frng.integers(1, 7)) * (1 if frng.random() < 0.6 else -1)
        shifts.setdefault(p.body.body_id, {})[p.year] = shift
        p.fault_note = ("上年结转 (自然人) differs from last year's 结转下年度; "
                        "the year itself balances")
    return shifts


def _inject(plans: list[_Plan], seed: int, scope: tuple[str, ...] = ()) -> None:
    frng = rng_for(seed, *scope, "content-faults")
    counts = F.fault_counts(len(plans))
    for kind in ("row_total", "outcomes_sum", "zero_total", "text_vs_table"):
        done = 0
        for idx in frng.permutation(len(plans)):
            if done >= counts[kind]:
                break
            p = plans[int(idx)]
            if p.fault:
                continue
            trial = dict(p.values)
            note = F.apply_fault(kind, trial, p.template, p.rng)
            if note:
                p.touched = {k for k, v in trial.items() if p.values.get(k) != v}
                p.values, p.fault, p.fault_note = trial, kind, note
                done += 1


def _style_cells(plan: _Plan, touched: set[str]) -> dict[str, str]:
    """Printed text of each value; zero cells of tables 三/四 in the document's style."""
    _, zero_text, kind = F.CELL_STYLES[plan.style]
    printed = {}
    for key, value in plan.values.items():
        if key.startswith("headline."):
            continue
        text = _fmt(key, value)
        if value == 0 and key.startswith(("applications.", "appeals.")) and key not in touched:
            text = zero_text
            if kind:
                plan.cells[key] = kind
        printed[key] = text
    return printed


def _stem(body: Body, year: int) -> str:
    return f"{body.region_code}_{body.slug}_{year}"


def _build_doc(plan: _Plan, touched: set[str]) -> Doc:
    body, year, rng = plan.body, plan.year, plan.rng
    doc = Doc(body=body, year=year, template=plan.template, container=plan.container,
              stem=_stem(body, year), title=prose.title(body, year, rng),
              published=prose.publication_date(year, rng),
              numbering=str(rng.choice([".", "、", "．"], p=[0.6, 0.3, 0.1])),
              variant=int(rng.integers(0, 1000)))
    doc.printed = _style_cells(plan, touched)
    said = int(plan.values["headline.applications_received"])
    doc.intro = prose.intro(body, year)
    doc.sections, heads, kinds = prose.sections(body, year, plan.heads, said, rng,
                                                brief=plan.container == "pdf")
    plan.values.update(heads)
    plan.cells.update(kinds)
    if plan.container == "txt" and rng.random() < 0.1:
        doc.encoding = "gb18030"
    return doc


def _render(doc: Doc, rng: np.random.Generator) -> tuple[bytes, list[str]]:
    traps: list[str] = []
    if doc.container == "html":
        return render_html(doc), ["merged header cells (rowspan/colspan)"]
    if doc.container == "txt":
        data, mode = render_text(doc, rng)
        traps.append(f"flattened tables ({mode})")
        if doc.encoding != "utf-8":
            traps.append("GB18030 encoding")
        return data, traps
    if doc.container == "docx":
        return render_docx(doc), ["Word tables with merged cells"]
    return render_pdf(doc), ["PDF text layer, tables drawn as grids"]


def _ordered(values: dict) -> dict:
    order = {"proactive": 0, "applications": 1, "appeals": 2, "headline": 3}
    return dict(sorted(values.items(), key=lambda kv: order[kv[0].split(".")[0]]))


def _prepare_out(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "MANIFEST.tsv").exists():
        raise FileExistsError(f"{out_dir} is not empty and holds no demo MANIFEST.tsv")
    for sub in ("docs", "expected", "ledgers"):
        if (out_dir / sub).exists():
            shutil.rmtree(out_dir / sub)
        (out_dir / sub).mkdir(parents=True)


def _check_unique(bodies: list[Body]) -> None:
    """Refuse bodies that would share a file stem (one body, one stem per year)."""
    seen: set[tuple[str, str]] = set()
    for b in bodies:
        key = (b.region_code, b.slug)
        if key in seen:
            raise ValueError(f"two bodies would write the same files: {b.region_code}_{b.slug}")
        seen.add(key)


@dataclass
class ProvinceResult:
    """What one province wrote: its MANIFEST rows, table rows and summary counters."""

    manifest: list[tuple]
    regions: list[tuple]
    bodies: list[tuple]
    counts: dict[str, Counter]
    documents: int
    with_errors: int
    ledgers: dict


def write_province(out_dir: Path, regions: list[Region], bodies: list[Body], seed: int,
                   scope: tuple[str, ...] = (), *, source: str,
                   ledger_share: float = 0.10) -> ProvinceResult:
    """Plan, render and write the documents of one province into ``out_dir``'s folders.

    A province is the unit of work: faults are spread over its documents and the carry-over
    chain lives inside a body. Documents are rendered and written body by body and their
    printed form dropped at once, so memory holds figures, not files.

    Args:
        out_dir: the demo folder, its ``docs/``, ``expected/`` and ``ledgers/`` existing.
        regions: the province's regions (rows of ``regions.csv``).
        bodies: its bodies; their stems must be unique (else ValueError).
        seed: demo seed.
        scope: extra tags of the province-wide random streams (the province code in the
            national demo; empty for the demo province, whose streams stay as they were).
        source: the MANIFEST ``source`` text.
        ledger_share: share of bodies that get application ledgers.
    """
    _check_unique(bodies)
    plans = _plan(bodies, seed, scope)
    shifts = _assign_faults(plans, seed, scope)
    by_body: dict[str, list[_Plan]] = {}
    for p in plans:
        by_body.setdefault(p.body.body_id, []).append(p)

    def chain_of(body: Body) -> dict[int, dict]:
        years = tuple(p.year for p in by_body[body.body_id])
        return body_chain(body, years, seed, shifts.get(body.body_id))

    received: dict[tuple[str, int], int] = {}
    for body in bodies:
        chain = chain_of(body)
        for p in by_body[body.body_id]:
            truth = chain[p.year]
            received[(body.body_id, p.year)] = truth["applications.new_received.total"]
            p.values = _printed_values(p, truth)
            p.heads = {k: v for k, v in truth.items() if k.startswith("headline.")}
    _inject(plans, seed, scope)

    manifest: list[tuple] = []
    docs, expected_dir = out_dir / "docs", out_dir / "expected"
    for mine in by_body.values():
        for i, p in enumerate(mine):
            p.style = F.pick_style(p.rng, p.container)
            doc = _build_doc(p, p.touched)
            p.stem, p.file = doc.stem, doc.file
            p.errors = F.check_document(p.values, p.template)
            if i:
                p.errors += F.check_years(mine[i - 1].values, p.values)
            data, traps = _render(doc, p.rng)
            (docs / doc.file).write_bytes(data)
            if p.style != "zero":
                traps.append(f"zero cells printed as {F.CELL_STYLES[p.style][1] or 'blank'!r}")
            if p.fault:
                traps.append(f"publisher error ({p.fault}): {p.fault_note}")
            (expected_dir / f"{doc.stem}.json").write_text(
                json_text.dumps(_expected(p, doc, seed)) + "\n",
                encoding="utf-8")
            manifest.append((doc.file, p.body.name, p.body.region_code, p.body.level,
                             p.body.type, p.year, p.template, doc.container, len(data),
                             hashlib.sha256(data).hexdigest(), source, "; ".join(traps)))
        for p in mine:  # written and checked against each other: the summary needs none of it
            p.values, p.heads, p.cells = {}, {}, {}
    ledgers = write_ledgers(out_dir / "ledgers", bodies, by_body, received, chain_of, seed,
                            share=ledger_share, scope=scope)
    counts = {
        "containers": Counter(p.container for p in plans),
        "templates": Counter(p.template for p in plans),
        "faults": Counter(p.fault for p in plans if p.fault),
        "publisher_error_rules": Counter(e["rule"] for p in plans for e in p.errors),
        "cell_styles": Counter(p.style for p in plans),
        "years": Counter(p.year for p in plans),
    }
    return ProvinceResult(
        manifest=manifest,
        regions=[(r.code, r.name, r.level, r.parent) for r in regions],
        bodies=[(b.body_id, b.name, b.region_code, b.level, b.type, b.department)
                for b in bodies],
        counts=counts, documents=len(plans), with_errors=sum(1 for p in plans if p.errors),
        ledgers=ledgers)


def _expected(p: _Plan, doc: Doc, seed: int) -> dict:
    """The corpus-format truth of one document."""
    return {
        "source": doc.file,
        "body": {"name": p.body.name, "region_code": p.body.region_code,
                 "level": p.body.level, "type": p.body.type},
        "year": p.year,
        "template": p.template,
        "values": _ordered(p.values),
        "cells": dict(sorted(p.cells.items())),
        "publisher_errors": p.errors,
        "notes": f"演示数据 (demo), generated with seed {seed}. Container {doc.container}, "
                 f"template {p.template}, zero cells style {p.style!r}, sub-row numbering "
                 f"'1{doc.numbering}'. " + (f"Injected fault {p.fault}: {p.fault_note}."
                                            if p.fault else "No injected fault."),
    }


def write_tables(out_dir: Path, results: Iterable[ProvinceResult]) -> dict:
    """Write MANIFEST.tsv, regions.csv and bodies.csv from the provinces' results, in order.

    Rows are appended province by province as results arrive, so a national run never holds
    every row. Returns the summary of :func:`generate` (without seed and scale).
    """
    counts: dict[str, Counter] = {}
    totals: Counter = Counter()
    formats: Counter = Counter()
    per_province: dict[str, int] = {}
    files = {"MANIFEST.tsv": (MANIFEST_COLUMNS, "\t"),
             "regions.csv": (("region_code", "name", "level", "parent_code"), ","),
             "bodies.csv": (("body_id", "name", "region_code", "level", "type", "department"),
                            ",")}
    with ExitStack() as stack:
        writers = {}
        for name, (header, delimiter) in files.items():
            handle = stack.enter_context(open(out_dir / name, "w", encoding="utf-8", newline=""))
            writers[name] = csv.writer(handle, delimiter=delimiter, lineterminator="\n",
                                       quoting=csv.QUOTE_MINIMAL)
            writers[name].writerow(header)
        for r in results:
            writers["MANIFEST.tsv"].writerows(r.manifest)
            writers["regions.csv"].writerows(r.regions)
            writers["bodies.csv"].writerows(r.bodies)
            for key, counter in r.counts.items():
                counts.setdefault(key, Counter()).update(counter)
            totals.update(regions=len(r.regions), bodies=len(r.bodies), documents=r.documents,
                          documents_with_publisher_errors=r.with_errors,
                          ledgers=r.ledgers["ledgers"], ledger_rows=r.ledgers["ledger_rows"])
            formats.update(r.ledgers["ledger_formats"])
            per_province[r.regions[0][0]] = r.documents
    return {
        "regions": totals["regions"],
        "bodies": totals["bodies"],
        "documents": totals["documents"],
        **{k: dict(counts.get(k, Counter())) for k in ("containers", "templates", "faults")},
        "documents_with_publisher_errors": totals["documents_with_publisher_errors"],
        "publisher_error_rules": dict(counts.get("publisher_error_rules", Counter())),
        "cell_styles": dict(counts.get("cell_styles", Counter())),
        "years": dict(counts.get("years", Counter())),
        "ledgers": totals["ledgers"],
        "ledger_rows": totals["ledger_rows"],
        "ledger_formats": dict(formats),
        "documents_per_province": per_province,
    }


def generate(out_dir: Path, seed: int = 20240201, scale: float = 1.0,
             provinces: Iterable[str] | None = None, *, national: bool = False,
             workers: int | None = None, sizes: Sizes = SIZES) -> dict:
    """Write the seeded demo under ``out_dir``: the demo province, or real provinces.

    Args:
        out_dir: target folder (created; a previous demo output there is replaced, any other
            non-empty folder is refused).
        seed: random seed; the same seed and arguments give byte-identical files, whatever
            the number of workers.
        scale: size of the demo province (1.0 ≈ 8 cities, 41 counties, ~1200 documents;
            0.05 ≈ 40); not used for real provinces.
        provinces: codes or names of real provinces (``["32", "广东"]``), each built from the
            division data (:mod:`.country`); None for the demo province.
        national: every mainland province (≈ 210,000 documents with the default ``sizes``).
        workers: processes for real provinces (default: the machine's cores).
        sizes: bodies per region of real provinces.

    Returns:
        A summary: counts per container, template, primary fault, publisher-error rule, zero-cell
        style, plus documents, bodies, regions, ledgers and documents per province.
    """
    out_dir = Path(out_dir)
    _prepare_out(out_dir)
    if national or provinces is not None:
        from .country import provinces_of
        from .national import write_provinces

        chosen = provinces_of(None if national else list(provinces or ()))
        results = write_provinces(out_dir, chosen, seed, sizes, workers)
        return {"seed": seed, "provinces": [c for c, _ in chosen],
                **write_tables(out_dir, results)}
    regions, bodies = build_province(scale)
    source = (f"generated by pipelines.demo (seed {seed}, scale {scale}); "
              "演示数据, not a real report")
    result = write_province(out_dir, regions, bodies, seed, source=source)
    summary = write_tables(out_dir, [result])
    del summary["documents_per_province"]
    return {"seed": seed, "scale": scale, **summary}

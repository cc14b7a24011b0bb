"""``gongkai check`` and ``gongkai scorecard``: the report checker at the command line.

``check`` is for a body's own staff before publishing: it reads drafts (DOCX, HTML, PDF, text),
lists every problem in Chinese (``--lang en`` for English; ``--json`` one object per problem) and
exits 1 when an error-level problem is found. ``scorecard`` is for the assessor: the ranking and
the list of fixes of a region and year from the published warehouse, as XLSX. Registered on the
``gongkai`` group in :mod:`pipelines.cli`; strings live in :mod:`pipelines.messages`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from pipelines.console import LazyConsole, progress_bar
from pipelines.messages import resolve_lang, t
from pipelines.paths import default_paths

err = LazyConsole()


def _lang(ctx: click.Context, option: str | None) -> str:
    if option:
        return resolve_lang(option)
    return (ctx.obj or {}).get("lang") or resolve_lang(None)


def _previous_of(ex):
    """``--previous``: the figures of last year's report, read in the pool like the drafts."""
    from pipelines.checker import Previous

    return (Previous(ex.year, ex.values), ex.source) if ex.year else (None, None)


def _previous_from_warehouse(ex):
    """The same body's report on the year before, from the published warehouse, if it has one."""
    import duckdb

    from pipelines.checker import Previous
    from warehouse.ids import body_id

    wh = default_paths().warehouse
    bid = body_id(ex.body.name, ex.body.region_code)
    if not wh.exists() or not bid or not ex.year:
        return None
    try:
        con = duckdb.connect(str(wh), read_only=True)
        try:
            rows = con.execute(
                "SELECT key, value FROM core_value WHERE body_id = ? AND year = ?",
                [bid, ex.year - 1],
            ).fetchall()
        finally:
            con.close()
    except duckdb.Error:
        return None
    return Previous(ex.year - 1, dict(rows)) if rows else None


def _collected_dates() -> dict:
    """sha256 → the publication date ``gongkai collect`` recorded in this home (none: empty).

    A file the crawler downloaded is checked by the date its site gives, as in the build.
    """
    store = default_paths().collect
    if not store.is_dir():
        return {}
    from warehouse.collect_store import read_store
    from warehouse.publication import collected_dates

    return collected_dates(read_store(store))


def _human(ex, problems, lang: str) -> str:
    from pipelines.checker.model import location_text

    counts = {s: sum(p.severity == s for p in problems) for s in ("error", "warning", "info")}
    lines = [t("check.head", lang, source=ex.source, body=ex.body.name or "?",
               year=ex.year or "?", template=ex.template or "?", errors=counts["error"],
               warnings=counts["warning"], infos=counts["info"])]
    for p in problems:
        where = location_text(p.location, lang)
        lines.append(f"  [{t('check.' + p.severity, lang)}] "
                     + (f"{where}：" if lang == "zh" and where else f"{where}: " if where else "")
                     + p.message(lang))
    if not problems:
        lines.append(t("check.none", lang))
    return "\n".join(lines)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="每个问题一行 JSON / one JSON per problem")
@click.option("--catalogue", type=click.Path(path_type=Path), default=None,
              help="规范性文件目录 CSV/XLSX / normative-document catalogue")
@click.option("--previous", type=click.Path(path_type=Path), default=None,
              help="本机关上年度报告 / the body's report on the year before")
@click.option("--lang", "lang_opt", type=click.Choice(["zh", "en"]), default=None,
              help="消息语言 / message language")
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], as_json: bool, catalogue: Path | None,
          previous: Path | None, lang_opt: str | None) -> None:
    """发布前检查年报：按时、六部分、模板、勾稽、图文一致、跨年、目录 / check reports.

    Every file (and ``--previous``) is read in the worker pool of ``gongkai extract``: one
    process per core, each document under the reading limits; the checks themselves are cheap
    and run here, in the order the files were given.
    """
    from pipelines.checker.catalogue import load_catalogue
    from pipelines.checker.run import check_extraction
    from pipelines.filepool import check_inputs

    lang = _lang(ctx, lang_opt)
    cat = None
    if catalogue is not None:
        try:
            cat = load_catalogue(catalogue)
        except (OSError, ValueError) as exc:
            err.print(f"[red]{t('check.catalogue_bad', lang, path=catalogue, reason=exc)}[/red]")
            sys.exit(2)
    paths = [*files, previous] if previous else list(files)
    with progress_bar(err) as bar:
        task = bar.add_task(t("extract.progress", lang), total=len(paths))
        inputs = check_inputs(
            paths,
            workers=min(os.cpu_count() or 1, len(paths)),
            progress=lambda done, total: bar.update(task, completed=done),
        )
    prev, prev_source = (None, None)
    if previous:
        read = inputs.pop()
        if read is None:
            err.print(f"[red]{t('file.missing', lang, path=previous)}[/red]")
            sys.exit(1)
        prev, prev_source = _previous_of(read[0])
    errors, missing = 0, False
    dated = _collected_dates()
    for path, read in zip(files, inputs, strict=True):
        if read is None:
            err.print(f"[red]{t('file.missing', lang, path=path)}[/red]")
            missing = True
            continue
        ex, facts = read
        before = prev or _previous_from_warehouse(ex)
        problems = check_extraction(ex, facts, before, cat, dated.get(ex.sha256))
        errors += sum(p.severity == "error" for p in problems)
        if as_json:
            for p in problems:
                click.echo(json.dumps({"source": ex.source, **p.to_json(lang)},
                                      ensure_ascii=False))
            continue
        click.echo(_human(ex, problems, lang))
        if before is not None and ex.year and before.year == ex.year - 1:
            note = (t("check.previous", lang, source=prev_source, year=before.year) if prev
                    else t("check.previous_wh", lang, year=before.year))
            click.echo(f"  ({note})")
    if errors and not as_json:
        err.print(f"[red]{t('check.failed', lang, n=errors)}[/red]")
    if errors or missing:
        sys.exit(1)



@click.command()
@click.option("--xlsx", "xlsx", type=click.Path(path_type=Path), default=None,
              help="写出评分排名与整改清单 XLSX / write ranking and fixes as XLSX")
@click.option("--region", default=None, help="地区代码（含下级）/ region code (with sub-regions)")
@click.option("--year", type=int, default=None, help="年度 / report year")
@click.option("--lang", "lang_opt", type=click.Choice(["zh", "en"]), default=None)
@click.pass_context
def scorecard(ctx: click.Context, xlsx: Path | None, region: str | None, year: int | None,
              lang_opt: str | None) -> None:
    """年报质量评分排名与整改清单（读取已发布数据仓库）/ scorecard ranking and list of fixes."""
    import duckdb

    from warehouse.scorecard import fixes, fixes_xlsx

    lang = _lang(ctx, lang_opt)
    wh = default_paths().warehouse
    if not wh.exists():
        err.print(f"[red]{t('serve.missing', lang, path=wh)}[/red]")
        sys.exit(1)
    con = duckdb.connect(str(wh), read_only=True)
    try:
        ranking, problems = fixes(con, region, year)
        if not ranking.height:
            err.print(f"[red]{t('scorecard.none', lang, region=region or '-', year=year or '-')}"
                      "[/red]")
            sys.exit(1)
        if xlsx is not None:
            xlsx.parent.mkdir(parents=True, exist_ok=True)
            xlsx.write_bytes(fixes_xlsx(con, region, year))
            click.echo(t("scorecard.xlsx", lang, path=xlsx, bodies=ranking.height,
                         problems=problems.height))
            return
    finally:
        con.close()
    for row in ranking.iter_rows(named=True):
        click.echo(t("scorecard.row", lang, rank=row["地区内排名"], body=row["机关"],
                     year=row["年度"], score=row["得分"], errors=row["错误"],
                     warnings=row["警告"]))

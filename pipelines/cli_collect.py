"""``gongkai collect``: fetch the year's reports from the sources' sites into the inbox.

Registered on the ``gongkai`` group in :mod:`pipelines.cli`; the crawler (httpx, selectolax)
is imported inside the command so that ``gongkai --help`` stays fast. Exits 0 whenever the run
could check sources, even if some failed (their reasons are printed and kept in
``collect/status.jsonl``); 1 when no source could be checked, 2 when the sources file is unusable.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from pipelines.console import LazyConsole, progress_bar
from pipelines.messages import resolve_lang, t
from pipelines.paths import default_paths

err = LazyConsole(soft_wrap=True)
EXAMPLE = Path(__file__).resolve().parent / "collect" / "sources.example.yaml"


def _lang(ctx: click.Context) -> str:
    return (ctx.obj or {}).get("lang") or resolve_lang(None)


@click.command()
@click.option("--year", type=int, default=None,
              help="报告年度（默认去年）/ report year (default: last year)")
@click.option("--sources", "sources_file", type=click.Path(path_type=Path), default=None,
              help="来源文件（默认 $GONGKAI_HOME/sources.yaml）/ sources file")
@click.option("--no-polite", is_flag=True,
              help="不限速（仍遵守 robots.txt）/ no rate limit (robots.txt still obeyed)")
@click.option("--rate", type=float, default=None,
              help="每个网站每秒请求数（默认 1）/ requests per second per host (default 1)")
@click.option("--concurrency", type=int, default=None,
              help="每个网站同时请求数（默认 2）/ requests in flight per host (default 2)")
@click.option("--time-cap", type=float, default=None,
              help="单个响应的时间上限，秒（默认 120）/ seconds one response may take")
@click.option("--retries", type=int, default=None,
              help="超时、5xx、429 的重试次数（默认 3）/ retries on timeouts, 5xx, 429")
@click.pass_context
def collect(ctx: click.Context, year: int | None, sources_file: Path | None, no_polite: bool,
            rate: float | None, concurrency: int | None, time_cap: float | None,
            retries: int | None) -> None:
    """从各机关网站收集年度报告，原样放入收件箱 / collect reports from the sites into the inbox."""
    from pipelines.collect.run import CollectBusy, limits_for
    from pipelines.collect.run import collect as run_collect
    from pipelines.collect.sources import SourcesError

    lang = _lang(ctx)
    paths = default_paths()
    year = year or date.today().year - 1
    sources_file = sources_file or paths.home / "sources.yaml"
    if not sources_file.exists():
        err.print(t("collect.no_sources", lang, path=sources_file, example=EXAMPLE),
                  style="red", markup=False)
        sys.exit(2)
    overrides = {k: v for k, v in (("time_cap", time_cap), ("retries", retries)) if v is not None}
    limits = limits_for(not no_polite, rate, concurrency, **overrides)
    with progress_bar(err) as bar:
        task = bar.add_task(t("collect.progress", lang), total=None)

        def progress(rec: dict) -> None:
            bar.update(task, completed=rec["done"], total=rec["total"])
            if rec["status"] != "found":  # as it happens: a province takes hours when polite
                line = t("collect.source", lang, body=rec["body_name"],
                         status=t(f"collect.status.{rec['status']}", lang),
                         reason=rec["reason"] or "")
                live = getattr(bar, "console", None)  # a live bar: print above it
                if live is not None:
                    live.print(line, markup=False, highlight=False, soft_wrap=True)
                else:
                    click.echo(line)

        try:
            result = run_collect(sources_file, year, paths, limits=limits, on_progress=progress)
        except SourcesError as exc:
            err.print(t("collect.bad_sources", lang, reason=exc), style="red", markup=False)
            sys.exit(2)
        except CollectBusy as exc:
            err.print(str(exc), style="red", markup=False)
            sys.exit(1)
    click.echo(t("collect.summary", lang, year=year, mb=result.bytes_downloaded / 1e6,
                 **{k: v for k, v in result.as_metadata().items() if k != "bytes_downloaded"}))
    click.echo(t("collect.where", lang, status=paths.collect / "status.jsonl",
                 documents=paths.collect / "documents.jsonl"))
    if result.sources and result.found + result.not_published == 0:
        err.print(t("collect.nothing_ran", lang), style="red", markup=False)
        sys.exit(1)

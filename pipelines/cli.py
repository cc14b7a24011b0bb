"""The ``gongkai`` command line: the edge where files, Dagster, Streamlit and people meet.

Every command prints Chinese by default (``--lang en`` for English), names the file and the
problem when something is wrong, and exits non-zero on failure.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from pipelines.console import LazyConsole, progress_bar
from pipelines.messages import resolve_lang, t
from pipelines.paths import default_paths

# Nothing heavy is imported at module level (dagster, duckdb, polars, rich, the engine): each
# command imports what it needs, so `gongkai extract one.html` starts in a fraction of a second
# (tests/test_cli_startup.py holds this).
REPO = Path(__file__).resolve().parents[1]
# soft_wrap: messages carry paths and commands to copy; never hard-wrap them in logs.
err = LazyConsole(soft_wrap=True)


def _progress():
    return progress_bar(err)


@click.group()
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, help="消息语言 / message language"
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """公开 Gongkai：政府信息公开工作年度报告数据仓库 / disclosure-statistics warehouse."""
    ctx.obj = {"lang": resolve_lang(lang)}


def _lang(ctx: click.Context) -> str:
    return ctx.obj["lang"]


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["report", "ledger", "ledger_map"]), default=None,
              help="按此类型收入（如把 .xls 统计表作为年报）/ ingest as this kind "
                   "(e.g. an .xls statistics table as a report)")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], kind: str | None) -> None:
    """把文件原样收入按 sha256 寻址的收件箱 / copy files unchanged into the inbox."""
    from pipelines.inbox import Inbox

    lang = _lang(ctx)
    outcomes = Inbox(default_paths().inbox).ingest(paths, kind=kind)
    errors = [o for o in outcomes if o.status == "error"]
    for o in errors:
        err.print(f"[red]{t('ingest.error', lang, path=o.path, reason=o.reason)}[/red]")
    click.echo(t("ingest.new", lang, n=sum(o.status == "new" for o in outcomes)))
    dup = sum(o.status == "duplicate" for o in outcomes)
    if dup:
        click.echo(t("ingest.duplicate", lang, n=dup))
    retired = sum(o.status == "retired" for o in outcomes)
    if retired:
        click.echo(t("ingest.retired", lang, n=retired))
    click.echo(t("ingest.where", lang, path=default_paths().inbox))
    if errors:
        sys.exit(1)


@main.group()
def inbox() -> None:
    """收件箱：列出、停用、恢复文件 / the inbox: list, retire, restore documents."""


@inbox.command(name="list")
@click.option("--kind", type=click.Choice(["report", "ledger", "ledger_map"]), default=None)
@click.option("--retired", "show_retired", is_flag=True, help="只列出已停用的 / retired only")
@click.pass_context
def inbox_list(ctx: click.Context, kind: str | None, show_retired: bool) -> None:
    """列出收件箱中的文件（sha256 前 12 位、类型、字节数、文件名）/ list the inbox."""
    from pipelines.inbox import Inbox

    lang = _lang(ctx.find_root())
    box = Inbox(default_paths().inbox)
    retired = box.retirements()
    entries = box.all_entries()
    shown = [
        e
        for e in entries
        if (kind is None or e.kind == kind) and (e.sha256 in retired) == show_retired
    ]
    for e in shown:
        line = f"{e.sha256[:12]}  {e.kind:<6}  {e.size_bytes:>10}  {e.file_name}"
        if show_retired:
            rec = retired[e.sha256]
            line += f"  [{rec['at']} {rec['by']}: {rec['reason']}]"
        click.echo(line)
    if not entries:
        click.echo(t("inbox.empty", lang))
    else:
        n = len(entries) - len(retired)
        click.echo(t("inbox.count", lang, n=n, retired=len(retired)))


def _inbox_change(ctx: click.Context, sha: str, reason: str, action: str) -> None:
    """Retire or restore one document and say which; an unknown or ambiguous SHA exits 1."""
    from pipelines.inbox import Inbox, InboxError

    lang = _lang(ctx.find_root())
    inbox = Inbox(default_paths().inbox)
    try:
        e = inbox.retire(sha, reason) if action == "retired" else inbox.restore(sha, reason)
    except InboxError as exc:
        err.print(f"[red]{t('inbox.error', lang, reason=exc)}[/red]")
        sys.exit(1)
    click.echo(t(f"inbox.{action}", lang, sha=e.sha256[:12], name=e.file_name))


@inbox.command(name="remove")
@click.argument("sha")
@click.option("--reason", default="", help="停用原因 / why")
@click.pass_context
def inbox_remove(ctx: click.Context, sha: str, reason: str) -> None:
    """停用一个文件（sha256 或至少 8 位的唯一前缀），下次构建不再读取 / retire a document."""
    _inbox_change(ctx, sha, reason, "retired")


@inbox.command(name="restore")
@click.argument("sha")
@click.option("--reason", default="", help="恢复原因 / why")
@click.pass_context
def inbox_restore(ctx: click.Context, sha: str, reason: str) -> None:
    """恢复一个已停用的文件 / bring a retired document back."""
    _inbox_change(ctx, sha, reason, "restored")


def _warm_cache(lang: str, workers: int) -> int:
    """Extract new documents with a progress bar so the Dagster run finds them cached."""
    from pipelines.batch import warm_entries
    from pipelines.inbox import Inbox

    paths = default_paths()
    inbox = Inbox(paths.inbox)
    entries = [e for e in inbox.entries() if e.kind == "report"]
    with _progress() as bar:
        task = bar.add_task(t("extract.progress", lang), total=len(entries))
        warm_entries(
            entries,
            inbox,
            paths.extract_cache,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    return len(entries)


class BuildExit:
    """Exit codes of ``gongkai build``.

    1 nothing published, 2 published but the export failed, 75 (EX_TEMPFAIL) another build
    holds the lock.
    """

    OK = 0
    NOT_PUBLISHED = 1
    EXPORT_FAILED = 2
    BUSY = 75


def run_build(
    lang: str, workers: int = 0, wait: float | None = None, command: str = "gongkai build",
    force: bool = False,
) -> int:
    """Take the build lock, clean up after dead builds, run the build job; a ``BuildExit`` code.

    ``wait``: None fails at once when another build holds the lock; seconds to wait
    (``math.inf``: until it ends).
    """
    from pipelines.runlock import BuildBusy

    try:
        with _build_lock(lang, command, wait):
            return _locked_build(lang, workers, force)
    except BuildBusy as busy:
        _say_busy(lang, busy)
        return BuildExit.BUSY


@contextlib.contextmanager
def _build_lock(lang: str, command: str, wait: float | None) -> Iterator[None]:
    """Hold the home's build lock; on first taking it, clean up what dead builds left."""
    from pipelines import housekeeping, runlock

    paths = default_paths()

    def waiting(holder: runlock.Holder | None) -> None:
        if holder is not None:
            err.print(t("build.waiting", lang, pid=holder.pid, since=holder.started))

    with runlock.hold(paths.home, command, wait=wait, on_wait=waiting) as acquired:
        if acquired.fresh:
            if os.environ.get("DAGSTER_HOME") or (paths.home / "dagster").is_dir():
                with _instance() as instance:
                    cleaned = housekeeping.clean_start(paths, instance, previous=acquired.previous)
            else:  # a home that never ran Dagster has no runs to fail (and skips its import)
                cleaned = housekeeping.clean_start(paths, None, previous=acquired.previous)
            if cleaned:
                click.echo(
                    t(
                        "build.cleaned",
                        lang,
                        staging=len(cleaned.staging),
                        partial=len(cleaned.partial),
                        runs=len(cleaned.runs_failed),
                        storage=len(cleaned.storage),
                        orphans=len(cleaned.orphans),
                    )
                )
        yield


def _say_busy(lang: str, busy) -> None:
    h = busy.holder
    err.print(
        "[red]"
        + t(
            "build.busy",
            lang,
            pid=h.pid if h else "?",
            host=h.host if h else "?",
            since=h.started if h else "?",
            command=h.command if h else "?",
            path=busy.path,
        )
        + "[/red]"
    )


def _locked_build(lang: str, workers: int, force: bool = False) -> int:
    """The build proper, with the lock held (skipped when its inputs are unchanged)."""
    from pipelines import build_inputs

    paths = default_paths()
    if not force and build_inputs.unchanged(paths):
        click.echo(t("build.unchanged", lang, path=paths.warehouse))
        return BuildExit.OK
    build_inputs.forget(paths)
    from warehouse.delta import discard_prefetch, keep_standby, prefetch

    # The copy an incremental warehouse starts from: left ready by the previous build, or
    # made while documents are extracted.
    copying = prefetch(paths.warehouse, paths.builds)
    code = BuildExit.NOT_PUBLISHED
    try:
        code = _build_job(lang, workers, paths)
        return code
    finally:
        if copying is not None:
            copying.join()
        discard_prefetch(paths.builds)
        if code in (BuildExit.OK, BuildExit.EXPORT_FAILED):
            keep_standby(paths.warehouse, paths.builds)


def _build_job(lang: str, workers: int, paths) -> int:
    """Extract new documents, run the build job and report its outcome (lock held)."""
    from pipelines import build_inputs

    n = _warm_cache(lang, workers or os.cpu_count() or 1)
    if n == 0:
        err.print(f"[red]{t('build.empty', lang)}[/red]")
        return BuildExit.NOT_PUBLISHED
    # Imported here: loading the definitions takes seconds, an empty inbox should not wait.
    from pipelines import housekeeping
    from pipelines.build_outcome import Published, outcome_of, quarantine_lines
    from pipelines.definitions import defs
    from pipelines.pool import kept_workers
    from pipelines.resources import GongkaiHome

    click.echo(t("build.start", lang, n=n))
    started = time.monotonic()
    job = defs.resolve_job_def("build_warehouse")
    # The steps run one after the other in this process: the shards share their workers.
    with _instance() as instance, kept_workers():
        result = job.execute_in_process(
            instance=instance,
            resources={"gongkai": GongkaiHome(home=str(paths.home), workers=workers)},
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            tags=housekeeping.run_tags(),
        )
    outcome = outcome_of(result)
    staging = paths.builds / outcome.run_id / "gongkai.duckdb"
    if outcome.state is Published.NOT_PUBLISHED:
        if outcome.failed_checks:
            msg = t(
                "build.failed_checks",
                lang,
                checks=", ".join(outcome.failed_checks),
                staging=staging,
            )
        else:
            msg = t("build.failed", lang, reason=outcome.reason())
        err.print(f"[red]{msg}[/red]")
        for line in quarantine_lines(staging, lang):
            click.echo(line)
        return BuildExit.NOT_PUBLISHED
    import duckdb

    con = duckdb.connect(str(paths.warehouse), read_only=True)
    pub, quar, other, version = con.execute(
        "SELECT reports_published, reports_quarantined, documents_not_report, dataset_version "
        "FROM meta_build"
    ).fetchall()[0]
    con.close()
    click.echo(
        t(
            "build.ok",
            lang,
            secs=time.monotonic() - started,
            published=pub,
            quarantined=quar,
            not_report=other,
            path=paths.warehouse,
        )
    )
    for line in quarantine_lines(paths.warehouse, lang):
        click.echo(line)
    if outcome.state is Published.EXPORT_FAILED:
        err.print(
            "[red]"
            + t(
                "build.export_failed",
                lang,
                path=paths.warehouse,
                export=paths.export,
                reason=outcome.reason(),
            )
            + "[/red]"
        )
        return BuildExit.EXPORT_FAILED
    click.echo(t("build.exported", lang, path=paths.export / f"gongkai-{version}"))
    build_inputs.record(paths, paths.export / f"gongkai-{version}")
    return BuildExit.OK


def _wait_option(f):
    """``--wait [SECONDS]``: wait for a running build (alone: as long as it takes)."""
    return click.option(
        "--wait",
        "wait",
        type=float,
        is_flag=False,
        flag_value=math.inf,
        default=None,
        metavar="[SECONDS]",
        help="另一个构建正在进行时等待它结束（可给秒数）/ wait for a running build "
        "(optionally at most SECONDS)",
    )(f)


@main.command()
@click.option(
    "--workers", default=0, help="并行进程数，0 为每核一个 / processes (0 = one per core)"
)
@click.option(
    "--force", is_flag=True,
    help="收件箱与代码未变也重新构建 / rebuild even when the inbox and code are unchanged",
)
@_wait_option
@click.pass_context
def build(ctx: click.Context, workers: int, force: bool, wait: float | None) -> None:
    """物化全部资产：抽取、校验、构建并发布数据仓库、导出 / materialize every asset."""
    code = run_build(_lang(ctx), workers, wait=wait, force=force)
    if code:
        sys.exit(code)


@main.command()
@click.option(
    "--json", "as_json", is_flag=True, help="每份文件输出一行 JSON / one JSON object per line"
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def extract(ctx: click.Context, as_json: bool, files: tuple[Path, ...]) -> None:
    """抽取文件中的数字（不入库）/ read the figures of documents (no warehouse).

    Each file is read in a worker process under the reading limits (time, memory, sizes), so
    one hostile file ends with a finding, not a hung or killed command. Exit status 1 when a
    file is missing, or (without --json) when a document could not be read.
    """
    from pipelines.filepool import extract_paths

    lang = _lang(ctx)
    with _progress() as bar:
        task = bar.add_task(t("extract.progress", lang), total=len(files))
        results = extract_paths(
            files,
            workers=min(os.cpu_count() or 1, len(files)),
            progress=lambda done, total: bar.update(task, completed=done),
        )
        bar.update(task, completed=len(files))
    for ex in results:
        if as_json:
            click.echo(json.dumps(ex.to_json(), ensure_ascii=False))
        else:
            click.echo(_human_summary(ex, lang))
    missing = any(not path.is_file() for path in files)
    unreadable = any(not ex.readable for ex in results)
    if missing or (unreadable and not as_json):
        sys.exit(1)


def _human_summary(ex, lang: str) -> str:
    from schemas.vocabulary.kinds import ANNUAL, KIND_LABELS

    what = f"{ex.template or '?'}, {ex.container}"
    head = f"{ex.source}: {ex.body.name or '?'} {ex.year or '?'} ({what})"
    lines = [head, f"  {len(ex.values)} " + ("个数值" if lang == "zh" else "values")]
    if ex.document_kind != ANNUAL:
        kind = KIND_LABELS[ex.document_kind][lang == "en"]
        lines = [t("extract.not_report", lang, path=ex.source, kind=kind, title=ex.title or "?")]
    for f in ex.findings:
        lines.append(f"  [{f.severity}/{f.blame}] {f.rule}: {f.message}")
    return "\n".join(lines)


@main.command(name="eval")
@click.argument("corpus", type=click.Path(path_type=Path), required=False)
@click.option(
    "--corrections", "with_corrections", is_flag=True,
    help="以人工复核值为标准评估当前引擎 / score the engine against every settled correction",
)
@click.option(
    "--ratchet",
    type=click.Path(path_type=Path),
    default=None,
    help="准确率下限文件 / accuracy floors",
)
@click.option(
    "--json", "as_json", is_flag=True, help="整个结果输出为 JSON / the whole result as JSON"
)
@click.pass_context
def eval_cmd(ctx: click.Context, corpus: Path | None, ratchet: Path | None, as_json: bool,
             with_corrections: bool) -> None:
    """在带标准答案的语料上评估抽取准确率 / measure extraction accuracy against expected values.

    With ``--corrections`` (and no CORPUS): the settled corrections of this home are the gold.
    """
    lang = _lang(ctx)
    if with_corrections:
        from pipelines.review.yardstick import format_score, score_store

        result = score_store(default_paths().home, os.cpu_count() or 1)
        if as_json:
            click.echo(json.dumps({"counts": result.counts, "items": result.items,
                                   "values": result.rows}, ensure_ascii=False, indent=1))
        else:
            click.echo(format_score(result, lang))
        if corpus is None:
            return
    from pipelines.extract.evaluate import evaluate, format_eval, ratchet_check

    if corpus is None or not (corpus / "docs").is_dir() or not (corpus / "expected").is_dir():
        err.print(f"[red]{t('eval.missing', lang, path=corpus)}[/red]")
        sys.exit(2)
    result = evaluate(corpus)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(format_eval(result, lang))
    if ratchet:
        regressions = ratchet_check(result, ratchet)
        if regressions:
            err.print(f"[red]{t('eval.regressed', lang)}[/red]")
            for r in regressions:
                err.print(f"  - {r}")
            sys.exit(1)
        click.echo(t("eval.ok", lang, path=ratchet))


@main.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.pass_context
def export(ctx: click.Context, out_dir: Path) -> None:
    """把已发布的数据仓库导出为开放数据包 / export the published warehouse as open data."""
    from warehouse.export import export_dataset
    from warehouse.personal_data import PersonalDataFound

    lang = _lang(ctx)
    paths = default_paths()
    wh = paths.warehouse
    if not wh.exists():
        err.print(f"[red]{t('serve.missing', lang, path=wh)}[/red]")
        sys.exit(1)
    try:
        folder = export_dataset(wh, out_dir, paths.parts)
    except PersonalDataFound as exc:  # names tables and counts, never values
        err.print(f"[red]{exc}[/red]")
        sys.exit(1)
    click.echo(t("export.ok", lang, path=folder))


def serve_command(host: str, port: int) -> list[str]:
    """The Streamlit command line of ``gongkai serve`` (the browser tests start the same one).

    ``--client.toolbarMode minimal`` leaves out Streamlit's own main menu (Print, Settings,
    Record a screencast, About), whose items are English only and cannot be translated.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "dashboards" / "app.py"),
        "--server.headless",
        "true",
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def _serve(lang: str, host: str, port: int) -> None:
    wh = default_paths().warehouse
    if not wh.exists():
        err.print(f"[red]{t('serve.missing', lang, path=wh)}[/red]")
        sys.exit(1)
    env = {**os.environ, "GONGKAI_WAREHOUSE": str(wh), "GONGKAI_LANG": lang}
    url = f"http://{host}:{port}"
    click.echo(t("serve.url", lang, url=url))
    _run_foreground(serve_command(host, port), env)


def _run_foreground(cmd: list[str], env: dict[str, str]) -> None:
    """Run a server in its own process group and stop the whole group on Ctrl-C or SIGTERM."""
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)

    def stop(*_: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        stop()
        code = proc.wait()
    sys.exit(code)


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8501)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """启动仪表板（只读打开已发布的数据仓库）/ serve the dashboard."""
    _serve(_lang(ctx), host, port)


@main.command()
@click.option("--seed", default=20240201, help="随机种子 / seed")
@click.option("--scale", default=1.0, help="规模，1.0 约 8 个市 40 个县 / size")
@click.option(
    "--national", is_flag=True, help="全国 31 个省份，约 21 万份报告 / every province (~210,000)"
)
@click.option(
    "--provinces",
    default=None,
    help="指定省份，代码或名称，逗号分隔，如 32,广东 / provinces, codes or names: 32,44",
)
@click.option("--workers", type=int, default=None, help="进程数，默认为核数 / processes")
@click.option(
    "--serve/--no-serve", "do_serve", default=True, help="构建后启动仪表板 / serve afterwards"
)
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8501)
@_wait_option
@click.pass_context
def demo(
    ctx: click.Context,
    seed: int,
    scale: float,
    national: bool,
    provinces: str | None,
    workers: int | None,
    do_serve: bool,
    host: str,
    port: int,
    wait: float | None,
) -> None:
    """生成演示省份、构建数据仓库并启动仪表板 / generate the demo province, build, serve."""
    from pipelines.demo import generate
    from pipelines.demo.country import provinces_of
    from pipelines.inbox import LEDGER_SUFFIXES, Inbox
    from pipelines.runlock import BuildBusy

    lang = _lang(ctx)
    paths = default_paths()
    chosen = None
    if national and provinces:
        raise click.UsageError(t("demo.national_or_provinces", lang))
    if national or provinces:
        try:
            chosen = provinces_of(None if national else (provinces or "").split(","))
        except ValueError as exc:
            raise click.BadParameter(t("demo.bad_province", lang, reason=exc),
                                     param_hint="--provinces") from None
    # The lock covers generating too: two demos would write the same demo folder.
    try:
        with _build_lock(lang, "gongkai demo", wait):
            start = time.monotonic()
            if chosen is None:
                click.echo(t("demo.generate", lang, seed=seed, scale=scale, path=paths.demo))
                summary = generate(paths.demo, seed=seed, scale=scale)
            else:
                click.echo(t("demo.generate_provinces", lang, n=len(chosen), seed=seed,
                             names="、".join(name for _, name in chosen[:5])
                             + ("…" if len(chosen) > 5 else ""), path=paths.demo))
                summary = generate(paths.demo, seed=seed, national=national,
                                   provinces=[code for code, _ in chosen], workers=workers)
            seconds = time.monotonic() - start
            n = summary.get("documents", 0)
            click.echo(t("demo.generated", lang, n=n))
            click.echo(t("demo.rate", lang, seconds=seconds, rate=n / max(seconds, 1e-9)))
            Inbox(paths.inbox).ingest([paths.demo / "docs"])
            # Application ledgers: CSV/XLSX only; the *.truth.json beside them are test truth.
            ledgers = paths.demo / "ledgers"
            if ledgers.is_dir():
                files = sorted(ledgers.iterdir())
                Inbox(paths.inbox).ingest(p for p in files if p.suffix in LEDGER_SUFFIXES)
            code = _locked_build(lang, 0)
    except BuildBusy as busy:
        _say_busy(lang, busy)
        sys.exit(BuildExit.BUSY)
    # A stale export does not stop the demo: the warehouse the dashboard reads is published.
    if code == BuildExit.NOT_PUBLISHED:
        sys.exit(code)
    if do_serve:
        _serve(lang, host, port)
    sys.exit(code)


def _report_bodies() -> dict:
    """Report stem → body from the published warehouse, for ledgers filed beside a report."""
    import duckdb
    import polars as pl

    from warehouse.ledgers import report_bodies

    wh = default_paths().warehouse
    if not wh.exists():
        return {}
    try:
        con = duckdb.connect(str(wh), read_only=True)
        try:
            frame = con.sql("SELECT source, body_name, region_code, status FROM core_report").pl()
        finally:
            con.close()
    except duckdb.Error:
        return {}
    return report_bodies(frame.with_columns(pl.col("status").cast(pl.Utf8)))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="每行申请输出一行 JSON / one JSON per row")
@click.option(
    "--summary", is_flag=True, help="按机关和年度输出表三汇总 JSON / table 三 per body and year"
)
@click.option(
    "--map",
    "map_files",
    multiple=True,
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="台账映射文件（ledger-map.toml，可多个，后者优先）/ ledger map file(s), later wins",
)
@click.option(
    "--headers",
    "show_headers",
    is_flag=True,
    help="列出每个表头及其读取方式 / print every header and how it was read",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def ledger(
    ctx: click.Context,
    as_json: bool,
    summary: bool,
    map_files: tuple[Path, ...],
    show_headers: bool,
    files: tuple[Path, ...],
) -> None:
    """读取依申请公开台账：期限、超期、表三汇总（不入库）/ read application ledgers."""
    import polars as pl

    from pipelines.ledgers import process_ledger
    from pipelines.ledgers.aggregate import summary_json, table_three
    from pipelines.ledgers.process import file_json, json_rows

    lang = _lang(ctx)
    ledger_map = _ledger_map(map_files, lang)
    missing = [p for p in files if not p.is_file()]
    for p in missing:
        err.print(f"[red]{t('file.missing', lang, path=p)}[/red]")
    reports = _report_bodies()
    results = [
        process_ledger(p.read_bytes(), p.name, reports=reports, ledger_map=ledger_map)
        for p in files
        if p.is_file()
    ]
    for r in results:
        if as_json:
            head = file_json(r)
            if head is not None:
                click.echo(json.dumps(head, ensure_ascii=False))
            for obj in json_rows(r):
                click.echo(json.dumps(obj, ensure_ascii=False))
        elif not summary:
            click.echo(_ledger_line(r, lang))
            for line in _ledger_details(r, lang, show_headers):
                click.echo(line)
    if summary:
        # A ledger whose body cannot be told is still summarised, under its file name.
        apps = [
            r.rows.filter(pl.col("quarantine_reason").is_null()).with_columns(
                body_id=pl.coalesce("body_id", pl.lit(f"?|{r.source}"))
            )
            for r in results
            if r.rows.height
        ]
        pairs = pl.DataFrame(
            [(f"{r.body.region_code or '000000'}|{r.body.name}" if r.body and r.body.name
              else f"?|{r.source}", y) for r in results if not r.file_error for y in r.years],
            schema={"body_id": pl.Utf8, "year": pl.Int64},
            orient="row",
        )
        long = table_three(pl.concat(apps, how="diagonal_relaxed") if apps else
                           pl.DataFrame(schema={"body_id": pl.Utf8, "year": pl.Int64}), pairs)
        for obj in summary_json(long):
            click.echo(json.dumps(obj, ensure_ascii=False))
        for r in results:
            if r.body is None or not r.body.name:
                err.print(f"[yellow]{t('ledger.no_body', lang, path=r.source)}[/yellow]")
    if missing or any(r.file_error for r in results):
        for r in results:
            if r.file_error:
                msg = t("ledger.file_error", lang, path=r.source, reason=r.file_error)
                err.print(f"[red]{msg}[/red]")
        sys.exit(1)


def _ledger_map(map_files: tuple[Path, ...], lang: str):
    """The ``--map`` files as one map (later wins); a wrong file stops here, naming the key."""
    from pipelines.ledgers.ledger_map import LedgerMapError, merge_maps, parse_ledger_map

    try:
        return merge_maps(
            parse_ledger_map(m.read_text(encoding="utf-8"), str(m)) for m in map_files
        )
    except (LedgerMapError, UnicodeDecodeError) as exc:
        from rich.markup import escape

        err.print(f"[red]{escape(t('ledger.map_error', lang, reason=exc))}[/red]")
        sys.exit(2)


def _half(message: str, lang: str) -> str:
    """The Chinese or the English half of a ``zh / en`` message."""
    zh, _, en = message.partition(" / ")
    return (zh if lang == "zh" else en) or message


def _ledger_details(r, lang: str, show_headers: bool) -> list[str]:
    """Lines under a ledger's summary line: the map applied, column findings, row findings."""
    import polars as pl

    from pipelines.ledgers.process import FINDINGS

    if r.file_error:
        return []
    out = []
    if r.ledger_map:
        out.append(t("ledger.map_used", lang, path=r.ledger_map))
    if show_headers:
        for c in r.columns:
            how = c["how"] + (f" {c['score']:g}" if c.get("score") else "")
            if c.get("candidates"):
                how += " → " + " / ".join(c["candidates"])
            out.append(
                t("ledger.column", lang, n=c["column"], header=c["header"],
                  field=c["field"] or "—", how=how)
            )  # fmt: skip
    for f in r.file_findings:
        out.append(
            t("ledger.finding", lang, severity=f["severity"], message=_half(f["message"], lang))
        )
    if "findings" in r.rows.columns:
        counts = r.rows.select(pl.col("findings").explode().value_counts()).unnest("findings")
        for rule, n in counts.drop_nulls("findings").sort("findings").iter_rows():
            severity, text = FINDINGS[rule]
            if severity == "info":
                continue
            text = _half(text.replace("{tie}", "…"), lang)
            out.append(t("ledger.rows_finding", lang, severity=severity, n=n, message=text))
    return out


def _ledger_line(r, lang: str) -> str:
    import polars as pl

    if r.file_error:
        return t("ledger.file_error", lang, path=r.source, reason=r.file_error)
    rows = r.rows
    body = r.body.name if r.body is not None and r.body.name else "?"
    return t(
        "ledger.line",
        lang,
        path=r.source,
        body=body,
        year=r.year or "?",
        rows=rows.height,
        quarantined=rows.filter(pl.col("quarantine_reason").is_not_null()).height,
        overdue=rows.filter(pl.col("overdue_days") > 0).height,
    )


@contextlib.contextmanager
def _instance() -> Iterator:
    """The Dagster instance of ``$DAGSTER_HOME``, by default the one in the Gongkai home.

    The instance lives in the home, so `gongkai dev` shows the runs `gongkai build` made.
    """
    import dagster as dg

    set_here = not os.environ.get("DAGSTER_HOME")
    if set_here:
        os.environ["DAGSTER_HOME"] = str(_dagster_home())
    try:
        with dg.DagsterInstance.get() as instance:
            yield instance
    finally:
        if set_here:
            os.environ.pop("DAGSTER_HOME", None)


def _dagster_home() -> Path:
    """The Dagster instance folder, with telemetry off (the pipeline runs without network)."""
    home = default_paths().home / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return home


@main.command()
@click.option("--port", default=3000)
def dev(port: int) -> None:
    """启动 dagster dev（workspace.yaml）/ start dagster dev on workspace.yaml."""
    env = {**os.environ, "DAGSTER_HOME": str(_dagster_home())}
    cmd = [
        str(Path(sys.executable).with_name("dagster")),
        "dev",
        "-w",
        str(REPO / "workspace.yaml"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    _run_foreground(cmd, env)


# The report checker's commands (gongkai check, gongkai scorecard) and gongkai collect live
# in their own modules.
from pipelines.cli_check import check as _check_cmd  # noqa: E402
from pipelines.cli_check import scorecard as _scorecard_cmd  # noqa: E402
from pipelines.cli_collect import collect as _collect_cmd  # noqa: E402

main.add_command(_check_cmd)
main.add_command(_scorecard_cmd)
main.add_command(_collect_cmd)
# gongkai review (the review queue and the corrections store) lives in its own module too.
from pipelines.cli_review import review as _review_cmd  # noqa: E402

main.add_command(_review_cmd)


if __name__ == "__main__":
    main()

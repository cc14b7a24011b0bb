"""The ``gongkai`` command line: the edge where files, Dagster, Streamlit and people meet.

Every command prints Chinese by default (``--lang en`` for English), names the file and the
problem when something is wrong, and exits non-zero on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines.messages import resolve_lang, t
from pipelines.paths import default_paths

REPO = Path(__file__).resolve().parents[1]
err = Console(stderr=True)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


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
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """把文件原样收入按 sha256 寻址的收件箱 / copy files unchanged into the inbox."""
    from pipelines.inbox import Inbox

    lang = _lang(ctx)
    outcomes = Inbox(default_paths().inbox).ingest(paths)
    errors = [o for o in outcomes if o.status == "error"]
    for o in errors:
        err.print(f"[red]{t('ingest.error', lang, path=o.path, reason=o.reason)}[/red]")
    click.echo(t("ingest.new", lang, n=sum(o.status == "new" for o in outcomes)))
    dup = sum(o.status == "duplicate" for o in outcomes)
    if dup:
        click.echo(t("ingest.duplicate", lang, n=dup))
    click.echo(t("ingest.where", lang, path=default_paths().inbox))
    if errors:
        sys.exit(1)


def _warm_cache(lang: str, workers: int) -> int:
    """Extract new documents with a progress bar so the Dagster run finds them cached."""
    from pipelines.batch import extract_entries
    from pipelines.inbox import Inbox

    paths = default_paths()
    inbox = Inbox(paths.inbox)
    entries = [e for e in inbox.entries() if e.kind == "report"]
    with _progress() as bar:
        task = bar.add_task(t("extract.progress", lang), total=len(entries))
        extract_entries(
            entries,
            inbox,
            paths.extract_cache,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    return len(entries)


def run_build(lang: str, workers: int = 0) -> bool:
    """Materialize every asset of the build job; True when the warehouse was published."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.resources import GongkaiHome

    paths = default_paths()
    n = _warm_cache(lang, workers or os.cpu_count() or 1)
    if n == 0:
        err.print(f"[red]{t('build.empty', lang)}[/red]")
        return False
    click.echo(t("build.start", lang, n=n))
    started = time.monotonic()
    job = defs.resolve_job_def("build_warehouse")
    # The instance lives in the home, so `gongkai dev` shows the runs `gongkai build` made.
    os.environ.setdefault("DAGSTER_HOME", str(_dagster_home()))
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            resources={"gongkai": GongkaiHome(home=str(paths.home), workers=workers)},
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        failed_checks = [
            e.asset_check_evaluation_data.check_name
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and not e.asset_check_evaluation_data.passed
            and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR
        ]
        published = result.success and any(
            m.asset_key == dg.AssetKey("out_warehouse")
            for m in result.asset_materializations_for_node("out_warehouse")
        )
    if not published:
        reason = ", ".join(failed_checks) or next(
            (
                str(e.event_specific_data.error.message).strip()
                for e in result.all_events
                if e.is_step_failure
            ),
            "unknown",
        )
        err.print(f"[red]{t('build.failed', lang, reason=reason)}[/red]")
        return False
    import duckdb

    con = duckdb.connect(str(paths.warehouse), read_only=True)
    pub, quar, other = con.execute(
        "SELECT reports_published, reports_quarantined, documents_not_report FROM meta_build"
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
    return True


@main.command()
@click.option(
    "--workers", default=0, help="并行进程数，0 为每核一个 / processes (0 = one per core)"
)
@click.pass_context
def build(ctx: click.Context, workers: int) -> None:
    """物化全部资产：抽取、校验、构建并发布数据仓库、导出 / materialize every asset."""
    if not run_build(_lang(ctx), workers):
        sys.exit(1)


@main.command()
@click.option(
    "--json", "as_json", is_flag=True, help="每份文件输出一行 JSON / one JSON object per line"
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def extract(ctx: click.Context, as_json: bool, files: tuple[Path, ...]) -> None:
    """抽取文件中的数字（不入库）/ read the figures of documents (no warehouse)."""
    from pipelines.extract import extract_file

    lang = _lang(ctx)
    failed = False
    with _progress() as bar:
        task = bar.add_task(t("extract.progress", lang), total=len(files))
        for path in files:
            ex = extract_file(path)
            failed |= not ex.readable
            if as_json:
                click.echo(json.dumps(ex.to_json(), ensure_ascii=False))
            else:
                click.echo(_human_summary(ex, lang))
            bar.advance(task)
    if failed and not as_json:
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
@click.argument("corpus", type=click.Path(path_type=Path))
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
def eval_cmd(ctx: click.Context, corpus: Path, ratchet: Path | None, as_json: bool) -> None:
    """在带标准答案的语料上评估抽取准确率 / measure extraction accuracy against expected values."""
    from pipelines.extract.evaluate import evaluate, format_eval, ratchet_check

    lang = _lang(ctx)
    if not (corpus / "docs").is_dir() or not (corpus / "expected").is_dir():
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
    wh = default_paths().warehouse
    if not wh.exists():
        err.print(f"[red]{t('serve.missing', lang, path=wh)}[/red]")
        sys.exit(1)
    try:
        folder = export_dataset(wh, out_dir)
    except PersonalDataFound as exc:  # names tables and counts, never values
        err.print(f"[red]{exc}[/red]")
        sys.exit(1)
    click.echo(t("export.ok", lang, path=folder))


def _serve(lang: str, host: str, port: int) -> None:
    wh = default_paths().warehouse
    if not wh.exists():
        err.print(f"[red]{t('serve.missing', lang, path=wh)}[/red]")
        sys.exit(1)
    env = {**os.environ, "GONGKAI_WAREHOUSE": str(wh), "GONGKAI_LANG": lang}
    url = f"http://{host}:{port}"
    click.echo(t("serve.url", lang, url=url))
    cmd = [
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
        "viewer",
    ]
    _run_foreground(cmd, env)


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
    "--serve/--no-serve", "do_serve", default=True, help="构建后启动仪表板 / serve afterwards"
)
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=8501)
@click.pass_context
def demo(ctx: click.Context, seed: int, scale: float, do_serve: bool, host: str, port: int) -> None:
    """生成演示省份、构建数据仓库并启动仪表板 / generate the demo province, build, serve."""
    from pipelines.demo import generate
    from pipelines.inbox import Inbox

    lang = _lang(ctx)
    paths = default_paths()
    click.echo(t("demo.generate", lang, seed=seed, scale=scale, path=paths.demo))
    summary = generate(paths.demo, seed=seed, scale=scale)
    click.echo(t("demo.generated", lang, n=summary.get("documents", "?")))
    Inbox(paths.inbox).ingest([paths.demo / "docs"])
    # Application ledgers: CSV/XLSX only; the *.truth.json beside them are test truth.
    ledgers = paths.demo / "ledgers"
    if ledgers.is_dir():
        files = sorted(ledgers.iterdir())
        Inbox(paths.inbox).ingest(p for p in files if p.suffix in {".csv", ".xlsx"})
    if not run_build(lang):
        sys.exit(1)
    if do_serve:
        _serve(lang, host, port)


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
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_context
def ledger(ctx: click.Context, as_json: bool, summary: bool, files: tuple[Path, ...]) -> None:
    """读取依申请公开台账：期限、超期、表三汇总（不入库）/ read application ledgers."""
    import polars as pl

    from pipelines.ledgers import process_ledger
    from pipelines.ledgers.aggregate import summary_json, table_three
    from pipelines.ledgers.process import json_rows

    lang = _lang(ctx)
    missing = [p for p in files if not p.is_file()]
    for p in missing:
        err.print(f"[red]{t('file.missing', lang, path=p)}[/red]")
    reports = _report_bodies()
    results = [
        process_ledger(p.read_bytes(), p.name, reports=reports) for p in files if p.is_file()
    ]
    for r in results:
        if as_json:
            for obj in json_rows(r):
                click.echo(json.dumps(obj, ensure_ascii=False))
        elif not summary:
            click.echo(_ledger_line(r, lang))
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
              else f"?|{r.source}", r.year) for r in results if r.year and not r.file_error],
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


# The report checker's commands (gongkai check, gongkai scorecard) live in their own module.
from pipelines.cli_check import check as _check_cmd  # noqa: E402
from pipelines.cli_check import scorecard as _scorecard_cmd  # noqa: E402

main.add_command(_check_cmd)
main.add_command(_scorecard_cmd)


if __name__ == "__main__":
    main()

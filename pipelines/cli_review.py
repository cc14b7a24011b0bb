"""``gongkai review``: the review queue and the corrections store on the command line.

``list`` and ``show`` read the published warehouse (``out_review_item``); ``settle`` and
``withdraw`` append to the corrections file (:mod:`pipelines.review.store`) — the same store the
dashboard's review page writes — and never touch the warehouse: the next ``gongkai build``
applies them. ``corrections`` lists the corrections the published build applied, flagged or
found the engine agreeing with; ``export`` / ``import`` share them as CSV or JSON. Registered
on the ``gongkai`` group in :mod:`pipelines.cli`; strings live in :mod:`pipelines.messages`.
"""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path

import click

from pipelines.console import LazyConsole
from pipelines.messages import resolve_lang, t
from pipelines.paths import default_paths

err = LazyConsole(soft_wrap=True)


def _lang(ctx: click.Context) -> str:
    return (ctx.find_root().obj or {}).get("lang") or resolve_lang(None)


def _warehouse(lang: str) -> Path:
    wh = default_paths().warehouse
    if not wh.is_file():
        err.print(f"[red]{t('review.no_warehouse', lang, path=wh)}[/red]")
        sys.exit(1)
    return wh


def _fail(lang: str, exc: Exception) -> None:
    err.print(f"[red]{t('review.error', lang, reason=exc)}[/red]")
    sys.exit(1)


def _measure_keys() -> frozenset[str]:
    from schemas.registry import measures

    return frozenset(m.key for m in measures())


def _kind_label(kind: str, lang: str) -> str:
    from pipelines.review.items import KINDS

    zh, en = KINDS.get(kind, (kind, kind))
    return en if lang == "en" else zh


@click.group()
def review() -> None:
    """人工复核：队列与更正记录 / review queue and corrections."""


@review.command(name="list")
@click.option("--kind", default=None, help="事项类型 / item kind (ambiguous_split, …)")
@click.option("--status", type=click.Choice(["open", "settled", "engine_agrees", "all"]),
              default="open", help="状态，默认未处理 / status (default open)")
@click.option("--limit", default=50, help="最多列出 / at most (0 = all)")
@click.option("--json", "as_json", is_flag=True, help="每项一行 JSON / one JSON object per line")
@click.pass_context
def review_list(ctx: click.Context, kind: str | None, status: str, limit: int,
                as_json: bool) -> None:
    """按重要性列出复核队列 / list the review queue, most important first."""
    from pipelines.review.settle import read_queue

    lang = _lang(ctx)
    items = read_queue(_warehouse(lang), kind, None if status == "all" else status,
                       limit or None)
    for it in items:
        if as_json:
            click.echo(json.dumps(it, ensure_ascii=False))
            continue
        keys = ",".join(it["keys"])[:60]
        click.echo(f"{it['item_id'][:12]}  {it['importance']:>9.0f}  {it['status']:<13} "
                   f"{_kind_label(it['kind'], lang)}  {it['body_name'] or '?'} "
                   f"{it['year'] or ''}  {keys}")
    if not as_json:
        click.echo(t("review.count", lang, n=len(items)) if items else t("review.empty", lang))


@review.command(name="show")
@click.argument("item")
@click.pass_context
def review_show(ctx: click.Context, item: str) -> None:
    """显示一个事项：出处、原文值、候选读法 / show one item: source, printed, candidates."""
    from pipelines.review.settle import queue_item
    from pipelines.review.store import CorrectionError

    lang = _lang(ctx)
    try:
        it = queue_item(_warehouse(lang), item)
    except CorrectionError as exc:
        _fail(lang, exc)
    en = lang == "en"
    lines = [
        f"{it['item_id']}  {_kind_label(it['kind'], lang)} ({it['rule']})",
        f"  {'document' if en else '文件'}: {it['source']}  sha256 {it['report_id']}",
        f"  {'body' if en else '机关'}: {it['body_name'] or '?'} ({it['region_code'] or '?'}) "
        f"{it['year'] or ''}",
        f"  {'importance' if en else '重要性'}: {it['importance']:.0f}   "
        f"{'status' if en else '状态'}: {it['status']}",
        f"  {it['message']}",
    ]
    if it["keys"]:
        lines.append(f"  {'keys' if en else '键'}: {', '.join(it['keys'])}")
    if it["printed"]:
        lines.append(f"  {'as published' if en else '原文值'}: "
                     + json.dumps(it["printed"], ensure_ascii=False))
    for label, field in (("sentence", "sentence"), ("row", "row"), ("tokens", "tokens"),
                         ("line", "line"), ("header", "header")):
        if it["location"].get(field) is not None:
            lines.append(f"  {label}: {it['location'][field]}")
    for n, cand in enumerate(it["candidates"], 1):
        lines.append(f"  [{n}] " + json.dumps(cand, ensure_ascii=False))
    if it["settled_values"]:
        lines.append(f"  {'settled' if en else '已复核'}: "
                     + json.dumps(it["settled_values"], ensure_ascii=False)
                     + f"  ({it['reviewer']}, {it['reviewed_at']})")
    click.echo("\n".join(lines))


@review.command(name="settle")
@click.argument("item")
@click.option("--pick", type=int, default=None, help="选第 N 个候选读法 / take candidate N")
@click.option("--value", "typed", multiple=True, metavar="KEY=VALUE",
              help="输入数值（可多次）/ type a value (repeatable)")
@click.option("--note", default="", help="说明（为何如此）/ why")
@click.option("--by", "reviewer", default=None, help="复核人，默认当前用户 / reviewer")
@click.pass_context
def review_settle(ctx: click.Context, item: str, pick: int | None, typed: tuple[str, ...],
                  note: str, reviewer: str | None) -> None:
    """复核一个事项：选候选读法或输入数值 / settle an item: pick a candidate or type values."""
    from pipelines.review import store
    from pipelines.review.settle import correction_for, queue_item, values_for

    lang = _lang(ctx)
    try:
        it = queue_item(_warehouse(lang), item)
        pairs = {}
        for p in typed:
            key, sep, val = p.partition("=")
            if not sep:
                raise store.CorrectionError(f"应为 KEY=VALUE / expected KEY=VALUE: {p!r}")
            pairs[key.strip()] = val
        values = values_for(it, pick, pairs, _measure_keys())
        c = correction_for(it, values, reviewer or getpass.getuser(), note)
    except store.CorrectionError as exc:
        _fail(lang, exc)
    path = store.store_path(default_paths().home)
    store.append(path, [c])
    click.echo(t("review.saved", lang, cid=c.correction_id, item=it["item_id"],
                 values=json.dumps(values, ensure_ascii=False), path=path))


@review.command(name="withdraw")
@click.argument("item")
@click.option("--note", default="", help="说明 / why")
@click.option("--by", "reviewer", default=None, help="复核人 / reviewer")
@click.pass_context
def review_withdraw(ctx: click.Context, item: str, note: str, reviewer: str | None) -> None:
    """撤回一个事项的更正（记录保留）/ withdraw an item's correction (the record stays)."""
    from pipelines.review import store
    from pipelines.review.settle import correction_for, queue_item

    lang = _lang(ctx)
    try:
        it = queue_item(_warehouse(lang), item)
        c = correction_for(it, {}, reviewer or getpass.getuser(), note, action="withdraw")
    except store.CorrectionError as exc:
        _fail(lang, exc)
    store.append(store.store_path(default_paths().home), [c])
    click.echo(t("review.withdrawn", lang, item=it["item_id"]))


@review.command(name="corrections")
@click.pass_context
def review_corrections(ctx: click.Context) -> None:
    """已发布构建中每条生效更正的状态 / what the published build did with each correction."""
    import duckdb

    lang = _lang(ctx)
    con = duckdb.connect(str(_warehouse(lang)), read_only=True)
    try:
        rows = con.execute("SELECT correction_id, status, kind, source, \"values\", "
                           "coalesce(status_note, '') FROM core_correction "
                           "ORDER BY reviewed_at").fetchall()
    finally:
        con.close()
    for cid, status, kind, source, values, note in rows:
        click.echo(t("review.status", lang, id=cid, status=status, kind=kind or "",
                     source=source or "", values=values or "", note=note))
    if not rows:
        click.echo(t("review.no_corrections", lang))


@review.command(name="export")
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
              help="格式，默认按扩展名 / format (default: by extension)")
@click.pass_context
def review_export(ctx: click.Context, out: Path, fmt: str | None) -> None:
    """把更正记录导出为 CSV 或 JSON / export the corrections as CSV or JSON."""
    from pipelines.review import store

    lang = _lang(ctx)
    try:
        all_ = store.read(store.store_path(default_paths().home))
    except store.CorrectionError as exc:
        _fail(lang, exc)
    fmt = fmt or ("json" if out.suffix.lower() == ".json" else "csv")
    text = store.to_json_text(all_) if fmt == "json" else store.to_csv(all_)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(t("review.exported", lang, n=len(all_), path=out))


@review.command(name="import")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.pass_context
def review_import(ctx: click.Context, file: Path) -> None:
    """导入他人导出的更正记录（已有的跳过）/ import shared corrections (known ones skipped)."""
    from pipelines.review import store

    lang = _lang(ctx)
    path = store.store_path(default_paths().home)
    try:
        incoming = store.parse_shared(file.read_text(encoding="utf-8"), str(file))
        new = store.new_for(store.read(path), incoming)
    except (store.CorrectionError, UnicodeDecodeError) as exc:
        _fail(lang, exc)
    store.append(path, new)
    click.echo(t("review.imported", lang, path=file, new=len(new),
                 known=len(incoming) - len(new)))

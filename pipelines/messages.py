"""What the CLI says, in Chinese (default) and English.

Users of the CLI are 政务公开办 staff and researchers; Chinese is the default. ``--lang en`` or an
English ``LANG`` (``en_*``) switches to English. Keep every user-facing string here.
"""

from __future__ import annotations

import os

MESSAGES: dict[str, tuple[str, str]] = {
    "ingest.new": ("新增 {n} 个文件", "{n} new files"),
    "ingest.duplicate": (
        "{n} 个文件已在收件箱中（内容相同，跳过）",
        "{n} files already in the inbox (same content, skipped)",
    ),
    "ingest.error": ("无法收入 {path}：{reason}", "cannot ingest {path}: {reason}"),
    "ingest.where": ("收件箱：{path}", "inbox: {path}"),
    "ingest.retired": (
        "{n} 个文件已停用，未重新收入（gongkai inbox restore SHA 可恢复）",
        "{n} files are retired and stay so (gongkai inbox restore SHA brings one back)",
    ),
    "inbox.retired": (
        "已停用 {sha} {name}：下次构建不再读取；原始字节仍保存在收件箱中",
        "retired {sha} {name}: the next build leaves it out; its bytes stay in the inbox",
    ),
    "inbox.restored": (
        "已恢复 {sha} {name}：下次构建将重新读取",
        "restored {sha} {name}: the next build reads it again",
    ),
    "inbox.error": ("{reason}", "{reason}"),
    "inbox.empty": ("收件箱中没有文件", "no documents in the inbox"),
    "inbox.count": (
        "共 {n} 个文件（另有 {retired} 个已停用）",
        "{n} documents ({retired} more retired)",
    ),
    "extract.progress": ("抽取文件", "extracting documents"),
    "extract.not_report": (
        "{path}：不是年度报告（{kind}），已列出，未读取数字：{title}",
        "{path}: not an annual report ({kind}); listed, no figures read: {title}",
    ),
    "build.start": ("开始构建：{n} 个文件", "building: {n} documents"),
    "build.ok": (
        "构建完成，用时 {secs:.1f} 秒：已发布报告 {published} 份，隔离 {quarantined} 份，"
        "非年度报告文件 {not_report} 份（只列出）；数据仓库 {path}",
        "build finished in {secs:.1f} s: {published} reports published, "
        "{quarantined} quarantined, {not_report} documents that are not annual reports listed; "
        "warehouse {path}",
    ),
    "build.failed": (
        "构建失败，未发布（已发布的数据仓库保持不变）：步骤 {reason}",
        "build failed, nothing published (the published warehouse is unchanged): step {reason}",
    ),
    "build.failed_checks": (
        "阻断性检查未通过，未发布（已发布的数据仓库保持不变）：{checks}；暂存数据库 {staging}",
        "blocking checks failed, nothing published (the published warehouse is unchanged): "
        "{checks}; staging database {staging}",
    ),
    "build.export_failed": (
        "新数据仓库已发布（{path}），但开放数据导出失败：{reason}。{export} 中的导出包仍是上一次"
        "构建的（已过期）。重试：gongkai export {export}",
        "the new warehouse was published ({path}) but the open-data export failed: {reason}. "
        "The package in {export} is from an earlier build (stale); retry with: "
        "gongkai export {export}",
    ),
    "build.exported": ("开放数据包：{path}", "open-data package: {path}"),
    "build.busy": (
        "另一个构建正在进行（pid {pid}，主机 {host}，开始于 {since}：{command}）；"
        "可加 --wait 等待它结束。锁文件：{path}",
        "another build is running (pid {pid} on {host}, since {since}: {command}); "
        "use --wait to wait for it. Lock file: {path}",
    ),
    "build.waiting": (
        "等待另一个构建结束（pid {pid}，开始于 {since}）…",
        "waiting for another build to finish (pid {pid}, since {since})…",
    ),
    "build.cleaned": (
        "已清理中断的构建留下的东西：暂存 {staging} 项，未完成文件 {partial} 个，"
        "标记为失败的运行 {runs} 个，旧运行存储 {storage} 个，孤儿工作进程 {orphans} 个",
        "cleaned up after interrupted builds: {staging} staging entries, {partial} partial "
        "files, {runs} runs marked failed, {storage} old run folders, {orphans} orphaned workers",
    ),
    "build.quarantined_head": ("隔离的文件（{n} 个）：", "quarantined files ({n}):"),
    "build.quarantined_file": ("  {file}：{reason}", "  {file}: {reason}"),
    "build.quarantined_rows": (
        "  {file}：{n} 行被隔离（{reason}）",
        "  {file}: {n} rows quarantined ({reason})",
    ),
    "build.quarantined_more": (
        "  … 另有 {n} 个，见数据仓库表 core_quarantine 或仪表板「数据质量」页",
        "  … and {n} more: see the table core_quarantine or the dashboard's 数据质量 "
        "(data quality) page",
    ),
    "build.unchanged": (
        "收件箱、限值、权重与代码自上次构建以来均未变化，数据仓库 {path} 已是最新"
        "（gongkai build --force 可强制重建）",
        "nothing changed since the last build (inbox, limits, weights, code): the warehouse "
        "{path} is up to date (gongkai build --force rebuilds anyway)",
    ),
    "build.empty": (
        "收件箱为空：请先运行 gongkai ingest 文件夹",
        "the inbox is empty: run gongkai ingest FOLDER first",
    ),
    "demo.generate": (
        "生成演示省份数据（种子 {seed}，规模 {scale}）→ {path}",
        "generating the demo province (seed {seed}, scale {scale}) → {path}",
    ),
    "demo.generated": ("已生成 {n} 份报告", "{n} reports generated"),
    "demo.generate_provinces": (
        "生成 {n} 个省份的演示数据（{names}，种子 {seed}）→ {path}",
        "generating the demo data of {n} provinces ({names}, seed {seed}) → {path}",
    ),
    "demo.rate": (
        "用时 {seconds:.1f} 秒，每秒 {rate:.0f} 份",
        "{seconds:.1f} s, {rate:.0f} reports/s",
    ),
    "demo.national_or_provinces": (
        "--national 与 --provinces 只能选一个",
        "use either --national or --provinces, not both",
    ),
    "demo.bad_province": ("省份有误：{reason}", "unknown province: {reason}"),
    "serve.url": ("仪表板地址：{url}", "dashboard at: {url}"),
    "serve.missing": (
        "尚无已发布的数据仓库 {path}：请先运行 gongkai build 或 gongkai demo",
        "no published warehouse at {path}: run gongkai build or gongkai demo first",
    ),
    "export.ok": ("已导出开放数据包：{path}", "open-data package exported: {path}"),
    "eval.regressed": ("准确率低于记录的下限：", "accuracy fell below the recorded floors:"),
    "eval.ok": (
        "准确率不低于记录的下限（{path}）",
        "accuracy at or above the recorded floors ({path})",
    ),
    "eval.missing": (
        "找不到 {path}/docs 或 {path}/expected",
        "cannot find {path}/docs or {path}/expected",
    ),
    "file.missing": ("文件不存在：{path}", "file not found: {path}"),
    "check.head": (
        "{source}：{body} {year} 年度（{template}）— "
        "错误 {errors} 个，警告 {warnings} 个，提示 {infos} 个",
        "{source}: {body} {year} ({template}) — {errors} errors, {warnings} warnings, "
        "{infos} notes",
    ),
    "check.none": ("  未发现问题。", "  no problems found."),
    "check.error": ("错误", "error"),
    "check.warning": ("警告", "warning"),
    "check.info": ("提示", "note"),
    "check.catalogue_bad": ("无法读取规范性文件目录 {path}：{reason}",
                            "cannot read the catalogue {path}: {reason}"),
    "check.previous": ("与上年报告比对：{source}（{year} 年度）",
                       "compared with last year's report: {source} ({year})"),
    "check.previous_wh": ("与数据仓库中 {year} 年度报告比对", "compared with the {year} report "
                          "in the warehouse"),
    "check.failed": (
        "发现 {n} 个错误，请修改后再发布。", "{n} errors found: fix them before publishing."
    ),
    "scorecard.none": ("所选范围内没有评分（地区 {region}，年度 {year}）。",
                       "no scores for this selection (region {region}, year {year})."),
    "scorecard.xlsx": ("已写出整改清单：{path}（{bodies} 个机关，{problems} 个问题）",
                       "list of fixes written: {path} ({bodies} bodies, {problems} problems)"),
    "scorecard.row": ("{rank:>3}. {body} {year} 年度  {score:.0f} 分"
                      "（错误 {errors}，警告 {warnings}）",
                      "{rank:>3}. {body} {year}  {score:.0f} points ({errors} errors, "
                      "{warnings} warnings)"),
    "collect.progress": ("检查来源", "checking sources"),
    "collect.no_sources": (
        "找不到来源文件 {path}：用 --sources 指定，格式见 {example}",
        "no sources file {path}: pass --sources; the format is in {example}",
    ),
    "collect.bad_sources": ("{reason}", "{reason}"),
    "collect.source": ("{status}  {body}：{reason}", "{status}  {body}: {reason}"),
    "collect.summary": (
        "{year} 年度：{sources} 个来源，已找到 {found}，尚未发布 {not_published}，失败 {failed}，"
        "机关无法识别 {unresolved}；新文件 {files_new} 个，未变化 {files_unchanged} 个；"
        "下载 {mb:.2f} MB，请求 {requests} 次，用时 {seconds:.1f} 秒",
        "{year}: {sources} sources, {found} found, {not_published} not yet published, "
        "{failed} failed, {unresolved} with an unresolved body; {files_new} new files, "
        "{files_unchanged} unchanged; {mb:.2f} MB downloaded in {requests} requests, "
        "{seconds:.1f} s",
    ),
    "collect.where": (
        "状态：{status}；来源记录：{documents}；新文件已进入收件箱，运行 gongkai build 读取",
        "statuses: {status}; provenance: {documents}; new files are in the inbox: run "
        "gongkai build to read them",
    ),
    "collect.nothing_ran": (
        "没有一个来源能检查（全部失败或机关无法识别）",
        "no source could be checked (every one failed or has an unresolved body)",
    ),
    "collect.status.found": ("已找到", "found"),
    "collect.status.not_published": ("未发布", "not published"),
    "collect.status.failed": ("失败", "failed"),
    "collect.status.unresolved_body": ("机关不明", "unresolved body"),
    "ledger.line": (
        "{path}：{body} {year} 年，{rows} 行，隔离 {quarantined} 行，超期答复 {overdue} 件",
        "{path}: {body} {year}, {rows} rows, {quarantined} quarantined, {overdue} replied late",
    ),
    "ledger.file_error": ("无法读取台账 {path}：{reason}", "cannot read ledger {path}: {reason}"),
    "ledger.finding": ("  {severity}：{message}", "  {severity}: {message}"),
    "ledger.rows_finding": (
        "  {severity}：{n} 行 {message}",
        "  {severity}: {n} rows {message}",
    ),
    "ledger.column": (
        "  列 {n}「{header}」→ {field}（{how}）",
        '  column {n} "{header}" → {field} ({how})',
    ),
    "ledger.map_used": ("  已应用台账映射：{path}", "  ledger map applied: {path}"),
    "ledger.map_error": ("台账映射文件有误：{reason}", "ledger map file is wrong: {reason}"),
    "ledger.no_body": (
        "无法确定台账 {path} 所属机关（无机关列，文件名不含机关名，数据仓库中无同名报告）",
        "cannot tell the body of ledger {path} (no body column, no body in the file name, "
        "no report of the same stem in the warehouse)",
    ),
    # gongkai review (pipelines/cli_review.py)
    "review.no_warehouse": (
        "尚无已发布的数据仓库：{path}（先运行 gongkai build）",
        "no published warehouse at {path} (run gongkai build first)",
    ),
    "review.empty": ("复核队列中没有符合条件的事项", "no review items match"),
    "review.count": (
        "共 {n} 项（按重要性排序；gongkai review show ID 查看，settle 复核）",
        "{n} items (most important first; gongkai review show ID to see one, settle to settle)",
    ),
    "review.saved": (
        "已记录更正 {cid}（事项 {item}）：{values}；下次构建时应用（gongkai build）。"
        "更正文件 {path}",
        "correction {cid} recorded (item {item}): {values}; applied by the next build "
        "(gongkai build). Corrections file {path}",
    ),
    "review.withdrawn": (
        "已撤回事项 {item} 的更正（记录保留）；下次构建时生效",
        "the correction of item {item} is withdrawn (the record stays); the next build "
        "applies it",
    ),
    "review.error": ("{reason}", "{reason}"),
    "review.exported": ("已导出 {n} 条更正记录到 {path}", "{n} corrections exported to {path}"),
    "review.imported": (
        "从 {path} 导入 {new} 条新更正（{known} 条已有，跳过）；下次构建时应用",
        "{new} new corrections imported from {path} ({known} already held, skipped); "
        "the next build applies them",
    ),
    "review.no_corrections": ("尚无更正记录", "no corrections yet"),
    "review.status": (
        "{id}  {status:<16} {kind:<22} {source}  {values}  {note}",
        "{id}  {status:<16} {kind:<22} {source}  {values}  {note}",
    ),
}


def resolve_lang(option: str | None) -> str:
    """``zh`` unless asked for English by option or by an English locale."""
    if option:
        return "en" if option.lower().startswith("en") else "zh"
    lang = os.environ.get("GONGKAI_LANG") or os.environ.get("LANG", "")
    return "en" if lang.lower().startswith("en") else "zh"


def t(key: str, lang: str, **kw: object) -> str:
    """The message ``key`` in ``lang``, formatted."""
    zh, en = MESSAGES[key]
    return (en if lang == "en" else zh).format(**kw)

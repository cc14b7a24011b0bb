"""Every UI string of the dashboard, in Chinese and English, in one place.

Measure labels are *not* here: they come from ``schemas.registry.label`` so a label is never
retyped. This module only holds the words around them (page titles, widget labels, messages).
The language lives in ``st.session_state["lang"]``, set by the sidebar toggle in ``app.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import streamlit as st

LANGS = ("zh", "en")
LANG_NAMES = {"zh": "中文", "en": "English"}

STRINGS: dict[str, tuple[str, str]] = {
    "app.title": ("政府信息公开年度报告数据", "Government information disclosure statistics"),
    "app.lang": ("语言 / Language", "语言 / Language"),
    "app.source": ("数据文件：{path}", "Data file: {path}"),
    "app.version": ("数据版本 {version} · 构建于 {built}", "Dataset {version} · built {built}"),
    "demo.badge": ("演示数据", "演示数据 demo data"),
    "demo.caption": (
        "演示数据：由种子生成器合成的演示省份，不是真实的政府统计。",
        "演示数据 (demo data): a generated demo province, not real government statistics.",
    ),
    "missing.title": ("尚未找到数据仓库文件", "The warehouse file was not found"),
    "missing.body": (
        "没有找到 `{path}`。请先运行下面的命令构建数据仓库，然后刷新本页：",
        "`{path}` does not exist. Build the warehouse with the command below, then reload:",
    ),
    "missing.env": (
        "仪表板与命令行读取同一个 `GONGKAI_HOME`（默认 `./data`）；也可以用环境变量 "
        "`GONGKAI_WAREHOUSE` 指向另一个已发布的 DuckDB 文件。",
        "The dashboard reads the same `GONGKAI_HOME` as the CLI (default `./data`); or point "
        "`GONGKAI_WAREHOUSE` at another published DuckDB file.",
    ),
    "broken.title": ("无法读取数据仓库", "The warehouse could not be read"),
    "broken.body": (
        "读取 `{path}` 时出错：{error}。如果正在构建，请稍后刷新；否则请重新运行 `gongkai build`。",
        "Reading `{path}` failed: {error}. If a build is running, reload shortly; "
        "otherwise run `gongkai build` again.",
    ),
    "nodata": ("所选范围内没有数据。", "No data for this selection."),
    "page.overview": ("总览", "Overview"),
    "page.compare": ("地区比较", "Compare regions"),
    "page.trends": ("年度趋势", "Trends"),
    "page.outcomes": ("办理结果", "Outcomes"),
    "page.quality": ("数据质量", "Data quality"),
    "page.downloads": ("下载", "Downloads"),
    "page.review": ("人工复核", "Review"),
    "page.regions": ("地区下钻", "Regions"),
    "regions.intro": (
        "从省到市、县直至发布机关逐级查看；每个汇总旁列出已报告/应报告机关数、覆盖率和来自"
        "自相矛盾年报的比例，汇总不会掩盖缺报。暂无离线边界数据包，故以排名表代替地图。",
        "Drill down from province to city, county and body; every total shows bodies reported / "
        "expected, coverage and the share from inconsistent reports, so it never hides missing "
        "reports. No offline boundary package is installed, so a ranked table stands in for a map.",
    ),
    "regions.level": ("{level}：{measure}", "{level}: {measure}"),
    "regions.drill": ("下钻到{level}", "Drill into a {level}"),
    "regions.none": ("（不下钻）", "(stay at this level)"),
    "regions.bodies": ("已报告机关", "Bodies reported"),
    "regions.bodies_expected": ("应报告机关", "Bodies expected"),
    "regions.quarantined": ("被隔离年报", "Quarantined"),
    "regions.inconsistent_share": ("自相矛盾年报占比", "Share from inconsistent reports"),
    "regions.bodies_at": ("{region}（{code}）本级发布机关", "Bodies at {region} ({code})"),
    "regions.body": ("发布机关", "Body"),
    "regions.body_type": ("机关类型", "Body type"),
    "regions.template": ("模板", "Template"),
    "regions.findings": ("勾稽问题数", "Findings"),
    "regions.cross_year": ("跨年度检查问题：{n} 条", "Cross-year findings: {n}"),
    "regions.severity": ("严重程度", "Severity"),
    "regions.message": ("说明", "Message"),
    "page.scorecard": ("年报评分", "Report scorecard"),
    "scorecard.intro": (
        "按《政府信息公开条例》和年报模板逐项检查每份已发布年报：按时发布、六部分齐全、模板与表格完整、"
        "勾稽关系、图文一致、跨年衔接、与规范性文件目录一致。得分 = 100 − 各检查项扣分（按权重，"
        "每项封顶）；权重见评分权重文件。",
        "Every published report is checked: on time, six parts, template and cells, consistency "
        "rules, text vs tables, continuity with last year, the normative-document catalogue. "
        "Score = 100 − the capped deductions of each check, weighted as in the weights file.",
    ),
    "scorecard.ranking": ("{region} {year} 年度评分排名", "Ranking of {region}, {year}"),
    "scorecard.formula": (
        "得分 = 100 − 各检查项扣分（按权重，每项封顶）；排名在所属市内（省级机关在省内）",
        "score = 100 − capped weighted deductions; ranked within the city (province bodies: "
        "the province)",
    ),
    "scorecard.body": ("查看机关", "Body"),
    "scorecard.problems": ("{body} {year} 年度报告的问题", "Problems of {body}'s {year} report"),
    "scorecard.no_problems": ("该年报未发现问题。", "No problems found in this report."),
    "scorecard.trend": ("{body} 历年得分", "{body}: score by year"),
    "scorecard.download": ("下载整改清单（XLSX）", "Download the list of fixes (XLSX)"),
    "scorecard.none": ("数据仓库中还没有评分：请重新运行 gongkai build。",
                       "The warehouse has no scorecard yet: run gongkai build again."),
    "col.score": ("得分", "Score"),
    "col.errors": ("错误", "Errors"),
    "col.warnings": ("警告", "Warnings"),
    "col.infos": ("提示", "Notes"),
    "col.check": ("检查项", "Check"),
    "col.location": ("位置", "Location"),
    "col.deduction": ("扣分", "Points"),
    "check.on_time": ("按时发布", "On time"),
    "check.sections": ("六部分", "Six parts"),
    "check.template": ("模板与表格", "Template"),
    "check.consistency": ("勾稽关系", "Consistency"),
    "check.text_vs_table": ("图文一致", "Text vs table"),
    "check.continuity": ("跨年衔接", "Continuity"),
    "check.catalogue": ("文件目录", "Catalogue"),
    "check.reading": ("识读提示", "Reading notes"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("提示", "note"),
    "stage.ledger": ("台账", "ledger"),
    "stage.extract": ("抽取", "extraction"),
    "stage.report": ("年报", "report"),
    "stage.validate": ("校验", "validation"),
    "stage.load": ("入库", "load"),
    "page.collect": ("采集情况", "Collection"),
    "collect.intro": (
        "`gongkai collect` 按来源清单逐个检查各机关网站的年报栏目：已找到的年报下载入库，"
        "尚未发布和检查失败的都记下原因。法定期限为次年 1 月 31 日（2018 年及以前为 3 月 31 日）。",
        "`gongkai collect` checks each body's 年报 column from the source list: reports found are "
        "downloaded into the inbox; not yet published and failed checks are recorded with the "
        "reason. The deadline is 31 January of the next year (31 March up to 2018).",
    ),
    "collect.empty": (
        "数据仓库中还没有采集记录。在来源清单中列出各机关的年报栏目网址，运行下面的命令采集，"
        "再运行 `gongkai build`：",
        "The warehouse has no collect records yet. List each body's 年报 column in a sources "
        "file, collect with the command below, then run `gongkai build`:",
    ),
    "collect.empty_help": (
        "来源清单的写法见带注释的示例 `pipelines/collect/sources.example.yaml`；"
        "采集结果写在 `GONGKAI_HOME/collect/`。",
        "The sources file is described in the annotated example "
        "`pipelines/collect/sources.example.yaml`; the crawler writes to `GONGKAI_HOME/collect/`.",
    ),
    "collect.status_filter": ("采集结果", "Result"),
    "collect.sources": ("来源", "Sources"),
    "collect.missed": ("期限前未发布", "Missed the deadline"),
    "collect.table": ("{year} 年度各来源采集结果", "Sources checked for {year}"),
    "collect.missed_title": (
        "{year} 年度报告未在 {deadline} 前发布的机关",
        "Bodies that did not publish their {year} report by {deadline}",
    ),
    "collect.missed_none": ("所选范围内的机关均按期发布。",
                            "Every body in scope published on time."),
    "collect.failures": ("检查失败与机关未识别", "Failed checks and unresolved bodies"),
    "collect.failures_none": ("没有检查失败的来源。", "No source failed."),
    "collect.formula": (
        "期限前未发布 = 逾期发布，或检查时已过期限仍未发布；逾期天数按采集记录的发布日期计算",
        "missed the deadline = published late, or still not published when checked after it; "
        "days late by the publication date the crawler recorded",
    ),
    "collect.status.found": ("已找到", "found"),
    "collect.status.not_published": ("尚未发布", "not yet published"),
    "collect.status.failed": ("检查失败", "check failed"),
    "collect.status.unresolved_body": ("机关未识别", "body not resolved"),
    "pub.status.on_time": ("按期发布", "on time"),
    "pub.status.late": ("逾期发布", "late"),
    "pub.status.date_unknown": ("发布日期不详", "date unknown"),
    "pub.status.not_published": ("尚未发布", "not yet published"),
    "pub.status.failed": ("检查失败", "check failed"),
    "pub.status.unresolved_body": ("机关未识别", "body not resolved"),
    "col.collect_status": ("采集结果", "Result"),
    "col.pub_status": ("发布情况", "Publication"),
    "col.collect_reason": ("原因", "Reason"),
    "col.published_date": ("发布日期", "Published"),
    "col.date_source": ("日期来源", "Date from"),
    "col.deadline": ("法定期限", "Deadline"),
    "col.days_late": ("逾期天数", "Days late"),
    "col.days_waited": ("检查时已过期限天数", "Days past deadline when checked"),
    "col.checked_at": ("检查时间（UTC）", "Checked (UTC)"),
    "col.report_link": ("年报网址", "Report URL"),
    "col.listing_link": ("栏目网址", "Listing page"),
    "col.source_id": ("来源", "Source"),
    "col.title": ("标题", "Title"),
    "timeliness.publication": ("{year} 年度报告按期发布情况", "{year} reports published on time"),
    "timeliness.publication_help": (
        "按次年 1 月 31 日的法定期限（2018 年及以前为 3 月 31 日）："
        "有采集记录的以网站上的发布日期为准，否则以年报文字中的日期为准；「日期来源」列说明每个日期的出处。",
        "By the deadline of 31 January of the next year (31 March up to 2018): the date the "
        "crawler recorded on the body's site where there is one, else the date in the report's "
        "text; the date-from column says which.",
    ),
    "timeliness.date_sources": ("发布日期来源：{sources}", "Dates from: {sources}"),
    "page.timeliness": ("答复时效", "Timeliness"),
    "timeliness.help": (
        "依据依申请公开台账：法定期限为收到申请次日起第 20 个工作日（按国务院节假日安排，含调休），"
        "补正、延期与征求第三方意见按条例第三十条至第三十三条处理。",
        "From the application ledgers: the deadline is the 20th working day after receipt "
        "(State Council calendar incl. 调休 workdays); 补正, extensions and third-party time as "
        "in 条例 arts. 30–33.",
    ),
    "timeliness.none": ("数据仓库中没有台账数据。", "No application ledgers in the warehouse."),
    "timeliness.applications": ("申请件数", "Applications"),
    "timeliness.median": ("答复用时中位数（工作日）", "Median working days"),
    "timeliness.on_time": ("按期答复比例", "On-time share"),
    "timeliness.overdue": ("超期件数", "Overdue"),
    "timeliness.disclosed": ("公开（含部分）比例", "Disclosed share"),
    "timeliness.denied": ("不予公开比例", "Denied share"),
    "timeliness.reconcile": ("台账与年度报告核对", "Ledger vs published report"),
    "timeliness.body": ("机关", "Body"),
    "timeliness.cell": ("表三单元格", "Table 三 cell"),
    "timeliness.ledger_value": ("台账", "Ledger"),
    "timeliness.report_value": ("报告", "Report"),
    "timeliness.difference": ("差额", "Difference"),
    "timeliness.status": ("结果", "Result"),
    "timeliness.all_match": ("台账与报告逐格一致。", "Ledger and report agree in every cell."),
    "rec.match": ("一致", "match"),
    "rec.differs": ("不一致", "differs"),
    "rec.not_in_report": ("报告未列", "not in report"),
    "rec.no_report": ("无报告", "no report"),
    "w.year": ("年度", "Year"),
    "w.level": ("行政级别", "Level"),
    "w.measure": ("指标", "Measure"),
    "w.regions": ("地区", "Regions"),
    "w.region": ("地区", "Region"),
    "w.all_regions": ("全部地区", "All regions"),
    "w.all": ("全部", "All"),
    "w.rule": ("规则", "Rule"),
    "w.blame": ("责任方", "Blame"),
    "w.table": ("数据表", "Table"),
    "w.category": ("处理类别", "Category"),
    "level.province": ("省级", "province"),
    "level.city": ("市级", "city"),
    "level.county": ("县级", "county"),
    "level.township": ("乡镇级", "township"),
    "kpi.reports": ("已发布年报", "Reports published"),
    "kpi.bodies": ("报送机关", "Reporting bodies"),
    "kpi.applications": ("本年新收申请", "Applications received"),
    "kpi.disclosure_rate": ("公开率", "Disclosure rate"),
    "kpi.disclosure_rate.help": (
        "（予以公开 + 部分公开）÷ 办理结果总计，按全部机关合计计算。",
        "(granted + partially granted) ÷ total processed, over the sums of all bodies.",
    ),
    "kpi.findings": ("勾稽问题", "Consistency findings"),
    "kpi.quarantined": ("隔离年报", "Quarantined reports"),
    "kpi.full_coverage": ("{bodies} 个应报告机关全部报告", "all {bodies} bodies expected reported"),
    "kpi.pp": ("{value} 个百分点", "{value} pp"),
    "kpi.vs": ("与 {year} 年相比", "compared with {year}"),
    "kpi.no_prev": ("没有 {year} 年数据，无法比较", "no data for {year} to compare"),
    "overview.by_city": ("各市本年新收申请", "Applications received by city"),
    "overview.rate_by_city": ("各市公开率", "Disclosure rate by city"),
    "derived.disclosure_rate": ("公开率", "Disclosure rate"),
    "derived.review_correction_rate": ("行政复议纠错率", "Review correction rate"),
    "derived.litigation_correction_rate": ("行政诉讼纠错率", "Litigation correction rate"),
    "col.rank": ("排名", "Rank"),
    "col.region": ("地区", "Region"),
    "col.region_code": ("区划代码", "Region code"),
    "col.value": ("数值", "Value"),
    "col.reports": ("年报数", "Reports"),
    "col.bodies": ("机关数", "Bodies"),
    "col.coverage": ("报送覆盖率", "Coverage"),
    "col.year": ("年度", "Year"),
    "col.outcome": ("办理结果", "Outcome"),
    "col.reason": ("理由", "Reason"),
    "col.count": ("件数", "Count"),
    "col.share": ("占比", "Share"),
    "col.rule": ("规则", "Rule"),
    "col.blame": ("责任方", "Blame"),
    "col.findings": ("问题数", "Findings"),
    "col.reports_hit": ("涉及年报", "Reports affected"),
    "col.body": ("机关", "Body"),
    "col.severity": ("严重程度", "Severity"),
    "col.message": ("说明", "Message"),
    "col.keys": ("相关指标", "Keys"),
    "col.report": ("年报", "Report"),
    "col.item": ("对象", "Item"),
    "col.stage": ("环节", "Stage"),
    "col.reason_q": ("原因", "Reason"),
    "col.detected_at": ("发现时间", "Detected at"),
    "blame.publisher": ("发布机关差错", "publisher error"),
    "blame.reading": ("识读差错", "reading error"),
    "compare.title": ("{year} 年 {level} 地区排名：{measure}", "{level} ranking {year}: {measure}"),
    "trends.help": ("默认显示该指标最近一年排名前五的地区。", "Defaults to the top five regions."),
    "outcomes.scope": ("范围：{region}", "Scope: {region}"),
    "outcomes.mix": ("办理结果构成（各年占比）", "Outcome mix by year (shares)"),
    "outcomes.reasons": ("{year} 年各类理由构成", "Reasons within each category, {year}"),
    "outcomes.mix_formula": (
        "各办理结果件数 ÷ 办理结果总计，按范围内全部机关合计（类别未印总计时取其各项之和）",
        "each outcome ÷ all outcomes, summed over the bodies in scope",
    ),
    "outcomes.reasons_formula": (
        "各理由件数 ÷ 所属类别合计（不予公开 / 无法提供 / 不予处理），按范围内全部机关合计",
        "each reason ÷ its category total, summed over the bodies in scope",
    ),
    "outcomes.granted_partial": ("予以公开与部分公开", "granted and partially granted"),
    "quality.intro": (
        "发布机关差错：年报自身数字不符合勾稽关系（保留原数并标注）；"
        "识读差错：我们未能可靠读取（年报被隔离，不发布）。",
        "Publisher errors: the report's own numbers break a rule (kept as printed, flagged). "
        "Reading errors: we could not read it reliably (quarantined, never published).",
    ),
    "quality.by_rule": ("各规则问题数", "Findings by rule"),
    "quality.findings": ("问题明细", "Findings"),
    "quality.quarantine": ("隔离清单", "Quarantine"),
    "quality.quarantined_reports": ("被隔离的年报", "Quarantined reports"),
    "downloads.current": ("当前视图", "Current view"),
    "downloads.current_none": (
        "还没有当前视图：先在其他页面选择数据，这里就会提供下载。",
        "No current view yet: pick data on another page and it can be downloaded here.",
    ),
    "downloads.current_name": (
        "来自「{page}」：{name}（{rows} 行）",
        "From “{page}”: {name} ({rows} rows)",
    ),
    "downloads.full": ("完整数据集", "Full dataset"),
    "downloads.full_help": (
        "CSV 为带 BOM 的 UTF-8（电子表格软件可直接打开），另有 Parquet 与 XLSX。",
        "CSV is UTF-8 with BOM (opens in Excel), plus Parquet and XLSX.",
    ),
    "downloads.rows": ("{rows} 行 × {cols} 列", "{rows} rows × {cols} columns"),
    "downloads.too_big_xlsx": (
        "超过 XLSX 的行数上限，请使用 CSV 或 Parquet。",
        "Too many rows for XLSX; use CSV or Parquet.",
    ),
    "downloads.export": ("开放数据包", "Open-data package"),
    "downloads.export_found": (
        "已发布的开放数据包位于 `{path}`（datapackage.json，版本 {version}）：",
        "The published open-data package is at `{path}` (datapackage.json, version {version}):",
    ),
    "downloads.export_none": (
        "数据仓库旁没有找到开放数据包；"
        "运行 `gongkai export DIR` 可生成带 datapackage.json 的导出。",
        "No open-data package next to the warehouse; `gongkai export DIR` writes one "
        "with datapackage.json.",
    ),
    "table.out_body_year": ("机关-年度宽表", "body-year mart"),
    "table.out_region_rate": ("地区-年度比率（含分子分母）", "region-year rates"),
    "table.out_ledger_body_year": ("台账·机关年度时效", "ledgers by body and year"),
    "downloads.headers": (
        "CSV 与 XLSX 第一行为中文列名，第二行为规范字段名；Parquet 保留原始字段名与类型。",
        "CSV and XLSX: Chinese headers, canonical keys on the second row; Parquet keeps the "
        "canonical names and types.",
    ),
    "table.out_region_year": ("地区-年度宽表", "region-year mart"),
    "table.core_value": ("指标长表（含来源）", "long values with provenance"),
    "table.core_value_reviewed": ("人工复核值（含原发布值）", "reviewed and as-published values"),
    "table.core_body_reviewed": ("人工复核的机关所在地（含引擎候选）",
                                 "reviewed bodies (with the engine's candidates)"),
    "table.core_correction": ("复核记录及其状态", "corrections and their status"),
    "table.out_review_item": ("待复核事项", "review queue"),
    "table.core_collect_status": ("采集状态", "collect status per source and year"),
    "table.core_collected_document": ("采集文件来源", "collected files and their URLs"),
    "table.out_publication_timeliness": ("年报发布时效", "report publication timeliness"),
    "table.core_report": ("年报清单", "reports"),
    "table.core_finding": ("勾稽问题", "findings"),
    "table.core_quarantine": ("隔离清单", "quarantine"),
    "table.dim_region": ("行政区划", "regions"),
    "table.dim_body": ("机关", "bodies"),
    "table.dim_measure": ("指标字典", "data dictionary"),
    # --- issue 14: rates, coverage, traceability, Chinese throughout -------------------
    "w.yes": ("是", "yes"),
    "w.none": ("（无）", "(none)"),
    "w.choose": ("请选择", "Choose"),
    "note.chart": (
        "定义：{formula}　来源：{source}　数据版本：{version}",
        "Definition: {formula}   Source: {source}   Dataset: {version}",
    ),
    "note.coverage": ("覆盖 {bodies}/{expected}", "covers {bodies}/{expected}"),
    "note.small": ("样本小", "small sample"),
    "rate.disclosure": ("公开率", "Disclosure rate"),
    "rate.denied": ("不予公开率", "Denial rate"),
    "rate.unable": ("无法提供率", "Unable-to-provide rate"),
    "rate.review_correction": ("行政复议纠错率", "Review correction rate"),
    "rate.litigation_correction": ("行政诉讼纠错率", "Litigation correction rate"),
    "formula.disclosure": (
        "公开率 =（予以公开 + 部分公开）÷ 办理结果总计，分子分母分别按机关合计",
        "(granted + partially granted) ÷ total processed, each summed over bodies",
    ),
    "formula.denied": (
        "不予公开率 = 不予公开 ÷ 办理结果总计，分子分母分别按机关合计",
        "denied ÷ total processed, each summed over bodies",
    ),
    "formula.unable": (
        "无法提供率 = 无法提供 ÷ 办理结果总计，分子分母分别按机关合计",
        "unable to provide ÷ total processed, each summed over bodies",
    ),
    "formula.review_correction": (
        "行政复议纠错率 = 结果纠正 ÷（结果维持 + 结果纠正 + 其他结果），分子分母分别按机关合计",
        "corrected ÷ (upheld + corrected + other) in review, each summed over bodies",
    ),
    "formula.litigation_correction": (
        "行政诉讼纠错率 = 结果纠正 ÷（结果维持 + 结果纠正 + 其他结果），含直接起诉与复议后起诉，"
        "分子分母分别按机关合计",
        "corrected ÷ (upheld + corrected + other) in lawsuits, each summed over bodies",
    ),
    "formula.sum": ("{measure}，各机关年报数之和", "{measure}, summed over the bodies' reports"),
    "formula.small": (
        "分母小于 {n} 的比率标为「样本小」（浅色），一件之差即超过 5 个百分点",
        "rates over a denominator below {n} are marked small sample (pale)",
    ),
    "col.numerator": ("分子", "Numerator"),
    "col.denominator": ("分母", "Denominator"),
    "col.reports_with_data": ("有数据年报", "Reports with data"),
    "col.coverage_text": ("已报告/应报告机关", "Bodies reported/expected"),
    "col.small_sample": ("样本小", "Small sample"),
    "col.change": ("较上年变化", "Change on previous year"),
    "col.level": ("行政级别", "Level"),
    "col.body_type": ("机关类型", "Body type"),
    "col.rule_name": ("规则", "Rule"),
    "col.check_name": ("检查项", "Check"),
    "col.problems": ("问题数", "Problems"),
    "col.errors_n": ("错误数", "Errors"),
    "col.first_message": ("说明", "Message"),
    "col.location_text": ("位置", "Location"),
    "col.source": ("文件", "File"),
    "body_type.government": ("人民政府", "government"),
    "body_type.office": ("政府办公室", "government office"),
    "body_type.department": ("政府部门", "department"),
    "body_type.special_zone": ("开发区管委会", "development zone"),
    "rule.carry_balance": ("结转平衡", "carry balance"),
    "rule.row_total": ("行合计", "row total"),
    "rule.outcomes_sum": ("办理结果合计", "outcomes sum"),
    "rule.category_sum": ("类别小计", "category subtotal"),
    "rule.appeals_total": ("复议诉讼合计", "appeals total"),
    "rule.non_negative": ("非负", "non-negative"),
    "rule.text_vs_table": ("正文与表格一致", "text vs table"),
    "rule.prose_figure": ("正文与表格一致", "text vs table"),
    "rule.carry_over_years": ("跨年度结转衔接", "carry-over between years"),
    "rule.in_force_continuity": ("现行有效件数衔接", "documents in force"),
    "rule.yoy_jump": ("同比异常变化", "year-on-year jump"),
    "rule.published_late": ("逾期发布", "published late"),
    "rule.template_outdated": ("模板过时", "outdated template"),
    "rule.outcome_sum": ("办理结果合计", "outcomes sum"),
    "rule.no_text_layer": ("PDF 无文字层（扫描件）", "no text layer"),
    "rule.scanned_pdf": ("PDF 无文字层（扫描件）", "scanned PDF"),
    "rule.table_alignment": ("表格无法对齐", "table alignment"),
    "rule.not_annual_report": ("不是年度报告", "not an annual report"),
    "rule.empty_file": ("空文件", "empty file"),
    "rule.not_text": ("不是文本", "not text"),
    "rule.encrypted_pdf": ("PDF 已加密", "encrypted PDF"),
    "rule.no_year": ("无法确定年度", "no year"),
    "rule.no_values": ("未读出数字", "no values"),
    "rule.unknown_body": ("无法确定机关", "unknown body"),
    "rule.body_ambiguous": ("机关不明确", "ambiguous body"),
    "rule.ledger_failed": ("台账无法读取", "ledger failed"),
    "rule.invalid_bytes": ("含无效字节", "invalid bytes"),
    "rule.unreadable": ("无法读取", "unreadable"),
    "rule.unplaced_figure": ("正文数字未归入表格", "figure not placed"),
    "reason.library_error": ("读取程序报错，原文见英文界面", "reader error"),
    "rule.section_missing": ("缺少部分", "section missing"),
    "template.2021": ("2021 版模板", "2021 template"),
    "template.2019": ("2019 版模板", "2019 template"),
    "template.pre2019": ("2019 年以前格式", "before 2019"),
    "compare.rate_title": (
        "{year} 年 {level} 地区排名：{measure}（由合计计算）",
        "{level} ranking {year}: {measure} (from sums)",
    ),
    "trends.table": ("各年数值、覆盖与变化", "Values, coverage and change by year"),
    "trends.span": (
        "**{region}**：{first_year} 年 {first} → {last_year} 年 {last}，变化 {change}",
        "**{region}**: {first} in {first_year} → {last} in {last_year}, change {change}",
    ),
    "trends.points": ("{points} 个百分点", "{points} points"),
    "trends.partial_year": ("{year} 年未全部报送", "{year} not fully reported"),
    "trends.partial": (
        "空心点与「覆盖 x/y」表示该年有应报告机关未报告，数值下降可能只是缺报。",
        "Hollow points marked covers x/y: some bodies did not report that year; a drop may "
        "only be missing reports.",
    ),
    "quality.bodies": ("需要整改的年报（问题多者在前）", "Reports to fix (most problems first)"),
    "quality.bodies_help": (
        "每行一份年报：规则名称与说明沿用年报评分的中文表述；点选一行可查看该年报的全部问题与原文。",
        "One row per report, in the scorecard's words; select a row for all its problems and "
        "the source text.",
    ),
    "quality.report_problems": ("{body} {year} 年度报告：全部问题", "{body} {year}: all problems"),
    "timeliness.bodies": ("各机关答复时效（超期多者在前）", "Timeliness by body (late first)"),
    "timeliness.overdue_share": ("超期比例", "Overdue share"),
    "timeliness.replied": ("已答复件数", "Replied"),
    "timeliness.ledger_coverage": (
        "台账覆盖：{bodies} 个机关有台账，应报告机关 {expected} 个（{share}）",
        "Ledger coverage: {bodies} bodies with a ledger of {expected} expected ({share})",
    ),
    "timeliness.small": (
        "已答复件数少于 {n} 的机关标为「样本小」：一件超期即占很大比例。",
        "Bodies with fewer than {n} replies are marked small sample.",
    ),
    "timeliness.formula": (
        "超期比例 = 超期答复件数 ÷ 已答复件数（按法定期限，工作日）",
        "overdue share = replied late ÷ replied (statutory deadline, working days)",
    ),
    "timeliness.download": ("下载机关台账汇总（out_ledger_body_year）", "Download by body"),
    "trace.title": ("数值溯源", "Where a number comes from"),
    "trace.pick": (
        "点选表格中的一行，查看数值出处", "Select a row to see where the number comes from"
    ),
    "trace.measure": ("指标", "Measure"),
    "trace.value": ("数值", "Value"),
    "trace.report": ("来源年报", "Report"),
    "trace.method": ("读取方式", "How it was read"),
    "trace.method.table": ("表格单元格", "table cell"),
    "trace.method.prose": ("正文语句", "sentence in the text"),
    "trace.method.constraint": ("由勾稽关系推算", "derived from a rule"),
    "trace.cell": ("表{table} · {row} · {column}", "table {table} · {row} · {column}"),
    "trace.cell_kind.number": ("数字", "number"),
    "trace.cell_kind.empty": ("空白单元格（按 0 计）", "blank cell (read as 0)"),
    "trace.cell_kind.dash": ("横线单元格（按 0 计）", "dash (read as 0)"),
    "trace.cell_kind.text": ("文字单元格（按 0 计）", "text cell (read as 0)"),
    "trace.where": ("位置：{where}", "Where: {where}"),
    "trace.line": ("第 {line} 行", "line {line}"),
    "trace.page": ("PDF 第 {page} 页", "PDF page {page}"),
    "trace.context": ("原文", "Source text"),
    "trace.blank_mark": ("□ 表示表格中有这一格但未填写（空白单元格）",
                         "□ marks a table cell that is there but left blank"),
    "trace.no_source": (
        "收件箱中找不到原始文件（{sha}），无法显示原文。",
        "The source document ({sha}) is not in the inbox; its text cannot be shown.",
    ),
    "trace.findings": ("该数值的勾稽问题", "Findings on this value"),
    "trace.no_findings": ("该数值没有勾稽问题。", "No findings on this value."),
    "trace.none": ("该年报未给出此项数值。", "The report does not give this figure."),
    "trace.sum_of": (
        "该数值由 {n} 份年报相加；点选下表中的机关查看每份年报的出处。",
        "This figure adds up {n} reports; select a body below to see each one's source.",
    ),
    "trace.bodies": ("组成该数值的机关", "Bodies behind this figure"),
    "regions.drill_into": ("查看某个{level}地区的下级", "Open a {level} region"),
    # 人工复核 / Review (dashboards/views/review.py)
    "review.intro": (
        "机器未能确定的读取（数字串多种拆分、表格行缺单元格、正文数字未归位、机关所在地不唯一、台账列"
        "无法识别）和发布方自相矛盾的数字，按可能改变的数值大小排序。在此复核后记录到更正文件，"
        "下次构建时应用：原文值保留，复核值另存（读取方式 `reviewed`），"
        "汇总与图表采用复核值并注明。",
        "What the engine could not settle (a digit run several readings fit, a row that lost a "
        "cell, an unplaced prose figure, a body that fits several places, an unmapped ledger "
        "column) and publishers' own inconsistent figures, ordered by how much they could move "
        "the totals. A correction is recorded in the corrections file and applied by the next "
        "build: the as-published value stays, the reviewed value is kept beside it (method "
        "reviewed), and the rollups and charts use it and say so.",
    ),
    "review.rebuild": (
        "当前数据仓库是在复核功能之前构建的，没有复核队列；请重新构建。",
        "This warehouse was built before the review queue existed; rebuild it.",
    ),
    "review.open": ("待复核", "open"),
    "review.settled": ("已复核", "settled"),
    "review.engine_agrees": ("引擎已一致", "engine agrees"),
    "review.flagged": (
        "文件已变更的更正（未应用）", "corrections for changed documents (not applied)"),
    "review.flagged_note": (
        "这些更正所针对的文件（按 sha256）已停用或被新版本替换，因此未应用；请在新版本上重新复核。",
        "The documents these corrections were made on (by sha256) were retired or replaced by a "
        "new version, so they are not applied; review the new version again.",
    ),
    "review.all": ("全部", "all"),
    "review.kind": ("类型", "kind"),
    "review.status": ("状态", "status"),
    "review.keys": ("涉及指标", "keys"),
    "review.importance": ("重要性", "importance"),
    "review.empty": ("没有符合条件的复核事项。", "No review items match."),
    "review.source": ("原文", "source"),
    "review.no_location": ("该事项没有可显示的原文位置。", "No place in the document to show."),
    "review.printed": ("原文值", "as published"),
    "review.settled_as": ("已复核为", "settled as"),
    "review.choice": ("复核结果", "decision"),
    "review.candidate": ("候选读法 {n}", "candidate {n}"),
    "review.type_value": ("输入数值（下方选择指标）", "type a value (choose the key below)"),
    "review.key": ("指标", "key"),
    "review.key.body.region_code": ("机关所在地（行政区划代码）", "body's place (division code)"),
    "review.key.ledger.field": ("台账列对应字段", "ledger column's field"),
    "review.key.ledger.header": ("台账列标题", "ledger column header"),
    "review.value": ("数值", "value"),
    "review.value_hint": ("如 41", "e.g. 41"),
    "review.note": ("说明", "note"),
    "review.reviewer": ("复核人", "reviewer"),
    "review.submit": ("记录复核", "record the correction"),
    "review.saved": (
        "已记录更正 {cid}：{values}。下次构建时应用。",
        "Correction {cid} recorded: {values}. The next build applies it.",
    ),
    "review.in_force": ("已应用的复核值", "reviewed values in force"),
    "review.in_force_note": (
        "汇总表（机关·年度、地区·年度）采用这些复核值，原文值仍保存在 core_value 中；"
        "out_body_year.reviewed_keys 注明哪些指标是复核值。",
        "The marts (body × year, region × year) use these reviewed values; the as-published "
        "values stay in core_value, and out_body_year.reviewed_keys names the reviewed keys.",
    ),
    "review.as_published": ("原文值", "as published"),
    "review.reviewed_value": ("复核值", "reviewed value"),
    "review.at": ("复核时间", "reviewed at"),
    "review.why": ("原因", "why"),
    "review.build": ("应用更正：重新构建", "apply the corrections: rebuild"),
    "review.build_note": (
        "本页不改动已发布的数据仓库；构建在后台运行（与 `gongkai build` 相同，受构建锁保护），"
        "通过全部检查后才发布新的数据仓库。",
        "This page never writes the published warehouse; the build runs in the background (as "
        "gongkai build, under the build lock) and publishes only when every check passes.",
    ),
    "review.build_start": ("开始构建", "start a build"),
    "review.build_busy": (
        "已有构建在运行（进程 {pid}，开始于 {since}）。",
        "A build is running (pid {pid}, since {since}).",
    ),
    "review.build_running": ("构建进行中……已用 {secs} 秒", "building… {secs} s so far"),
    "review.build_published": (
        "新的数据仓库已发布，复核值已应用。",
        "The new warehouse is published with the corrections applied.",
    ),
    "review.build_unchanged": (
        "构建结束，数据仓库未变（输入没有变化）。",
        "The build ended without a new warehouse (nothing changed).",
    ),
    "review.build_failed": (
        "构建失败（退出码 {code}），已发布的数据仓库保持不变。",
        "The build failed (exit {code}); the published warehouse is unchanged.",
    ),
    "review.build_again": ("完成", "done"),
}


_FORCED: ContextVar[str | None] = ContextVar("gongkai_lang", default=None)


def lang() -> str:
    """The current UI language; Chinese unless the sidebar toggle chose English."""
    value = _FORCED.get() or st.session_state.get("lang", "zh")
    return value if value in LANGS else "zh"


@contextmanager
def _forced(value: str) -> Iterator[None]:
    token = _FORCED.set(value)
    try:
        yield
    finally:
        _FORCED.reset(token)


def frozen(label: Callable[[Any], str]) -> Callable[[Any], str]:
    """``label`` bound to the language of this script run, for a widget's ``format_func``.

    Streamlit may call ``format_func`` outside the script run (``AppTest`` does when it collects
    widget states), where ``st.session_state`` is not the session's; a bound function still
    formats the options as they were shown.
    """
    current = lang()

    def call(value: Any) -> str:
        with _forced(current):
            return label(value)

    return call


def t(key: str, **fmt: object) -> str:
    """Translate ``key`` into the current language, formatting ``{placeholders}``.

    An unknown key is returned as is, so a missing string shows up on screen instead of
    crashing a page.
    """
    pair = STRINGS.get(key)
    text = key if pair is None else pair[LANGS.index(lang())]
    return text.format(**fmt) if fmt else text


def level_name(level: str) -> str:
    """A region level (``city``) in words; unknown levels are shown as stored."""
    key = f"level.{level}"
    return t(key) if key in STRINGS else str(level)


def blame_name(blame: str) -> str:
    """``publisher``/``reading`` in words."""
    key = f"blame.{blame}"
    return t(key) if key in STRINGS else str(blame)


def _named(prefix: str, value: Any) -> str:
    if value is None:
        return "—"
    key = f"{prefix}.{value}"
    return t(key) if key in STRINGS else str(value)


def body_type_name(value: str | None) -> str:
    """``government`` → 人民政府."""
    return _named("body_type", value)


def severity_name(value: str | None) -> str:
    """``error`` → 错误."""
    return _named("severity", value)


def rule_name(value: str | None) -> str:
    """A rule id in words (``outcomes_sum`` → 办理结果合计); the checker's wording otherwise."""
    key = f"rule.{value}"
    if key in STRINGS:
        return t(key)
    from schemas.rules import RULES

    for rule in RULES:
        if rule["id"] == value:
            return rule["zh"] if lang() == "zh" else rule["en"]
    return "—" if value is None else str(value)


def template_name(value: str | None) -> str:
    """``2021`` → 2021 版模板."""
    return _named("template", value)


def check_name(value: str | None) -> str:
    """A scorecard check id in words (``consistency`` → 勾稽关系)."""
    return _named("check", value)


def date_source_name(value: str | None) -> str:
    """Where a publication date came from (``listing`` → 采集列表页日期), as the checker says it."""
    from pipelines.checker.timeliness import DATE_SOURCES

    if value is None:
        return "—"
    pair = DATE_SOURCES.get(value)
    return str(value) if pair is None else pair[LANGS.index(lang())]


def finding_message(message: str | None) -> str:
    """A finding's message with canonical keys in words (the scorecard's wording).

    ``applications.total_processed.total 印为 0`` → ``办理结果总计·总计 印为 0``; English
    keeps the message as stored.
    """
    if message is None:
        return "—"
    if lang() != "zh":
        return message
    from pipelines.checker.consistency import _KEY, carry_balance_zh
    from pipelines.checker.locate import key_label

    message = chinese_half(message)
    # "total: 0 + 1 ≠ 5 + 0" (carry balance) names its figures in words, as the scorecard does.
    text = carry_balance_zh(message) or _KEY.sub(lambda m: key_label(m.group(0)), message)
    return _COLUMN_IN_BRACKETS.sub(lambda m: f"（{_column_labels()[m.group(1)]}）", text)


# A table-三 column key in full-width brackets: "2023年上年结转 3 件（natural_person）".
_COLUMN_IN_BRACKETS = re.compile(
    r"（(natural_person|commercial|research|social_org|legal_service|other_org|total)）"
)
# A reader library's exception inside a message: "无法读取（PdfiumError: Failed to …）".
_LIBRARY_ERROR = re.compile(r"（[A-Za-z]+(?:Error|Exception)\b[^（）]*(?:\([^()]*\)[^（）]*)*）")


def _column_labels() -> dict[str, str]:
    from schemas.registry import APPLICANT_COLUMNS

    return {key: zh for key, zh, _ in APPLICANT_COLUMNS}


def chinese_half(text: str) -> str:
    """``空文件 / empty file (0 bytes)`` → ``空文件``, the Chinese half of a bilingual text.

    The pipeline writes some texts in both languages; a Chinese page shows the Chinese half
    (the English one is for ``--lang en``).
    """
    head, sep, tail = text.partition("/ ")
    head = head.rstrip()
    if sep and re.search(r"[\u4e00-\u9fff]", head) and not re.search(r"[\u4e00-\u9fff]", tail):
        return head
    return text


def reason_text(reason: str | None) -> str:
    """A quarantine reason for the page's language.

    In Chinese: without the leading rule id (the rule has its own column), the Chinese half of
    a bilingual text, and a reader library's English exception replaced by a note (the English
    interface shows it).
    """
    if reason is None:
        return "—"
    if lang() != "zh":
        return reason
    text = re.sub(r"^[a-z_]+: ", "", reason)  # a rule id: snake case, unlike a file name
    text = chinese_half(text)
    return _LIBRARY_ERROR.sub(f"（{t('reason.library_error')}）", text)

"""Metadata of every table the pipeline produces, generated from the key registry.

One place says what a column is (type, labels, constraints). From these definitions the pandera
models (:mod:`schemas.models`), the DuckDB DDL (:func:`ddl`) and the export's
``datapackage.json`` are generated, as PUDL does with its metadata classes. Measure columns of
the wide marts come from :mod:`schemas.registry`, so a new canonical key appears everywhere at
once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache

from schemas.registry import measures

CELL_KINDS = ("number", "empty", "dash", "text")
# reviewed: a value a person settled (core_value_reviewed); core_value itself never holds one.
METHODS = ("table", "prose", "constraint", "reviewed")
BLAMES = ("publisher", "reading")
SEVERITIES = ("error", "warning", "info")
LEVELS = ("province", "city", "county", "township")
BODY_TYPES = ("government", "office", "department", "special_zone")
TEMPLATE_VALUES = ("2021", "2019", "pre2019")
# published: an annual report read consistently; quarantined: a report we could not read
# (with the reason); not_report: a work plan, task list, notice or other document, listed only.
STATUSES = ("published", "quarantined", "not_report")
DOCUMENT_KINDS = ("annual_report", "work_plan", "task_list", "notice", "other")


@dataclass(frozen=True)
class Column:
    """One column: DuckDB type, bilingual description and the constraints checked on it."""

    name: str
    type: str  # DuckDB type: VARCHAR, INTEGER, DOUBLE, BOOLEAN, DATE, TIMESTAMP, VARCHAR[]
    zh: str
    en: str
    nullable: bool = True
    ge: float | None = None
    le: float | None = None
    isin: tuple[str, ...] | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Table:
    """One warehouse table: its columns, primary key and what a row is."""

    name: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    export: bool = True
    extra: dict = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """Look a column up by name."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        """Column names in table order."""
        return [c.name for c in self.columns]


def _c(name: str, type_: str, zh: str, en: str, **kw) -> Column:
    return Column(name, type_, zh, en, **kw)


REPORT_ID = _c(
    "report_id",
    "VARCHAR",
    "报告标识（文件 sha256）",
    "report id (sha256 of the file)",
    nullable=False,
)
BODY_ID = _c("body_id", "VARCHAR", "机关标识", "body id (region code | name)")
YEAR = _c("year", "INTEGER", "统计年度", "statistics year", ge=1990, le=2100)
REGION_CODE = _c("region_code", "VARCHAR", "行政区划代码（GB/T 2260）", "GB/T 2260 division code")


def _body_columns(level: Column) -> tuple[Column, ...]:
    """The body a body × year row is about: id, name, region, level and type."""
    return (
        replace(BODY_ID, nullable=False),
        _c("body_name", "VARCHAR", "机关名称", "body name"),
        REGION_CODE,
        level,
        _c("body_type", "VARCHAR", "机关类型", "body type"),
    )


def _measure_columns() -> tuple[Column, ...]:
    cols = []
    for m in measures():
        ge = None if m.unit == "signed_count" else 0.0
        cols.append(Column(m.key, "DOUBLE", m.label_zh, m.label_en, ge=ge, unit=m.unit))
    return tuple(cols)


DERIVED: tuple[tuple[str, str, str], ...] = (
    (
        "derived.disclosure_rate",
        "公开率 =（予以公开+部分公开）/办理总计",
        "disclosure rate = (granted + partially granted) / total processed",
    ),
    (
        "derived.review_correction_rate",
        "行政复议纠错率 = 纠正/（维持+纠正+其他）",
        "review correction rate = corrected / (upheld + corrected + other)",
    ),
    (
        "derived.litigation_correction_rate",
        "行政诉讼纠错率 = 纠正/（维持+纠正+其他）",
        "litigation correction rate = corrected / (upheld + corrected + other)",
    ),
)
SHARE_ROWS = tuple(
    m for m in measures() if m.table == "applications" and "." in m.row and m.column == "total"
)
YOY_KEYS = (
    "applications.new_received.total",
    "applications.total_processed.total",
    "applications.granted.total",
    "appeals.review.total",
    "appeals.litigation_direct.total",
    "headline.items_published",
)


def _derived_columns() -> tuple[Column, ...]:
    # No upper bound on the disclosure rate: a report whose printed 总计 is smaller than its
    # outcome rows (a publisher error) yields a rate above 1, and we never rewrite printed numbers.
    cols = [Column(k, "DOUBLE", zh, en, ge=0.0, unit="ratio") for k, zh, en in DERIVED]
    for m in SHARE_ROWS:
        category = m.row.split(".")[0]
        cols.append(
            Column(
                f"derived.share.{m.row}",
                "DOUBLE",
                f"{m.label_zh.split('｜')[0]} 占该类比例",
                f"share of {m.label_en.split(' | ')[0]} within {category}",
                ge=0.0,
                le=1.0,
                unit="ratio",
            )
        )
    for k in YOY_KEYS:
        cols.append(
            Column(
                f"derived.yoy.{k}",
                "DOUBLE",
                f"{k} 同比变化",
                f"change of {k} on the previous year (relative)",
                unit="ratio",
            )
        )
    return tuple(cols)


@cache
def tables() -> dict[str, Table]:
    """Every table of the warehouse, by name, in build order."""
    level = _c("level", "VARCHAR", "层级", "level", isin=LEVELS)
    defs = [
        Table(
            "dim_region",
            "行政区划维表",
            "administrative divisions (GB/T 2260)",
            (
                replace(REGION_CODE, nullable=False),
                _c("name", "VARCHAR", "名称", "name", nullable=False),
                level,
                _c("parent_code", "VARCHAR", "上级区划代码", "parent division code"),
                _c("province_code", "VARCHAR", "省级代码", "province code"),
                _c("city_code", "VARCHAR", "地级代码", "prefecture code"),
                _c(
                    "current_code",
                    "VARCHAR",
                    "现行代码（已撤销代码的承继代码）",
                    "code in force now: itself, or the successor of a retired code",
                ),
            ),
            ("region_code",),
        ),
        Table(
            "dim_body",
            "发布机关维表",
            "publishing bodies",
            (
                replace(BODY_ID, nullable=False),
                _c("name", "VARCHAR", "机关名称", "body name", nullable=False),
                REGION_CODE,
                level,
                _c("body_type", "VARCHAR", "机关类型", "body type", isin=BODY_TYPES),
            ),
            ("body_id",),
        ),
        Table(
            "dim_year",
            "年度维表",
            "statistics years",
            (
                replace(YEAR, nullable=False),
                _c(
                    "template_expected",
                    "VARCHAR",
                    "应使用模板",
                    "expected template",
                    isin=TEMPLATE_VALUES,
                ),
            ),
            ("year",),
        ),
        Table(
            "dim_measure",
            "指标维表（数据契约的规范键）",
            "measures: the canonical keys of the data contract",
            (
                _c("key", "VARCHAR", "规范键", "canonical key", nullable=False),
                _c("table_name", "VARCHAR", "所属表", "table", nullable=False),
                _c("row_key", "VARCHAR", "行", "row"),
                _c("column_key", "VARCHAR", "列", "column"),
                _c("label_zh", "VARCHAR", "中文名称", "Chinese label", nullable=False),
                _c("label_en", "VARCHAR", "英文名称", "English label", nullable=False),
                _c("unit", "VARCHAR", "单位", "unit", nullable=False),
            ),
            ("key",),
        ),
        Table(
            "raw_document",
            "原始文件（按 sha256 存放，内容不改）",
            "raw documents as received (content-addressed, unchanged)",
            (
                _c("sha256", "VARCHAR", "文件 sha256", "sha256 of the file", nullable=False),
                _c("file_name", "VARCHAR", "原文件名", "original file name", nullable=False),
                _c("container", "VARCHAR", "文件格式", "container (by extension)"),
                _c("size_bytes", "BIGINT", "字节数", "size in bytes", ge=0),
                _c("ingested_at", "TIMESTAMP", "入库时间", "time ingested"),
                _c("origin", "VARCHAR", "来源路径", "origin path when ingested"),
            ),
            ("sha256",),
        ),
        Table(
            "core_report",
            "文件清单（每份文件一行）：年度报告发布或隔离，其他文件只列出",
            "documents, one row each: annual reports published or quarantined, others listed",
            (
                REPORT_ID,
                _c("source", "VARCHAR", "原文件名", "source file name", nullable=False),
                _c("container", "VARCHAR", "文件格式", "container as read"),
                BODY_ID,
                _c("body_name", "VARCHAR", "机关名称", "body name"),
                REGION_CODE,
                YEAR,
                _c("template", "VARCHAR", "模板", "template version", isin=TEMPLATE_VALUES),
                _c(
                    "status",
                    "VARCHAR",
                    "状态（已发布、已隔离、非年度报告）",
                    "published, quarantined or not_report (listed, neither published nor broken)",
                    nullable=False,
                    isin=STATUSES,
                ),
                _c(
                    "document_kind",
                    "VARCHAR",
                    "文件类型（年度报告、工作要点、任务清单、通知、其他）",
                    "document kind: annual_report, work_plan, task_list, notice, other",
                    nullable=False,
                    isin=DOCUMENT_KINDS,
                ),
                _c("quarantine_reason", "VARCHAR", "隔离原因", "why quarantined"),
                _c("title", "VARCHAR", "标题", "title"),
                _c("published_date", "DATE", "发布日期", "publication date"),
                _c("values_count", "INTEGER", "读出数值个数", "values read", ge=0),
                _c("is_demo", "BOOLEAN", "是否演示数据", "generated demo data", nullable=False),
            ),
            ("report_id",),
        ),
        Table(
            "core_value",
            "指标值（长表：每份报告每个规范键一行）",
            "values, long: one row per report and canonical key",
            (
                REPORT_ID,
                BODY_ID,
                YEAR,
                _c("key", "VARCHAR", "规范键", "canonical key", nullable=False),
                _c("value", "DOUBLE", "数值（按原文）", "value as printed", nullable=False),
                _c(
                    "cell_kind",
                    "VARCHAR",
                    "单元格类型",
                    "cell kind",
                    nullable=False,
                    isin=CELL_KINDS,
                ),
                _c(
                    "method", "VARCHAR", "读取方式", "how it was read", nullable=False, isin=METHODS
                ),
                _c(
                    "provenance",
                    "VARCHAR",
                    "出处（JSON）",
                    "where it was read (JSON)",
                    nullable=False,
                ),
            ),
            ("report_id", "key"),
        ),
        Table(
            "core_finding",
            "勾稽检查结果",
            "findings of the consistency rules",
            (
                REPORT_ID,
                BODY_ID,
                YEAR,
                _c("rule", "VARCHAR", "规则", "rule id", nullable=False),
                _c("severity", "VARCHAR", "严重程度", "severity", nullable=False, isin=SEVERITIES),
                _c(
                    "keys", "VARCHAR", "涉及的规范键（逗号分隔）", "keys involved (comma-separated)"
                ),
                _c("message", "VARCHAR", "说明", "message", nullable=False),
                _c(
                    "blame",
                    "VARCHAR",
                    "责任方",
                    "publisher or reading",
                    nullable=False,
                    isin=BLAMES,
                ),
                _c("detail", "VARCHAR", "复核所需细节（JSON：候选读法、位置）",
                   "what a reviewer needs (JSON: candidate readings, where it was read)"),
            ),
        ),
        Table(
            "core_quarantine",
            "隔离区：未发布的文件、报告和行及其原因",
            "quarantine: documents, reports and rows not published, with the reason",
            (
                _c(
                    "item", "VARCHAR", "对象（文件或报告）", "item (file or report)", nullable=False
                ),
                _c("stage", "VARCHAR", "环节", "stage", nullable=False),
                _c("rule", "VARCHAR", "规则", "rule", nullable=False),
                _c("reason", "VARCHAR", "原因", "reason", nullable=False),
                _c("detected_at", "TIMESTAMP", "发现时间", "when it was quarantined"),
            ),
        ),
        Table(
            "out_body_year",
            "机关·年度宽表（含派生比率）",
            "body × year wide mart with derived rates",
            (
                *_body_columns(level),
                replace(YEAR, nullable=False),
                _c("template", "VARCHAR", "模板", "template version"),
                REPORT_ID,
                _c("reviewed_keys", "VARCHAR", "采用人工复核值的指标（逗号分隔）",
                   "keys whose value here is a reviewed one (comma-separated; "
                   "the as-published value stays in core_value)"),
                *_measure_columns(),
                *_derived_columns(),
            ),
            ("body_id", "year"),
        ),
        Table(
            "out_region_year",
            "地区·年度汇总（含覆盖率）",
            "region × year rollup with coverage",
            (
                replace(REGION_CODE, nullable=False),
                _c("region_name", "VARCHAR", "地区名称", "region name"),
                level,
                replace(YEAR, nullable=False),
                _c("reports", "INTEGER", "已发布报告数", "published reports", ge=0),
                _c("bodies", "INTEGER", "报告机关数", "bodies that reported", ge=0),
                _c("bodies_expected", "INTEGER", "应报告机关数", "bodies expected", ge=0),
                _c("coverage", "DOUBLE", "覆盖率", "coverage = bodies / expected", ge=0.0, le=1.0),
                _c("quarantined", "INTEGER", "被隔离报告数", "quarantined reports", ge=0),
                _c("reviewed_reports", "INTEGER", "含人工复核值的报告数",
                   "reports with reviewed values in these sums", ge=0),
                *_INCONSISTENT_COLUMNS,
                *(
                    Column(k, "DOUBLE", label_zh, label_en, ge=0.0)
                    for k, label_zh, label_en in ROLLUP_MEASURES
                ),
                Column(
                    "derived.disclosure_rate",
                    "DOUBLE",
                    DERIVED[0][1],
                    DERIVED[0][2],
                    ge=0.0,
                    unit="ratio",
                ),
            ),
            ("region_code", "year"),
        ),
        _government_year_table(level),
        _region_rate_table(level),
        *_scorecard_tables(level),
        Table(
            "meta_build",
            "构建信息",
            "build metadata",
            (
                _c("dataset_version", "VARCHAR", "数据集版本", "dataset version", nullable=False),
                _c("built_at", "TIMESTAMP", "构建时间", "built at", nullable=False),
                _c("is_demo", "BOOLEAN", "是否演示数据", "demo data", nullable=False),
                _c("documents", "INTEGER", "文件数", "documents", ge=0),
                _c("reports_published", "INTEGER", "已发布报告数", "reports published", ge=0),
                _c("reports_quarantined", "INTEGER", "被隔离报告数", "reports quarantined", ge=0),
                _c("documents_not_report", "INTEGER", "非年度报告文件数（只列出）",
                   "documents that are not annual reports (listed only)", ge=0),
                _c("engine_version", "VARCHAR", "抽取引擎版本", "extraction engine version"),
            ),
        ),
    ]
    defs[-1:-1] = ledger_tables()  # application ledgers (issue 6), before meta_build
    defs[-1:-1] = review_tables()  # review queue and corrections (issue 16), before meta_build
    defs[-1:-1] = collect_tables(level)  # the crawler's store and publication dates (issue 15)
    defs.insert(
        -1,
        Table(
            "meta_scan",
            "个人信息检查（分段）",
            "personal-data search done segment by segment",
            (
                _c("table_name", "VARCHAR", "表", "table", nullable=False),
                _c("column_name", "VARCHAR", "列", "column", nullable=False),
                _c("hits", "BIGINT", "疑似个人信息的值", "values shaped like personal data",
                   ge=0, nullable=False),
            ),
            primary_key=("table_name", "column_name"),
            export=False,
        ),
    )
    defs.insert(
        -1,
        Table(
            "meta_part",
            "数据分段（增量构建依据）",
            "segment files a table was loaded from (what an incremental build starts from)",
            (
                _c("table_name", "VARCHAR", "表", "table", nullable=False),
                _c("part", "VARCHAR", "分段文件（代/分片/段/文件）",
                   "segment file (generation/shard/segment/file)", nullable=False),
                _c("rows", "BIGINT", "行数", "rows", ge=0, nullable=False),
                _c("basis", "VARCHAR", "构建代码摘要", "digest of the building code",
                   nullable=False),
            ),
            primary_key=("table_name", "part"),
            export=False,
        ),
    )
    return {t.name: t for t in defs}


# Beside every aggregate: how much of it rests on reports whose own numbers disagree.
# Quarantined reports carry no published values, so they show as a count (``quarantined``).
_INCONSISTENT_COLUMNS = (
    Column(
        "inconsistent_reports",
        "INTEGER",
        "自相矛盾的报告数（发布方责任的勾稽问题）",
        "reports with publisher-blamed inconsistencies",
        ge=0,
    ),
    Column(
        "inconsistent_share",
        "DOUBLE",
        "新收申请中来自自相矛盾报告的比例",
        "share of new applications from reports with publisher-blamed inconsistencies",
        ge=0.0,
        le=1.0,
        unit="ratio",
    ),
)


def _government_year_table(level: Column) -> Table:
    """``out_government_year``: department → government rollup, coverage beside it."""
    return Table(
        "out_government_year",
        "政府·年度汇总（本级政府及其部门，含覆盖率）",
        "government × year rollup: a government with its office and departments, with coverage",
        (
            replace(REGION_CODE, nullable=False),
            Column("region_name", "VARCHAR", "地区名称", "region name"),
            level,
            replace(YEAR, nullable=False),
            Column("government_body_id", "VARCHAR", "政府机关标识", "government body id"),
            Column(
                "government_reported",
                "BOOLEAN",
                "本级政府（或管委会）是否报告",
                "the government (or zone committee) itself reported",
            ),
            Column("departments", "INTEGER", "报告的部门数", "departments that reported", ge=0),
            Column(
                "departments_expected", "INTEGER", "应报告部门数", "departments expected", ge=0
            ),
            Column("reports", "INTEGER", "已发布报告数", "published reports", ge=0),
            Column("bodies", "INTEGER", "报告机关数", "bodies that reported", ge=0),
            Column("bodies_expected", "INTEGER", "应报告机关数", "bodies expected", ge=0),
            Column(
                "coverage", "DOUBLE", "覆盖率", "coverage = bodies / expected", ge=0.0, le=1.0
            ),
            *_INCONSISTENT_COLUMNS,
            *(
                Column(k, "DOUBLE", label_zh, label_en, ge=0.0)
                for k, label_zh, label_en in ROLLUP_MEASURES
            ),
        ),
        ("region_code", "year"),
    )


RATES = ("disclosure", "denied", "unable", "review_correction", "litigation_correction")


def _region_rate_table(level: Column) -> Table:
    """``out_region_rate``: a region's rates from sums, numerator and denominator beside each."""
    count = {"ge": 0}
    return Table(
        "out_region_rate",
        "地区·年度比率（由合计计算，含分子、分母与覆盖率）",
        "region × year rates from sums, with numerator, denominator and coverage",
        (
            replace(REGION_CODE, nullable=False),
            _c("region_name", "VARCHAR", "地区名称", "region name"),
            level,
            _c("city_name", "VARCHAR", "所属市（县级地区）", "city of a county"),
            replace(YEAR, nullable=False),
            _c("rate", "VARCHAR", "比率", "rate", nullable=False, isin=RATES),
            _c("numerator", "DOUBLE", "分子（各机关合计）", "numerator, summed over bodies",
               ge=0.0),
            _c("denominator", "DOUBLE", "分母（各机关合计）", "denominator, summed over bodies",
               ge=0.0),
            # No upper bound: a report printing a 总计 below its parts (a publisher error)
            # yields a rate above 1, and printed numbers are never rewritten.
            _c("value", "DOUBLE", "比率 = 分子 / 分母", "rate = numerator / denominator",
               ge=0.0, unit="ratio"),
            _c("reports_with_data", "INTEGER", "分母大于 0 的报告数",
               "reports with a denominator above 0", **count),
            _c("reports", "INTEGER", "已发布报告数", "published reports", **count),
            _c("bodies", "INTEGER", "报告机关数", "bodies that reported", **count),
            _c("bodies_expected", "INTEGER", "应报告机关数", "bodies expected", **count),
            _c("coverage", "DOUBLE", "覆盖率", "coverage = bodies / expected", ge=0.0, le=1.0),
        ),
        ("region_code", "year", "rate"),
    )


def _rollup_measures() -> tuple[tuple[str, str, str], ...]:
    keys = [
        "applications.new_received.total",
        "applications.carried_over.total",
        "applications.granted.total",
        "applications.partially_granted.total",
        "applications.denied.total",
        "applications.unable.total",
        "applications.not_processed.total",
        "applications.other.total",
        "applications.total_processed.total",
        "applications.carried_forward.total",
        "appeals.review.total",
        "appeals.review.corrected",
        "appeals.litigation_direct.total",
        "appeals.litigation_after_review.total",
        "headline.items_published",
    ]
    index = {m.key: m for m in measures()}
    return tuple((k, index[k].label_zh, index[k].label_en) for k in keys)


ROLLUP_MEASURES = _rollup_measures()


# Tables loaded from Parquet segments by the ten million: their key is not declared to DuckDB,
# whose index on it costs 4x the load time and gigabytes of memory for a national warehouse.
# The key still holds: pandera checks it in each segment, documents never share a segment,
# and the publish check counts duplicates (schemas.profile).
UNDECLARED_KEYS = frozenset({"core_value"})


def ddl(table: Table) -> str:
    """``CREATE TABLE`` for DuckDB, with the primary key where one is declared and enforced."""
    cols = [f'    "{c.name}" {c.type}{"" if c.nullable else " NOT NULL"}' for c in table.columns]
    if table.primary_key and table.name not in UNDECLARED_KEYS:
        cols.append("    PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.primary_key) + ")")
    return f"CREATE TABLE {table.name} (\n" + ",\n".join(cols) + "\n);"


def comments(table: Table) -> list[str]:
    """``COMMENT ON`` statements so the DuckDB file documents itself."""

    def q(s: str) -> str:
        return s.replace("'", "''")

    out = [f"COMMENT ON TABLE {table.name} IS '{q(table.zh)} / {q(table.en)}';"]
    out += [
        f"COMMENT ON COLUMN {table.name}.\"{c.name}\" IS '{q(c.zh)} / {q(c.en)}';"
        for c in table.columns
    ]
    return out


def _scorecard_tables(level: Column) -> tuple[Table, ...]:
    """``out_report_check`` (one row per problem) and ``out_scorecard`` (body × year score).

    The checks and their order come from :data:`pipelines.checker.model.CHECKS`, so a new check
    gets its count column here without retyping it.
    """
    from pipelines.checker.model import CHECKS

    checks = tuple(CHECKS)
    problem_columns = (
        _c("check", "VARCHAR", "检查项", "check", nullable=False, isin=checks),
        _c("rule", "VARCHAR", "规则", "rule id", nullable=False),
        _c("severity", "VARCHAR", "严重程度", "severity", nullable=False, isin=SEVERITIES),
        _c("keys", "VARCHAR", "涉及的规范键（逗号分隔）", "keys involved (comma-separated)"),
        _c("location", "VARCHAR", "位置（JSON）", "location (JSON: table/row/column or span)"),
        _c("location_text", "VARCHAR", "位置", "location in words"),
        _c("message_zh", "VARCHAR", "说明（中文）", "message (Chinese)", nullable=False),
        _c("message_en", "VARCHAR", "说明（英文）", "message (English)"),
        _c("deduction", "DOUBLE", "扣分（按权重，未封顶）", "points deducted (weight, uncapped)",
           ge=0.0),
    )
    counts = tuple(
        _c(f"problems_{c}", "INTEGER", f"问题数·{zh}", f"problems: {en}", ge=0)
        for c, (zh, en) in CHECKS.items()
    )
    return (
        Table(
            "out_report_check",
            "年报质量检查：每个问题一行",
            "report quality checks: one row per problem",
            (replace(REPORT_ID, nullable=False), BODY_ID, YEAR, *problem_columns),
        ),
        Table(
            "out_scorecard",
            "年报质量评分：机关·年度（含地区内排名）",
            "report quality scorecard: body × year, ranked within its region",
            (
                *_body_columns(level),
                replace(YEAR, nullable=False),
                REPORT_ID,
                _c("score", "DOUBLE", "得分", "score", nullable=False, ge=0.0),
                _c("rank_region_code", "VARCHAR", "排名范围（地区代码）",
                   "region the rank is within (city, else province)"),
                _c("rank", "INTEGER", "地区内排名", "rank within the region", ge=1),
                _c("rank_of", "INTEGER", "参与排名机关数", "bodies ranked in the region", ge=1),
                _c("errors", "INTEGER", "错误数", "errors", ge=0),
                _c("warnings", "INTEGER", "警告数", "warnings", ge=0),
                _c("infos", "INTEGER", "提示数", "notes", ge=0),
                *counts,
                _c("weights", "VARCHAR", "评分权重文件", "weights file used"),
            ),
            ("body_id", "year"),
        ),
    )


# --- application ledgers (依申请公开台账) ------------------------------------------------------

CHANNEL_CODES = ("online", "letter", "in_person", "fax", "email", "other")
RECONCILIATION_STATUSES = ("match", "differs", "not_in_report", "no_report")
OUTCOME_SHARES = (
    ("granted", "予以公开", "granted"),
    ("partially_granted", "部分公开", "partially granted"),
    ("denied", "不予公开", "denied"),
    ("unable", "无法提供", "unable to provide"),
    ("not_processed", "不予处理", "not processed"),
    ("other", "其他处理", "other handling"),
)


def ledger_tables() -> list[Table]:
    """Tables of the application ledgers: applications (no personal data), timeliness, checks.

    ``core_application`` never holds a name, ID number, phone, e-mail or address: they are
    dropped on ingest; ``applicant_hash`` is a keyed hash and ``request_text`` is scrubbed
    (:mod:`pipelines.ledgers.privacy`).
    """
    from schemas.registry import APPLICANT_COLUMNS

    cols = tuple(c for c, _, _ in APPLICANT_COLUMNS if c != "total")
    count = {"ge": 0}
    share = {"ge": 0.0, "le": 1.0, "unit": "ratio"}
    body_name = _c("body_name", "VARCHAR", "机关名称", "body name")
    return [
        Table(
            "core_application",
            "依申请公开办理记录（每件申请一行，不含个人信息）",
            "applications from the handling ledgers, one row each, without personal data",
            (
                _c("application_id", "VARCHAR", "申请标识（台账 sha256 前 16 位:行号）",
                   "application id (ledger sha256 prefix:row)", nullable=False),
                _c("ledger_id", "VARCHAR", "台账文件 sha256", "sha256 of the ledger file",
                   nullable=False),
                _c("source", "VARCHAR", "台账文件名", "ledger file name", nullable=False),
                _c("row", "INTEGER", "行号（表头下第 1 行为 1）",
                   "row (1 = first under the header)", nullable=False, ge=1),
                _c("sheet", "VARCHAR", "工作表（多表工作簿；行号跨表连续）",
                   "sheet (workbooks of several ledger sheets; rows numbered on across them)"),
                BODY_ID,
                body_name,
                REGION_CODE,
                YEAR,
                _c("received", "DATE", "收到申请日期", "date received", nullable=False),
                _c("correction_date", "DATE", "补正日期（期限起算）",
                   "补正 date the deadline counts from"),
                _c("deadline", "DATE", "法定答复期限", "statutory reply deadline"),
                _c("replied", "DATE", "答复日期", "date replied"),
                _c("working_days", "INTEGER", "收到至答复的工作日数",
                   "working days from receipt to reply", unit="working_days"),
                _c("overdue_days", "INTEGER", "超期工作日数（按时为 0）",
                   "working days past the deadline (0 when on time)", unit="working_days",
                   **count),
                _c("on_time", "BOOLEAN", "是否按期答复", "replied by the deadline"),
                _c("extended", "BOOLEAN", "是否延期", "extension used", nullable=False),
                _c("third_party_days", "INTEGER", "征求第三方意见工作日数",
                   "third-party consultation working days", unit="working_days", **count),
                _c("applicant_type", "VARCHAR", "申请人类型（表三列）",
                   "applicant type (table 三 column; null when the label was not recognised: "
                   "counted in the total column only)", isin=cols),
                _c("channel", "VARCHAR", "申请方式", "channel", isin=CHANNEL_CODES),
                _c("outcome", "VARCHAR", "处理结果（表三行键，办理中为空）",
                   "outcome (table 三 row key; null while pending)"),
                _c("outcome_category", "VARCHAR", "处理结果类别", "outcome category"),
                _c("carried_over", "BOOLEAN", "上年结转", "carried over from the year before",
                   nullable=False),
                _c("pending", "BOOLEAN", "年末仍在办理", "still open at year end",
                   nullable=False),
                _c("fee", "DOUBLE", "收费（元）", "fee (yuan)", ge=0.0, unit="yuan"),
                _c("applicant_hash", "VARCHAR", "申请人密钥散列", "keyed hash of the applicant"),
                _c("request_text", "VARCHAR", "申请内容（已去除个人信息）",
                   "request text with personal data removed"),
                _c("findings", "VARCHAR", "行级检查结果（逗号分隔）",
                   "row findings (comma-separated)"),
            ),
            ("application_id",),
        ),
        Table(
            "out_ledger_body_year",
            "台账·机关年度：答复时效与处理结果构成",
            "ledgers by body and year: timeliness and outcome mix",
            (
                replace(BODY_ID, nullable=False),
                body_name,
                REGION_CODE,
                replace(YEAR, nullable=False),
                _c("applications", "INTEGER", "申请件数", "applications", **count),
                _c("replied", "INTEGER", "已答复件数", "replied", **count),
                _c("pending", "INTEGER", "年末在办件数", "open at year end", **count),
                _c("median_working_days", "DOUBLE", "答复用时中位数（工作日）",
                   "median working days to reply", ge=0.0, unit="working_days"),
                _c("on_time_share", "DOUBLE", "按期答复比例", "share replied on time", **share),
                _c("overdue", "INTEGER", "超期件数", "applications replied late", **count),
                _c("extended", "INTEGER", "延期件数", "extensions", **count),
                _c("corrections", "INTEGER", "补正件数", "补正 requested", **count),
                _c("third_party", "INTEGER", "征求第三方意见件数", "third parties consulted",
                   **count),
                _c("calendar_errors", "INTEGER", "日期超出日历覆盖件数",
                   "dates outside the official calendar", **count),
                *(
                    _c(f"share_{k}", "DOUBLE", f"{zh}占办理结果比例",
                       f"share {en} of processed", **share)
                    for k, zh, en in OUTCOME_SHARES
                ),
            ),
            ("body_id", "year"),
        ),
        Table(
            "out_reconciliation",
            "台账与年度报告逐格核对",
            "ledger against the published report, cell by cell",
            (
                replace(BODY_ID, nullable=False),
                body_name,
                replace(YEAR, nullable=False),
                _c("key", "VARCHAR", "规范键", "canonical key", nullable=False),
                _c("ledger_value", "DOUBLE", "台账汇总值", "value from the ledger", ge=0.0),
                _c("report_value", "DOUBLE", "报告值（按原文）", "value printed in the report"),
                _c("difference", "DOUBLE", "差额（台账−报告）", "ledger − report",
                   unit="signed_count"),
                _c("status", "VARCHAR", "核对结果", "result", nullable=False,
                   isin=RECONCILIATION_STATUSES),
                replace(REPORT_ID, nullable=True),
            ),
            ("body_id", "year", "key"),
        ),
    ]


# --- review and corrections (pipelines/review) -----------------------------------------------

REVIEW_KINDS = ("ambiguous_split", "lost_cell", "unreadable_row", "unplaced_prose",
                "ambiguous_body", "unmapped_ledger_column", "publisher_error")
ITEM_STATUSES = ("open", "settled", "engine_agrees")
CORRECTION_STATUSES = ("applied", "engine_agrees", "document_changed", "recorded")


def review_tables() -> list[Table]:
    """The reviewed values, the corrections in force and the review queue.

    Reviewed values are a table of their own rather than rows of ``core_value``: the fact
    table stays exactly as published (and its incremental build and per-segment export are
    untouched), while this small table is rebuilt from the corrections file on every build.
    """
    json_col = {"unit": None}
    reviewer = _c("reviewer", "VARCHAR", "复核人", "reviewer")
    at = _c("reviewed_at", "VARCHAR", "复核时间（UTC）", "when reviewed (UTC, ISO 8601)")
    note = _c("note", "VARCHAR", "复核说明", "reviewer's note")
    item = _c("item_id", "VARCHAR", "复核事项标识（文件 sha256 与对象的摘要）",
              "review item id (digest of the document sha256 and what it is about)",
              nullable=False)
    kind = _c("kind", "VARCHAR", "事项类型", "kind of item", isin=REVIEW_KINDS)
    correction = _c("correction_id", "VARCHAR", "更正记录标识", "correction id")
    return [
        Table(
            "core_value_reviewed",
            "人工复核值（与原文值并存，不覆盖）",
            "reviewed values, beside the as-published ones (never overwriting them)",
            (
                replace(REPORT_ID, nullable=False),
                BODY_ID,
                YEAR,
                _c("key", "VARCHAR", "规范键", "canonical key", nullable=False),
                _c("value", "DOUBLE", "复核值", "reviewed value", nullable=False),
                _c("as_published", "DOUBLE", "原文值（未读出为空）",
                   "value as published (null when withheld)"),
                _c("method", "VARCHAR", "读取方式", "how it was read", nullable=False,
                   isin=("reviewed",)),
                item,
                replace(correction, nullable=False),
                reviewer,
                at,
                note,
            ),
            ("report_id", "key"),
        ),
        Table(
            "core_body_reviewed",
            "人工复核的发布机关所在地（与引擎读法并存，core_report 保持原读法）",
            "reviewed bodies: the place a person chose for a report whose body name fits "
            "several (core_report keeps the engine's reading)",
            (
                replace(REPORT_ID, nullable=False),
                YEAR,
                replace(BODY_ID, nullable=False),
                _c("body_name", "VARCHAR", "机关名称", "body name", nullable=False),
                replace(REGION_CODE, nullable=False),
                _c("level", "VARCHAR", "层级", "level", isin=LEVELS),
                _c("body_type", "VARCHAR", "机关类型", "body type", isin=BODY_TYPES),
                _c("as_published_body_id", "VARCHAR", "引擎读出的机关标识（未定位）",
                   "body id as the engine read it (no place)"),
                _c("as_published_region_code", "VARCHAR", "引擎读出的区划代码（未定位为空）",
                   "region code as the engine read it (null: not placed)"),
                _c("candidates", "VARCHAR", "引擎列出的候选区划代码（逗号分隔）",
                   "the candidate region codes the engine listed (comma-separated)"),
                _c("method", "VARCHAR", "读取方式", "how it was read", nullable=False,
                   isin=("reviewed",)),
                item,
                replace(correction, nullable=False),
                reviewer,
                at,
                note,
            ),
            ("report_id",),
        ),
        Table(
            "core_correction",
            "生效的人工更正及其状态",
            "corrections in force and what became of them",
            (
                replace(correction, nullable=False),
                item,
                replace(REPORT_ID, nullable=False),
                kind,
                _c("values", "VARCHAR", "更正值（JSON）", "values (JSON: key → value)",
                   **json_col),
                reviewer,
                at,
                note,
                _c("source", "VARCHAR", "原文件名", "source file name"),
                _c("body_name", "VARCHAR", "机关名称", "body name"),
                YEAR,
                _c("status", "VARCHAR", "状态", "applied, engine_agrees, document_changed or "
                   "recorded", nullable=False, isin=CORRECTION_STATUSES),
                _c("status_note", "VARCHAR", "状态说明", "why this status"),
            ),
            ("correction_id",),
        ),
        Table(
            "out_review_item",
            "人工复核队列：机器未能确定的读取与发布方错误（按重要性排序）",
            "review queue: readings the engine withheld and publisher errors, by importance",
            (
                item,
                replace(REPORT_ID, nullable=False),
                _c("source", "VARCHAR", "原文件名", "source file name"),
                BODY_ID,
                _c("body_name", "VARCHAR", "机关名称", "body name"),
                REGION_CODE,
                YEAR,
                replace(kind, nullable=False),
                _c("rule", "VARCHAR", "规则", "rule", nullable=False),
                _c("keys", "VARCHAR", "涉及的规范键（逗号分隔）",
                   "keys involved (comma-separated)"),
                _c("message", "VARCHAR", "说明", "message"),
                _c("candidates", "VARCHAR", "候选读法（JSON 列表）",
                   "candidate readings (JSON list of {key: value})"),
                _c("printed", "VARCHAR", "原文值（JSON）", "as published (JSON: key → value)"),
                _c("location", "VARCHAR", "出处（JSON）",
                   "where it was read (JSON: table, row, line, tokens, sentence)"),
                _c("importance", "DOUBLE", "重要性（可能改变的数值之和）",
                   "importance: how much settling it could move the totals", ge=0.0),
                _c("status", "VARCHAR", "状态", "open, settled or engine_agrees",
                   nullable=False, isin=ITEM_STATUSES),
                _c("settled_values", "VARCHAR", "复核值（JSON）", "settled values (JSON)"),
                reviewer,
                at,
                correction,
            ),
            ("item_id",),
        ),
    ]


# --- collected reports (gongkai collect, issue 15) ---------------------------------------------

COLLECT_STATUSES = ("found", "not_published", "failed", "unresolved_body")
COLLECT_DATE_SOURCES = ("listing", "page", "http_last_modified")
DOCUMENT_ROLES = ("page", "attachment")
# Where a publication date of the timeliness mart came from: the crawler's (its three, or
# "collected" when a file record gives a date without saying where) or the report's own text.
DATE_SOURCES = (*COLLECT_DATE_SOURCES, "collected", "report_text")
PUBLICATION_STATUSES = ("on_time", "late", "date_unknown", "not_published", "failed",
                        "unresolved_body")


def collect_tables(level: Column) -> list[Table]:
    """The crawler's store (``<home>/collect``) and the publication-timeliness mart.

    Rebuilt from the store at every build; a home without a store has them empty (the mart
    still lists published reports, dated by their text).
    """
    published = _c("published_date", "DATE", "发布日期", "publication date")
    listing = _c("listing_url", "VARCHAR", "年报栏目列表页", "listing page (年报 column)")
    source = _c("source_id", "VARCHAR", "采集来源标识", "collect source id")
    return [
        Table(
            "core_collect_status",
            "采集状态：每个来源每年度的当前结果（已找到、尚未发布、失败、机关未识别）",
            "collect status: the current result per source and year (found, not yet "
            "published, failed, body unresolved)",
            (
                replace(source, nullable=False),
                replace(YEAR, nullable=False),
                BODY_ID,
                _c("body_name", "VARCHAR", "机关名称", "body name"),
                REGION_CODE,
                level,
                _c("body_type", "VARCHAR", "机关类型", "body type", isin=BODY_TYPES),
                _c("body_known", "BOOLEAN", "机关在机关维表中（有已发布年报）",
                   "the body is in dim_body (it has a published report)", nullable=False),
                _c("status", "VARCHAR", "采集结果", "result of the last check", nullable=False,
                   isin=COLLECT_STATUSES),
                _c("reason", "VARCHAR", "原因（未找到或失败时）", "reason (not found or failed)"),
                _c("report_url", "VARCHAR", "年报网址", "report URL"),
                _c("title", "VARCHAR", "标题", "title"),
                published,
                _c("date_source", "VARCHAR", "发布日期来源", "where the date was read",
                   isin=COLLECT_DATE_SOURCES),
                _c("sha256", "VARCHAR", "找到的文件 sha256（逗号分隔）",
                   "sha256 of the files found (comma-separated)"),
                listing,
                _c("checked_at", "TIMESTAMP", "检查时间（UTC）", "checked at (UTC)",
                   nullable=False),
                _c("checks", "INTEGER", "检查次数", "times checked", ge=1),
            ),
            ("source_id", "year"),
        ),
        Table(
            "core_collected_document",
            "采集文件来源：每个采集入库文件的网址、抓取时间与 HTTP 头",
            "provenance of every collected file: URL, fetch time and HTTP headers",
            (
                _c("sha256", "VARCHAR", "文件 sha256", "sha256 of the file", nullable=False),
                _c("file_name", "VARCHAR", "文件名", "file name"),
                _c("url", "VARCHAR", "下载网址", "URL requested", nullable=False),
                _c("final_url", "VARCHAR", "最终网址（跳转后）", "final URL after redirects"),
                listing,
                source,
                YEAR,
                _c("role", "VARCHAR", "角色（页面或附件）", "role: page or attachment",
                   isin=DOCUMENT_ROLES),
                _c("fetched_at", "TIMESTAMP", "抓取时间（UTC）", "fetched at (UTC)"),
                _c("http_status", "INTEGER", "HTTP 状态码", "HTTP status", ge=100, le=599),
                _c("content_type", "VARCHAR", "Content-Type", "Content-Type header"),
                _c("etag", "VARCHAR", "ETag", "ETag header"),
                _c("last_modified", "VARCHAR", "Last-Modified（原文）",
                   "Last-Modified header as sent"),
                _c("content_length", "BIGINT", "字节数（Content-Length）", "Content-Length",
                   ge=0),
                published,
                replace(REPORT_ID, nullable=True, zh="文件清单中的报告标识（已入库时）",
                        en="report id in core_report (when built)"),
            ),
            ("sha256",),
        ),
        Table(
            "out_publication_timeliness",
            "年报发布时效：机关·年度（是否在法定期限前发布）",
            "report publication timeliness: body × year, published by the deadline or not",
            (
                BODY_ID,
                _c("body_name", "VARCHAR", "机关名称", "body name"),
                REGION_CODE,
                level,
                _c("body_type", "VARCHAR", "机关类型", "body type", isin=BODY_TYPES),
                replace(YEAR, nullable=False),
                _c("deadline", "DATE", "法定发布期限", "statutory deadline", nullable=False),
                _c("status", "VARCHAR", "发布情况", "publication status", nullable=False,
                   isin=PUBLICATION_STATUSES),
                published,
                _c("date_source", "VARCHAR", "发布日期来源", "where the date came from",
                   isin=DATE_SOURCES),
                _c("days_late", "INTEGER", "逾期天数", "days after the deadline", ge=0,
                   unit="days"),
                _c("missed_deadline", "BOOLEAN", "期限前未发布（逾期发布或截至检查时仍未发布）",
                   "not published by the deadline (late, or still missing when checked after it)"),
                _c("checked_at", "TIMESTAMP", "最近检查时间（UTC）", "last checked (UTC)"),
                _c("reason", "VARCHAR", "原因（未找到或失败时）", "reason (not found or failed)"),
                _c("report_url", "VARCHAR", "年报网址", "report URL"),
                listing,
                source,
                replace(REPORT_ID, nullable=True),
            ),
        ),
    ]

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
METHODS = ("table", "prose", "constraint")
BLAMES = ("publisher", "reading")
SEVERITIES = ("error", "warning", "info")
LEVELS = ("province", "city", "county", "township")
BODY_TYPES = ("government", "office", "department", "special_zone")
TEMPLATE_VALUES = ("2021", "2019", "pre2019")
STATUSES = ("published", "quarantined")


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
            "年度报告（每份文件一行）",
            "annual reports, one row per document",
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
                    "状态",
                    "published or quarantined",
                    nullable=False,
                    isin=STATUSES,
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
                replace(BODY_ID, nullable=False),
                _c("body_name", "VARCHAR", "机关名称", "body name"),
                REGION_CODE,
                level,
                _c("body_type", "VARCHAR", "机关类型", "body type"),
                replace(YEAR, nullable=False),
                _c("template", "VARCHAR", "模板", "template version"),
                REPORT_ID,
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
                _c("engine_version", "VARCHAR", "抽取引擎版本", "extraction engine version"),
            ),
        ),
    ]
    return {t.name: t for t in defs}


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


def ddl(table: Table) -> str:
    """``CREATE TABLE`` for DuckDB, with the primary key where one is declared."""
    cols = [f'    "{c.name}" {c.type}{"" if c.nullable else " NOT NULL"}' for c in table.columns]
    if table.primary_key:
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

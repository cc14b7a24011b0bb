"""The one registry of the data contract (``../shared/spec/report-schema.md``).

Every canonical key of a report — its table, Chinese and English label, unit and the template
versions that print it — is defined here once. Pandera models, DuckDB DDL, the export's
``datapackage.json`` and the dashboard's labels are all generated from this module, so a label is
never retyped elsewhere. Keys are public column names of the open dataset: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

TEMPLATES = ("2021", "2019", "pre2019")

# --- table 三: applications ---------------------------------------------------------------

APPLICANT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("natural_person", "自然人", "natural persons"),
    ("commercial", "法人或其他组织·商业企业", "commercial enterprises"),
    ("research", "法人或其他组织·科研机构", "research institutions"),
    ("social_org", "法人或其他组织·社会公益组织", "social welfare organisations"),
    ("legal_service", "法人或其他组织·法律服务机构", "legal service organisations"),
    ("other_org", "法人或其他组织·其他", "other organisations"),
    ("total", "总计", "total"),
)


@dataclass(frozen=True)
class Row:
    """One row of a template table: key, labels and the template versions that print it."""

    key: str
    label_zh: str
    label_en: str
    templates: tuple[str, ...] = ("2019", "2021")
    category: str | None = None  # parent category for numbered sub-rows (三(三)1 → denied)


APPLICATION_ROWS: tuple[Row, ...] = (
    Row("new_received", "本年新收政府信息公开申请数量", "new applications received"),
    Row("carried_over", "上年结转政府信息公开申请数量", "carried over from previous year"),
    Row("granted", "予以公开", "granted"),
    Row("partially_granted", "部分公开", "partially granted"),
    Row("denied.state_secret", "不予公开·属于国家秘密", "denied: state secret", category="denied"),
    Row(
        "denied.prohibited_by_law",
        "不予公开·其他法律行政法规禁止公开",
        "denied: prohibited by other laws",
        category="denied",
    ),
    Row(
        "denied.security_stability",
        "不予公开·危及“三安全一稳定”",
        "denied: endangers security or stability",
        category="denied",
    ),
    Row(
        "denied.third_party_rights",
        "不予公开·保护第三方合法权益",
        "denied: third-party rights",
        category="denied",
    ),
    Row(
        "denied.internal_affairs",
        "不予公开·属于三类内部事务信息",
        "denied: internal affairs",
        category="denied",
    ),
    Row(
        "denied.process_info",
        "不予公开·属于四类过程性信息",
        "denied: process information",
        category="denied",
    ),
    Row(
        "denied.enforcement_file",
        "不予公开·属于行政执法案卷",
        "denied: enforcement file",
        category="denied",
    ),
    Row(
        "denied.inquiry_matter",
        "不予公开·属于行政查询事项",
        "denied: administrative inquiry matter",
        category="denied",
    ),
    Row(
        "unable.not_held",
        "无法提供·本机关不掌握相关政府信息",
        "unable: not held",
        category="unable",
    ),
    Row(
        "unable.needs_creation",
        "无法提供·没有现成信息需要另行制作",
        "unable: would need to be created",
        category="unable",
    ),
    Row(
        "unable.unclear_after_correction",
        "无法提供·补正后申请内容仍不明确",
        "unable: unclear after correction",
        category="unable",
    ),
    Row(
        "not_processed.petition_complaint",
        "不予处理·信访举报投诉类申请",
        "not processed: petition or complaint",
        category="not_processed",
    ),
    Row(
        "not_processed.duplicate",
        "不予处理·重复申请",
        "not processed: duplicate",
        category="not_processed",
    ),
    Row(
        "not_processed.publication",
        "不予处理·要求提供公开出版物",
        "not processed: asks for publications",
        category="not_processed",
    ),
    Row(
        "not_processed.excessive",
        "不予处理·无正当理由大量反复申请",
        "not processed: excessive repeated requests",
        category="not_processed",
    ),
    Row(
        "not_processed.confirmation",
        "不予处理·要求行政机关确认或重新出具已获取信息",
        "not processed: asks to confirm or reissue information",
        category="not_processed",
    ),
    Row(
        "other.no_correction",
        "其他处理·申请人无正当理由逾期不补正",
        "other: no correction in time",
        templates=("2021",),
        category="other",
    ),
    Row(
        "other.unpaid_fee",
        "其他处理·申请人逾期未按收费通知要求缴纳费用",
        "other: fee not paid",
        templates=("2021",),
        category="other",
    ),
    Row("other.other", "其他处理·其他", "other: other", templates=("2021",), category="other"),
    Row("total_processed", "办理结果总计", "total processed"),
    Row("carried_forward", "结转下年度继续办理", "carried forward to next year"),
)

OUTCOME_CATEGORIES: tuple[tuple[str, str, str], ...] = (
    ("denied", "不予公开", "denied"),
    ("unable", "无法提供", "unable to provide"),
    ("not_processed", "不予处理", "not processed"),
    ("other", "其他处理", "other handling"),
)

# --- table 四: appeals ----------------------------------------------------------------------

APPEAL_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("review", "行政复议", "administrative review"),
    ("litigation_direct", "行政诉讼·未经复议直接起诉", "lawsuit without prior review"),
    ("litigation_after_review", "行政诉讼·复议后起诉", "lawsuit after review"),
)
APPEAL_RESULTS: tuple[tuple[str, str, str], ...] = (
    ("upheld", "结果维持", "upheld"),
    ("corrected", "结果纠正", "corrected"),
    ("other", "其他结果", "other result"),
    ("pending", "尚未审结", "pending"),
    ("total", "总计", "total"),
)

# --- table 二: proactive disclosure --------------------------------------------------------

PROACTIVE_2021: tuple[tuple[str, str, str, str], ...] = (
    ("rules.issued", "规章·本年制发件数", "rules issued this year", "count"),
    ("rules.repealed", "规章·本年废止件数", "rules repealed this year", "count"),
    ("rules.in_force", "规章·现行有效件数", "rules in force", "count"),
    ("normative_docs.issued", "行政规范性文件·本年制发件数", "normative documents issued", "count"),
    (
        "normative_docs.repealed",
        "行政规范性文件·本年废止件数",
        "normative documents repealed",
        "count",
    ),
    (
        "normative_docs.in_force",
        "行政规范性文件·现行有效件数",
        "normative documents in force",
        "count",
    ),
    ("licensing.decisions", "行政许可·本年处理决定数量", "licensing decisions", "count"),
    ("penalty.decisions", "行政处罚·本年处理决定数量", "penalty decisions", "count"),
    ("coercion.decisions", "行政强制·本年处理决定数量", "coercion decisions", "count"),
    ("fees.amount_10k_yuan", "行政事业性收费·本年收费金额（万元）", "fees collected", "10k_yuan"),
)
PROACTIVE_2019: tuple[tuple[str, str, str, str], ...] = (
    ("rules.new_made", "规章·本年新制作数量", "rules newly made", "count"),
    ("rules.new_published", "规章·本年新公开数量", "rules newly published", "count"),
    ("rules.total_published", "规章·对外公开总数量", "rules published in total", "count"),
    (
        "normative_docs.new_made",
        "规范性文件·本年新制作数量",
        "normative documents newly made",
        "count",
    ),
    (
        "normative_docs.new_published",
        "规范性文件·本年新公开数量",
        "normative documents newly published",
        "count",
    ),
    (
        "normative_docs.total_published",
        "规范性文件·对外公开总数量",
        "normative documents published in total",
        "count",
    ),
    ("licensing.prev_items", "行政许可·上一年项目数量", "licensing items previous year", "count"),
    ("licensing.change", "行政许可·本年增/减", "licensing items change", "signed_count"),
    ("licensing.decisions", "行政许可·处理决定数量", "licensing decisions", "count"),
    (
        "other_services.prev_items",
        "其他对外管理服务事项·上一年项目数量",
        "other services items previous year",
        "count",
    ),
    (
        "other_services.change",
        "其他对外管理服务事项·本年增/减",
        "other services change",
        "signed_count",
    ),
    (
        "other_services.decisions",
        "其他对外管理服务事项·处理决定数量",
        "other services decisions",
        "count",
    ),
    ("penalty.prev_items", "行政处罚·上一年项目数量", "penalty items previous year", "count"),
    ("penalty.change", "行政处罚·本年增/减", "penalty items change", "signed_count"),
    ("penalty.decisions", "行政处罚·处理决定数量", "penalty decisions", "count"),
    ("coercion.prev_items", "行政强制·上一年项目数量", "coercion items previous year", "count"),
    ("coercion.change", "行政强制·本年增/减", "coercion items change", "signed_count"),
    ("coercion.decisions", "行政强制·处理决定数量", "coercion decisions", "count"),
    ("fees.prev_items", "行政事业性收费·上一年项目数量", "fee items previous year", "count"),
    ("fees.change", "行政事业性收费·本年增/减", "fee items change", "signed_count"),
    ("procurement.items", "政府集中采购·采购项目数量", "central procurement items", "count"),
    (
        "procurement.amount_yuan",
        "政府集中采购·采购总金额（元）",
        "central procurement amount",
        "yuan",
    ),
)

# --- the pre-2019 statistics table (政府信息公开情况统计表) -------------------------------------
# One figure per indicator (the 本年度 column); keys outside tables 二/三/四 of the later
# templates, except where the indicator is the same thing (受理…总数 = new_received.total).
STATS_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("proactive.items_published", "主动公开信息数", "items proactively published (table)",
     "count"),
    ("proactive.items_published.website", "主动公开信息数·网站公开", "published on the website",
     "count"),
    ("proactive.items_published.gazette", "主动公开信息数·政府公报公开",
     "published in the government gazette", "count"),
    ("applications.channel.in_person", "申请方式·当面申请", "applications in person", "count"),
    ("applications.channel.fax", "申请方式·传真申请", "applications by fax", "count"),
    ("applications.channel.email", "申请方式·电子邮件申请", "applications by e-mail", "count"),
    ("applications.channel.online", "申请方式·网上申请", "applications online", "count"),
    ("applications.channel.letter", "申请方式·信函申请", "applications by letter", "count"),
    ("applications.channel.letter_fax", "申请方式·信函、传真申请",
     "applications by letter or fax", "count"),
    ("applications.channel.other", "申请方式·其他形式申请", "applications in other forms",
     "count"),
    ("applications.other_reply.total", "其他类型答复（信息不存在、非本机关掌握等）",
     "other replies (information not held etc.)", "count"),
    ("appeals.litigation.total", "行政诉讼数（不分类型）", "lawsuits (any kind)", "count"),
    ("appeals.complaints.total", "行政申诉、举报数", "administrative complaints and reports",
     "count"),
)
# Table keys the statistics table gives under the same meaning as the later templates.
STATS_TABLE_SHARED: tuple[str, ...] = (
    "applications.new_received.total",
    "applications.total_processed.total",
    "applications.granted.total",
    "applications.partially_granted.total",
    "applications.denied.total",
    "appeals.review.total",
    "headline.fees_yuan",
)

HEADLINES: tuple[tuple[str, str, str, str], ...] = (
    ("items_published", "主动公开政府信息（条）", "items proactively published", "count"),
    ("policy_interpretations", "政策解读（件/篇）", "policy interpretations", "count"),
    ("press_conferences", "新闻发布会（场）", "press conferences", "count"),
    ("applications_received", "受理/收到申请（件）", "applications received (prose)", "count"),
    ("fees_yuan", "收取费用（元）", "fees charged (prose)", "yuan"),
)


@dataclass(frozen=True)
class Measure:
    """One canonical key: a cell of a template table or a headline figure of the prose."""

    key: str
    table: str  # applications | appeals | proactive | headline
    label_zh: str
    label_en: str
    unit: str = "count"  # count | signed_count | yuan | 10k_yuan
    templates: tuple[str, ...] = field(default=TEMPLATES)
    row: str = ""
    column: str = ""

    @property
    def is_money(self) -> bool:
        """Money is a decimal; everything else is an integer count."""
        return self.unit in ("yuan", "10k_yuan")


def _application_measures() -> list[Measure]:
    rows = [(r.key, r.label_zh, r.label_en, r.templates) for r in APPLICATION_ROWS]
    # Category totals: printed by prose and by the 2019 single (六)其他处理 row.
    rows += [
        (c, zh + "（小计）", en + " (subtotal)", TEMPLATES) for c, zh, en in OUTCOME_CATEGORIES
    ]
    out = []
    for row_key, row_zh, row_en, templates in rows:
        for col, col_zh, col_en in APPLICANT_COLUMNS:
            out.append(
                Measure(
                    key=f"applications.{row_key}.{col}",
                    table="applications",
                    label_zh=f"{row_zh}｜{col_zh}",
                    label_en=f"{row_en} | {col_en}",
                    templates=templates,
                    row=row_key,
                    column=col,
                )
            )
    return out


def _appeal_measures() -> list[Measure]:
    return [
        Measure(
            key=f"appeals.{g}.{r}",
            table="appeals",
            label_zh=f"{gzh}｜{rzh}",
            label_en=f"{gen} | {ren}",
            row=g,
            column=r,
        )
        for g, gzh, gen in APPEAL_GROUPS
        for r, rzh, ren in APPEAL_RESULTS
    ]


def _proactive_measures() -> list[Measure]:
    out: dict[str, Measure] = {}
    for version, spec in (("2021", PROACTIVE_2021), ("2019", PROACTIVE_2019)):
        for key, zh, en, unit in spec:
            full = f"proactive.{key}"
            if full in out:  # licensing.decisions etc. exist in both templates
                prev = out[full]
                out[full] = Measure(**{**prev.__dict__, "templates": (*prev.templates, version)})
                continue
            row, col = key.split(".")
            out[full] = Measure(full, "proactive", zh, en, unit, (version,), row, col)
    return list(out.values())


def _headline_measures() -> list[Measure]:
    return [
        Measure(f"headline.{k}", "headline", zh, en, unit, TEMPLATES, k, "")
        for k, zh, en, unit in HEADLINES
    ]


def _stats_table_measures() -> list[Measure]:
    out = []
    for key, zh, en, unit in STATS_TABLE:
        table, row, *col = key.split(".", 2)
        out.append(Measure(key, table, zh, en, unit, ("pre2019",), row, col[0] if col else ""))
    return out


@cache
def measures() -> tuple[Measure, ...]:
    """Every canonical key in a stable, documented order (pre-2019 table keys last)."""
    return tuple(
        _proactive_measures() + _application_measures() + _appeal_measures()
        + _headline_measures() + _stats_table_measures()
    )


@cache
def measure_index() -> dict[str, Measure]:
    """Key → measure, for lookups."""
    return {m.key: m for m in measures()}


def is_known_key(key: str) -> bool:
    """True when ``key`` is a canonical key of the contract."""
    return key in measure_index()


def label(key: str, lang: str = "zh") -> str:
    """The user-facing label of a key, in Chinese (default) or English."""
    m = measure_index().get(key)
    if m is None:
        return key
    return m.label_zh if lang == "zh" else m.label_en

"""The printed document model shared by all renderers: tables as grids of merged cells.

A :class:`Doc` holds everything a renderer needs (title, date, prose sections, the printed
text of every table cell). :func:`table2`, :func:`table3` and :func:`table4` build the three
template tables as rows of :class:`Cell` with ``rowspan``/``colspan`` exactly as the national
2019 and 2021 templates lay them out (国办公开办函〔2019〕60号 / 〔2021〕30号). HTML, DOCX and PDF
draw those grids; the text renderer flattens them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.registry import APPEAL_GROUPS, APPEAL_RESULTS

from .numbers import COLUMNS
from .province import Body

NOTE_3 = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
COLUMN_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")

# table 三 rows: key → label (without the numbering of sub-rows)
ROW_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "other": "（六）其他处理",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
CATEGORY_LABELS = {
    "denied": "（三）不予公开", "unable": "（四）无法提供",
    "not_processed": "（五）不予处理", "other": "（六）其他处理",
}
SUB_LABELS = {
    "denied": ("属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”",
               "保护第三方合法权益", "属于三类内部事务信息", "属于四类过程性信息",
               "属于行政执法案卷", "属于行政查询事项"),
    "unable": ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"),
    "not_processed": ("信访举报投诉类申请", "重复申请", "要求提供公开出版物",
                      "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息"),
    "other": ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"),
}
SUB_KEYS = {
    "denied": ("state_secret", "prohibited_by_law", "security_stability", "third_party_rights",
               "internal_affairs", "process_info", "enforcement_file", "inquiry_matter"),
    "unable": ("not_held", "needs_creation", "unclear_after_correction"),
    "not_processed": ("petition_complaint", "duplicate", "publication", "excessive",
                      "confirmation"),
    "other": ("no_correction", "unpaid_fee", "other"),
}


def table3_rows(template: str) -> list[str]:
    """Row keys of table 三 in printed order for a template (2019: one ``other`` row)."""
    rows = ["new_received", "carried_over", "granted", "partially_granted"]
    for cat in ("denied", "unable", "not_processed", "other"):
        if cat == "other" and template == "2019":
            rows.append("other")
        else:
            rows += [f"{cat}.{k}" for k in SUB_KEYS[cat]]
    return [*rows, "total_processed", "carried_forward"]


def table3_keys(template: str) -> list[str]:
    """All printed table-三 keys of a template, row by row."""
    cols = (*COLUMNS, "total")
    return [f"applications.{r}.{c}" for r in table3_rows(template) for c in cols]


def table4_keys() -> list[str]:
    """All printed table-四 keys, left to right."""
    return [f"appeals.{g}.{r}" for g, _, _ in APPEAL_GROUPS for r, _, _ in APPEAL_RESULTS]


PROACTIVE_KEYS = {
    "2021": ["proactive.rules.issued", "proactive.rules.repealed", "proactive.rules.in_force",
             "proactive.normative_docs.issued", "proactive.normative_docs.repealed",
             "proactive.normative_docs.in_force", "proactive.licensing.decisions",
             "proactive.penalty.decisions", "proactive.coercion.decisions",
             "proactive.fees.amount_10k_yuan"],
    "2019": [f"proactive.{g}.{c}" for g in ("rules", "normative_docs")
             for c in ("new_made", "new_published", "total_published")]
    + [f"proactive.{g}.{c}" for g in ("licensing", "other_services", "penalty", "coercion")
       for c in ("prev_items", "change", "decisions")]
    + ["proactive.fees.prev_items", "proactive.fees.change", "proactive.procurement.items",
       "proactive.procurement.amount_yuan"],
}


@dataclass(frozen=True)
class Cell:
    """One printed table cell; ``header`` cells are labels, others values."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass
class Doc:
    """One report document as printed (what every renderer draws)."""

    body: Body
    year: int
    template: str
    container: str
    stem: str
    title: str
    published: str  # ISO date of publication
    numbering: str  # separator after sub-row numbers: "." / "、" / "．"
    printed: dict[str, str] = field(default_factory=dict)  # key → printed cell text
    # (heading, paragraphs, table id "2"/"3"/"4" or "")
    sections: list[tuple[str, list[str], str]] = field(default_factory=list)
    intro: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    variant: int = 0  # free choice of cosmetic variants for renderers
    traps: list[str] = field(default_factory=list)

    @property
    def file(self) -> str:
        """Document file name under ``docs/``."""
        return f"{self.stem}.{self.container}"


def _h(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, rowspan, colspan, header=True)


def _v(doc: Doc, key: str, colspan: int = 1) -> Cell:
    return Cell(doc.printed.get(key, ""), 1, colspan)


def table2(doc: Doc) -> list[list[Cell]]:
    """Table 二 (主动公开政府信息情况) of the doc's template, four grid columns."""
    p = "proactive."
    if doc.template == "2021":
        one = [_h("信息内容"), _h("本年制发件数"), _h("本年废止件数"), _h("现行有效件数")]
        rows = [[_h("第二十条第（一）项", colspan=4)], one]
        for g, label in (("rules", "规章"), ("normative_docs", "行政规范性文件")):
            rows.append([_h(label)] + [_v(doc, f"{p}{g}.{c}") for c in
                                       ("issued", "repealed", "in_force")])
        for item, title, labels in (
            ("（五）", "本年处理决定数量", (("licensing", "行政许可"),)),
            ("（六）", "本年处理决定数量", (("penalty", "行政处罚"), ("coercion", "行政强制"))),
        ):
            rows += [[_h(f"第二十条第{item}项", colspan=4)], [_h("信息内容"), _h(title, colspan=3)]]
            rows += [[_h(lab), _v(doc, f"{p}{k}.decisions", 3)] for k, lab in labels]
        rows += [[_h("第二十条第（八）项", colspan=4)],
                 [_h("信息内容"), _h("本年收费金额（单位：万元）", colspan=3)],
                 [_h("行政事业性收费"), _v(doc, f"{p}fees.amount_10k_yuan", 3)]]
        return rows
    one = [_h("信息内容"), _h("本年新制作数量"), _h("本年新公开数量"), _h("对外公开总数量")]
    rows = [[_h("第二十条第（一）项", colspan=4)], one]
    for g, label in (("rules", "规章"), ("normative_docs", "规范性文件")):
        rows.append([_h(label)] + [_v(doc, f"{p}{g}.{c}") for c in
                                   ("new_made", "new_published", "total_published")])
    head = [_h("信息内容"), _h("上一年项目数量"), _h("本年增/减"), _h("处理决定数量")]
    groups = (("（五）", (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
              ("（六）", (("penalty", "行政处罚"), ("coercion", "行政强制"))))
    for item, labels in groups:
        rows += [[_h(f"第二十条第{item}项", colspan=4)], list(head)]
        rows += [[_h(lab)] + [_v(doc, f"{p}{k}.{c}") for c in ("prev_items", "change", "decisions")]
                 for k, lab in labels]
    rows += [[_h("第二十条第（八）项", colspan=4)],
             [_h("信息内容"), _h("上一年项目数量"), _h("本年增/减", colspan=2)],
             [_h("行政事业性收费"), _v(doc, f"{p}fees.prev_items"), _v(doc, f"{p}fees.change", 2)],
             [_h("第二十条第（九）项", colspan=4)],
             [_h("信息内容"), _h("采购项目数量"), _h("采购总金额（元）", colspan=2)],
             [_h("政府集中采购"), _v(doc, f"{p}procurement.items"),
              _v(doc, f"{p}procurement.amount_yuan", 2)]]
    return rows


def _values(doc: Doc, row: str) -> list[Cell]:
    return [_v(doc, f"applications.{row}.{c}") for c in (*COLUMNS, "total")]


def table3(doc: Doc) -> list[list[Cell]]:
    """Table 三 (收到和处理政府信息公开申请情况), ten grid columns with merged headers."""
    rows: list[list[Cell]] = [
        [_h(NOTE_3, rowspan=3, colspan=3), _h("申请人情况", colspan=7)],
        [_h("自然人", rowspan=2), _h("法人或其他组织", colspan=5), _h("总计", rowspan=2)],
        [_h(lab) for lab in COLUMN_LABELS[1:6]],
    ]
    for key in ("new_received", "carried_over"):
        rows.append([_h(ROW_LABELS[key], colspan=3), *_values(doc, key)])
    outcome_rows = table3_rows(doc.template)[2:-1]
    result_rows: list[list[Cell]] = []
    for key in ("granted", "partially_granted"):
        result_rows.append([_h(ROW_LABELS[key], colspan=2), *_values(doc, key)])
    for cat in ("denied", "unable", "not_processed", "other"):
        if cat == "other" and doc.template == "2019":
            result_rows.append([_h(CATEGORY_LABELS["other"], colspan=2), *_values(doc, "other")])
            continue
        for i, (sub, label) in enumerate(zip(SUB_KEYS[cat], SUB_LABELS[cat], strict=True)):
            lead = [_h(CATEGORY_LABELS[cat], rowspan=len(SUB_KEYS[cat]))] if i == 0 else []
            result_rows.append([*lead, _h(f"{i + 1}{doc.numbering}{label}"),
                                *_values(doc, f"{cat}.{sub}")])
    result_rows.append([_h(ROW_LABELS["total_processed"], colspan=2),
                        *_values(doc, "total_processed")])
    assert len(result_rows) == len(outcome_rows)
    result_rows[0].insert(0, _h("三、本年度办理结果", rowspan=len(result_rows)))
    rows += result_rows
    rows.append([_h(ROW_LABELS["carried_forward"], colspan=3), *_values(doc, "carried_forward")])
    return rows


def table4(doc: Doc) -> list[list[Cell]]:
    """Table 四 (行政复议、行政诉讼), fifteen grid columns with merged headers."""
    results = [lab for _, lab, _ in APPEAL_RESULTS]
    return [
        [_h("行政复议", colspan=5), _h("行政诉讼", colspan=10)],
        [*[_h(r, rowspan=2) for r in results], _h("未经复议直接起诉", colspan=5),
         _h("复议后起诉", colspan=5)],
        [_h(r) for r in results * 2],
        [_v(doc, k) for k in table4_keys()],
    ]


def grid_width(rows: list[list[Cell]]) -> int:
    """Number of grid columns of a table (from its first row)."""
    return sum(c.colspan for c in rows[0])


def place(rows: list[list[Cell]]) -> list[tuple[int, int, Cell]]:
    """Grid position ``(row, column, cell)`` of every cell, resolving rowspans from above."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in taken:
                col += 1
            out.append((r, col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, col + dc))
            col += cell.colspan
    return out


def tables(doc: Doc) -> dict[str, list[list[Cell]]]:
    """The doc's three tables by id ("2", "3", "4")."""
    return {"2": table2(doc), "3": table3(doc), "4": table4(doc)}

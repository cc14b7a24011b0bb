"""The right template for the year, printed with every row and column.

Reports on 2021 onwards use the 2021 template (国办公开办函〔2021〕30号), reports on 2019 and 2020
the 2019 one. A row the reader of this engine could not read reliably (a reading finding names
its keys) is not blamed on the publisher here; it is listed under the reading notes instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pipelines.checker.locate import row_column
from pipelines.checker.model import Problem
from schemas.registry import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_2019,
    PROACTIVE_2021,
)

COLUMNS = tuple(c for c, _, _ in APPLICANT_COLUMNS)
_TABLE_NAMES = {"二": ("主动公开政府信息情况", "proactive disclosure"),
                "三": ("收到和处理政府信息公开申请情况", "applications"),
                "四": ("行政复议、行政诉讼情况", "review and litigation")}


def expected_template(year: int) -> str:
    """The national template a report on ``year`` must use."""
    if year >= 2021:
        return "2021"
    return "2019" if year >= 2019 else "pre2019"


def application_rows(template: str) -> list[str]:
    """Rows of table 三 in ``template`` (the 2019 (六)其他处理 is one row, ``other``)."""
    rows = [r.key for r in APPLICATION_ROWS if template in r.templates]
    if template == "2019":
        rows.insert(rows.index("total_processed"), "other")
    return rows


def expected_keys(template: str) -> dict[str, list[str]]:
    """Every key the template prints, by table (二, 三, 四)."""
    proactive = PROACTIVE_2021 if template == "2021" else PROACTIVE_2019
    return {
        "二": [f"proactive.{k}" for k, _, _, _ in proactive],
        "三": [f"applications.{r}.{c}" for r in application_rows(template) for c in COLUMNS],
        "四": [f"appeals.{g}.{r}" for g, _, _ in APPEAL_GROUPS for r, _, _ in APPEAL_RESULTS],
    }


def _template_problems(year: int, template: str | None, values: Mapping) -> list[Problem]:
    want = expected_template(year)
    if template in (None, "pre2019"):
        if want == "pre2019":
            return []
        return [Problem(
            "template", "template_tables_missing", "warning", (), {},
            f"未找到 {want} 年版模板的统计表格（表二、表三、表四）。",
            f"No tables of the {want} template (tables 2, 3 and 4) were found.")]
    out = []
    if want == "2021" and template == "2019":
        out.append(Problem(
            "template", "template_outdated", "warning", (), {"table": "二"},
            f"{year} 年度报告应使用 2021 年版模板（国办公开办函〔2021〕30号），"
            "本报告使用的是 2019 年版。",
            f"A report on {year} must use the 2021 template; this one uses the 2019 template."))
    if template == "2021" and "applications.other.total" in values and not any(
        f"applications.other.{s}.total" in values for s in ("no_correction", "unpaid_fee", "other")
    ):
        out.append(Problem(
            "template", "template_mixed", "warning", ("applications.other.total",),
            {"table": "三", "row": "其他处理"},
            "表三“（六）其他处理”按 2019 年版印成一行，2021 年版模板应分 3 个子项。",
            "Table 3 prints (6) other handling as one row (2019 layout); the 2021 template has "
            "three sub-rows."))
    return out


def _missing_problems(template: str, values: Mapping, unread: set[str]) -> list[Problem]:
    out = []
    keys = expected_keys(template)
    if template == "2021" and "applications.other.total" in values:
        keys["三"] = [k for k in keys["三"] if ".other." not in k or k.count(".") == 2]
        keys["三"] += [f"applications.other.{c}" for c in COLUMNS]
    for table, wanted in keys.items():
        missing = [k for k in wanted if k not in values and k not in unread]
        if not missing:
            continue
        zh, en = _TABLE_NAMES[table]
        if len(missing) == len(wanted):
            out.append(Problem(
                "template", "table_missing", "warning", (), {"table": table},
                f"未找到表{table}“{zh}”。", f"Table {table} ({en}) was not found."))
            continue
        for row, keys_of_row in _by_row(missing):
            cols = "、".join(row_column(k)[1] for k in keys_of_row)
            cols_en = ", ".join(row_column(k, "en")[1] for k in keys_of_row)
            out.append(Problem(
                "template", "cells_missing", "warning", tuple(keys_of_row),
                {"table": table, "row": row},
                f"表{table}“{row}”缺少单元格：{cols}。",
                f"Table {table}, row \"{row_column(keys_of_row[0], 'en')[0]}\": cells missing: "
                f"{cols_en}."))
    return out


def _by_row(keys: Iterable[str]) -> list[tuple[str, list[str]]]:
    rows: dict[str, list[str]] = {}
    for k in keys:
        rows.setdefault(row_column(k)[0], []).append(k)
    return list(rows.items())


def check_template(year: int | None, template: str | None, values: Mapping,
                   unread: set[str]) -> list[Problem]:
    """Template for the year, and every row and column of its tables present."""
    if year is None:
        return []
    out = _template_problems(year, template, values)
    if template in ("2019", "2021"):
        out += _missing_problems(template, values, unread)
    return out

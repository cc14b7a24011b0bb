"""The normative-document catalogue (规范性文件目录) and table 二's counts.

A catalogue is a CSV or XLSX list of a body's normative documents with their issue and, where
repealed, repeal dates. Headers vary (印发日期 / 发布日期 / 成文日期; 废止日期 / 失效日期; a
状态 column instead of dates), so columns are found by their words. For a year N the catalogue
gives: issued = issue date in N; repealed = repeal date in N; in force = issued by 31 Dec N and
not repealed by then. Table 二 of the 2021 template must print the same three numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pipelines.checker.locate import cell_location, number_text
from pipelines.checker.model import Problem

HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("文件名称", "规范性文件名称", "文件标题", "标题", "名称"),
    "number": ("发文字号", "文号", "文件编号", "编号"),
    "issued": ("印发日期", "制发日期", "发布日期", "成文日期", "发文日期", "公布日期", "印发时间",
               "发布时间", "制定日期", "施行日期"),
    "repealed": ("废止日期", "失效日期", "废止时间", "失效时间", "宣布废止日期", "宣布失效日期"),
    "status": ("效力状态", "状态", "是否有效", "有效性", "时效性"),
    "body": ("制定机关", "发布机关", "发文机关", "制发机关", "起草单位", "印发机关"),
}
_REPEALED_WORDS = ("废止", "失效", "已撤销", "否")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


@dataclass(frozen=True)
class CatalogueEntry:
    """One normative document of a catalogue."""

    title: str
    issued: date | None
    repealed: date | None
    repealed_undated: bool = False
    body: str | None = None


@dataclass
class Catalogue:
    """A body's catalogue: its documents and the file it came from."""

    source: str
    entries: list[CatalogueEntry] = field(default_factory=list)

    def counts(self, year: int) -> dict[str, int]:
        """Issued, repealed and in force for ``year`` (table 二's three columns)."""
        end = date(year, 12, 31)
        issued = sum(1 for e in self.entries if e.issued and e.issued.year == year)
        repealed = sum(1 for e in self.entries if e.repealed and e.repealed.year == year)
        in_force = sum(
            1 for e in self.entries
            if e.issued and e.issued <= end and not e.repealed_undated
            and (e.repealed is None or e.repealed > end)
        )
        return {"issued": issued, "repealed": repealed, "in_force": in_force}


def parse_date(value: object) -> date | None:
    """A catalogue date: ISO, 2023/5/1, 2023年5月1日, 2023.05.01, an Excel date or serial."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < value < 80000:  # Excel serial day
        return date(1899, 12, 30) + timedelta(days=int(value))
    m = _DATE.search(str(value))
    if not m:
        return None
    try:
        return date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def _column(header: list[str], kind: str) -> int | None:
    clean = [re.sub(r"\s+", "", str(h or "")) for h in header]
    for word in HEADERS[kind]:
        for i, h in enumerate(clean):
            if word in h:
                return i
    return None


def _rows_of(data: bytes, source: str) -> list[list]:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # .xls / WPS .et (BIFF in OLE2)
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            return [list(r) for r in wb.get_sheet_by_index(0).to_python()]
        finally:
            wb.close()
    if data[:4] == b"PK\x03\x04":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{source}: 无法识别编码 / unknown encoding")
    return [row for row in csv.reader(io.StringIO(text))]


def _header_row(rows: list[list]) -> int | None:
    """The first row (of the top ten) naming a title and an issue-date column."""
    for i, row in enumerate(rows[:10]):
        cells = [str(c or "") for c in row]
        if _column(cells, "title") is not None and _column(cells, "issued") is not None:
            return i
    return None


def is_catalogue(data: bytes, source: str = "") -> bool:
    """True when a CSV/XLSX/XLS file looks like a normative-document catalogue."""
    try:
        rows = _rows_of(data, source)
    except Exception:
        return False
    i = _header_row(rows)
    return i is not None and "申请" not in "".join(str(c or "") for c in rows[i])


def read_catalogue(data: bytes, source: str = "") -> Catalogue:
    """Read a catalogue file; raises ``ValueError`` naming the file when it is not one."""
    rows = _rows_of(data, source)
    i = _header_row(rows)
    if i is None:
        raise ValueError(f"{source}: 找不到“文件名称”和“印发日期”等表头 / no catalogue header")
    header = [str(c or "") for c in rows[i]]
    cols = {k: _column(header, k) for k in HEADERS}
    out = Catalogue(source)
    for row in rows[i + 1:]:
        def cell(kind: str, row: list = row) -> object:
            j = cols[kind]
            return row[j] if j is not None and j < len(row) else None

        title = str(cell("title") or "").strip()
        if not title:
            continue
        status = str(cell("status") or "")
        repealed = parse_date(cell("repealed"))
        undated = repealed is None and any(w in status for w in _REPEALED_WORDS)
        body = str(cell("body") or "").strip() or None
        out.entries.append(CatalogueEntry(title, parse_date(cell("issued")), repealed, undated,
                                          body))
    return out


def load_catalogue(path: str | Path) -> Catalogue:
    """Read a catalogue file from disk."""
    p = Path(path)
    return read_catalogue(p.read_bytes(), p.name)


_COLUMNS_ZH = {"issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数"}
_COLUMNS_EN = {"issued": "issued this year", "repealed": "repealed this year",
               "in_force": "in force"}


def check_catalogue(year: int | None, template: str | None, values: Mapping,
                    provenance: Mapping[str, dict], catalogue: Catalogue | None) -> list[Problem]:
    """Table 二's normative-document row against the catalogue's counts for the year."""
    if catalogue is None or year is None:
        return []
    if template != "2021":
        return [Problem(
            "catalogue", "catalogue_not_comparable", "info", (), {"table": "二"},
            "规范性文件目录只能与 2021 年版模板表二（制发/废止/现行有效）比对。",
            "The catalogue can only be compared with table 2 of the 2021 template.")]
    counts = catalogue.counts(year)
    out = []
    for col, want in counts.items():
        key = f"proactive.normative_docs.{col}"
        if key not in values or values[key] == want:
            continue
        got = values[key]
        got_s = number_text(got)
        out.append(Problem(
            "catalogue", "catalogue_count", "error", (key,),
            cell_location(key, provenance.get(key)),
            f"表二“行政规范性文件·{_COLUMNS_ZH[col]}”印为 {got_s}，但规范性文件目录"
            f"（{catalogue.source}）{year} 年为 {want} 件。",
            f"Table 2, normative documents {_COLUMNS_EN[col]}: printed {got_s}, but the catalogue "
            f"({catalogue.source}) gives {want} for {year}."))
    undated = sum(1 for e in catalogue.entries if e.repealed_undated)
    if undated:
        out.append(Problem(
            "catalogue", "catalogue_undated_repeal", "info", (), {"file": catalogue.source},
            f"目录中有 {undated} 件标为废止/失效但没有废止日期，未计入现行有效，"
            "也无法计入某一年的废止件数。",
            f"{undated} documents of the catalogue are marked repealed without a date."))
    return out

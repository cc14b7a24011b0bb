"""Hostile input files for the privacy and formula-safety build test, and the output scanner.

The ledgers put personal data everywhere a handling system or a careless export can: columns
swapped (an ID number under 收到日期, a phone under 申请人类型, a name under 处理结果), personal
data in every column including the body, fee and third-party-days columns, in the title rows
and sheet name above the header, and in 申请内容 in the forms real people write (spaced and
hyphenated ID numbers, full-width digits, landlines in brackets). The reports carry titles that
a spreadsheet would run as formulas. :func:`leaks` then looks for every personal-data string,
also reduced to its digits with any separators in between, in every text it is given.
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import unicodedata
from pathlib import Path

import duckdb
import openpyxl
import polars as pl

NAMES = ("诸葛翠花", "欧阳娜娜", "张伟明")
IDS = ("320102199001011234", "32010219850307241X", "320104197812120036", "320102198811230421")
MOBILES = ("13912345678", "18605123456", "15951234567")
LANDLINES = ("025-84561234", "(025)86543210", "025 83337777")
EMAILS = ("zhang.weiming@example.com", "ouyang_nn@mail.example.cn")
ADDRESSES = ("北京东路41号3栋201室",)

# Written in the hostile forms of 申请内容 (each one of the values above, differently dressed).
REQUEST_TEXT = (
    "本人诸葛翠花，身份证号 3201 0219 9001 0112 34，手机１３９１２３４５６７８，"
    "座机(025)84561234，另（025）8654 3210，或 025 83337777，证件 320102-19850307-241X，"
    "身份证320104 19781212 0036，电话 186-0512-3456，+86 159 5123 4567，"
    "邮箱 zhang.weiming@example.com，住北京东路41号3栋201室。"
    "申请公开苏政办发〔2023〕12号文件、2023-01-05会议纪要及申请编号YSQ2023-0012的办理情况，"
    "涉及区划代码320102，金额1234.56元。"
)
# Must survive the scrubber: dates, 文号, amounts, region codes, application numbers.
KEPT_IN_REQUEST = ("苏政办发〔2023〕12号", "2023-01-05", "YSQ2023-0012", "320102", "1234.56元")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_TITLES = ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)")

_HEADER = (
    "序号,机关,收到申请日期,申请人类型,申请人姓名,身份证号码,联系电话,通讯地址,电子邮箱,"
    "申请方式,申请内容,是否延期,征求第三方意见天数,收费金额,答复日期,处理结果"
)


def pii_values() -> tuple[str, ...]:
    """Every personal-data string written into the hostile ledgers."""
    return (*NAMES, *IDS, *MOBILES, *LANDLINES, *EMAILS, *ADDRESSES)


def _csv_ledger() -> str:
    rows = [
        # 1: a good row whose 申请内容 holds every hostile form
        (
            "1",
            "",
            "2023-03-01",
            "自然人",
            NAMES[0],
            IDS[0],
            MOBILES[0],
            ADDRESSES[0],
            EMAILS[0],
            "网上申请",
            REQUEST_TEXT,
            "否",
            "0",
            "0",
            "2023-03-20",
            "予以公开",
        ),
        # 2: columns swapped: personal data in every column that is read
        (
            "2",
            NAMES[1],
            IDS[1],
            MOBILES[1],
            "2023-03-02",
            "网上申请",
            EMAILS[1],
            "否",
            LANDLINES[0],
            IDS[2],
            "无",
            NAMES[2],
            MOBILES[2],
            IDS[3],
            LANDLINES[1],
            NAMES[1],
        ),
        # 3: more swaps, with full-width, spaced and hyphenated forms in the date columns
        (
            "3",
            IDS[0],
            "１３９１２３４５６７８",
            NAMES[2],
            "",
            "",
            "",
            "",
            "",
            MOBILES[0],
            "",
            IDS[3],
            "320104 19781212 0036",
            "186-0512-3456",
            "(025)8654 3210",
            EMAILS[0],
        ),
        # 4: e-mail and address where dates and labels belong
        (
            "4",
            ADDRESSES[0],
            EMAILS[1],
            EMAILS[0],
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "0",
            "0",
            LANDLINES[2],
            ADDRESSES[0],
        ),
        # 5: the ID number with a hyphenated and a spaced form in the date columns
        (
            "5",
            "",
            "320102-19900101-1234",
            "个人",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "否",
            "",
            "",
            "3201 0219 8811 2304 21",
            "予以公开",
        ),
    ]
    return "\n".join([_HEADER, *(",".join(f'"{c}"' for c in r) for r in rows)]) + "\n"


def _xlsx_ledger() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{NAMES[2]}{MOBILES[1]}"
    title = f"南京市玄武区人民政府2023年依申请公开台账（填表人：{NAMES[2]} 电话：{MOBILES[1]}）"
    ws.append([title])
    ws.append([f"经办人 {NAMES[0]} 身份证 {IDS[0]} 邮箱 {EMAILS[0]}"])
    ws.append(_HEADER.split(","))
    ws.append(
        [
            1,
            None,
            int(IDS[2]),
            int(MOBILES[2]),
            "2023-05-06",
            "自然人",
            None,
            None,
            None,
            None,
            f"联系{LANDLINES[0]}",
            "否",
            int(MOBILES[0]),
            int(IDS[2]),
            int(MOBILES[1]),
            NAMES[0],
        ]
    )
    ws.append(
        [
            2,
            None,
            "2023-05-08",
            "自然人",
            NAMES[1],
            IDS[1],
            MOBILES[1],
            None,
            None,
            "网上申请",
            f"本人{NAMES[1]}申请公开2023年预算",
            "否",
            0,
            0,
            "2023-05-20",
            "予以公开",
        ]
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _report(title: str) -> str:
    return f"标题：{title}\n2023年政府信息公开工作年度报告\n"


def write_hostile_inputs(folder: Path) -> list[Path]:
    """Write the hostile ledgers and reports into ``folder``; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "南京市玄武区人民政府2023年依申请公开台账.csv": _csv_ledger().encode("utf-8"),
        "南京市玄武区人民政府2023年依申请公开台账.xlsx": _xlsx_ledger(),
        # no body anywhere: every row quarantined as unknown_body
        "upload_0001.csv": _csv_ledger().encode("gb18030"),
        **{f"formula_{i}.txt": _report(t).encode("utf-8") for i, t in enumerate(FORMULA_TITLES)},
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return [folder / n for n in files]


def _digits_pattern(value: str) -> re.Pattern[str] | None:
    """The value's digits with any separators between them (None when it has few digits)."""
    digits = re.sub(r"[^0-9Xx]", "", value)
    if len(digits) < 7:
        return None
    return re.compile(r"[\s\-()（）]*".join(re.escape(d) for d in digits), re.IGNORECASE)


def leaks(texts: dict[str, str], values: tuple[str, ...] | None = None) -> dict[str, list[str]]:
    """Where each personal-data value (as written, or as its digits) occurs: place → values."""
    values = values or pii_values()
    out: dict[str, list[str]] = {}
    for where, text in texts.items():
        norm = unicodedata.normalize("NFKC", text)
        found = []
        for v in values:
            pattern = _digits_pattern(v)
            if v in text or v in norm or (pattern is not None and pattern.search(norm)):
                found.append(v)
        if found:
            out[where] = found
    return out


def duckdb_texts(path: Path) -> dict[str, str]:
    """Every value of every column of every table, as text, per table."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {f"duckdb:{t}": con.sql(f"SELECT * FROM {t}").pl().write_csv() for t in names}
    finally:
        con.close()


def file_texts(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """The text of every file under ``root``, decoded by format (Parquet, XLSX, DuckDB, SQLite)."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file() or any(p.is_relative_to(s) for s in skip):
            continue
        key = str(p.relative_to(root))
        if p.suffix == ".parquet":
            out[key] = pl.read_parquet(p).write_csv()
        elif p.suffix == ".xlsx":
            wb = openpyxl.load_workbook(p, read_only=True)
            out[key] = "\n".join(
                "\t".join("" if c is None else str(c) for c in row)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
            )
            wb.close()
        elif p.suffix == ".duckdb":
            out.update({f"{key}:{k}": v for k, v in duckdb_texts(p).items()})
        elif p.suffix == ".db" or p.name.endswith(".sqlite"):
            out[key] = _sqlite_text(p) + p.read_bytes().decode("utf-8", errors="ignore")
        else:
            out[key] = p.read_bytes().decode("utf-8", errors="ignore")
    return out


def _sqlite_text(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        parts = []
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in con.execute(f'SELECT * FROM "{table}"'):
                parts.append("\t".join(_text(v) for v in row))
        return "\n".join(parts)
    except sqlite3.Error:
        return ""
    finally:
        con.close()


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="ignore")
    return "" if value is None else str(value)


def formula_cells(root: Path) -> dict[str, int]:
    """Cells that start with a formula trigger, per CSV and XLSX file under ``root``."""
    out = {}
    for p in sorted(root.rglob("*")):
        if p.suffix == ".csv":
            text = p.read_bytes().decode("utf-8-sig")
            cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        elif p.suffix == ".xlsx":
            wb = openpyxl.load_workbook(p, read_only=True)
            cells = [c for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for c in r]
            wb.close()
        else:
            continue
        n = sum(1 for c in cells if isinstance(c, str) and c[:1] in FORMULA_TRIGGERS)
        if n:
            out[str(p.relative_to(root))] = n
    return out

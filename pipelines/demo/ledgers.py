"""Application ledgers (依申请公开台账) as handling systems export them, with their true aggregates.

For about 10 % of bodies (at least one; bodies with at most 2,000 new applications a year) and
two to four of their years, ``ledgers/<stem>_ledger.(csv|xlsx)`` lists every application handled
that year: the carried-over ones (received in December of the previous year) and the new ones;
applications still open at 31 December have no reply date and 处理结果 办理中. Aggregating the
rows gives exactly the body's **true** table 三 for that year (before any injected report
fault), stored in ``ledgers/<stem>_ledger.truth.json`` under the canonical ``applications.*``
keys (2021 rows, incl. ``other.*``), with the file's format choices.

Formats: CSV UTF-8 (35 %), CSV UTF-8 with BOM (25 %), CSV GB18030 (15 %), XLSX (25 %). Headers
vary per file (:data:`HEADER_VARIANTS`), dates too (:data:`DATE_FORMATS`; XLSX may hold Excel
serial numbers or date cells), applicant types and outcomes use the labels of
:data:`APPLICANT_LABELS` and :data:`OUTCOME_LABELS`. Personal data is fake and generated:
names, 18-digit ID numbers with a valid check digit but phone numbers of the form
``1xx0000xxxx``, ``user0000@example.com`` e-mails and addresses on ``示例路``; 15 % of 申请内容
texts embed a name, ID or phone number so privacy filters can be tested.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl

from .archive import normalize_zip
from .numbers import COLUMNS, OUTCOME_ROWS, YEARS, rng_for
from .province import Body

# Header wordings per field: the demo's own first, then wordings met in real exports and forms
# (sources in schemas/vocabulary/ledgers.py), so the demo exercises the matcher's vocabulary.
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "登记号", "流水号"),
    "received": ("申请日期", "收到申请日期", "受理时间", "受理日期", "登记时间", "申请时间"),
    "name": ("申请人", "申请人姓名/名称", "申请人名称"),
    "applicant_type": ("申请人类型", "申请人性质", "申请人身份", "申请人类别"),
    "id_number": ("证件号码", "身份证号码", "证件号"),
    "phone": ("联系电话", "电话", "联系人电话", "手机"),
    "address": ("通讯地址", "联系地址", "住址"),
    "email": ("电子邮箱", "邮箱", "电子邮件"),
    "channel": ("获取方式", "申请方式", "提交方式", "申请渠道"),
    "content": ("申请内容", "所需信息内容描述", "所需政府信息"),
    "correction": ("补正日期", "补正告知日期", "告知补正时间"),
    "extended": ("是否延期", "是否延长答复期限", "延期答复"),
    "third_party_days": (
        "征求第三方意见天数",
        "征求第三方意见用时（工作日）",
        "第三方意见征求时间(天)",
        "征求第三方意见所需时间（工作日）",
    ),
    "replied": ("答复日期", "办结日期", "答复时间", "办结时间"),
    "outcome": ("处理结果", "答复结果", "办理结果", "答复类型"),
}
OPTIONAL = ("email", "third_party_days", "address")
APPLICANT_LABELS: dict[str, tuple[str, ...]] = {
    "natural_person": ("自然人", "公民", "个人", "公民个人"),
    "commercial": ("商业企业", "法人或其他组织-商业企业", "企业", "公司"),
    "research": ("科研机构", "科研院所", "高等院校", "高校"),
    "social_org": ("社会公益组织", "公益组织", "社会团体"),
    "legal_service": ("法律服务机构", "律师事务所", "律所"),
    "other_org": ("其他", "其他组织", "法人或其他组织·其他"),
}
CHANNELS = ("网上", "信函", "当面", "传真", "电子邮件")
_CHANNEL_P = (0.6, 0.2, 0.12, 0.02, 0.06)
PENDING_LABEL = "办理中"
_CAT = {"denied": "不予公开", "unable": "无法提供", "not_processed": "不予处理",
        "other": "其他处理"}
_SUB = {
    "denied.state_secret": "属于国家秘密",
    "denied.prohibited_by_law": "其他法律行政法规禁止公开",
    "denied.security_stability": "危及“三安全一稳定”",
    "denied.third_party_rights": "保护第三方合法权益",
    "denied.internal_affairs": "属于三类内部事务信息",
    "denied.process_info": "属于四类过程性信息",
    "denied.enforcement_file": "属于行政执法案卷",
    "denied.inquiry_matter": "属于行政查询事项",
    "unable.not_held": "本机关不掌握相关政府信息",
    "unable.needs_creation": "没有现成信息需要另行制作",
    "unable.unclear_after_correction": "补正后申请内容仍不明确",
    "not_processed.petition_complaint": "信访举报投诉类申请", "not_processed.duplicate": "重复申请",
    "not_processed.publication": "要求提供公开出版物",
    "not_processed.excessive": "无正当理由大量反复申请",
    "not_processed.confirmation": "要求行政机关确认或重新出具已获取信息",
    "other.no_correction": "申请人无正当理由逾期不补正",
    "other.unpaid_fee": "申请人逾期未按收费通知要求缴纳费用",
    "other.other": "其他",
}
# outcome key → labels written by the three label styles (full / sub-label only / category-sub)
OUTCOME_LABELS: dict[str, tuple[str, ...]] = {
    "granted": ("予以公开", "予以公开", "予以公开"),
    "partially_granted": ("部分公开", "部分公开", "部分公开"),
    **{k: (f"{_CAT[k.split('.')[0]]}（{v}）", v if k != "other.other" else "其他处理",
           f"{_CAT[k.split('.')[0]]}-{v}") for k, v in _SUB.items()},
}
# Real outcome wordings besides the template's (tests/test_ledger_labels.py holds their
# sources); a file writes one of them for a quarter of its rows of that outcome.
OUTCOME_ALIASES: dict[str, tuple[str, ...]] = {
    "granted": ("同意公开", "全部公开", "可以公开"),
    "partially_granted": ("部分公开（区分处理）", "同意部分公开"),
    "denied.third_party_rights": ("不予公开：涉及第三方合法权益",),
    "denied.process_info": ("不予公开（过程性信息）",),
    "unable.not_held": ("信息不存在（本机关不掌握）", "本机关不掌握相关信息"),
    "unable.needs_creation": ("需要另行制作",),
    "not_processed.duplicate": ("不予处理-重复申请",),
    "other.no_correction": ("申请人逾期不补正", "逾期未补正"),
    "other.unpaid_fee": ("逾期未缴费",),
}
DATE_FORMATS = ("iso", "slash", "chinese", "dot", "compact", "iso_time")

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌海燕鹏飞雪梅晓东"
_ORG = {"commercial": ("华信示例建材有限公司", "恒通示例置业有限公司", "佳禾示例农业发展有限公司"),
        "research": ("示例农业科学研究所", "示例规划设计研究院"),
        "social_org": ("示例慈善协会", "示例志愿者协会"),
        "legal_service": ("示例律师事务所", "恒正示例律师事务所"),
        "other_org": ("示例村民委员会", "示例业主委员会")}
_PLACES = ("城东片区", "开发区", "老城区", "高铁新城", "滨湖新区")
_PROJECTS = ("城市更新改造项目", "农村集体土地征收", "道路拓宽工程", "安置房建设项目",
             "学校新建工程", "河道整治工程")
_PAPERS = ("征地批复文件", "建设工程规划许可证", "补偿安置方案", "环境影响评价报告", "立项批复",
           "房屋征收决定")


def _id_number(rng: np.random.Generator, area: str) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 20000)))
    body = f"{area[:6]}{birth:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _person(rng: np.random.Generator, body: Body, col: str, i: int) -> dict[str, str]:
    if col == "natural_person":
        picks = rng.integers(0, len(_GIVEN), int(rng.integers(1, 3)))
        given = "".join(_GIVEN[int(k)] for k in picks)
        name = _SURNAMES[int(rng.integers(len(_SURNAMES)))] + given
    else:
        orgs = _ORG[col]
        name = orgs[int(rng.integers(len(orgs)))]
    return {
        "name": name,
        "id_number": _id_number(rng, body.region_code) if col == "natural_person" else "",
        "phone": f"1{int(rng.choice([38, 39, 58, 86, 77]))}0000{int(rng.integers(0, 10000)):04d}",
        "address": f"{body.name[:3]}示例路{int(rng.integers(1, 300))}号",
        "email": f"user{i:04d}@example.com",
    }


def _content(rng: np.random.Generator, person: dict[str, str]) -> str:
    text = (f"申请公开{_PLACES[int(rng.integers(len(_PLACES)))]}"
            f"{_PROJECTS[int(rng.integers(len(_PROJECTS)))]}的"
            f"{_PAPERS[int(rng.integers(len(_PAPERS)))]}")
    r = rng.random()
    if r < 0.08 and person["id_number"]:
        text = f"本人{person['name']}（身份证号：{person['id_number']}）{text}"
    elif r < 0.15:
        text += f"，请邮寄至{person['address']}，联系电话{person['phone']}"
    return text


def _fmt_date(d: dt.date | None, style: str, rng: np.random.Generator) -> str:
    if d is None:
        return ""
    if style == "iso":
        return d.isoformat()
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "chinese":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    return f"{d.isoformat()} {int(rng.integers(8, 18)):02d}:{int(rng.integers(0, 60)):02d}"


def _weekday(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def _records(rng: np.random.Generator, body: Body, year: int, truth: dict) -> list[dict]:
    """Application rows of one body-year whose aggregate is exactly ``truth``'s table 三."""
    rows: list[dict] = []
    jan1, dec31 = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for col in COLUMNS:
        def get(row: str, col: str = col) -> int:
            return int(truth[f"applications.{row}.{col}"])

        co, nr, fwd = get("carried_over"), get("new_received"), get("carried_forward")
        outcomes = [r for r in OUTCOME_ROWS for _ in range(get(r))]
        rng.shuffle(outcomes)
        fwd_new = min(fwd, nr)
        received = [dt.date(year - 1, 12, 1) + dt.timedelta(days=int(rng.integers(0, 31)))
                    for _ in range(co)]
        received += sorted(jan1 + dt.timedelta(days=int(rng.integers(0, 334)))
                           for _ in range(nr - fwd_new))
        received += [dt.date(year, 12, 1) + dt.timedelta(days=int(rng.integers(0, 31)))
                     for _ in range(fwd_new)]
        pending = set(range(co - (fwd - fwd_new), co)) | set(range(co + nr - fwd_new, co + nr))
        k = 0
        for i, rec in enumerate(received):
            row = {"col": col, "received": rec, "carried_over": i < co}
            if i in pending:
                row |= {"outcome": "", "replied": None}
            else:
                row["outcome"] = outcomes[k]
                k += 1
                u = rng.random()
                days = int(rng.integers(3, 29)) if u < 0.92 else int(rng.integers(30, 60))
                reply = _weekday(rec + dt.timedelta(days=days))
                row["replied"] = min(max(reply, jan1), dec31)
                row["extended"] = u >= 0.95
            rows.append(row)
        assert k == len(outcomes)
    rows.sort(key=lambda r: (r["received"], r["col"]))
    return rows


def _aggregate(rows: list[dict], year: int) -> dict[str, int]:
    v: dict[str, int] = {}
    for col in COLUMNS:
        mine = [r for r in rows if r["col"] == col]
        v[f"applications.new_received.{col}"] = sum(r["received"].year == year for r in mine)
        v[f"applications.carried_over.{col}"] = sum(r["received"].year < year for r in mine)
        for out in OUTCOME_ROWS:
            v[f"applications.{out}.{col}"] = sum(r["outcome"] == out for r in mine)
        v[f"applications.total_processed.{col}"] = sum(bool(r["outcome"]) for r in mine)
        v[f"applications.carried_forward.{col}"] = sum(not r["outcome"] for r in mine)
    rows_keys = ("new_received", "carried_over", *OUTCOME_ROWS, "total_processed",
                 "carried_forward")
    for r in rows_keys:
        v[f"applications.{r}.total"] = sum(v[f"applications.{r}.{c}"] for c in COLUMNS)
    return {f"applications.{r}.{c}": v[f"applications.{r}.{c}"] for r in rows_keys
            for c in (*COLUMNS, "total")}


def _table(rng: np.random.Generator, body: Body, rows: list[dict], fmt: dict) -> tuple[list, list]:
    fields = [f for f in HEADER_VARIANTS if f not in OPTIONAL or f in fmt["optional"]]
    header = [HEADER_VARIANTS[f][fmt["headers"][f] % len(HEADER_VARIANTS[f])] for f in fields]
    out = []
    for i, r in enumerate(rows, start=1):
        person = _person(rng, body, r["col"], i)
        labels = APPLICANT_LABELS[r["col"]]
        outcome = (OUTCOME_LABELS[r["outcome"]][fmt["outcome_style"]] if r["outcome"]
                   else PENDING_LABEL)
        aliases = OUTCOME_ALIASES.get(r["outcome"] or "", ())
        if aliases and rng.random() < 0.25:
            outcome = aliases[int(rng.integers(len(aliases)))]
        correction = None
        if r["outcome"] in ("other.no_correction", "unable.unclear_after_correction") or \
                rng.random() < 0.05:
            correction = _weekday(r["received"] + dt.timedelta(days=int(rng.integers(2, 7))))
        values = {
            "seq": i, "received": r["received"], "replied": r["replied"], "correction": correction,
            "name": person["name"], "id_number": person["id_number"], "phone": person["phone"],
            "address": person["address"], "email": person["email"],
            "applicant_type": labels[int(rng.integers(len(labels)))],
            "channel": CHANNELS[int(rng.choice(len(CHANNELS), p=_CHANNEL_P))],
            "content": _content(rng, person), "extended": "是" if r.get("extended") else "否",
            "third_party_days": 15 if r["outcome"] == "denied.third_party_rights" else 0,
            "outcome": outcome,
        }
        out.append([values[f] for f in fields])
    return header, out


def _csv_bytes(header: list, rows: list, fmt: dict, rng: np.random.Generator) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if fmt["encoding"] != "utf-8" else "\n")
    w.writerow(header)
    for row in rows:
        w.writerow([_fmt_date(x, fmt["dates"], rng) if isinstance(x, dt.date) or x is None
                    else x for x in row])
    return buf.getvalue().encode(fmt["encoding"])


def _xlsx_bytes(header: list, rows: list, fmt: dict, rng: np.random.Generator, year: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{year}年依申请公开台账"
    ws.append(header)
    epoch = dt.date(1899, 12, 30)
    for row in rows:
        cells = []
        for x in row:
            if isinstance(x, dt.date):
                if fmt["dates"] == "excel_serial":
                    cells.append((x - epoch).days)
                elif fmt["dates"] == "date_cell":
                    cells.append(dt.datetime(x.year, x.month, x.day))
                else:
                    cells.append(_fmt_date(x, fmt["dates"], rng))
            else:
                cells.append("" if x is None else x)
        ws.append(cells)
    if fmt["dates"] == "date_cell":
        for col in ws.iter_cols(min_row=2):
            for c in col:
                if isinstance(c.value, dt.datetime):
                    c.number_format = "yyyy-mm-dd"
    stamp = dt.datetime(year + 1, 1, 10, 9, 0, 0)
    wb.properties.created = wb.properties.modified = stamp
    wb.properties.creator = "依申请公开办理系统"
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_zip(buf.getvalue(), when=(year + 1, 1, 10, 9, 0, 0),
                         core_stamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def _choose_format(rng: np.random.Generator) -> dict:
    kind = ["csv-utf-8", "csv-utf-8-sig", "csv-gb18030", "xlsx"][
        int(rng.choice(4, p=[0.35, 0.25, 0.15, 0.25]))]
    fmt: dict = {
        "container": "xlsx" if kind == "xlsx" else "csv",
        "encoding": kind[4:] if kind != "xlsx" else "",
        "headers": {f: int(rng.integers(0, len(v))) for f, v in HEADER_VARIANTS.items()},
        "optional": [f for f in OPTIONAL if rng.random() < 0.5],
        "outcome_style": int(rng.integers(0, 3)),
    }
    dates = list(DATE_FORMATS) + (["excel_serial", "date_cell"] if kind == "xlsx" else [])
    fmt["dates"] = dates[int(rng.integers(len(dates)))]
    return fmt


def write_ledgers(
    ledger_dir: Path, bodies: list[Body], plans_by_body: dict, received: dict,
    chain_of: Callable[[Body], dict[int, dict]], seed: int,
    *, share: float = 0.10, scope: tuple[str, ...] = ()
) -> dict:
    """Write the ledgers and their truth files.

    Args:
        ledger_dir: the ``ledgers/`` folder (exists, empty).
        bodies: all bodies of the province.
        plans_by_body: body id → that body's planned documents (``.year``, ``.stem``,
            ``.file``).
        received: ``(body id, year)`` → applications received (who is small enough for a
            ledger).
        chain_of: a body's true figures per year (recomputed for the few chosen bodies, so the
            province's figures need not stay in memory).
        seed: province seed.
        share: share of bodies with ledgers (at least one); the national demo asks for less,
            as ledgers are slow to write and a few per province show every format.
        scope: extra tags of the province-wide random stream (the province code nationally).

    Returns:
        Summary counts: ``ledgers``, ``ledger_rows``, ``ledger_formats``.
    """
    rng = rng_for(seed, *scope, "ledgers")
    eligible = [b for b in bodies if all(
        received[(b.body_id, p.year)] <= 2000
        for p in plans_by_body[b.body_id])]
    n = max(1, round(share * len(bodies)))
    chosen = [eligible[int(i)] for i in sorted(rng.choice(len(eligible), size=min(n, len(eligible)),
                                                          replace=False))]
    formats: Counter = Counter()
    n_rows = n_files = 0
    for body in chosen:
        plans = plans_by_body[body.body_id]
        truths = chain_of(body)
        k = min(len(plans), int(rng.integers(2, 5)))
        for idx in sorted(rng.choice(len(plans), size=k, replace=False)):
            plan = plans[int(idx)]
            year = plan.year
            frng = rng_for(seed, body.body_id, year, "ledger")
            rows = _records(frng, body, year, truths[year])
            fmt = _choose_format(frng)
            header, table = _table(frng, body, rows, fmt)
            stem = f"{plan.stem}_ledger"
            if fmt["container"] == "xlsx":
                data = _xlsx_bytes(header, table, fmt, frng, year)
            else:
                data = _csv_bytes(header, table, fmt, frng)
            file = f"{stem}.{fmt['container']}"
            (ledger_dir / file).write_bytes(data)
            truth = {
                "source": file, "report": plan.file,
                "body": {"name": body.name, "region_code": body.region_code,
                         "level": body.level, "type": body.type},
                "year": year, "rows": len(rows),
                "format": {"container": fmt["container"], "encoding": fmt["encoding"],
                           "dates": fmt["dates"], "header": header,
                           "outcome_labels": ("full", "sub", "dash")[fmt["outcome_style"]]},
                "values": _aggregate(rows, year),
            }
            (ledger_dir / f"{stem}.truth.json").write_text(
                json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            formats[fmt["container"] + (f"-{fmt['encoding']}" if fmt["encoding"] else "")] += 1
            n_rows += len(rows)
            n_files += 1
    assert all(y in YEARS for y in (p.year for ps in plans_by_body.values() for p in ps))
    return {"ledgers": n_files, "ledger_rows": n_rows, "ledger_formats": dict(formats)}

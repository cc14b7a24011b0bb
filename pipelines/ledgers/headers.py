"""Ledger column headers → canonical field names.

Handling systems name the same column many ways (申请日期 / 收到申请日期 / 受理时间). Each field
lists its known headers; a header is compared after :func:`clean_header` (spaces, brackets, a
leading ``*`` of required-field markers, full-width forms removed). Unknown headers are kept out
of the data (they may hold anything, including personal data) and reported.
"""

from __future__ import annotations

import re
import unicodedata

# field → known headers. Order inside a tuple does not matter; a header belongs to one field.
FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "登记号", "申请编号", "流水号", "受理编号"),
    "body": ("机关", "机关名称", "单位", "单位名称", "办理机关", "受理机关", "答复机关"),
    "year": ("年度", "统计年度"),
    "received": (
        "申请日期",
        "收到申请日期",
        "受理时间",
        "受理日期",
        "收到日期",
        "申请时间",
        "收件日期",
        "登记日期",
    ),
    "name": ("申请人", "申请人姓名/名称", "申请人名称", "申请人姓名", "姓名", "名称"),
    "applicant_type": ("申请人类型", "申请人性质", "申请主体类型", "申请人类别"),
    "id_number": ("证件号码", "身份证号码", "身份证号", "统一社会信用代码/证件号码"),
    "phone": ("联系电话", "电话", "手机", "手机号码", "联系方式"),
    "address": ("通讯地址", "联系地址", "地址", "邮寄地址"),
    "email": ("电子邮箱", "邮箱", "电子邮件地址", "email"),
    "channel": ("获取方式", "申请方式", "申请渠道", "提交方式"),
    "content": ("申请内容", "所需信息内容描述", "申请公开的信息", "所需政府信息", "内容描述"),
    "correction_requested": ("补正日期", "补正告知日期", "告知补正日期", "补正通知日期"),
    "correction_received": (
        "收到补正日期",
        "补正后收到日期",
        "收到补正材料日期",
        "补正材料收到日期",
    ),
    "extended": ("是否延期", "延期", "延长答复期限"),
    "third_party_days": ("征求第三方意见天数", "征求第三方意见工作日", "第三方征询天数"),
    "replied": ("答复日期", "办结日期", "答复时间", "办结时间"),
    "outcome": ("处理结果", "答复结果", "办理结果", "答复类型"),
    "fee": ("收费金额", "收费金额（元）", "信息处理费", "费用"),
}
# Fields whose values are personal data: read only to be hashed or dropped (see privacy.py).
PII_FIELDS = ("name", "id_number", "phone", "address", "email")
REQUIRED = ("received", "applicant_type")


def clean_header(header: object) -> str:
    """A header as compared: NFKC, no spaces, no ``*`` markers, ASCII brackets, lower case."""
    text = unicodedata.normalize("NFKC", str(header or "")).replace("\ufeff", "")
    text = re.sub(r"[\s*＊]", "", text)
    return text.lower()


_INDEX = {clean_header(h): f for f, hs in FIELD_HEADERS.items() for h in hs}


def field_of(header: object) -> str | None:
    """The canonical field of one header, or None when it is not known."""
    key = clean_header(header)
    if key in _INDEX:
        return _INDEX[key]
    # Headers with a unit or note in brackets: 收费金额(元), 申请日期(年月日).
    bare = re.sub(r"\(.*?\)$", "", key)
    return _INDEX.get(bare)


def map_headers(headers: list[object]) -> tuple[dict[int, str], list[str]]:
    """Column position → field for known headers (first one wins), and the unknown headers."""
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for i, h in enumerate(headers):
        f = field_of(h)
        if f is None:
            if clean_header(h):
                unknown.append(str(h))
        elif f not in mapping.values():
            mapping[i] = f
    return mapping, unknown


def find_header_row(rows: list[list[object]], limit: int = 10) -> int | None:
    """The first of the top rows that names the required fields (titles may sit above it)."""
    for i, row in enumerate(rows[:limit]):
        fields = {field_of(c) for c in row}
        if set(REQUIRED) <= fields:
            return i
    return None

"""Label variants of the template tables: which printed label means which canonical row.

Patterns are deliberately loose (a distinctive fragment of each label) so that line breaks,
numbering styles (1. / 1、 / (1)), typos (其他法律行政止公开) and OCR damage still match; the
order of checks puts specific sub-rows before the category rows that contain them.
"""

from __future__ import annotations

import re

# table 三 rows, most specific first: (canonical row key, pattern)
APPLICATION_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (k, re.compile(p))
    for k, p in (
        ("new_received", r"本年新收"),
        ("carried_over", r"上年结转"),
        ("carried_forward", r"结转下年|下年度继续"),
        ("denied.state_secret", r"国家秘密"),
        ("denied.prohibited_by_law", r"其他法律|禁止公开|行政止公开|法规禁止"),
        ("denied.security_stability", r"三安全|一稳定"),
        ("denied.third_party_rights", r"第三方"),
        ("denied.internal_affairs", r"内部事务"),
        ("denied.process_info", r"过程性"),
        ("denied.enforcement_file", r"执法案卷"),
        ("denied.inquiry_matter", r"查询事项"),
        ("unable.not_held", r"不掌握"),
        ("unable.needs_creation", r"另行制作|没有现成"),
        ("unable.unclear_after_correction", r"补正后|仍不明确"),
        ("not_processed.petition_complaint", r"信访|举报投诉"),
        ("not_processed.duplicate", r"重复申请"),
        ("not_processed.publication", r"出版物"),
        ("not_processed.excessive", r"大量反复"),
        ("not_processed.confirmation", r"重新出具|确认或"),
        ("other.no_correction", r"不补正|逾期不补"),
        ("other.unpaid_fee", r"缴纳费用|收费通知"),
        ("partially_granted", r"部分公开"),
        ("granted", r"(?<!不)予以公开"),
        ("total_processed", r"[(（]七[)）]\s*总计|七、总计|办理结果总计"),
        ("other", r"其他处理"),
    )
)
# A bare "其他" row belongs to (六)其他处理 only when it follows that category's sub-rows.
OTHER_OTHER = re.compile(r"^(?:\d[.、．]?|[(（]?\d[)）])?\s*其他$")
BARE_TOTAL = re.compile(r"^总计$")
_OTHER_CATEGORY = re.compile(r"其他处理")

CATEGORY_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("denied", re.compile(r"不予公开")),
    ("unable", re.compile(r"无法提供")),
    ("not_processed", re.compile(r"不予处理")),
    ("other", re.compile(r"其他处理")),
)

# table 二 rows: (row key, pattern). 规范性文件 must be checked before 规章 is not needed.
PROACTIVE_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (k, re.compile(p))
    for k, p in (
        ("normative_docs", r"规范性文件"),
        ("rules", r"规章"),
        ("other_services", r"其他对外管理服务"),
        ("licensing", r"行政许可"),
        ("penalty", r"行政处罚"),
        ("coercion", r"行政强制"),
        ("fees", r"行政事业性收费|事业性收费"),
        ("procurement", r"政府集中采购|集中采购"),
    )
)

# Header words of table 四; a label made only of these does not end the table.
APPEALS_HEADER_CHARS = frozenset(
    "行政复议诉讼未经直接起后结果维持纠正其他尚未审总计、（）()四五政府信息公开情况因申请被提起件数"
    "单位：:一二三数量合的和"
)
APPEALS_START = re.compile(r"行政复议")


def classify_application(label: str, last: str, category: str | None) -> str | None:
    """Canonical table-三 row for a label group, given the category seen most recently."""
    for key, pat in APPLICATION_LABELS:
        if pat.search(last):
            return key
    if OTHER_OTHER.match(last) and (category == "other" or _OTHER_CATEGORY.search(label)):
        # "3、其他" under （六）其他处理 — the full label also names the category, so this test
        # must come before the category patterns are tried on it.
        return "other.other"
    for key, pat in APPLICATION_LABELS:
        if pat.search(label):
            return key
    if BARE_TOTAL.match(last):
        return "total_processed"
    return None


def category_of(label: str) -> str | None:
    """The outcome category a label names (不予公开 → denied …), if any."""
    for key, pat in CATEGORY_LABELS:
        if pat.search(label):
            return key
    return None


def classify_proactive(label: str, last: str) -> str | None:
    """Canonical table-二 row for a label group (规章, 行政许可 …)."""
    for text in (last, label):
        for key, pat in PROACTIVE_LABELS:
            if pat.search(text):
                return key
    return None


def is_appeals_header(label: str) -> bool:
    """True when a label is made of table-四 header words only."""
    rest = [ch for ch in label if ch not in APPEALS_HEADER_CHARS and not ch.isspace()]
    return len(label) < 60 and len(rest) <= 2

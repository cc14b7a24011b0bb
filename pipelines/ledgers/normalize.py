"""Labels → codes: applicant type (table 三 columns), channel, outcome (table 三 rows), yes/no.

Labels come from :mod:`schemas.registry` where the contract already names them (the outcome
rows' ``不予公开·属于国家秘密`` gives the full form, the bare reason and the dash form), plus the
synonyms handling systems use, listed here once. Matching is on :func:`clean_label` (NFKC,
no spaces, brackets and dashes folded to one separator), vectorized with ``replace_strict``.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from schemas.registry import APPLICATION_ROWS, OUTCOME_CATEGORIES

APPLICANT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "natural_person": ("自然人", "公民", "个人", "群众"),
    "commercial": ("商业企业", "企业", "公司", "法人", "企业法人"),
    "research": ("科研机构", "科研院所", "高校"),
    "social_org": ("社会公益组织", "公益组织", "社会组织"),
    "legal_service": ("法律服务机构", "律师事务所", "律师"),
    "other_org": ("其他", "其他组织", "其他法人或组织"),
}
CHANNEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "online": ("网上", "网上申请", "网络", "在线", "互联网", "网站", "政府网站"),
    "letter": ("信函", "邮寄", "信件", "书面"),
    "in_person": ("当面", "当面提交", "现场", "窗口"),
    "fax": ("传真",),
    "email": ("电子邮件", "邮件", "电子邮箱", "email"),
}
CHANNELS = (*CHANNEL_SYNONYMS, "other")
PENDING_LABELS = ("办理中", "正在办理", "未办结", "在办", "处理中", "")
YES = ("是", "已延期", "延期", "y", "yes", "true", "1", "√")

_SEP = re.compile(r"[()（）\-－—–·:：、/|]+")


def clean_label(text: str) -> str:
    """A label as compared: NFKC, no spaces, separators folded to ``|``, trailing ones cut."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return _SEP.sub("|", text).strip("|").lower()


def _outcome_labels() -> dict[str, str]:
    cats = {c: zh for c, zh, _ in OUTCOME_CATEGORIES}
    out: dict[str, str] = {}
    for row in APPLICATION_ROWS:
        if row.key in ("new_received", "carried_over", "total_processed", "carried_forward"):
            continue
        if row.category is None:
            out[clean_label(row.label_zh)] = row.key
            continue
        sub = row.label_zh.split("·", 1)[1]
        cat = cats[row.category]
        out[clean_label(f"{cat}|{sub}")] = row.key
        out.setdefault(clean_label(sub), row.key)
    for c, zh, _ in OUTCOME_CATEGORIES:  # a category without its reason: subtotal only
        out.setdefault(clean_label(zh), c)
    out[clean_label("其他处理|其他")] = "other.other"
    out[clean_label("其他")] = "other.other"
    out[clean_label("其他处理")] = "other.other"
    out.update({clean_label(s): "granted" for s in ("同意公开", "全部公开", "已公开")})
    return out


OUTCOME_OF = _outcome_labels()
APPLICANT_OF = {clean_label(s): col for col, syn in APPLICANT_SYNONYMS.items() for s in syn}
CHANNEL_OF = {clean_label(s): ch for ch, syn in CHANNEL_SYNONYMS.items() for s in syn}


def _cleaned(expr: pl.Expr) -> pl.Expr:
    """The vectorized :func:`clean_label` (full-width forms folded by the same table)."""
    text = expr.cast(pl.Utf8).fill_null("").str.strip_chars()
    text = text.str.replace_all(r"\s+", "").str.replace_all(r"[()（）\-－—–·:：、/|]+", "|")
    return text.str.strip_chars("|").str.to_lowercase()


def _applicant_key(text: pl.Expr) -> pl.Expr:
    # "法人或其他组织-商业企业" and "法人或其他组织（商业企业）": the column is the last part.
    return text.str.replace(r"^法人或其他组织\|", "")


def applicant_type(expr: pl.Expr) -> pl.Expr:
    """Applicant label → table 三 column (``natural_person`` … ``other_org``), null if unknown."""
    key = _applicant_key(_cleaned(expr))
    return key.replace_strict(APPLICANT_OF, default=None, return_dtype=pl.Utf8)


def channel(expr: pl.Expr) -> pl.Expr:
    """Channel label → a code of :data:`CHANNELS` (unknown → ``other``); null if empty."""
    key = _cleaned(expr)
    code = key.replace_strict(CHANNEL_OF, default="other", return_dtype=pl.Utf8)
    return pl.when(key == "").then(None).otherwise(code)


def outcome(expr: pl.Expr) -> pl.Expr:
    """Outcome label → table 三 row key (``granted``, ``denied.state_secret`` …).

    Pending labels (办理中) give ``""``; unknown labels give null (the caller quarantines).
    """
    key = _cleaned(expr)
    pending = key.is_in([clean_label(p) for p in PENDING_LABELS])
    code = key.replace_strict(OUTCOME_OF, default=None, return_dtype=pl.Utf8)
    return pl.when(pending).then(pl.lit("")).otherwise(code)


def yes(expr: pl.Expr) -> pl.Expr:
    """是/否 and the like → bool (empty → False)."""
    return _cleaned(expr).is_in([clean_label(y) for y in YES])


def number(expr: pl.Expr) -> pl.Expr:
    """A count or amount written with units or separators (``15天``, ``1,200元``) → float."""
    text = expr.cast(pl.Utf8).fill_null("").str.replace_all(r"[,，\s]", "")
    return text.str.extract(r"(-?\d+(?:\.\d+)?)", 1).cast(pl.Float64, strict=False)

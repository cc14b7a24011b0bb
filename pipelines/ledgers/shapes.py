"""What a ledger cell looks like, said without saying what it holds.

A row that cannot be read is quarantined with the reason, and the reason is exported, shown on
the 数据质量 page and downloadable. When columns are swapped the unreadable cell is an ID number,
a phone or a name, so a reason that quoted the cell would publish exactly what
:mod:`pipelines.ledgers.privacy` keeps out. Reasons therefore name the row, the column and the
*shape* of the cell — "18 位数字，疑似证件号 / 18 digits, looks like an ID number" — which is
enough to see that the columns are swapped and never the value.
"""

from __future__ import annotations

import polars as pl

from pipelines.ledgers.dates import COMPACT, SEPARATED
from pipelines.ledgers.privacy import DETECT_PATTERNS, fold_width

# kind → (zh, en); {n} is the count of digits (digit kinds) or characters (text kinds).
SHAPES: dict[str, tuple[str, str]] = {
    "id_number": ("{n} 位号码，疑似证件号", "{n} characters, looks like an ID number"),
    "mobile": ("{n} 位数字，疑似手机号", "{n} digits, looks like a mobile number"),
    "landline": ("{n} 位数字，疑似固定电话", "{n} digits, looks like a landline number"),
    "email": ("含 @，疑似电子邮箱", "contains @, looks like an e-mail address"),
    "date": ("日期格式，但日期不存在", "a date form naming no real day"),
    "digits": ("{n} 位数字", "{n} digits"),
    "han": ("{n} 字的文字", "text of {n} characters"),
    "other": ("{n} 个字符", "{n} characters"),
}


def _kind(text: pl.Expr) -> pl.Expr:
    whole = {k: f"^(?:{p})$" for k, p in DETECT_PATTERNS.items()}
    return (
        pl.when(text.str.contains(whole["email"]))
        .then(pl.lit("email"))
        .when(text.str.contains(whole["id_number"]))
        .then(pl.lit("id_number"))
        .when(text.str.contains(whole["mobile"]))
        .then(pl.lit("mobile"))
        .when(text.str.contains(whole["landline"]))
        .then(pl.lit("landline"))
        .when(text.str.contains(SEPARATED) | text.str.contains(COMPACT))
        .then(pl.lit("date"))
        .when(text.str.contains(r"^[\d\s\-.]+$"))
        .then(pl.lit("digits"))
        .when(text.str.contains(r"\p{Han}"))
        .then(pl.lit("han"))
        .otherwise(pl.lit("other"))
    )


def shape(expr: pl.Expr, lang: str) -> pl.Expr:
    """The shape of each cell in ``lang`` (``zh`` or ``en``); never any of its characters."""
    text = fold_width(expr).str.strip_chars()
    kind = _kind(text)
    digits = text.str.count_matches(r"[0-9]|[Xx]$")  # an ID number's check character X counts
    n = pl.when(kind.is_in(["han", "other"])).then(text.str.len_chars()).otherwise(digits)
    i = 0 if lang == "zh" else 1
    template = kind.replace_strict({k: v[i] for k, v in SHAPES.items()}, return_dtype=pl.Utf8)
    return template.str.replace("{n}", n.cast(pl.Utf8), literal=True)


def looks_personal(expr: pl.Expr) -> pl.Expr:
    """True where the cell holds something shaped like an ID number, phone or e-mail."""
    text = fold_width(expr)
    return text.str.contains("|".join(f"(?:{p})" for p in DETECT_PATTERNS.values())).fill_null(
        False
    )

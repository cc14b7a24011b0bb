"""Personal data never leaves this module: names, ID numbers, phones, e-mails, addresses.

The applicant's identity is reduced to one keyed hash (BLAKE2b in keyed mode, a MAC): the same
applicant gets the same ``applicant_hash`` across ledgers, so repeated applications can be
counted, but without the key nobody can test a guessed name or ID number against it. The key
comes from ``GONGKAI_PII_KEY``; the documented default :data:`DEMO_KEY` is only fit for the
generated demo data — set a secret key for real ledgers. The identifying columns themselves
are dropped.

Free text (申请内容) is scrubbed: ID numbers, mobile and landline numbers, e-mail addresses and
street addresses are replaced by placeholders by pattern, and the row's own applicant name and
address (from its own columns) are replaced literally wherever they occur, as is a name written
after 本人/申请人/姓名.
"""

from __future__ import annotations

import hashlib
import os

import polars as pl

DEMO_KEY = "gongkai-demo-key-not-secret"
PII_KEY_ENV = "GONGKAI_PII_KEY"

# (pattern, placeholder): order matters, IDs before phones (an ID contains phone-like digits).
TEXT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "[邮箱]"),
    (r"\d{17}[\dXx]|\d{15}", "[证件号]"),
    (r"(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}", "[电话]"),
    (r"0\d{2,3}-?\d{7,8}", "[电话]"),
    (
        r"[\p{Han}\d]{0,20}(?:路|街|大道|巷|弄|村|小区)[\d\-一二三四五六七八九十]+(?:号|栋|幢)"
        r"(?:[\d\-]+(?:室|号|单元))*",
        "[地址]",
    ),
    (r"(本人|申请人|姓名[:：]?)[\p{Han}]{2,4}([（(，,。\s]|身份证)", "${1}[姓名]${2}"),
)


def pii_key() -> bytes:
    """The hashing key: ``$GONGKAI_PII_KEY`` or the documented demo default."""
    return os.environ.get(PII_KEY_ENV, DEMO_KEY).encode("utf-8")


def keyed_hash(values: pl.Series, key: bytes | None = None) -> pl.Series:
    """Keyed BLAKE2b (16 bytes, hex) of each value; null stays null.

    Hashing runs once per *distinct* value, which is what keeps a million rows fast.
    """
    key = key or pii_key()
    uniq = values.drop_nulls().unique()
    digests = {
        v: hashlib.blake2b(v.encode("utf-8"), key=key[:64], digest_size=16).hexdigest()
        for v in uniq.to_list()
    }
    return values.replace_strict(digests, default=None, return_dtype=pl.Utf8)


def applicant_identity(frame: pl.DataFrame) -> pl.Series:
    """The text hashed as the applicant: ID number when given, else the normalised name."""
    cols = frame.columns
    ident = (
        pl.col("id_number").str.strip_chars().str.to_uppercase() if "id_number" in cols else None
    )
    name = pl.col("name").str.replace_all(r"\s+", "") if "name" in cols else None
    parts = [e for e in (ident, name) if e is not None]
    if not parts:
        return pl.Series("identity", [None] * frame.height, dtype=pl.Utf8)
    expr = pl.coalesce([pl.when(e != "").then(e) for e in parts])
    return frame.select(expr.alias("identity"))["identity"]


def scrub_text(expr: pl.Expr) -> pl.Expr:
    """Free text with every pattern-shaped piece of personal data replaced by a placeholder."""
    out = expr.cast(pl.Utf8)
    for pattern, repl in TEXT_PATTERNS:
        out = out.str.replace_all(pattern, repl)
    return out


def _replace_own(text: pl.Expr, column: str, placeholder: str, cols: list[str]) -> pl.Expr:
    """Replace the row's own value of ``column`` inside ``text`` (literal, per row)."""
    if column not in cols:
        return text
    # polars has no per-row pattern in replace_all; splitting on the row's value and joining
    # with the placeholder is the same, vectorized.
    own = pl.col(column).fill_null("").str.strip_chars()
    usable = own.str.len_chars() >= 2
    replaced = text.str.split(own).list.join(placeholder)
    return pl.when(usable & text.is_not_null()).then(replaced).otherwise(text)


def protect(frame: pl.DataFrame, key: bytes | None) -> pl.DataFrame:
    """Add ``applicant_hash``, scrub ``content``, and drop every identifying column.

    ``key`` None leaves ``applicant_hash`` null: the warehouse does so for real ledgers when
    no secret key is set, because the public demo key would let anyone test guessed IDs.
    """
    cols = frame.columns
    hashes = (
        keyed_hash(applicant_identity(frame), key)
        if key
        else pl.Series([None] * frame.height, dtype=pl.Utf8)
    )
    out = frame.with_columns(applicant_hash=hashes)
    if "content" in cols:
        text = pl.col("content")
        text = _replace_own(text, "name", "[姓名]", cols)
        text = _replace_own(text, "address", "[地址]", cols)
        out = out.with_columns(content=scrub_text(text))
    return out.drop([c for c in ("name", "id_number", "phone", "address", "email") if c in cols])

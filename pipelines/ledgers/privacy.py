"""Personal data never leaves this module: names, ID numbers, phones, e-mails, addresses.

The applicant's identity is reduced to one keyed hash (BLAKE2b in keyed mode, a MAC): the same
applicant gets the same ``applicant_hash`` across ledgers, so repeated applications can be
counted, but without the key nobody can test a guessed name or ID number against it. The key
comes from ``GONGKAI_PII_KEY``; the documented default :data:`DEMO_KEY` is only fit for the
generated demo data — set a secret key for real ledgers. The identifying columns themselves
are dropped.

Free text (申请内容) is scrubbed: ID numbers, mobile and landline numbers, e-mail addresses and
street addresses are replaced by placeholders by pattern (full-width digits folded first; in
the grouped forms people write: ``3201 0219 …``, ``139-1234-5678``, ``(025)8456 1234``), and
the row's own applicant name and address (from its own columns) are replaced literally wherever
they occur, as is a name written after 本人/申请人/姓名.
"""

from __future__ import annotations

import hashlib
import os

import polars as pl

DEMO_KEY = "gongkai-demo-key-not-secret"
PII_KEY_ENV = "GONGKAI_PII_KEY"

# Digit runs are bounded by non-digits with a captured neighbour, not by lookaround: both polars
# (Rust regex) and DuckDB (RE2) lack lookaround, and these patterns serve both. Full-width
# digits, letters and ＠＋－． are folded to ASCII first (:func:`fold_width`).
_L = r"(^|[^0-9+])"  # group 1: the character before (kept); never the + of +86
_R = r"([^0-9]|$)"  # last group: the character after (kept)
_SEP = r"[ \-]?"  # people write ID numbers and phones in groups: 3201 0219…, 139-1234-5678

# (pattern, placeholder): order matters, e-mails first (their digits are not phones), IDs
# before phones (an ID contains phone-like digits), phones before addresses.
TEXT_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", "[邮箱]"),
    # 18-digit ID (last may be X), written whole or in groups; then the old 15-digit one.
    (_L + rf"(?:\d{_SEP}){{17}}[\dXx]" + _R, "${1}[证件号]${2}"),
    (_L + rf"(?:\d{_SEP}){{14}}\d" + _R, "${1}[证件号]${2}"),
    # mobile: 1[3-9] and 9 more digits, in groups or not; +86 first (it needs no left bound)
    (rf"\+86{_SEP}1[3-9]\d(?:{_SEP}\d){{8}}" + _R, "[电话]${1}"),
    (_L + rf"(?:86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}" + _R, "${1}[电话]${2}"),
    # landline: area code 0xx(x), bare or in brackets, then 7–8 digits, in groups or not
    (
        _L + rf"(?:[(（]0\d{{2,3}}[)）]|0\d{{2,3}}){_SEP}\d{{3,4}}{_SEP}\d{{4}}" + _R,
        "${1}[电话]${2}",
    ),
    (
        r"[\p{Han}\d]{0,20}(?:路|街|大道|巷|弄|村|小区)[\d\-一二三四五六七八九十]+(?:号|栋|幢)"
        r"(?:[\d\-一二三四五六七八九十]+(?:室|号|栋|幢|单元|楼|层))*",
        "[地址]",
    ),
    (r"(本人|申请人|姓名[:：]?)[\p{Han}]{2,4}([（(，,。\s]|身份证)", "${1}[姓名]${2}"),
)

# What the warehouse-wide check looks for (:func:`find_personal_data`,
# ``warehouse.personal_data``): stricter than the scrubber, because it runs over report tables
# too, which hold years, region codes (6 digits), 12-digit division codes, amounts and hashes.
# An ID number must carry a plausible birth date; hex hashes are cut out before matching.
# A digit run next to a decimal point is part of a decimal number (a rate 0.13912345678, a cut
# cell 13575394432.52 quoted by a reading finding), not a phone or an ID number.
_DL = r"(^|[^0-9+.])"
_DR = r"([^0-9.]|\.[^0-9]|\.?$)"
_BIRTH = r"(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
DETECT_PATTERNS: dict[str, str] = {
    "id_number": _DL
    + rf"(?:[1-9]\d{{5}}{_BIRTH}\d{{3}}[\dXx]|[1-9]\d{{5}}[ \-]{_BIRTH}[ \-]\d{{3}}[\dXx]"
    + r"|[1-9]\d{5}\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}"
    + r"|\d{4} \d{4} \d{4} \d{4} \d[\dXx])"
    + _DR,
    "mobile": _DL + rf"(?:\+?86{_SEP})?1[3-9]\d(?:\d{{8}}|[ \-]\d{{4}}[ \-]\d{{4}})" + _DR,
    "landline": _DL + r"(?:[(（]0\d{2,3}[)）] ?|0\d{2,3}[ \-])\d{3,4}[ \-]?\d{4}" + _DR,
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
}
HASH_RUN = r"[0-9a-f]{32,}"  # sha256 / keyed BLAKE2b digests: hex, never personal data
# Columns that hold only hashes or ids cut from them (tests/test_privacy.py checks, on a built
# warehouse, that every value of these columns is lowercase hex). A short digest is not cut out
# by HASH_RUN and holds an 11-digit run shaped like a mobile number in about one value in a
# thousand: a national build's review items (``item_id``, 20 hex) had 20.
HASH_COLUMNS = frozenset({"report_id", "ledger_id", "application_id", "applicant_hash", "sha256",
                          "item_id", "correction_id"})


# The full-width forms of the characters personal data is written with (U+FF01–FF5E are ASCII
# 0x21–0x7E shifted), without the Chinese punctuation that text rightly uses (，：；（）！？).
_KEEP = set("！（），：；？［］｛｝～")
FULL_WIDTH = "".join(c for c in map(chr, range(0xFF01, 0xFF5F)) if c not in _KEEP)
ASCII = "".join(chr(ord(c) - 0xFEE0) for c in FULL_WIDTH)


def fold_width(expr: pl.Expr) -> pl.Expr:
    """Full-width digits, letters and ＠＋－． as ASCII (NFKC for them), Chinese punctuation kept.

    Full NFKC would also turn ，into , and （） into () and so change the text readers see;
    only the characters that phone numbers, ID numbers and e-mails are written with are folded.
    """
    return expr.cast(pl.Utf8).str.replace_many(list(FULL_WIDTH), list(ASCII))


def detector() -> str:
    """One regex matching any kind of :data:`DETECT_PATTERNS`."""
    return "|".join(f"(?:{p})" for p in DETECT_PATTERNS.values())


def detected(folded: pl.Expr) -> pl.Expr:
    """Whether width-folded text (:func:`fold_width`) looks like personal data, digests cut out.

    The one test behind the segment search, the redaction of quoted text and its twin in
    DuckDB (:mod:`warehouse.personal_data`).
    """
    return folded.str.replace_all(HASH_RUN, " ").str.contains(detector())


def find_personal_data(frame: pl.DataFrame) -> dict[str, int]:
    """Column → number of values that look like an ID number, phone or e-mail (only hits).

    Every text and numeric column is searched (an ID number can hide in a numeric column when
    columns were swapped; numbers by their integer part), except :data:`HASH_COLUMNS`; hex
    digests inside text are cut out first. Only counts are returned, never the values: this
    feeds logs and check metadata.

    Each distinct value is searched once, and rows are counted only for a column with a hit:
    a segment's fact table repeats a few hundred keys, bodies and figures over 200,000 rows.
    """
    hits = {}
    for col, dtype in frame.schema.items():
        if col in HASH_COLUMNS or not (dtype == pl.Utf8 or dtype.is_numeric()):
            continue
        value = pl.col(col)
        if dtype.is_float():
            value = value.floor().cast(pl.Int64, strict=False)
        distinct = frame.select(value.unique().alias(col))
        flagged = distinct.filter(detected(fold_width(pl.col(col).cast(pl.Utf8))))[col]
        if flagged.is_empty():
            continue
        n = frame.select(value.is_in(flagged.implode()).sum()).item() or 0
        if n:
            hits[col] = int(n)
    return hits


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
    return _replace_patterns(fold_width(expr), TEXT_PATTERNS)


def _replace_patterns(text: pl.Expr, patterns: tuple[tuple[str, str], ...]) -> pl.Expr:
    for pattern, repl in patterns:
        # twice: a boundary character consumed by one match cannot start the next one
        text = text.str.replace_all(pattern, repl).str.replace_all(pattern, repl)
    return text


# The scrubber's patterns for what the warehouse-wide check looks for (not names, addresses).
_CONTACT_PATTERNS = tuple(
    (p, r) for p, r in TEXT_PATTERNS if any(t in r for t in ("[邮箱]", "[证件号]", "[电话]"))
)
WITHHELD_TEXT = "[含个人信息的文字已隐去 / text with personal data withheld]"


def redact_quoted(expr: pl.Expr) -> pl.Expr:
    """Text quoted from a published report, with ID numbers, phones and e-mails taken out.

    Reports print contact lines (受理电话0551-…, 联系人…139…, xxgk@….gov.cn) beside their
    figures, and a finding or a provenance sentence may quote one. Such a number is public, but
    it is shaped like personal data and the warehouse-wide check would refuse to publish the
    whole build for it. So quoted text is redacted where, and only where, the check would fire:
    any other text stays exactly as printed; a text the scrubber cannot clear is withheld whole.
    """
    folded = fold_width(expr)
    out = _replace_patterns(folded, _CONTACT_PATTERNS)
    return (
        pl.when(~detected(folded).fill_null(True))
        .then(expr)
        .when(detected(out))
        .then(pl.lit(WITHHELD_TEXT))
        .otherwise(out)
    )


def redact_quoted_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``frame`` with :func:`redact_quoted` applied to ``columns``, scrubbing only what fires.

    The same result as ``frame.with_columns(redact_quoted(pl.col(c)) for c in columns)``, but
    the scrubber's dozen regex passes run only on the rows the detector flags: an expression
    computes every branch of ``when/then`` on every row, and a segment's provenance column
    (200,000 JSON texts, almost none with anything to redact) spent most of its time there.
    """
    for c in columns:
        flagged = frame.select(
            detected(fold_width(pl.col(c))).fill_null(True).alias("flagged"))["flagged"]
        if not flagged.any():
            continue
        rows = flagged.arg_true()
        fixed = frame[c].gather(rows).to_frame().select(redact_quoted(pl.col(c)))[c]
        frame = frame.with_columns(frame[c].cast(pl.Utf8).scatter(rows, fixed))
    return frame


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

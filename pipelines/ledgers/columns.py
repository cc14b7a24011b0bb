"""How each column of a ledger was read, and the file findings that follow from it.

A column the reader leaves out can move every deadline of the file (a 征求第三方意见 count, an
extension, a 补正 date, a second reply date), so leaving it out is never silent: a header that
speaks for two fields, a deadline-bearing header that was not understood, and a second column
of a deadline field each give a finding shown by ``gongkai ledger`` and kept in the warehouse.
``columns`` also says how each column was read — by the user's map or by the matcher — which is
its provenance. Pure: a :class:`HeaderMap` in, plain dicts out. Headers are titles, not cells,
so findings may quote them.
"""

from __future__ import annotations

from pipelines.ledgers.headers import (
    DEADLINE_FIELDS,
    IGNORE,
    HeaderMap,
    deadline_hint,
    header_match,
    natural_days,
)

# rule → (severity, zh, en); {header} {fields} {field} are filled in.
FILE_FINDINGS: dict[str, tuple[str, str, str]] = {
    "ambiguous_header": (
        "warning",
        "列「{header}」可读作 {fields}，未读取；请用台账映射文件指定",
        'column "{header}" could be {fields}: not read; say which in a ledger map file',
    ),
    "deadline_column_unread": (
        "warning",
        "列「{header}」似与答复期限有关，但无法识别，未读取：期限可能不准；请用台账映射文件指定",
        'column "{header}" looks deadline-related but was not understood and not read: '
        "deadlines may be wrong; say what it is in a ledger map file",
    ),
    "duplicate_deadline_column": (
        "warning",
        "列「{header}」也像是 {field}，但已读取另一列：请核对，或用台账映射文件指定",
        'column "{header}" also looks like {field} but another column was read: check it, '
        "or say which in a ledger map file",
    ),
    "column_by_map": (
        "info",
        "列「{header}」按台账映射文件读作 {field}（{map}）",
        'column "{header}" read as {field} by the ledger map ({map})',
    ),
    "third_party_natural_days": (
        "info",
        "列「{header}」按自然日计：已从期限起算日起换算为其中的工作日",
        'column "{header}" counts calendar days: turned into the working days they span '
        "from the day the period starts",
    ),
}


def file_finding(rule: str, **values: str) -> dict:
    """One file finding: rule, severity, message (zh / en) and the header it is about."""
    severity, zh, en = FILE_FINDINGS[rule]
    return {
        "rule": rule,
        "severity": severity,
        "message": f"{zh.format(**values)} / {en.format(**values)}",
        "header": values.get("header", ""),
    }


def columns(headers: HeaderMap) -> list[dict]:
    """Every header of the row and how it was read.

    ``how`` is ``map`` (the user's ledger map said so), ``matcher`` (scored by meaning),
    ``duplicate`` (a field already read from a better column), ``ambiguous`` (two fields
    equally: ``candidates``) or ``unknown``; ``field`` is null unless the column is read.
    """
    out = []
    for i, h in enumerate(headers.headers):
        if not h.strip():
            continue
        m = header_match(h)
        entry = {"column": i + 1, "header": h, "field": None, "how": "unknown", "score": None}
        if i in headers.by_map:
            told = headers.by_map[i]
            entry |= {"field": None if told == IGNORE else told, "how": "map"}
            if told == IGNORE:
                entry["how"] = "map:ignore"
        elif i in headers.mapping:
            entry |= {"field": headers.mapping[i], "how": "matcher", "score": m.score}
        elif m.tied:
            entry |= {"how": "ambiguous", "candidates": list(m.tied), "score": m.score}
        elif m.key is not None:
            entry |= {"how": "duplicate", "candidates": [m.key], "score": m.score}
        out.append(entry)
    return out


def findings(headers: HeaderMap, map_source: str = "") -> list[dict]:
    """The file findings of a header row (see the module docstring).

    A column read by the user's map is recorded too (``column_by_map``, info): it is how the
    column was read, the provenance of every value taken from it.
    """
    out = []
    for c in columns(headers):
        h = c["header"]
        if c["how"].startswith("map"):
            field = c["field"] or IGNORE
            out.append(file_finding("column_by_map", header=h, field=field, map=map_source))
        elif c["how"] == "ambiguous":
            out.append(
                file_finding("ambiguous_header", header=h, fields=", ".join(c["candidates"]))
            )
        elif c["how"] == "unknown" and deadline_hint(h):
            out.append(file_finding("deadline_column_unread", header=h))
        elif c["how"] == "duplicate" and c["candidates"][0] in DEADLINE_FIELDS:
            field = c["candidates"][0]
            out.append(file_finding("duplicate_deadline_column", header=h, field=field))
        if c["field"] == "third_party_days" and natural_days(h):
            out.append(file_finding("third_party_natural_days", header=h))
    return out


def natural_third_party(headers: HeaderMap | None) -> bool:
    """True when the column read as third-party days counts calendar days (自然日)."""
    if headers is None:
        return False
    return any(
        f == "third_party_days" and natural_days(headers.headers[i])
        for i, f in headers.mapping.items()
    )

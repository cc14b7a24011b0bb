"""A ledger map: the user's fix for an export the matcher cannot read well (``ledger-map.toml``).

A handling system exports every file the same way, so a strange header or label is fixed once,
in a small TOML file, and every later file of that system reads right::

    [headers]
    "登记时间" = "received"
    "办理结果(最终)" = "outcome"
    "备注" = "ignore"
    [labels.outcome]
    "已办结-同意" = "granted"
    [labels.applicant_type]
    "个体工商户" = "commercial"

Headers and labels are compared cleaned (width, spaces and separators do not matter), and the
map is applied before the matcher. Anything the map cannot mean (an unknown section, field or
key) is an error naming the file and the key: a typo must not silently fall back to guessing.
Pure: text in, :class:`LedgerMap` out; reading files is the caller's business.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipelines.ledgers.headers import FIELDS, IGNORE
from schemas.registry import APPLICANT_COLUMNS
from schemas.vocabulary.ledgers import OUTCOMES

FILE_NAME = "ledger-map.toml"
# A label the map says is still being handled (counted as 结转下年度继续办理).
PENDING = "pending"
APPLICANT_KEYS = tuple(c for c, _, _ in APPLICANT_COLUMNS if c != "total")
OUTCOME_KEYS = (*(s.key for s in OUTCOMES), PENDING)
LABEL_KEYS: dict[str, tuple[str, ...]] = {
    "outcome": OUTCOME_KEYS,
    "applicant_type": APPLICANT_KEYS,
}


class LedgerMapError(ValueError):
    """A map file that cannot be used as written; the message names the file and the key."""


@dataclass(frozen=True)
class LedgerMap:
    """Header → field (or ``ignore``); per label column, label → key; ``source`` names the file."""

    source: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def label(self, column: str) -> Mapping[str, str]:
        """The label overrides of one column (``outcome`` or ``applicant_type``)."""
        return self.labels.get(column, {})

    def __bool__(self) -> bool:
        return bool(self.headers) or any(self.labels.values())


def _error(source: str, key: str, zh: str, en: str) -> LedgerMapError:
    return LedgerMapError(f"{source}：{key}：{zh} / {source}: {key}: {en}")


def _table(value: object, source: str, key: str) -> dict:
    if not isinstance(value, dict):
        raise _error(source, key, "应为表（[节]）", "must be a table ([section])")
    return value


def _entries(table: dict, source: str, section: str, allowed: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for k, v in table.items():
        where = f"[{section}] {k!r}"
        if not isinstance(v, str) or v not in allowed:
            raise _error(
                source,
                where,
                f"未知的取值 {v!r}（可用：{', '.join(allowed)}）",
                f"unknown value {v!r} (allowed: {', '.join(allowed)})",
            )
        out[str(k)] = v
    return out


def parse_ledger_map(text: str, source: str = FILE_NAME) -> LedgerMap:
    """Read a map file's text; raises :class:`LedgerMapError` naming the file and the key."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _error(source, "TOML", f"无法解析（{exc}）", f"cannot be parsed ({exc})") from exc
    headers: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    for key, value in doc.items():
        if key == "headers":
            allowed = (*FIELDS, IGNORE)
            headers = _entries(_table(value, source, "[headers]"), source, "headers", allowed)
        elif key == "labels":
            for column, table in _table(value, source, "[labels]").items():
                if column not in LABEL_KEYS:
                    raise _error(
                        source,
                        f"[labels.{column}]",
                        f"未知的标签列（可用：{', '.join(LABEL_KEYS)}）",
                        f"unknown label column (allowed: {', '.join(LABEL_KEYS)})",
                    )
                section = f"labels.{column}"
                table = _table(table, source, f"[{section}]")
                labels[column] = _entries(table, source, section, LABEL_KEYS[column])
        else:
            raise _error(
                source,
                f"[{key}]",
                "未知的节（可用：headers, labels）",
                "unknown section (allowed: headers, labels)",
            )
    return LedgerMap(source, headers, labels)


def merge_maps(maps: Iterable[LedgerMap]) -> LedgerMap:
    """Several maps as one; a later map wins on the same header or label (newest last)."""
    headers: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    sources = []
    for m in maps:
        sources.append(m.source)
        headers.update(m.headers)
        for column, table in m.labels.items():
            labels.setdefault(column, {}).update(table)
    return LedgerMap(" + ".join(s for s in sources if s), headers, labels)

"""Corrections as data: an append-only JSON-lines file, exported and imported as CSV or JSON.

``$GONGKAI_HOME/corrections/corrections.jsonl`` holds one correction per line, never rewritten:
who, when, why, the item id, the document's sha256, the values (``{key: value}``) and the action
(``settle`` or ``withdraw``). The latest line for an item is its state (:func:`effective`), so a
changed mind is a new line and the history stays. It lives outside the warehouse (which every
build replaces) and outside the inbox (which holds publishers' bytes only), so it survives a
rebuild from scratch. Plain text sorted by time is reviewable in git; ``export`` writes CSV or
JSON, ``import`` appends the lines of another store it does not hold yet (by ``correction_id``).

Reading and merging are pure; :func:`append` and :func:`read` are the only file access.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

ACTIONS = ("settle", "withdraw")
FILE_NAME = "corrections.jsonl"
CSV_FIELDS = ("correction_id", "item_id", "report_id", "kind", "action", "values", "reviewer",
              "at", "note", "source", "body_name", "year")


class CorrectionError(ValueError):
    """A correction that cannot be stored or read, with where and what."""


@dataclass(frozen=True)
class Correction:
    """One reviewer's decision on one review item."""

    item_id: str
    report_id: str  # sha256 of the document the item was read from
    kind: str
    action: str  # settle | withdraw
    values: dict = field(default_factory=dict)  # key → number (or a region code / field)
    reviewer: str = ""
    at: str = ""  # ISO 8601 UTC
    note: str = ""
    # Context for a person reading the file; not part of what is applied.
    source: str = ""
    body_name: str = ""
    year: int | None = None
    correction_id: str = ""

    def to_json(self) -> dict:
        """The JSON-lines form."""
        return asdict(self)


def correction_id(c: Correction) -> str:
    """A digest of what was decided, by whom and when: the same line imported twice is one."""
    basis = json.dumps([c.item_id, c.report_id, c.action, c.values, c.reviewer, c.at, c.note],
                       ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def now_iso() -> str:
    """The current UTC time as stored (seconds)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def make(item_id: str, report_id: str, kind: str, values: dict, *, reviewer: str, note: str = "",
         action: str = "settle", source: str = "", body_name: str = "", year: int | None = None,
         at: str | None = None) -> Correction:
    """A new correction, checked and with its id."""
    c = Correction(item_id, report_id, kind, action, dict(values), reviewer.strip(),
                   at or now_iso(), note.strip(), source, body_name or "", year)
    check(c)
    return replace(c, correction_id=correction_id(c))


def check(c: Correction, where: str = "") -> None:
    """Raise :class:`CorrectionError` naming what is wrong with ``c``."""
    at = f"{where}: " if where else ""
    if c.action not in ACTIONS:
        raise CorrectionError(f"{at}action 必须是 settle 或 withdraw / action must be settle or "
                              f"withdraw: {c.action!r}")
    if not c.item_id or not c.report_id:
        raise CorrectionError(f"{at}缺少 item_id 或 report_id / item_id and report_id required")
    if not c.reviewer:
        raise CorrectionError(f"{at}缺少复核人 / a reviewer name is required")
    if c.action == "settle":
        if not c.values:
            raise CorrectionError(f"{at}没有给出数值 / no value given")
        for k, v in c.values.items():
            if not isinstance(k, str) or not k:
                raise CorrectionError(f"{at}键无效 / bad key {k!r}")
            if isinstance(v, bool) or not isinstance(v, int | float | str):
                raise CorrectionError(f"{at}{k} 的值无效 / bad value for {k}: {v!r}")
            if isinstance(v, float) and v != v:
                raise CorrectionError(f"{at}{k} 的值不是数 / {k} is not a number")


def from_json(d: dict, where: str = "") -> Correction:
    """A correction from its JSON form (a stored line or an imported record), checked."""
    try:
        values = d.get("values") or {}
        if isinstance(values, str):
            values = json.loads(values) if values.strip() else {}
        year = d.get("year")
        c = Correction(
            item_id=str(d["item_id"]), report_id=str(d["report_id"]), kind=str(d.get("kind", "")),
            action=str(d.get("action", "settle")), values=dict(values),
            reviewer=str(d.get("reviewer", "")), at=str(d.get("at", "")),
            note=str(d.get("note") or ""), source=str(d.get("source") or ""),
            body_name=str(d.get("body_name") or ""),
            year=int(year) if year not in (None, "") else None,
            correction_id=str(d.get("correction_id") or ""))
    except (KeyError, TypeError, ValueError) as exc:
        raise CorrectionError(f"{where}: 无法读取更正记录 / cannot read the correction "
                              f"({type(exc).__name__}: {exc})") from exc
    check(c, where)
    return c if c.correction_id else replace(c, correction_id=correction_id(c))


def store_path(home: Path) -> Path:
    """The corrections file of a Gongkai home."""
    return home / "corrections" / FILE_NAME


def read(path: Path) -> list[Correction]:
    """Every correction in the file, in the order written; a bad line names the file and line."""
    if not path.is_file():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError as exc:
            raise CorrectionError(f"{path}:{n}: 不是 JSON / not JSON ({exc})") from exc
        out.append(from_json(d, f"{path}:{n}"))
    return out


def append(path: Path, corrections: Sequence[Correction]) -> int:
    """Append ``corrections`` (one write, under an exclusive lock); return how many."""
    if not corrections:
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(c.to_json(), ensure_ascii=False, sort_keys=True) + "\n"
                   for c in corrections)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # closing drops the lock
    return len(corrections)


def effective(corrections: Iterable[Correction]) -> dict[str, Correction]:
    """item_id → the correction in force: the latest line for the item, unless it withdraws.

    Lines are ordered by their time, then by file order (an imported older line does not
    override a newer local decision).
    """
    ordered = sorted(enumerate(corrections), key=lambda p: (p[1].at, p[0]))
    state: dict[str, Correction] = {}
    for _, c in ordered:
        if c.action == "withdraw":
            state.pop(c.item_id, None)
        else:
            state[c.item_id] = c
    return state


def to_csv(corrections: Iterable[Correction]) -> str:
    """CSV text (UTF-8; ``values`` as JSON) of ``corrections``."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    w.writeheader()
    for c in corrections:
        d = c.to_json()
        d["values"] = json.dumps(c.values, ensure_ascii=False, sort_keys=True)
        d["year"] = "" if c.year is None else c.year
        w.writerow({k: d[k] for k in CSV_FIELDS})
    return buf.getvalue()


def to_json_text(corrections: Iterable[Correction]) -> str:
    """A JSON array of ``corrections``."""
    return json.dumps([c.to_json() for c in corrections], ensure_ascii=False, indent=1,
                      sort_keys=True) + "\n"


def parse_shared(text: str, name: str) -> list[Correction]:
    """Corrections from an exported file: a JSON array, JSON lines or CSV (by content)."""
    body = text.lstrip("\ufeff").strip()
    if not body:
        return []
    if body.startswith("["):
        try:
            records = json.loads(body)
        except ValueError as exc:
            raise CorrectionError(f"{name}: 不是有效的 JSON / not valid JSON ({exc})") from exc
        return [from_json(d, f"{name}[{i}]") for i, d in enumerate(records)]
    if body.startswith("{"):
        out = []
        for n, line in enumerate(body.splitlines(), 1):
            if line.strip():
                try:
                    out.append(from_json(json.loads(line), f"{name}:{n}"))
                except ValueError as exc:
                    if isinstance(exc, CorrectionError):
                        raise
                    raise CorrectionError(f"{name}:{n}: 不是 JSON / not JSON") from exc
        return out
    rows = csv.DictReader(io.StringIO(body))
    missing = {"item_id", "report_id", "values"} - set(rows.fieldnames or ())
    if missing:
        raise CorrectionError(f"{name}: 缺少列 / missing columns {sorted(missing)}")
    return [from_json(dict(r), f"{name}:{n}") for n, r in enumerate(rows, 2)]


def new_for(store: Iterable[Correction], incoming: Iterable[Correction]) -> list[Correction]:
    """The incoming corrections the store does not hold yet (by ``correction_id``), once each."""
    have = {c.correction_id for c in store}
    out = []
    for c in incoming:
        if c.correction_id not in have:
            have.add(c.correction_id)
            out.append(c)
    return out

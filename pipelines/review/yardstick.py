"""Corrections as a yardstick: the current engine against every settled figure.

A province's reviewed reports become its gold set: for each settled correction of a figure, the
document is read again by the engine in force (from the extraction cache when this engine
version read it before) and each reviewed value is compared with what the engine reads now —
``agrees`` (a later engine solved the item by itself), ``differs`` or ``withheld`` (still not
read). A correction whose document is no longer in the inbox is counted ``document_changed``.
Pure apart from :func:`score_store`, which reads the store and the inbox.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.review.items import VALUE_KINDS
from pipelines.review.store import Correction

OUTCOMES = ("agrees", "differs", "withheld", "document_changed")


@dataclass
class Score:
    """Per settled value, what the engine reads now; and the counts."""

    rows: list[dict] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Settled values by outcome (every outcome present, 0 when none)."""
        got = Counter(r["outcome"] for r in self.rows)
        return {o: got.get(o, 0) for o in OUTCOMES}

    @property
    def items(self) -> dict[str, int]:
        """Settled items by outcome: an item agrees only when all its values do."""
        by: dict[str, set[str]] = {}
        for r in self.rows:
            by.setdefault(r["item_id"], set()).add(r["outcome"])
        out = Counter()
        for outcomes in by.values():
            worst = next(o for o in ("document_changed", "differs", "withheld", "agrees")
                         if o in outcomes)
            out[worst] += 1
        return {o: out.get(o, 0) for o in OUTCOMES}


def score(corrections: Mapping[str, Correction],
          engine: Mapping[str, Mapping[str, float] | None]) -> Score:
    """Compare settled figures with ``engine`` (document sha256 → its values; None: gone)."""
    out = Score()
    for c in sorted(corrections.values(), key=lambda c: c.at):
        if c.action != "settle" or c.kind not in VALUE_KINDS:
            continue
        values = engine.get(c.report_id)
        for k, v in sorted(c.values.items()):
            if not isinstance(v, int | float):
                continue
            if values is None:
                outcome, now = "document_changed", None
            else:
                now = values.get(k)
                outcome = ("withheld" if now is None
                           else "agrees" if float(now) == float(v) else "differs")
            out.rows.append({"item_id": c.item_id, "report_id": c.report_id, "key": k,
                             "reviewed": v, "engine": now, "outcome": outcome,
                             "source": c.source})
    return out


def score_store(home: Path, workers: int = 1) -> Score:
    """Score the engine in force against the corrections of the home ``home``."""
    from pipelines.batch import extract_entries
    from pipelines.inbox import Inbox
    from pipelines.paths import Paths
    from pipelines.review import store

    paths = Paths(home)
    state = store.effective(store.read(store.store_path(home)))
    inbox = Inbox(paths.inbox)
    wanted = {c.report_id for c in state.values()}
    entries = [e for e in inbox.entries() if e.sha256 in wanted]
    read = extract_entries(entries, inbox, paths.extract_cache, workers)
    engine: dict[str, Mapping[str, float] | None] = {ex.sha256: ex.values for ex in read}
    return score(state, engine)


def format_score(s: Score, lang: str) -> str:
    """The counts, in words."""
    c, i = s.counts, s.items
    if lang == "en":
        return (f"settled values: {sum(c.values())} — engine agrees {c['agrees']}, differs "
                f"{c['differs']}, still withheld {c['withheld']}, document changed "
                f"{c['document_changed']}\nsettled items: {sum(i.values())} — agrees "
                f"{i['agrees']}, differs {i['differs']}, still withheld {i['withheld']}, "
                f"document changed {i['document_changed']}")
    return (f"已复核数值 {sum(c.values())} 个：引擎一致 {c['agrees']}，不同 {c['differs']}，"
            f"仍未读出 {c['withheld']}，文件已变更 {c['document_changed']}\n"
            f"已复核事项 {sum(i.values())} 项：一致 {i['agrees']}，不同 {i['differs']}，"
            f"仍未读出 {i['withheld']}，文件已变更 {i['document_changed']}")

"""What a build run did, told exactly, and which documents it quarantined.

Three outcomes: not published (and why), published, or published with a stale export.

The published warehouse changes at one point of the run (``out_warehouse``, an atomic rename).
A failure before it leaves the old warehouse in place; a failure after it (the export) leaves
the new warehouse published and the open-data package of the previous build — the CLI must
say which, because "unchanged" after a publish is false and sends the reader to the wrong fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from pipelines.messages import t

PUBLISH_ASSET = "out_warehouse"
EXPORT_ASSET = "out_open_data"
# Lines printed for quarantined files before "… and N more".
QUARANTINE_LINES = 50
REASON_CHARS = 200


class Published(Enum):
    """Where the published warehouse and the export stand after a run."""

    NOT_PUBLISHED = "not_published"
    PUBLISHED = "published"
    EXPORT_FAILED = "export_failed"


@dataclass
class Outcome:
    """The facts of one run, read from its Dagster events."""

    state: Published
    run_id: str
    failed_checks: list[str] = field(default_factory=list)
    failed_steps: dict[str, str] = field(default_factory=dict)
    run_error: str | None = None

    def reason(self) -> str:
        """Why the run did not publish or export: failed checks, else failed steps."""
        if self.failed_checks:
            return ", ".join(self.failed_checks)
        if self.failed_steps:
            return "; ".join(f"{step}: {msg}" for step, msg in self.failed_steps.items())
        return self.run_error or "?"


def outcome_of(result) -> Outcome:
    """Read a Dagster ``ExecuteInProcessResult`` into an :class:`Outcome`."""
    import dagster as dg

    materialized = {
        e.asset_key.to_user_string()
        for e in result.all_events
        if e.event_type_value == "ASSET_MATERIALIZATION" and e.asset_key is not None
    }
    failed_checks = [
        e.asset_check_evaluation_data.check_name
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION"
        and not e.asset_check_evaluation_data.passed
        and e.asset_check_evaluation_data.severity == dg.AssetCheckSeverity.ERROR
    ]
    failed_steps = {
        e.step_key: str(e.event_specific_data.error.message).strip()
        for e in result.all_events
        if e.is_step_failure
    }
    run_error = next(
        (str(e.message).strip() for e in result.all_events if e.is_run_failure and e.message),
        None,
    )
    if PUBLISH_ASSET not in materialized:
        state = Published.NOT_PUBLISHED
    elif EXPORT_ASSET not in materialized:
        state = Published.EXPORT_FAILED
    else:
        state = Published.PUBLISHED
    return Outcome(state, result.run_id, failed_checks, failed_steps, run_error)


def quarantine_lines(db: Path, lang: str, limit: int = QUARANTINE_LINES) -> list[str]:
    """One line per quarantined file (reports and ledgers) of the warehouse file ``db``.

    A ledger whose rows were quarantined is one line (rows counted, first reason shown), not one
    per row. Past ``limit`` lines, one more line says how many are left and where to see them.
    """
    import duckdb

    if not db.exists():
        return []
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute(
            """
            SELECT split_part(item, '#', 1) AS file,
                   greatest(count(*) FILTER (WHERE item LIKE '%#第%'), 1) AS n,
                   bool_or(item LIKE '%#第%') AS by_row, min(reason) AS reason
            FROM core_quarantine
            GROUP BY file ORDER BY file
            """
        ).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    lines = [t("build.quarantined_head", lang, n=len(rows))] if rows else []
    for file, n, by_row, reason in rows[:limit]:
        reason = " ".join(str(reason or "?").split())
        if len(reason) > REASON_CHARS:
            reason = reason[: REASON_CHARS - 1] + "…"
        key = "build.quarantined_rows" if by_row else "build.quarantined_file"
        lines.append(t(key, lang, file=file, n=n, reason=reason))
    if len(rows) > limit:
        lines.append(t("build.quarantined_more", lang, n=len(rows) - limit))
    return lines

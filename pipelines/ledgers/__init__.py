"""Application ledgers (依申请公开台账): read, normalise, protect, time, aggregate, reconcile.

Pure code over polars frames; the Dagster assets, the CLI and the warehouse build only wire it.
The entry point is :func:`pipelines.ledgers.process.process_ledger` (one file → applications and
quarantined rows); :mod:`~pipelines.ledgers.aggregate` and :mod:`~pipelines.ledgers.reconcile`
turn many files' applications into table 三 and compare it with the published reports.
"""

from pipelines.ledgers.process import LedgerResult, process_ledger, process_ledgers

__all__ = ["LedgerResult", "process_ledger", "process_ledgers"]

"""Review and corrections: what the machine could not read, a person settles once, on the record.

Three pure parts and their edges:

- :mod:`pipelines.review.items` — the review queue. Every withheld or uncertain reading (an
  ambiguous digit-run split with its candidate readings, a lost cell, an unplaced prose figure,
  an ambiguous body, an unmapped ledger column) and every publisher error a reviewer may
  correct becomes a :class:`~pipelines.review.items.ReviewItem`. Its identity is a digest of the
  document's sha256, the kind and what it is about (canonical keys, the prose sentence and
  figure, the ledger column's header) — never a row number or a segment name — so the same item
  gets the same id after a rebuild from scratch and after an engine upgrade that still withholds
  it.
- :mod:`pipelines.review.store` — corrections as data: an append-only JSON-lines file under
  ``$GONGKAI_HOME/corrections/`` (who, when, why, the item, the document sha256, the values),
  exported and re-imported as CSV or JSON so a province can share and review them in git.
- :mod:`pipelines.review.apply` — what the next build does with them: the as-published values
  stay untouched in ``core_value``; a settled value goes to ``core_value_reviewed``
  (``method = reviewed``) and the marts prefer it; a correction whose document is no longer in
  the inbox with that sha256 is flagged ``document_changed`` and not applied; one the engine now
  reads identically by itself is ``engine_agrees``.
"""

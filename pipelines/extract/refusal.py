"""A reader's refusal of a document, with the rule and the reason a person can act on.

Readers raise :class:`Refusal` for inputs they will not read — an empty file, binary content, an
encrypted PDF, a document over a limit (:mod:`pipelines.extract.limits`) — and the engine turns
it into one reading-blamed error finding with that rule and message, instead of the generic
``unreadable`` finding of a crash.
"""

from __future__ import annotations


class Refusal(ValueError):
    """A document a reader will not read: ``rule`` names why, ``message`` says it (中文/English)."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message

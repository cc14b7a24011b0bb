"""The report checker: a report's problems before it is published, and the annual scorecard.

Pure checks over an :class:`~pipelines.extract.model.Extraction` and the facts read from the
document's words (:mod:`.facts`): published on time (:mod:`.timeliness`), the six parts
(:mod:`.sections`), the template and its cells (:mod:`.template`), the 勾稽 rules and text vs
table (:mod:`.consistency`), continuity with last year (:mod:`.continuity`) and the
normative-document catalogue (:mod:`.catalogue`). :mod:`.run` runs them all; :mod:`.score` turns
problems into a score with the assessor's weights (``weights.toml``).
"""

from pipelines.checker.model import CHECKS, Problem
from pipelines.checker.run import CHECKER_VERSION, Previous, check_extraction, check_file

__all__ = ["CHECKER_VERSION", "CHECKS", "Previous", "Problem", "check_extraction", "check_file"]

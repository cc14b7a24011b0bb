"""Who published a report: admin divisions (GB/T 2260) and body resolution.

``divisions()`` is the region dimension; ``resolve_body`` maps an issuer name to a
:class:`~pipelines.extract.model.Body`, ``resolve_body_detailed`` adds the status and the
candidates of an ambiguous name.
"""

from pipelines.bodies.divisions import division_names, divisions
from pipelines.bodies.resolve import Resolution, resolve_body, resolve_body_detailed

__all__ = ["Resolution", "division_names", "divisions", "resolve_body", "resolve_body_detailed"]

"""Who published a report: admin divisions (GB/T 2260) and body resolution."""

from pipelines.bodies.resolve import resolve_body

__all__ = ["resolve_body"]

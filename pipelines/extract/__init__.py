"""The extraction engine: from a published report file to canonical values (pure functions).

``extract_bytes(data, source)`` and ``extract_file(path)`` never raise; see ``engine.py`` for the
stages and ``docs/ARCHITECTURE.md`` for the contract of the returned :class:`Extraction`.
"""

from pipelines.extract.engine import ENGINE_VERSION, extract_bytes, extract_file
from pipelines.extract.model import Body, Extraction, Finding

__all__ = ["ENGINE_VERSION", "Body", "Extraction", "Finding", "extract_bytes", "extract_file"]

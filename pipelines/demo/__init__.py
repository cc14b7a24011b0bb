"""Seeded demo-province generator (演示数据): reports, expected values, manifest and ledgers.

``generate(out_dir, seed=20240201, scale=1.0) -> dict`` writes the layout of
docs/ARCHITECTURE.md ("Demo data layout"). Modules: :mod:`.province` (regions, bodies),
:mod:`.numbers` (consistent figures), :mod:`.faults` (fault and cell-kind shares, the 勾稽
checker), :mod:`.layout` (printed tables), :mod:`.prose` (words), ``render_*`` (containers),
:mod:`.ledgers` (application ledgers), :mod:`.generate` (orchestration).
"""

from .generate import generate

__all__ = ["generate"]

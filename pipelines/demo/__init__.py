"""Seeded demo generator (演示数据): reports, expected values, manifest and ledgers.

``generate(out_dir, seed=20240201, scale=1.0) -> dict`` writes the demo province,
``generate(out_dir, national=True)`` or ``provinces=["32", "广东"]`` real provinces, in the
layout of docs/ARCHITECTURE.md ("Demo data layout"). Modules: :mod:`.province` (the demo
province), :mod:`.country` (real provinces from the division data), :mod:`.national` (the
process pool over provinces), :mod:`.json_text` (expected/*.json text),
:mod:`.numbers` (consistent figures), :mod:`.faults` (fault and cell-kind shares, the 勾稽
checker), :mod:`.layout` (printed tables), :mod:`.prose` (words), ``render_*`` (containers),
:mod:`.ledgers` (application ledgers), :mod:`.generate` (orchestration).
"""

from .generate import generate

__all__ = ["generate"]

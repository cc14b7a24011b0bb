"""From problems to a score, with the weights an assessor keeps in ``weights.toml``.

Each check deducts the weight of each of its problems' severity, at most its cap; the score is
the base minus the deductions, never below the floor. Weights are read from
``$GONGKAI_SCORECARD_WEIGHTS`` when set, else from the ``weights.toml`` beside this module.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_WEIGHTS = Path(__file__).with_name("weights.toml")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Weights:
    """Base, floor and per-check weights (``{check: {"error": 5, …, "cap": 30}}``)."""

    base: float = 100.0
    floor: float = 0.0
    checks: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = ""

    def weight(self, check: str, severity: str) -> float:
        """Points one problem of ``check`` with ``severity`` deducts."""
        return float(self.checks.get(check, {}).get(severity, 0))

    def cap(self, check: str) -> float:
        """The most a check can deduct."""
        return float(self.checks.get(check, {}).get("cap", self.base))


def weights_path() -> Path:
    """``$GONGKAI_SCORECARD_WEIGHTS`` or the bundled ``weights.toml``."""
    env = os.environ.get("GONGKAI_SCORECARD_WEIGHTS")
    return Path(env) if env else DEFAULT_WEIGHTS


def load_weights(path: str | Path | None = None) -> Weights:
    """Read the weights file; raises ``ValueError`` naming the file when it is malformed."""
    p = Path(path) if path else weights_path()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
        score = data.get("score", {})
        checks = {
            name: {k: float(v) for k, v in spec.items() if k in (*SEVERITIES, "cap")}
            for name, spec in data.get("checks", {}).items()
        }
        return Weights(float(score.get("base", 100)), float(score.get("floor", 0)), checks,
                       str(p))
    except (OSError, tomllib.TOMLDecodeError, TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{p}: 评分权重文件无效 / invalid weights file: {exc}") from exc


def deductions(problems: Iterable[tuple[str, str]], weights: Weights) -> dict[str, float]:
    """Points deducted per check for ``(check, severity)`` pairs, each capped."""
    raw: dict[str, float] = {}
    for check, severity in problems:
        raw[check] = raw.get(check, 0.0) + weights.weight(check, severity)
    return {c: min(v, weights.cap(c)) for c, v in raw.items()}


def score(problems: Iterable[tuple[str, str]], weights: Weights) -> float:
    """The report's score: base minus capped deductions, not below the floor."""
    return max(weights.floor, weights.base - sum(deductions(problems, weights).values()))

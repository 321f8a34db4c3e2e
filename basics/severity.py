"""How much a change matters: the one ordered list of severities that analysis, alerts and views share."""

from __future__ import annotations

from typing import Literal

Severity = Literal["none", "low", "medium", "high"]
SEVERITIES: tuple[Severity, ...] = ("none", "low", "medium", "high")


def severity_rank(severity: str) -> int:
    """Position of a severity in none < low < medium < high (unknown values rank lowest)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0  # type: ignore[arg-type]

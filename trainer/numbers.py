"""How a score or figure is written wherever a person reads it: `85`, `12.5`, or a dash."""

from __future__ import annotations


def figure(value: float | None, missing: str = "-") -> str:
    """`value` without trailing zeros (85.0 -> 85), or `missing` when there is none."""
    return missing if value is None else f"{value:g}"

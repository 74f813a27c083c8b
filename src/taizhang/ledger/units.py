"""Units of outcomes, normalised exactly as the extractor normalises pledges' units.

The unit table is the extractor's (``taizhang.extract.rules``: ``units.yaml``), so a pledge of
1500亿元 and an outcome of 1.52万亿元 meet in CNY without a second table to keep in step.
"""

from __future__ import annotations

from taizhang.extract import rules


def normalise(value: float, unit: str) -> tuple[float, str] | None:
    """``(norm_value, norm_unit)`` for ``value`` written in ``unit`` (亿元, 万人, %), or None if unknown."""
    unit = unit.strip()
    units, multipliers = rules.units(), rules.multipliers()
    if unit in units:
        return value * units[unit].factor, units[unit].norm
    for multiplier in sorted(multipliers, key=len, reverse=True):
        base = unit[len(multiplier) :]
        if unit.startswith(multiplier) and base in units:
            return value * multipliers[multiplier] * units[base].factor, units[base].norm
    return None

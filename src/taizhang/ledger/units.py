"""Units of outcomes, normalised exactly as the extractor normalises pledges' units.

The unit table is the extractor's (``taizhang.extract.rules``: ``units.yaml``), so a pledge of
1500亿元 and an outcome of 1.52万亿元 meet in CNY without a second table to keep in step.
"""

from __future__ import annotations

from functools import lru_cache

from taizhang.extract import rules
from taizhang.extract.numbers import scale


def normalise(value: float, unit: str) -> tuple[float, str] | None:
    """``(norm_value, norm_unit)`` for ``value`` written in ``unit`` (亿元, 万人, %), or None if unknown."""
    found = _unit(unit.strip())
    if found is None:
        return None
    # scale() rounds as the extractor does, so 1.1亿元 is 110000000.0 on both sides, not …00000001.
    factor, norm = found
    return scale(value, factor), norm


@lru_cache(maxsize=4096)  # a table of outcomes repeats a few units a million times
def _unit(unit: str) -> tuple[float, str] | None:
    """The factor that takes a value in ``unit`` to its base unit (a multiplier such as 万 folded in),
    and the base unit; None if unknown."""
    units, multipliers = rules.units(), rules.multipliers()
    if unit in units:
        return units[unit].factor, units[unit].norm
    for multiplier in sorted(multipliers, key=len, reverse=True):
        base = unit[len(multiplier) :]
        if unit.startswith(multiplier) and base in units:
            return scale(units[base].factor, multipliers[multiplier]), units[base].norm
    return None

"""Statuses of an entry as of a date: the written rules, as a pure function.

The rules, in order:

1. An entry is **due** once ``as_of`` is after 31 December of its deadline year. An entry with no
   deadline is never due. A deadline outside ``YEARS`` (a misread 99999) cannot be judged: **无法核实**.
2. The outcomes it is judged on are those for its deadline year (the latest recorded wins); with
   no deadline, the latest year's. An outcome is **comparable** when its normalised unit is the
   entry's (a growth target in % is not judged on an amount in CNY).
3. With a comparable outcome, the comparator decides whether it is **met**:
   ``>`` strictly above; ``>=`` at or above; ``=`` (a bare number, 新增就业7万人) reached, like
   ``>=``; ``~`` (左右) within ``tolerance`` × |target| either side; ``<=``/``<`` (caps, 以内,
   不超过) at or below / strictly below; ``range`` inside both ends. A negative target is a
   decrease (下降13.5%): ``>``, ``>=``, ``=`` then mean a decrease at least that large and
   ``<=``, ``<`` a decrease at most that large, i.e. the comparison is made on sign × value.
4. Met → **已完成** (even before the deadline). Due and not met → **部分完成** when it is missed by
   at most ``margin`` × |target| (|nearer end| for ranges; 1 when the target is 0), else
   **未完成**. Not due and not met → **未到期**, with the outcome so far in the reason.
5. Without a comparable outcome: not due → **未到期**; due with no outcome at all for the year →
   **待核实**; due with outcomes for the year but none comparable → **无法核实**.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

NOT_DUE = "未到期"
TO_VERIFY = "待核实"
MET = "已完成"
PARTLY_MET = "部分完成"
MISSED = "未完成"
UNVERIFIABLE = "无法核实"
STATUSES = {
    NOT_DUE: "not due", TO_VERIFY: "due, no outcome yet", MET: "met", PARTLY_MET: "missed by less than the margin",
    MISSED: "missed", UNVERIFIABLE: "no comparable outcome",
}  # fmt: skip

# The years a deadline or an outcome can be: a figure outside them is a misreading or a typo.
YEARS = range(1900, 2101)
DEFAULT_MARGIN = 0.1
DEFAULT_TOLERANCE = 0.1
# The miss of a strict comparator met with equality: not met, and as small as a miss can be.
_STRICT = 1e-12
# Decimal figures are not exact in binary (7.15 - 6.5 is a hair over 0.65): boundaries get this slack.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Target:
    """An entry's commitment in normalised units."""

    comparator: str
    value: float
    unit: str
    deadline: int | None
    value_high: float | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """A reported outcome in normalised units."""

    id: int
    year: int
    value: float
    unit: str


@dataclass(frozen=True, slots=True)
class Rules:
    margin: float = DEFAULT_MARGIN  # how far below target still counts as 部分完成, relative
    tolerance: float = DEFAULT_TOLERANCE  # the width of 左右 either side, relative


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    reason: str
    outcome: Result | None = None


def miss(target: Target, actual: float, tolerance: float) -> float:
    """How far ``actual`` falls short of ``target``, relative to the target's size; 0 when met.

    Returns a positive number for "reached exactly but the comparator is strict" too (``>``
    at the target): the smallest miss, so that it reads as 部分完成, never as 已完成.
    """
    value = target.value
    if target.comparator == "range":
        low, high = value, target.value_high if target.value_high is not None else value
        if actual < low:
            return (low - actual) / _scale(low)
        if actual > high:
            return (actual - high) / _scale(high)
        return 0.0
    sign = -1.0 if value < 0 else 1.0
    scale = _scale(value)
    if target.comparator == "~":
        beyond = (abs(actual - value) - tolerance * scale) / scale
        return beyond if beyond > _SLACK else 0.0
    gap = (sign * value - sign * actual) / scale  # > 0: below a floor
    if target.comparator in (">=", "="):
        return max(0.0, gap)
    if target.comparator == ">":
        return gap if gap > 0 else (_STRICT if gap == 0 else 0.0)
    if target.comparator == "<=":
        return max(0.0, -gap)
    if target.comparator == "<":
        return -gap if gap < 0 else (_STRICT if gap == 0 else 0.0)
    raise ValueError(f"unknown comparator {target.comparator!r}")



def _scale(value: float) -> float:
    return abs(value) or 1.0


def judge(target: Target, outcomes: list[Result], as_of: date, rules: Rules = Rules()) -> Verdict:
    """The status of ``target`` on ``as_of`` given every outcome reported for its actor and metric."""
    if target.deadline is not None and target.deadline not in YEARS:
        return Verdict(UNVERIFIABLE, f"期限 {target.deadline} 不是可能的年份 deadline is not a plausible year ({YEARS.start}–{YEARS.stop - 1})")
    due = target.deadline is not None and as_of > date(target.deadline, 12, 31)
    if target.deadline is not None:
        relevant = [o for o in outcomes if o.year == target.deadline]
    else:
        latest = max((o.year for o in outcomes), default=None)
        relevant = [o for o in outcomes if o.year == latest]
    comparable = [o for o in relevant if o.unit == target.unit]
    if not comparable:
        if not due:
            return Verdict(NOT_DUE, _not_due_reason(target))
        if relevant:
            units = ", ".join(sorted({o.unit for o in relevant}))
            return Verdict(UNVERIFIABLE, f"{target.deadline}年结果单位 {units} 与目标单位 {target.unit} 不可比 outcome not comparable")
        return Verdict(TO_VERIFY, f"{target.deadline}年底已到期，尚无结果 due, no outcome for {target.deadline} yet")
    outcome = comparable[-1]
    shortfall = miss(target, outcome.value, rules.tolerance)
    said = f"结果 outcome {_number(outcome.value)} {outcome.unit} ({outcome.year}) vs 目标 target {_target(target)}"
    if shortfall == 0:
        return Verdict(MET, f"{said}: 达到 met", outcome)
    if not due:
        return Verdict(NOT_DUE, f"{said}: 尚未达到，未到期 not met so far, not due", outcome)
    if shortfall <= rules.margin + _SLACK:
        return Verdict(PARTLY_MET, f"{said}: 差 {shortfall:.1%}，在 {rules.margin:.0%} 以内 missed by {shortfall:.1%}", outcome)
    return Verdict(MISSED, f"{said}: 差 {shortfall:.1%}，超过 {rules.margin:.0%} missed by {shortfall:.1%}", outcome)


def _not_due_reason(target: Target) -> str:
    if target.deadline is None:
        return "无期限，尚无可比结果 no deadline, no comparable outcome"
    return f"{target.deadline}年底到期 due at the end of {target.deadline}"


def _number(value: float) -> str:
    return f"{value:,.6g}"


def _target(target: Target) -> str:
    if target.comparator == "range":
        return f"{_number(target.value)}–{_number(target.value_high or target.value)} {target.unit}"
    return f"{target.comparator} {_number(target.value)} {target.unit}"

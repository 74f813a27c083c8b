"""Statuses of an entry as of a date: the written rules of ``shared/spec/outcomes.md``, as a pure function.

The rules, in order:

1. An entry is **due** once ``as_of`` is after 31 December of its deadline year. An entry with no
   deadline is never due. A deadline outside ``YEARS`` (a misread 99999) cannot be judged: **无法核实**.
2. The outcome it is judged on is chosen by matching (``matching``): the same place, indicator,
   comparable kind and unit, for the deadline year. Several outcomes of equal standing that state
   different figures are a conflict: each is judged, and when their verdicts differ the entry is
   **无法核实** (no silent pick).
3. The comparator decides whether the outcome **meets** the target:

   - ``>`` strictly above, ``>=`` at or above; ``<=``/``<`` (caps: 以内, 不超过) at or below /
     strictly below. A negative target is a decrease (下降13.5%): ``>``, ``>=`` then ask for a
     decrease at least that large and ``<=``, ``<`` cap the decrease (the comparison is made on
     sign × value).
   - ``~`` (左右) and ``=`` (a bare number) by the metric's **direction** (``data/directions.yaml``):
     for a quantity that should be high (output, income, jobs) the outcome is at least the target
     less the **tolerance**; for one that should be low (prices, unemployment, energy use,
     emissions, deficits) at most the target plus the tolerance. A metric the list does not name
     goes the way its target does: a decrease (下降) should be low, anything else high.
   - ``range`` inside both ends, widened by the tolerance.
4. Met → **已完成** (even before the deadline). Due and not met → **部分完成** when the outcome is
   within the **margin** of the target on the wrong side, else **未完成**. Not due and not met →
   **未到期**, with the outcome so far in the reason.
5. Without an outcome: not due → **未到期**; due, with outcomes for the year that are not
   comparable (another unit or kind) → **无法核实**; due with none → **待核实**.

Tolerance and margin are settings (:class:`Rules`). For targets in ``%`` or percentage points they
are absolute, in percentage points (defaults: tolerance 0.2, margin 0.5); for every other unit
they are shares of the target's size (defaults: tolerance 2 %, margin 10 %; a target of 0 is
measured in its own unit).
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
    MISSED: "missed", UNVERIFIABLE: "no comparable outcome, or outcomes that disagree",
}  # fmt: skip

# The years a deadline or an outcome can be: a figure outside them is a misreading or a typo.
YEARS = range(1900, 2101)
# Judging defaults, agreed with the gold annotator: percentage points for % and pp targets,
# shares of the target's size for every other unit.
DEFAULT_TOLERANCE_PP = 0.2
DEFAULT_MARGIN_PP = 0.5
DEFAULT_TOLERANCE = 0.02
DEFAULT_MARGIN = 0.10
POINT_UNITS = ("%", "pp")
UP, DOWN = "up", "down"
# Decimal figures are not exact in binary (7.15 - 6.5 is a hair over 0.65): boundaries get this slack.
_SLACK = 1e-9


@dataclass(frozen=True, slots=True)
class Target:
    """An entry's commitment in normalised units; ``written`` is how the text put it (增长5.5%左右)."""

    comparator: str
    value: float
    unit: str
    deadline: int | None
    value_high: float | None = None
    direction: str | None = None  # up | down | None: the metric's, from data/directions.yaml
    written: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """An outcome in normalised units; ``written`` and ``source`` say what it was and where (增长5.4%,
    2026年政府工作报告)."""

    id: int | str  # t12: read from a text, p3 or 3: a person's
    year: int
    value: float
    unit: str
    written: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Rules:
    """How close is close enough: shares of the target's size, and percentage points for % targets."""

    margin: float = DEFAULT_MARGIN  # how far past the target still counts as 部分完成, share of the target
    tolerance: float = DEFAULT_TOLERANCE  # what ~ and = forgive, share of the target
    margin_pp: float = DEFAULT_MARGIN_PP  # the same for targets in % and pp, in percentage points
    tolerance_pp: float = DEFAULT_TOLERANCE_PP

    def of(self, unit: str) -> tuple[float, float]:
        """(tolerance, margin) for a target in ``unit``."""
        return (self.tolerance_pp, self.margin_pp) if unit in POINT_UNITS else (self.tolerance, self.margin)


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str
    reason: str
    outcome: Result | None = None


def shortfall(target: Target, actual: float) -> float:
    """How far ``actual`` lies on the wrong side of the target, in the target's own terms:
    percentage points for % and pp targets, a share of the target's size otherwise (0 target:
    its unit). Zero or below: at the target or on its right side."""
    value = target.value
    comparator = target.comparator
    if comparator == "range":
        low, high = value, target.value_high if target.value_high is not None else value
        gap, ref = (low - actual, low) if actual < low else (actual - high, high) if actual > high else (0.0, low)
        return _scaled(target, gap, ref)
    sign = -1.0 if value < 0 else 1.0
    if comparator in (">", ">="):
        gap = sign * (value - actual)
    elif comparator in ("<", "<="):
        gap = sign * (actual - value)
    elif comparator in ("~", "="):
        gap = value - actual if direction(target) == UP else actual - value
    else:
        raise ValueError(f"unknown comparator {comparator!r}")
    return _scaled(target, gap, value)


def direction(target: Target) -> str:
    """The way the target's metric should move: the reviewed list's, else the target's own (a
    decrease should be low)."""
    if target.direction in (UP, DOWN):
        return target.direction
    return DOWN if target.value < 0 else UP


def _scaled(target: Target, gap: float, ref: float) -> float:
    if target.unit in POINT_UNITS:
        return gap
    return gap / (abs(ref) or 1.0)


def meets(target: Target, actual: float, rules: Rules = Rules()) -> bool:
    tolerance, _ = rules.of(target.unit)
    short = shortfall(target, actual)
    if target.comparator in (">", "<"):
        return short < -_SLACK  # reaching a strict bound exactly is the smallest of misses
    if target.comparator in (">=", "<="):
        return short <= _SLACK
    return short <= tolerance + _SLACK  # ~, =, range


def judge_one(target: Target, outcome: Result, due: bool, rules: Rules = Rules()) -> Verdict:
    """The status ``outcome`` gives ``target``, with the reason in words."""
    tolerance, margin = rules.of(target.unit)
    short = shortfall(target, outcome.value)
    said = f"目标 {_target_words(target)}，实际 {_result_words(outcome)}"
    gap = _gap_words(target, outcome.value, short)
    if meets(target, outcome.value, rules):
        within = "在容差内" if short > _SLACK else "达到"
        return Verdict(MET, f"{said}，{gap}，{within} → {MET} met", outcome)
    if not due:
        return Verdict(NOT_DUE, f"{said}，{gap}，尚未达到，未到期 → {NOT_DUE} not met so far, not due", outcome)
    if short <= margin + _SLACK:
        return Verdict(PARTLY_MET, f"{said}，{gap}，超出容差、在允许差距内 → {PARTLY_MET} partly met", outcome)
    return Verdict(MISSED, f"{said}，{gap}，超出允许差距 → {MISSED} missed", outcome)


def judge(
    target: Target, outcomes: list[Result], as_of: date, rules: Rules = Rules(), *, incomparable: list[str] = ()
) -> Verdict:
    """The status of ``target`` on ``as_of``.

    ``outcomes``: what matching chose it to be judged on, best first: one outcome, or several of
    equal standing whose figures differ (a conflict). ``incomparable``: the units of outcomes for
    its year that could not be compared with it (for the reason).
    """
    if target.deadline is not None and target.deadline not in YEARS:
        return Verdict(UNVERIFIABLE, f"期限 {target.deadline} 不是可能的年份 deadline is not a plausible year ({YEARS.start}–{YEARS.stop - 1})")
    due = target.deadline is not None and as_of > date(target.deadline, 12, 31)
    if not outcomes:
        if not due:
            return Verdict(NOT_DUE, _not_due_reason(target))
        if incomparable:
            units = ", ".join(sorted(set(incomparable)))
            return Verdict(UNVERIFIABLE, f"{target.deadline}年结果 {units} 与目标 {_target_words(target)} 不可比 outcome not comparable")
        return Verdict(TO_VERIFY, f"{target.deadline}年底已到期，尚无结果 due, no outcome for {target.deadline} yet")
    verdicts = [judge_one(target, outcome, due, rules) for outcome in outcomes]
    if len({v.status for v in verdicts}) == 1:
        if len(verdicts) == 1:
            return verdicts[0]
        figures = " / ".join(_result_words(v.outcome) for v in verdicts if v.outcome)
        return Verdict(verdicts[0].status, f"{verdicts[0].reason}（各来源数值不同，结论相同 figures differ, same verdict: {figures}）", verdicts[0].outcome)
    stated = "；".join(f"{_result_words(v.outcome)} → {v.status}" for v in verdicts if v.outcome)
    return Verdict(UNVERIFIABLE, f"结果冲突 outcomes disagree: 目标 {_target_words(target)}；{stated}", verdicts[0].outcome)


def _not_due_reason(target: Target) -> str:
    if target.deadline is None:
        return "无期限，尚无可比结果 no deadline, no comparable outcome"
    return f"{target.deadline}年底到期 due at the end of {target.deadline}"


def _number(value: float) -> str:
    return f"{value:,.6g}"


def _target_words(target: Target) -> str:
    if target.written:
        return target.written
    if target.comparator == "range":
        return f"{_number(target.value)}–{_number(target.value_high or target.value)} {target.unit}"
    return f"{target.comparator} {_number(target.value)} {target.unit}"


def _result_words(outcome: Result) -> str:
    written = outcome.written or f"{_number(outcome.value)} {outcome.unit}"
    where = f"{outcome.year}年" + (f"，{outcome.source}" if outcome.source else "")
    return f"{written}（{where}）"


def _gap_words(target: Target, actual: float, short: float) -> str:
    """差0.1个百分点 / 高出目标0.3个百分点 / 差1.7% / 持平: how far the outcome is from the target
    value (the nearer end of a range), and on which side."""
    ref = target.value
    if target.comparator == "range" and target.value_high is not None:
        ref = min((target.value, target.value_high), key=lambda end: abs(end - actual))
    difference = actual - ref
    if abs(difference) <= _SLACK * max(1.0, abs(ref)):
        return "与目标持平"
    if target.unit in POINT_UNITS:
        size = f"{abs(difference):.3g}个百分点"
    elif ref:
        size = f"{abs(difference) / abs(ref):.1%}"
    else:
        size = f"{_number(abs(difference))} {target.unit}"
    if short > _SLACK:
        return f"差{size}"
    return f"{'高出' if difference > 0 else '低于'}目标{size}"

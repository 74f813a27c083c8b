"""Status rules: every comparator at and around its boundary, and the due / no-outcome rules."""

from __future__ import annotations

from datetime import date

import pytest

from taizhang.ledger.status import (
    MET,
    MISSED,
    NOT_DUE,
    PARTLY_MET,
    TO_VERIFY,
    UNVERIFIABLE,
    Result,
    Rules,
    Target,
    judge,
)

AFTER = date(2027, 1, 1)  # the day after a 2026 deadline
RULES = Rules(margin=0.1, tolerance=0.1)

# comparator, target, high, actual → status once due (margin 10%, tolerance 10%)
CASES = [
    # > (突破): strictly above; reaching it exactly is a miss of (almost) nothing
    (">", 1500, None, 1500.01, MET),
    (">", 1500, None, 1500, PARTLY_MET),
    (">", 1500, None, 1350, PARTLY_MET),  # 10% short: the margin's edge
    (">", 1500, None, 1349, MISSED),
    # >= (达到, 以上)
    (">=", 48, None, 48, MET),
    (">=", 48, None, 47.9, PARTLY_MET),
    (">=", 48, None, 43.2, PARTLY_MET),
    (">=", 48, None, 43.1, MISSED),
    # = (a bare number): reached
    ("=", 7, None, 7, MET),
    ("=", 7, None, 7.5, MET),
    ("=", 7, None, 6.5, PARTLY_MET),
    ("=", 7, None, 6.2, MISSED),
    # ~ (左右): within tolerance either side, then the margin beyond it
    ("~", 5, None, 5.5, MET),
    ("~", 5, None, 4.5, MET),
    ("~", 5, None, 5.2, MET),
    ("~", 5, None, 5.95, PARTLY_MET),
    ("~", 5, None, 4.0, PARTLY_MET),
    ("~", 5, None, 3.9, MISSED),
    ("~", 5, None, 6.1, MISSED),
    # <= (以内, 不超过): caps
    ("<=", 3, None, 3, MET),
    ("<=", 3, None, 2.0, MET),
    ("<=", 3, None, 3.3, PARTLY_MET),
    ("<=", 3, None, 3.31, MISSED),
    # <
    ("<", 3, None, 2.99, MET),
    ("<", 3, None, 3, PARTLY_MET),
    ("<", 3, None, 3.5, MISSED),
    # range (6%－6.5%): inside both ends
    ("range", 6, 6.5, 6, MET),
    ("range", 6, 6.5, 6.5, MET),
    ("range", 6, 6.5, 5.4, PARTLY_MET),
    ("range", 6, 6.5, 5.3, MISSED),
    ("range", 6, 6.5, 7.15, PARTLY_MET),
    ("range", 6, 6.5, 7.2, MISSED),
    # negative values are decreases (下降13.5%): >=/=/> ask for at least that much decrease
    ("=", -13.5, None, -14, MET),
    ("=", -13.5, None, -13.5, MET),
    ("=", -13.5, None, -12.5, PARTLY_MET),
    ("=", -13.5, None, -12, MISSED),
    ("=", -13.5, None, 1, MISSED),  # an increase against a promised decrease
    (">=", -1000, None, -1100, MET),  # 减少1000万以上
    (">", -5, None, -5, PARTLY_MET),
    # <= with a decrease caps the decrease
    ("<=", -5, None, -4, MET),
    ("<=", -5, None, -5.4, PARTLY_MET),
    ("<=", -5, None, -6, MISSED),
    # a target of 0 (零增长) is measured in absolute units
    ("<=", 0, None, 0.05, PARTLY_MET),
    ("<=", 0, None, 0.2, MISSED),
]


@pytest.mark.parametrize(("comparator", "target", "high", "actual", "expected"), CASES)
def test_comparators_once_due(comparator: str, target: float, high: float | None, actual: float, expected: str) -> None:
    verdict = judge(Target(comparator, target, "%", 2026, high), [Result(1, 2026, actual, "%")], AFTER, RULES)
    assert verdict.status == expected, verdict.reason
    assert (verdict.outcome is not None) and verdict.outcome.id == 1


@pytest.mark.parametrize(
    ("as_of", "outcomes", "expected"),
    [
        (date(2026, 12, 31), [], NOT_DUE),  # the deadline's last day is not past it
        (date(2027, 1, 1), [], TO_VERIFY),
        (date(2027, 1, 1), [Result(1, 2025, 1600, "CNY")], TO_VERIFY),  # another year's outcome does not count
        (date(2027, 1, 1), [Result(1, 2026, 12.0, "%")], UNVERIFIABLE),  # a growth rate for an amount target
        (date(2026, 6, 30), [Result(1, 2026, 1600, "CNY")], MET),  # met early
        (date(2026, 6, 30), [Result(1, 2026, 1000, "CNY")], NOT_DUE),  # behind, but not due
        (date(2027, 1, 1), [Result(1, 2026, 1000, "CNY"), Result(2, 2026, 1600, "CNY")], MET),  # the latest recorded wins
    ],
)
def test_due_dates_and_outcomes(as_of: date, outcomes: list[Result], expected: str) -> None:
    verdict = judge(Target(">", 1500, "CNY", 2026), outcomes, as_of, RULES)
    assert verdict.status == expected, verdict.reason


def test_a_pledge_without_deadline_is_never_due() -> None:
    target = Target("=", 15, "%", None)
    assert judge(target, [], date(2099, 1, 1)).status == NOT_DUE
    assert judge(target, [Result(1, 2030, 12, "%")], date(2099, 1, 1)).status == NOT_DUE
    assert judge(target, [Result(1, 2030, 12, "%"), Result(2, 2031, 16, "%")], date(2099, 1, 1)).status == MET


def test_margin_and_tolerance_are_settings() -> None:
    target = Target("~", 5, "%", 2023)
    assert judge(target, [Result(1, 2023, 5.4, "%")], date(2024, 3, 1), Rules(tolerance=0.05)).status == PARTLY_MET
    assert judge(target, [Result(1, 2023, 5.4, "%")], date(2024, 3, 1), Rules(tolerance=0.05, margin=0.01)).status == MISSED


def test_reasons_name_the_figures() -> None:
    verdict = judge(Target(">", 1.5e11, "CNY", 2026), [Result(1, 2026, 1.3e11, "CNY")], AFTER, RULES)
    assert verdict.status == MISSED
    assert "1.3e+11 CNY (2026)" in verdict.reason and "> 1.5e+11 CNY" in verdict.reason and "13.3%" in verdict.reason


def test_outcome_units_normalise_exactly_as_pledges_do() -> None:
    from taizhang.extract import extract
    from taizhang.ledger.units import normalise

    pledge = extract("今年财政收入达到1.1亿元。", "x.txt", 2024).pledges[0]
    assert normalise(1.1, "亿元") == (pledge.norm_value, pledge.norm_unit) == (110000000.0, "CNY")
    assert normalise(4.06, "万亿元") == (4.06e12, "CNY")

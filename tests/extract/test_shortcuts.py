"""The extractor's shortcuts give what the longer way gives: each is a speed-up (#9), never a change."""

from __future__ import annotations

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.extract import metrics, outcomes, rules
from taizhang.extract.numbers import parse_arabic, scale
from taizhang.extract.quantities import Quantity

# No deadline: a shared machine under load must not fail a test of what, not how fast.
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ["增长", "长", "实际", "预期目标", "目标", "达到", "再", "同比"]


@QUICK
@given(st.lists(st.sampled_from([*WORDS, "值", "生产总值", "\n", " ", "长\n"]), max_size=8).map("".join))
def test_trailing_words_cut_as_the_regex_does(text: str) -> None:
    # $ matches before a final newline too: 实际\n is cut to \n by the regex, and so by cut.
    trailing = rules.TrailingWords.of(WORDS)
    assert trailing.cut(text) == re.sub(rf"(?:{rules.alternation(WORDS)})+$", "", text)


def test_trailing_words_of_the_rules() -> None:
    assert metrics.patterns().strip_tail.cut("地区生产总值增长") == "地区生产总值"
    assert metrics.patterns().strip_tail.cut("地区生产总值") == "地区生产总值"
    assert outcomes.patterns().metric_tail.cut("国内生产总值预期目标") == "国内生产总值"


@QUICK
@given(
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 1e4, 1e8, 1e12, 1e-4, 1e300]),
)
def test_finite_is_whether_the_normalised_value_is(value: float, factor: float) -> None:
    q = Quantity(value, None, "亿元", "CNY", factor, "money", "=", 0.9)
    assert q.finite == math.isfinite(scale(value, factor))


@QUICK
@given(st.text(alphabet="0123456789０１２３４５６７８９.．, ", min_size=1, max_size=12))
def test_parse_arabic_reads_plain_spans_as_cleaned_ones(span: str) -> None:
    cleaned = span.translate(str.maketrans("０１２３４５６７８９．，", "0123456789.,")).replace(",", "").replace(" ", "")
    try:
        expected: float | None = float(cleaned)
    except ValueError:
        expected = None
    assert parse_arabic(span) == expected

"""The extractor's shortcuts give what the longer way gives: each is a speed-up (#9), never a change."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from taizhang.extract import metrics, outcomes, quantities, reading, rules
from taizhang.extract.marks import clause_end
from taizhang.extract.numbers import parse_arabic, scale
from taizhang.extract.quantities import Quantity

# No deadline: a shared machine under load must not fail a test of what, not how fast.
QUICK = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ["增长", "长", "实际", "预期目标", "目标", "达到", "再", "同比"]


def joined_longest_first(words: list[str]) -> str:
    """The alternation as rules.alternation wrote it before it wrote a trie."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@QUICK
@given(
    st.lists(st.text(alphabet="增长实际目标个百分点.+", max_size=4), min_size=1, max_size=8),
    st.text(alphabet="增长实际目标个百分点.+年", max_size=16),
)
def test_alternation_matches_what_the_words_joined_longest_first_do(words: list[str], text: str) -> None:
    trie, joined = rules.alternation(words), joined_longest_first(words)
    for shape in ("(?:{})", "(?:{})+$", ".*(?:{})", "(?:{})年", "(?:{})(?:{})"):
        a, b = re.compile(shape.format(trie, trie)), re.compile(shape.format(joined, joined))
        assert [m.span() for m in a.finditer(text)] == [m.span() for m in b.finditer(text)]
        assert [bool(a.match(text, i)) and a.match(text, i).end() for i in range(len(text))] == [
            bool(b.match(text, i)) and b.match(text, i).end() for i in range(len(text))
        ]


def test_alternation_is_a_trie_longest_first() -> None:
    assert rules.alternation(["个", "个百分点", "百分点", "万", "万元"]) == "万(?:元)?|个(?:百分点)?|百分点"
    assert re.fullmatch(rules.alternation(["", "a"]), "") and re.match(rules.alternation(["a.b", "a"]), "a.b").end() == 3


@QUICK
@given(st.lists(st.sampled_from([*WORDS, "值", "生产总值", "\n", " ", "长\n"]), max_size=8).map("".join))
def test_trailing_words_cut_as_the_regex_does(text: str) -> None:
    # $ matches before a final newline too: 实际\n is cut to \n by the regex, and so by cut.
    trailing = rules.TrailingWords.of(WORDS)
    assert trailing.cut(text) == re.sub(rf"(?:{joined_longest_first(WORDS)})+$", "", text)


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


LED = ["今年", "明年", "十四五", "年内"]


@QUICK
@given(
    st.lists(st.sampled_from([*LED, "年", "十", "五", "规划", "。", "2025"]), max_size=10).map("".join),
    st.integers(0, 12),
    st.integers(0, 30),
)
def test_word_led_finds_what_its_regex_finds(text: str, lo: int, length: int) -> None:
    pattern = rf"(?P<relative>{rules.alternation(LED[:2] + LED[3:])})|(?P<period>十四五)[”\"]?(?:规划)?"
    led = rules.WordLed.of(pattern, LED)
    hi = min(len(text), lo + length)
    expected = [(m.span(), m.lastgroup) for m in re.compile(pattern).finditer(text, lo, hi)]
    assert [(m.span(), m.lastgroup) for m in led.finditer(text, lo, hi)] == expected


def test_word_led_regexes_of_the_rules() -> None:
    assert [m.lastgroup for m in quantities.patterns().change.finditer("年均增长6%，比重下降")] == ["growth", "share", "decline"]


def find_regex_by_regex(text: str) -> list[re.Match[str]]:
    """quantities.find the longer way: each quantity regex over the whole text, then the first of
    overlapping matches (by start, then by the regexes' order)."""
    p = quantities.patterns()
    found = [m for pattern in p.quantity for m in pattern.finditer(text)]
    found += [b for u in p.unitless.finditer(text) if (b := p.bare.match(text, u.end()))]
    kept: list[re.Match[str]] = []
    for m in sorted(found, key=re.Match.start):
        if not kept or m.start() >= kept[-1].end():
            kept.append(m)
    return kept


@QUICK
@given(st.lists(st.sampled_from([*"0123456789０. ,-至多余万亿元人个%，年百分之翻一两三十五千番倍增零", "系数提高到", "万元", "1 9 9 3"]), max_size=14).map("".join))
def test_find_scans_once_for_what_each_regex_finds(text: str) -> None:
    expected = find_regex_by_regex(text)
    found = quantities.find(text, [(0, len(text))])
    assert [(m.re.pattern, m.span(), m.groups()) for m in found] == [(m.re.pattern, m.span(), m.groups()) for m in expected]


@QUICK
@given(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1.0, 1e4, 1e8, 1e12, 1e-4, 0.1, 1e300]))
def test_scale_rounds_to_12_significant_digits(value: float, factor: float) -> None:
    product = value * factor
    assert scale(value, factor) == (float(f"{product:.12g}") if math.isfinite(product) else product)


def code_or_name_word_by_word(text: str, start: int, end: int, tail: int, sentence: tuple[int, int]) -> bool:
    """quantities.is_code_or_name as first written: the words and letters around a number one test each."""
    data = rules.load()["quantities"]
    before, after = tuple(data["qualifier_before"]), tuple(data["qualifier_after"])
    before_char = text[start - 1] if start else ""
    if text[max(0, start - 3) : start].endswith(before) or (before_char.isascii() and before_char.isalpha()):
        return True
    if text.startswith(after, tail) or text.startswith(after, end):
        return True
    if tail < len(text) and (text[tail] in "+＋" or (text[tail].isascii() and text[tail].isalpha())):
        return True
    return quantities.in_short_quote(text, start, end, sentence)


@QUICK
@given(st.lists(st.sampled_from([*"5第每号No+＋×/级版aZ\n “”年，", "PM", "区间", "以上规模"]), min_size=1, max_size=10).map("".join), st.data())
def test_code_or_name_in_one_regex_each_side(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    tail = data.draw(st.integers(end, len(text)))
    sentence = (0, len(text))
    assert quantities.is_code_or_name(text, start, end, tail, sentence) == code_or_name_word_by_word(text, start, end, tail, sentence)


@QUICK
@given(
    st.lists(st.sampled_from([*"0123456789年万，。", "2025年", "增长", "提高", "达到", "延长到", "/人", "多"]), max_size=10).map("".join),
    st.sampled_from(["", *sorted(quantities.patterns().duration_bounds)]),
    st.booleans(),
)
@example("增长2025年", "", False)  # a change of 2025 years is read: no date
def test_a_date_turned_down_before_reading_is_one_reading_turns_down(text: str, before_word: str, facts: bool) -> None:
    # reading.locate leaves out what is_date says is a year: quantities.read must give nothing for
    # it, whatever its clause and the word before it.
    for m in quantities.find(text, [(0, len(text))]):
        if quantities.is_date(text, m):
            assert quantities.read(text, m, "=", text[: m.start()], before_word, facts) is None


@pytest.mark.parametrize(
    ("text", "date"),
    [("2025年", True), ("到2025年，", True), ("达到2025年", True), ("1 9 9 3年", True), ("增长1000年", False),
     ("5年", False), ("2025万年", False), ("2025年/人", False), ("2025万", False), ("二〇二五年", False)],
)  # fmt: skip
def test_is_date(text: str, date: bool) -> None:
    assert any(quantities.is_date(text, m) for m in quantities.find(text, [(0, len(text))])) == date


def short_quote_char_by_char(text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """quantities.in_short_quote spelt out: an opening mark within reach before the number (or right
    before that reach), no closing one between, and a closing one after it within reach of the
    opening."""
    p = quantities.patterns()
    lo = max(sentence[0], start - p.quote_max)
    opens = [i + 1 for i in range(max(0, lo - 1), start) if text[i] in p.quote_open]
    if not opens or any(text[i] in p.quote_close for i in range(opens[-1], start)):
        return False
    return any(text[i] in p.quote_close for i in range(end, min(sentence[1], opens[-1] + p.quote_max + 1)))


@QUICK
@given(st.lists(st.sampled_from([*"5年“”‘’「」\"，", "增长", "7+10+7", "四个中心"]), min_size=1, max_size=12).map("".join), st.data())
def test_short_quote_turned_down_on_one_search_as_by_its_marks(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    sentence = (data.draw(st.integers(0, start)), len(text))
    assert quantities.in_short_quote(text, start, end, sentence) == short_quote_char_by_char(text, start, end, sentence)


TEXT_RUNS = ["，", "；", "。", "字", "字" * 40, "字" * 100]


@QUICK
@given(
    st.lists(st.sampled_from(TEXT_RUNS), max_size=6).map("".join),
    st.text(alphabet="以上左右多", max_size=4),  # bound words after a unit: no clause mark
    st.lists(st.sampled_from(TEXT_RUNS), max_size=6).map("".join),
    st.integers(0, 400),
)
@example("", "以上", "字" * 159 + "，" + "字" * 10, 400)  # no mark within reach of the number, one within the tail's
@example("", "以上", "字" * 20, 22)  # the last clause of its sentence
def test_clause_end_past_the_bound_words_is_the_one_searched_from_them(before: str, bound: str, after: str, reach: int) -> None:
    text = before + bound + after
    end, tail = len(before), len(before) + len(bound)
    sentence_end = min(len(text), tail + reach)
    clause_hi = clause_end(text, end, sentence_end)
    assert reading.clause_end_past(text, end, tail, clause_hi, sentence_end) == clause_end(text, tail, sentence_end)

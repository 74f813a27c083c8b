"""extract() never raises: hypothesis fuzzing of the parsers and the engine, plus regressions."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.extract import extract
from taizhang.extract.engine import run
from taizhang.extract.horizons import document_year, find_horizons
from taizhang.extract.numbers import parse_chinese, parse_quantity

NUMERAL_CHARS = "0123456789０１２３４５６７８９.．, 零〇一二两三四五六七八九十百千万亿成"
PLEDGE_CHARS = NUMERAL_CHARS + "年月日到至今明未来内前后以上下内左右约达突破超过增长下降分别、，,；;。！\n“”‘’（）()：:%％元亿家个人户吨亩公里米千瓦时比第号级"
# Mixed scripts the scrapers bring: CJK, Latin, full-width forms, zero-width and combining marks.
MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(PLEDGE_CHARS),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(codec="utf-8"),
    ),
    max_size=300,
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(alphabet=NUMERAL_CHARS, max_size=60))
def test_parse_quantity_never_raises(span: str) -> None:
    value = parse_quantity(span)
    assert value is None or isinstance(value, float)


@FAST
@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿点", max_size=20))
def test_parse_chinese_never_raises(span: str) -> None:
    parse_chinese(span)


@FAST
@given(MIXED, st.one_of(st.none(), st.integers(min_value=-10_000, max_value=10_000)))
def test_horizons_never_raise(text: str, year: int | None) -> None:
    for h in find_horizons(text, year):
        assert 0 <= h.start <= h.end <= len(text)


@FAST
@given(MIXED, st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text(max_size=12)))
def test_document_year_never_raises(text: str, title: str | None, date: str | None) -> None:
    document_year(text, title=title, date=date)


@FAST
@given(MIXED, st.one_of(st.none(), st.integers(min_value=1900, max_value=2100)))
def test_engine_never_raises(text: str, year: int | None) -> None:
    # run() is extract() without its safety net, so a bug here fails the test.
    result = run(text, "fuzz.txt", year, None, None)
    for p in result.pledges:
        assert p.quote == text[p.start : p.end]
        for start, end in p.mentions:
            assert 0 <= start <= end <= len(text)


REGRESSIONS = [
    "",
    "9" * 5000 + "亿元",
    "1" * 400 + "%",
    "（" * 2000 + "增长5%" + "）" * 2000,
    "“" * 500 + "7+10+7" + "”" * 500,
    "1 9 9 3 年3 月就职，1 1 ％。",
    "增长" + "、".join(["5%"] * 500) + "。",
    "分别增长50%",
    "分别",
    "达到13家",
    "省党代表、区委书记:\n达到13家",
    "翻番倍增翻五番百分之",
    "百分之九十九点九",
    "四点零六万亿元",
    "\u200b\n\u200b",
    "1-",
    "5%-",
    "—2017年2月11日",
    "比二〇一〇年翻两番",
    # found by hypothesis: a number before 年 that is neither a year nor a span of years
    "0年",
    "建党100年",
]


def test_regressions() -> None:
    for text in REGRESSIONS:
        result = run(text, "r.txt", 2022, None, None)
        for p in result.pledges:
            assert p.quote == text[p.start : p.end]
        assert extract(text, "r.txt").warnings is not None


def test_a_number_too_large_for_a_float_is_left_out_with_a_warning() -> None:
    # 301 digits with 亿: 10^309 overflows to inf; it is never stored (#11).
    text = "2025年工作安排\n到2026年，全区生产总值突破" + "9" * 301 + "亿元，城镇新增就业1万人。"
    result = extract(text, "huge.txt", 2025)
    assert [p.quote for p in result.pledges] == ["城镇新增就业1万人"]
    assert all(math.isfinite(p.norm_value) for p in result.pledges)
    assert any("too large" in w for w in result.warnings)


@pytest.mark.parametrize("date", ["0000-01-01", "0001-03-05"])
def test_a_document_dated_year_0_or_1_gives_no_deadlines_from_it(date: str) -> None:
    text = "今年城镇新增就业1万人，明年新增2万人，未来5年新增10万人。"
    result = extract(text, "dated.txt", date=date)
    assert result.year is None and {p.deadline for p in result.pledges} == {None}


@pytest.mark.parametrize("year", [0, 1, 99_999])
def test_an_implausible_year_given_is_refused_with_a_warning(year: int) -> None:
    result = extract("今年城镇新增就业1万人，未来5年新增10万人。", "dated.txt", year)
    assert {p.deadline for p in result.pledges} == {None}
    assert any("not a plausible year" in w for w in result.warnings)


def test_long_text_is_linear_enough() -> None:
    # 200 000 characters of digits with no units: no pledge, and no quadratic blow-up.
    text = ("1234567890" * 20_000)[:200_000]
    assert extract(text, "digits.txt", 2022).pledges == []


@settings(max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=PLEDGE_CHARS, max_size=200), st.one_of(st.none(), st.integers(1900, 2100)), MIXED)
def _engine_never_raises_deep(text: str, year: int | None, title: str) -> None:
    for p in run(text, "fuzz.txt", year, title, None).pledges:
        assert p.quote == text[p.start : p.end]


@pytest.mark.slow
def test_engine_never_raises_deep() -> None:
    # The long run (about 20 s), deselected by default: `pytest -m slow`. It found the 0年 regression above.
    _engine_never_raises_deep()

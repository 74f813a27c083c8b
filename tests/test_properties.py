"""Property tests (hypothesis) of every stage that reads outside input (#11): decoding, number, unit
and horizon parsing, repair and the whole pipeline never raise, and what they give back holds:

- a record's ``quote == text[start:end]``, its offsets and its other mentions inside the text;
- values and normalised values finite; deadlines and periods plausible years (or none);
- bytes that are UTF-8 or BOM-marked UTF-16 (and GB18030 of common characters) decode exactly;
- doubling the input about doubles the time (linear, not quadratic).

The default run tries a few hundred examples of each; the slow run (``pytest -m slow``) thousands.
Inputs found failing are kept as ``@example``s (a document dated year 0, a 301-digit number).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from taizhang.document import Document
from taizhang.errors import SourceError
from taizhang.extract.engine import run
from taizhang.extract.horizons import document_year, find_horizons
from taizhang.extract.numbers import parse_chinese, parse_quantity
from taizhang.extract.rules import multipliers, units
from taizhang.ledger.units import normalise
from taizhang.pipeline import analyse
from taizhang.repair import repair
from taizhang.source.decode import binary_kind, decode
from tests.helpers import best_cpu_seconds

PLAUSIBLE = range(1900, 2201)  # a deadline or period a text can mean
NUMERAL = "0123456789０１２３４５６７８９.．,，零〇一二两三四五六七八九十百千万亿成点"
# The pieces pledges, horizons and speakers are made of, and anything else between them.
PIECES = st.sampled_from([
    "到2026年", "今年", "明年", "未来5年", "十四五", "2025年", "1993年3月", "二〇二五年", "0年", "建党100年",
    "全区生产总值", "城镇新增就业", "突破", "达到", "增长", "下降", "左右", "以上", "不低于", "分别", "及", "和", "、",
    "1500", "3.5", "7", "10万", "一千二百", "4.06万亿", "9" * 20, "亿元", "万人", "%", "个百分点", "家", "吨", "亩",
    "，", "。", "；", "：", "\n", "\n\n", "省党代表、", "区委书记张元升", "表示,", "“", "”", "一、", "（一）", " ", "\u3000", "\u200b",
])  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=60).map("".join)
YEAR = st.one_of(st.none(), st.integers(1900, 2100))
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEEP = settings(max_examples=5000, deadline=None, suppress_health_check=list(HealthCheck))


def _holds(records: list, text: str) -> None:
    """The invariants every pledge and outcome record keeps."""
    for record in records:
        assert 0 <= record.start <= record.end <= len(text)
        assert record.quote == text[record.start : record.end]
        for start, end in record.mentions:
            assert 0 <= start <= end <= len(text)
        for name in ("value", "value_high", "norm_value"):
            value = getattr(record, name, None)
            assert value is None or math.isfinite(value), (name, value, record.quote)
        deadline = getattr(record, "deadline", None)
        assert deadline is None or deadline in PLAUSIBLE, (deadline, record.quote)
        for name in ("first_year", "last_year"):
            year = getattr(record, name, None)
            assert year is None or year in PLAUSIBLE, (name, year, record.quote)


# Decoding.


@FAST
@given(st.binary(max_size=4096))
def test_decode_takes_any_bytes(data: bytes) -> None:
    try:
        text, encoding = decode(data, "fuzz.txt")
    except SourceError as error:
        assert error.path == "fuzz.txt" and error.reason
        return
    assert text.strip() and "\x00" not in text and encoding


READABLE = st.text(
    alphabet=st.one_of(
        st.characters(categories=("L", "N", "P", "Zs")), st.sampled_from("\n\t"), st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
    ),
    min_size=1,
    max_size=400,
)


@FAST
@given(READABLE, st.sampled_from(["utf-8", "utf-16"]))
def test_utf8_and_utf16_text_decodes_exactly(text: str, codec: str) -> None:
    data = text.encode(codec)
    assume(text.strip() and binary_kind(data) is None)
    assert decode(data, "fuzz.txt")[0] == text


def _gb2312() -> list[str]:
    """The common characters of GB2312 (levels 1 and 2)."""
    found = []
    for lead in range(0xB0, 0xF8):
        for trail in range(0xA1, 0xFF):
            try:
                found.append(bytes([lead, trail]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


@FAST
@given(st.text(alphabet=st.sampled_from(_gb2312()) | st.sampled_from("，。、；：0123456789"), min_size=8, max_size=300))
def test_gb18030_text_of_common_characters_decodes_exactly(text: str) -> None:
    assume(any(ord(char) > 0x7F for char in text))  # all ASCII is UTF-8 as well
    assert decode(text.encode("gb18030"), "fuzz.txt") == (text, "gb18030")


# Numbers, units, horizons.


@FAST
@given(st.text(alphabet=NUMERAL, max_size=80))
def test_numerals_parse_to_a_finite_number_or_none(span: str) -> None:
    for value in (parse_quantity(span), parse_chinese(span)):
        assert value is None or math.isfinite(value)


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15), st.data())
def test_a_value_in_any_unit_normalises_to_a_finite_value(value: float, data: st.DataObject) -> None:
    unit = data.draw(st.sampled_from(sorted(units())))
    multiplier = data.draw(st.sampled_from(["", *sorted(multipliers())]))
    normal = normalise(value, multiplier + unit)
    assert normal is None or math.isfinite(normal[0])


@FAST
@given(TEXT, YEAR)
def test_horizons_lie_inside_the_text_and_fall_in_plausible_years(text: str, year: int | None) -> None:
    for horizon in find_horizons(text, year):
        assert 0 <= horizon.start <= horizon.end <= len(text)
        assert horizon.deadline is None or horizon.deadline in PLAUSIBLE, horizon


@FAST
@given(TEXT, st.one_of(st.none(), st.text(max_size=30)), st.one_of(st.none(), st.text(max_size=12)))
@example("", None, "0000-01-01")
@example("", None, "0001-03-05")
def test_a_documents_year_is_plausible_or_none(text: str, title: str | None, date: str | None) -> None:
    year = document_year(text, title=title, date=date)
    assert year is None or year in PLAUSIBLE


# Repair and extraction.


@FAST
@given(TEXT)
def test_repair_maps_every_offset_back_into_the_original(text: str) -> None:
    result = repair(text)
    for offset in range(len(result.repaired_text) + 1):
        assert 0 <= result.to_original(offset) <= len(text)
    for change in result.changes + result.problems:
        assert all(0 <= start <= end <= len(text) for start, end in change.spans)


@FAST
@given(TEXT, YEAR)
@example("到2026年，全区生产总值突破" + "9" * 301 + "亿元。", 2025)
@example("今年城镇新增就业1万人，未来5年新增10万人。", 0)
def test_extraction_records_hold_their_invariants(text: str, year: int | None) -> None:
    # run() is extract() without its safety net, so an internal error fails the test.
    result = run(text, "fuzz.txt", year, None, None)
    _holds(result.pledges, text)
    _holds(getattr(result, "outcomes", []), text)


@FAST
@given(TEXT, YEAR, st.one_of(st.none(), st.sampled_from(["2022-06-21", "0000-01-01", "2025"])))
def test_the_pipeline_keeps_offsets_into_the_original_text(text: str, year: int | None, date: str | None) -> None:
    result = analyse(Document(text=text, name="fuzz.txt", date=date), year)
    assert not any("internal error" in warning for warning in result.warnings)
    _holds(result.pledges, text)
    _holds(result.outcomes, text)


@pytest.mark.slow
def test_the_pipeline_on_thousands_of_examples() -> None:
    DEEP(given(TEXT, YEAR)(lambda text, year: _holds(analyse(Document(text=text, name="f.txt"), year).pledges, text)))()
    DEEP(given(st.binary(max_size=8192))(test_decode_takes_any_bytes.hypothesis.inner_test))()


# Time linear in the input: doubling a paragraph about doubles the time (quadratic would be ~4).


def _cpu(text: str) -> float:
    return best_cpu_seconds(lambda: analyse(Document(text=text, name="scaling.txt"), 2025))


@pytest.mark.slow  # timings: kept out of the default run, where other work may share the machine
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(PIECES, min_size=3, max_size=12).map("".join), st.booleans())
def test_doubling_a_paragraph_about_doubles_the_time(piece: str, one_paragraph: bool) -> None:
    unit = piece.replace("\n", "") if one_paragraph else piece + "\n"
    assume(unit.strip())
    times = max(1, 20_000 // len(unit))
    small, large = _cpu(unit * times), _cpu(unit * 2 * times)
    assert large / max(small, 0.02) < 3.0, (unit, small, large)

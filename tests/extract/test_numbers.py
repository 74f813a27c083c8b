"""Numerals: Arabic, full-width, spaced, Chinese and mixed spans → values."""

from __future__ import annotations

import pytest

from taizhang.extract.numbers import (
    is_bare_magnitude,
    parse_chinese,
    parse_quantity,
    split_multiplier,
)
from tests.extract.extract_support import load_cases

CASES = load_cases("extract_numbers.yaml")


@pytest.mark.parametrize(("span", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_parse_quantity(span: str, expected: float | None) -> None:
    value = parse_quantity(span)
    if expected is None:
        assert value is None
    else:
        assert value == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("span", "parts"),
    [("两千万", ("两千", "万")), ("三百亿", ("三百", "亿")), ("一千二百", ("一千二百", "")), ("万", ("万", "")), ("十万", ("十", "万"))],
)
def test_split_multiplier(span: str, parts: tuple[str, str]) -> None:
    assert split_multiplier(span) == parts


@pytest.mark.parametrize(("span", "bare"), [("千", True), ("百万", True), ("亿", True), ("三千", False), ("", False)])
def test_bare_magnitude(span: str, bare: bool) -> None:
    assert is_bare_magnitude(span) is bare


def test_cn2an_failures_give_none() -> None:
    # cn2an raises on these; the parser must not.
    assert parse_chinese("万万万") is None or isinstance(parse_chinese("万万万"), float)
    assert parse_chinese("零零零点") is None
    assert parse_quantity("9" * 500) is None  # overflows to inf

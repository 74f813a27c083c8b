"""Numerals: the regex pieces that find them and the parsers that give their value.

Arabic (``1,500``, ``１５００``, ``4.06``, spaced ``1 9 9 3`` from old scrapes), Chinese
(``一千二百``, ``两``, ``十五``) and mixed (``1.5万``, ``4.06万亿``) numerals. Chinese numerals go to
``cn2an.cn2an(span, "smart")`` only as isolated spans found here; a trailing 万/亿/万亿 is split off
first because cn2an fails on ``4.06万亿``, and anything cn2an raises on gives ``None``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cn2an

from taizhang.extract import rules

FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿"

# An Arabic numeral: thousands groups (1,500), single digits spaced out by a scraper (1 9 9 3),
# or plain digits; then decimals. Full-width digits count as digits. Runs are possessive (++):
# a run is never re-split to try a shorter numeral.
_ARABIC_TAIL = (
    r"(?:[0-9]{0,2}(?:,[0-9]{3})+(?![0-9])|(?: [0-9０-９](?![0-9０-９]))+|[0-9０-９]*+)"
    r"(?:[.．][0-9０-９]++)?"
)
ARABIC = rf"[0-9０-９]{_ARABIC_TAIL}"
CHINESE = rf"[{CN_NUMERAL_CHARS}]++"
NUMERAL = rf"(?:{ARABIC}|{CHINESE})"
# The same, for the start of a match: one character class first, so the regex engine can scan
# for it fast, then a lookbehind so that no match starts inside a longer run (the 025 of 2025);
# without it a long run of digits with no unit is retried from every position, quadratic.
ARABIC_LEAD_REST = rf"(?<![0-9０-９.．][0-9０-９]){_ARABIC_TAIL}"  # after its first digit
ARABIC_LEAD = rf"[0-9０-９]{ARABIC_LEAD_REST}"
# A Chinese run must hold a digit (一…九, 零, 两): 千亩, 万元, 百万 alone are magnitudes used as
# 'thousands of', never amounts (see is_bare_magnitude).
CHINESE_LEAD = (
    rf"[{CN_NUMERAL_CHARS}](?<![{CN_NUMERAL_CHARS}]{{2}})"
    rf"(?:(?<=[{CN_DIGITS}])|(?=[十百千万亿]*[{CN_DIGITS}]))[{CN_NUMERAL_CHARS}]*+"
)

# Chinese magnitudes that a written unit keeps (7100亿元: value 7100, unit 亿元).
_TRAILING_MULTIPLIERS = ("万亿", "亿", "万")
_BARE_MAGNITUDE = set("十百千万亿")


def is_arabic(span: str) -> bool:
    return bool(span) and span[0] in "0123456789０１２３４５６７８９"


def parse_arabic(span: str) -> float | None:
    """``1,500`` → 1500.0; ``１２.５`` → 12.5; ``1 9 9 3`` → 1993.0; junk → None."""
    # Most spans are ASCII digits and a point (5.4, 2025), which cleaning would leave as they are.
    plain = span.isascii() and "," not in span and " " not in span
    cleaned = span if plain else span.translate(FULLWIDTH).replace(",", "").replace(" ", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@lru_cache(maxsize=4096)
def parse_chinese(span: str) -> float | None:
    """``一千二百`` → 1200.0, ``两`` → 2.0; None where cn2an cannot read the span."""
    if not span or any(c not in CN_NUMERAL_CHARS for c in span):
        return None
    try:
        value = cn2an.cn2an(span, "smart")
    except Exception:  # noqa: BLE001 -- cn2an raises assorted errors (ValueError, KeyError...) on odd spans
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def split_multiplier(span: str) -> tuple[str, str]:
    """Split a Chinese numeral's trailing 万/亿/万亿 off: ``两千万`` → (``两千``, ``万``).

    A bare magnitude (``万``, ``百万``) is not split: it has no numeral in front of it.
    """
    for suffix in _TRAILING_MULTIPLIERS:
        if span.endswith(suffix) and len(span) > len(suffix):
            head = span[: -len(suffix)]
            if not is_bare_magnitude(head) or head in ("十", "百", "千"):
                return head, suffix
    return span, ""


def is_bare_magnitude(span: str) -> bool:
    """``千``, ``百万``, ``亿``: a magnitude word with no digit, used as 'thousands of'."""
    return bool(span) and all(c in _BARE_MAGNITUDE for c in span)


def parse_numeral(span: str) -> float | None:
    """The value of a numeral span as located by :data:`NUMERAL`, with any 万/亿 applied."""
    if not span:
        return None
    if is_arabic(span):
        return parse_arabic(span)
    head, mult = split_multiplier(span)
    value = parse_chinese(head)
    if value is None:
        return None
    return scale(value, rules.multipliers()[mult]) if mult else value


def scale(value: float, factor: float) -> float:
    """``value * factor`` rounded to 12 significant digits, so 4.06 × 10¹² is 4060000000000.0."""
    product = value * factor
    if product.is_integer() and -_EXACT < product < _EXACT:
        return product  # a whole number of at most 12 digits: the rounding gives it back as it is
    return float(f"{product:.12g}") if math.isfinite(product) else product


_EXACT = 1e12


def parse_quantity(span: str) -> float | None:
    """A numeral with an optional magnitude after it: ``4.06万亿`` → 4.06e12, ``两千`` → 2000.

    (``三成`` is a numeral and a unit, 成 = 10 %: see ``rules/zh/units.yaml``.)

    Never raises; returns None for anything that is not a number.
    """
    span = span.strip()
    if not span:
        return None
    if is_arabic(span):
        mults = rules.multipliers()
        for suffix in _longest_first(tuple(mults)):
            if span.endswith(suffix) and len(span) > len(suffix):
                value = parse_arabic(span[: -len(suffix)])
                return None if value is None else scale(value, mults[suffix])
        return parse_arabic(span)
    return parse_numeral(span)


@lru_cache(maxsize=4)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))

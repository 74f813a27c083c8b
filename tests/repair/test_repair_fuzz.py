"""Repair never raises, whatever the text, and its offset map always holds."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.repair import render, repair

# Text built from the pieces that drive repair: titles, names, colons, speech verbs, region
# suffixes, punctuation, digits, line breaks, plus arbitrary characters.
PIECES = st.sampled_from([
    "省党代表、", "市北区委书记", "崂山区", "新区", "高健", "张元升", ":", "：", "表示,", "介绍", "“", "”",
    "。", ",", "、", "\n", "\n\n", "\r\n", "\u200b", "第十二次党代会", "突破", "1500", "亿元", "发", "展",
    "勇当", "的排头兵。", "经济,", "一、", "（一）", " ", "\u3000",
])  # fmt: skip
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=60).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_repair_never_raises_and_maps_back(text):
    result = repair(text)
    for seg in result.segments:
        original = text[seg.original_start : seg.original_start + seg.length]
        assert result.repaired_text[seg.repaired_start : seg.repaired_start + seg.length] == original
    for offset in range(len(result.repaired_text) + 1):
        assert 0 <= result.to_original(offset) <= len(text)
    for change in result.changes + result.problems:
        assert all(0 <= s <= e <= len(text) for s, e in change.spans)
    for fmt in ("text", "markdown", "json"):
        render(result, fmt)


@settings(max_examples=50, deadline=None)
@given(st.text())
def test_repair_never_raises_on_any_unicode(text):
    repair(text)

"""Repair's offset map finds a span's segments by bisection; every segment a span touches is found.

The reference is the plain walk over every segment that bisection replaced, run over spans of a
real repaired report (one segment a paragraph it keeps).
"""

from __future__ import annotations

from pathlib import Path

from taizhang.repair import repair

DOCUMENT = Path(__file__).parent / "data" / "district_hailar_2013_gwr.txt"


def walked(result, start: int, end: int):
    shared = []
    for segment in result.segments:
        low, high = max(start, segment.repaired_start), min(end, segment.repaired_start + segment.length)
        if low < high:
            shared.append((segment, low, high))
    return shared


def test_every_segment_a_span_touches_is_found_in_order():
    result = repair(DOCUMENT.read_text(encoding="utf-8"), DOCUMENT.name)
    assert len(result.segments) > 30
    size = len(result.repaired_text)
    for start in range(0, size + 1, 13):
        for length in (0, 1, 7, 60, 400):
            end = min(start + length, size)
            assert result.segments_over(start, end) == walked(result, start, end), (start, end)

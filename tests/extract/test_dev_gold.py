"""A regression guard on the development gold set (tests/gold), scored by the official scorer.

The gold set grows as documents are annotated, so the floors sit below what the extractor scores
today (value F1 and full F1 1.000 on the 232 required records of the paragraph gold, 2026-12-06):
they catch a rule change that breaks work reports, not a point of accuracy. The whole-document
gold (tests/gold/whole/) is not guarded here: it measures what issue #12 sets out to fix.
"""

from __future__ import annotations

import pytest

from taizhang.evaluate import load_gold, load_regions, score
from taizhang.extract import extract
from tests.extract.extract_support import DEV_GOLD

GOLD = DEV_GOLD / "pledges.jsonl"


@pytest.mark.skipif(not GOLD.is_file(), reason="no development gold set")
def test_dev_gold_floor() -> None:
    gold = load_gold(GOLD)
    regions = load_regions(DEV_GOLD / "annotated.jsonl")
    texts = {src: (DEV_GOLD / "docs" / src).read_text(encoding="utf-8") for src in {g["source"] for g in gold}}
    predictions = [p.to_dict() for src, text in texts.items() for p in extract(text, src).pledges]
    s = score(predictions, gold, texts, regions)
    assert s.value_f1 >= 0.9, (s.value_f1, s.misses, s.extras)
    assert s.full_f1 >= 0.85, s.full_f1

"""Accuracy on the seed article against its hand-made gold, scored as the spec says."""

from __future__ import annotations

from taizhang.evaluate import load_gold, score
from taizhang.extract import extract
from tests.extract.extract_support import SEED, SEED_GOLD, SEED_TEXT

# The seed is a 2022 news article with no date line (shared/README.md: "the Shandong 12th Party
# Congress (2022)"); extract() finds the year in its text, see test_seed_year_from_its_text.
SEED_YEAR = 2022


def test_seed_f1() -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    gold = load_gold(SEED_GOLD)
    result = extract(text, SEED)  # the text as is, no metadata
    assert result.warnings == []
    predictions = [p.to_dict() for p in result.pledges]
    for p in predictions:
        assert p["quote"] == text[p["start"] : p["end"]]
    s = score(predictions, gold, {SEED: text})
    assert s.value_f1 >= 0.95, (s.value_f1, s.misses, s.extras)
    assert s.full_f1 >= 0.90, (s.full_f1, [m.fields for m in s.matches if not m.full])


def test_seed_duplicates_are_mentions() -> None:
    text = SEED_TEXT.read_text(encoding="utf-8")
    pledges = extract(text, SEED, SEED_YEAR).pledges
    gdp = [p for p in pledges if p.metric == "全区生产总值" and p.kind == "level"]
    assert len(gdp) == 1
    assert len(gdp[0].mentions) == 1
    start, end = gdp[0].mentions[0]
    assert text[start:end] == gdp[0].quote


def test_seed_year_from_its_text() -> None:
    # No date line, but 以优异成绩迎接党的二十大胜利召开 dates it to 2022.
    text = SEED_TEXT.read_text(encoding="utf-8")
    result = extract(text, SEED)
    assert result.year == SEED_YEAR
    assert result.warnings == []


def test_no_year_warns_and_leaves_relative_deadlines_open() -> None:
    result = extract("年内市场主体达到48万家，到2026年GDP突破1200亿元。", "t.txt")
    assert result.year is None
    assert any("relative" in w for w in result.warnings)
    assert [(p.horizon, p.deadline) for p in result.pledges] == [("年内", None), ("到2026年", 2026)]

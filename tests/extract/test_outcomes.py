"""Outcomes read from real sentences (tests/cases/extract_outcomes.yaml), and what cannot be placed."""

from __future__ import annotations

import pytest

from taizhang.extract import extract
from tests.extract.extract_support import load_cases, matches

CASES = load_cases("extract_outcomes.yaml")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:30] for c in CASES])
def test_case(case: dict) -> None:
    text = case["text"]
    result = extract(text, "case.txt", case["year"], title=case.get("title"))
    outcomes = list(result.outcomes)
    for outcome in outcomes:
        assert outcome.quote == text[outcome.start : outcome.end]
    for want in case["expect"]:
        found = next((o for o in outcomes if matches(o, text, want)), None)
        assert found is not None, f"no outcome like {want} in {[o.to_dict() for o in outcomes]}"
        outcomes.remove(found)
    assert outcomes == [], f"unexpected outcomes: {[(o.quote, o.value, o.unit, o.period) for o in outcomes]}"


def test_an_outcome_that_cannot_be_placed_says_why() -> None:
    no_actor = extract("一、2016年工作回顾\n全年地区生产总值增长7.2%。", "note.txt", 2017).outcomes
    assert [o.unplaced for o in no_actor] == ["no actor: the text names no place or body it reports for"]
    no_year = extract("海拉尔区人民政府区长　　杜联合\n一、工作回顾\n全年地区生产总值增长7.2%。", "note.txt", None).outcomes
    assert [(o.actor, o.unplaced) for o in no_year] == [
        ("海拉尔区", "no year: neither the sentence, its part nor the document says which year it is for")
    ]
    assert no_year[0].period is None and no_year[0].to_dict()["period"] is None


def test_two_figures_for_one_result_are_both_kept_and_named() -> None:
    text = "海拉尔区人民政府区长　　杜联合\n一、2016年工作回顾\n地区生产总值同比增长7.2%。经济运行平稳，地区生产总值同比增长7.0%。"
    result = extract(text, "h.txt", 2017)
    assert sorted(o.value for o in result.outcomes) == [7.0, 7.2]
    assert any(w.startswith("two figures for one result: 地区生产总值 2016") for w in result.warnings)


def test_a_rerun_changes_nothing() -> None:
    from tests.helpers import corpus_file

    text = corpus_file("district_hailar_2018_gwr.txt").read_text(encoding="utf-8")
    first = [o.to_dict() for o in extract(text, "h.txt").outcomes]
    assert first and first == [o.to_dict() for o in extract(text, "h.txt").outcomes]

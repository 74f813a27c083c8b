"""Phrasing tables (tests/cases/extract_pledges.yaml): sentence → the pledges extract() finds."""

from __future__ import annotations

import pytest

from taizhang.extract import extract
from tests.extract.extract_support import load_cases, matches

CASES = load_cases("extract_pledges.yaml")


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:24] for c in CASES])
def test_case(case: dict) -> None:
    text = case["text"]
    result = extract(text, "case.txt", case["year"])
    pledges = list(result.pledges)
    for pledge in pledges:
        assert pledge.quote == text[pledge.start : pledge.end]
    for want in case["expect"]:
        found = next((p for p in pledges if matches(p, text, want)), None)
        assert found is not None, f"no pledge like {want} in {[p.to_dict() for p in pledges]}"
        pledges.remove(found)
    assert pledges == [], f"unexpected pledges: {[(p.quote, p.value, p.unit) for p in pledges]}"

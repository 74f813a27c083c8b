"""Issue #12's failure kinds on real sentences (tests/cases/failure_kinds.yaml), each read in the part
of the document it comes from."""

from __future__ import annotations

import re

import pytest

from taizhang.extract import extract
from tests.extract.extract_support import load_cases

CASES = load_cases("failure_kinds.yaml")
HEADINGS = {"plan": "二、{year}年重点工作\n", "long_term": "二、“十五五”时期主要目标任务\n", "none": ""}


def _matches(pledge, text: str, want: dict) -> bool:
    at = text.find(want["quote"])
    assert at >= 0, f"case quote {want['quote']!r} is not in the text"
    if not (pledge.start < at + len(want["quote"]) and at < pledge.end):
        return False
    for name, value in want.items():
        if name == "quote":
            continue
        got = getattr(pledge, name)
        if isinstance(value, float | int) and not isinstance(value, bool) and got is not None:
            if got != pytest.approx(value, rel=1e-6):
                return False
        elif got != value:
            return False
    return True


@pytest.mark.parametrize("case", CASES, ids=[f"kind{c['kind']}-{c['text'][:16]}" for c in CASES])
def test_failure_kind(case: dict) -> None:
    text = f"{case['year']}年某省政府工作报告\n" + HEADINGS[case["part"]].format(year=case["year"]) + case["text"] + "\n"
    pledges = list(extract(text, "case.txt", case["year"]).pledges)
    for want in case["expect"]:
        found = next((p for p in pledges if _matches(p, text, want)), None)
        assert found is not None, f"no pledge like {want} in {[p.to_dict() for p in pledges]}"
        pledges.remove(found)
    for quote in case.get("absent", []):
        # No pledge over these words has their number as its value (22个自贸试验区 names whose
        # 8.45万亿元 it is: the quote of that pledge may start at 22, its value is 8.45).
        at, number = text.index(quote), float(re.match(r"[0-9.]+", quote).group())
        hit = [p.quote for p in extract(text, "case.txt", case["year"]).pledges if p.start < at + len(quote) and at < p.end and abs(p.value) == number]
        assert not hit, f"{quote!r} read as a pledge: {hit}"

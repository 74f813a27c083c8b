"""Paths, table loading and table matching shared by the extraction tests."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.helpers import FIXTURES, ROOT

CASES = ROOT / "tests" / "cases"
SEED = "000_352e13108ae5b528.txt"
SEED_TEXT = ROOT / "examples" / "corpus" / SEED  # the project's copy of shared/seed/
SEED_GOLD = FIXTURES / "seed.pledges.jsonl"  # the project's copy of shared/gold/seed.pledges.jsonl
DEV_GOLD = ROOT / "tests" / "gold"


def load_cases(name: str) -> list:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))


def matches(record: Any, text: str, want: dict) -> bool:
    """Whether ``record`` (a pledge or an outcome) is the one a phrasing table's row describes: its
    span overlaps the row's quote and every other field the row names agrees (numbers to 1e-6)."""
    quote = want["quote"]
    at = text.find(quote)
    assert at >= 0, f"case quote {quote!r} is not in the text"
    if not (record.start < at + len(quote) and at < record.end):
        return False
    fields = record.to_dict()
    for name, value in want.items():
        if name == "quote":
            continue
        got = fields[name] if name in fields else getattr(record, name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and got is not None:
            if got != pytest.approx(value, rel=1e-6):
                return False
        elif got != value:
            return False
    return True

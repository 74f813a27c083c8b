"""Paths and table loading shared by the extraction tests."""

from __future__ import annotations

import yaml

from tests.helpers import FIXTURES, ROOT

CASES = ROOT / "tests" / "cases"
SEED = "000_352e13108ae5b528.txt"
SEED_TEXT = ROOT / "examples" / "corpus" / SEED  # the project's copy of shared/seed/
SEED_GOLD = FIXTURES / "seed.pledges.jsonl"  # the project's copy of shared/gold/seed.pledges.jsonl
DEV_GOLD = ROOT / "tests" / "gold"


def load_cases(name: str) -> list:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))

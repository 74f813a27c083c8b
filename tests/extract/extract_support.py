"""Paths and table loading shared by the extraction tests."""

from __future__ import annotations

from pathlib import Path

import yaml

CASES = Path(__file__).resolve().parent.parent / "cases"
SHARED = Path("/work/shared")


def load_cases(name: str) -> list:
    return yaml.safe_load((CASES / name).read_text(encoding="utf-8"))

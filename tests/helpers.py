"""Paths and small helpers shared by the tests (importable as ``tests.helpers``)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEMO_CORPUS = ROOT / "examples" / "corpus"

# Real documents of ../shared/corpus that the tests use, copied into the repository so the suite
# runs without ../shared. Each is kept once, in the first of these folders that needs it.
CORPUS_COPIES = [
    ROOT / "examples" / "corpus",
    ROOT / "tests" / "gold" / "docs",
    ROOT / "tests" / "gold" / "outcome_docs",
    ROOT / "tests" / "corpus",
]


def corpus_file(name: str) -> Path:
    """The in-repository copy of a ../shared/corpus document (or the seed) by file name."""
    for folder in CORPUS_COPIES:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{name} is not copied into the repository (see tests/helpers.py)")


def occurrences(text: str, quote: str) -> list[int]:
    """Every offset at which ``quote`` stands in ``text`` (overlapping ones too)."""
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found

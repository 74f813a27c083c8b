"""Paths and small helpers shared by the tests (importable as ``tests.helpers``)."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
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


def best_cpu_seconds(call: Callable[[], object], repeats: int = 3) -> float:
    """The least CPU time of ``repeats`` calls, the garbage collector held off while each runs.

    The scaling tests compare two sizes of one input; a full collection over whatever heap earlier
    tests left in the process lands in one run and not the other (the slow suite once read 3.05
    for a case that reads 2.2 alone), which is noise, not the stage's complexity."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            call()
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best

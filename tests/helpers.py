"""Paths and small helpers shared by the tests (importable as ``tests.helpers``)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DEMO_CORPUS = ROOT / "examples" / "corpus"

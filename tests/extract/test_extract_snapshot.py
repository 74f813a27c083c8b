"""Extraction gives the same whole output as recorded, on every real document at hand.

The record (tests/extract/data/extract_snapshot.json) is written by scripts/extract_snapshot.py:
digests of ``extract`` with and without outcomes and of ``pipeline.analyse`` for every document. A
speed-up of extraction must leave it as it is; a change of what extraction finds rewrites it on
purpose (``--write``), in the same commit.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_extraction_output_is_as_recorded():
    script = ROOT / "scripts" / "extract_snapshot.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

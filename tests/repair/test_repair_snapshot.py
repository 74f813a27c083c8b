"""Repair gives the same whole output as recorded, on every real document at hand.

The record (tests/repair/data/repair_snapshot.json) is written by scripts/repair_snapshot.py; a
speed-up of repair must leave it as it is, a change of what repair does rewrites it on purpose.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_repair_output_is_as_recorded():
    script = ROOT / "scripts" / "repair_snapshot.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr

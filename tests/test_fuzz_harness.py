"""The atheris harness (fuzz/fuzz_pipeline.py) keeps running: a short coverage-guided run that must end
with no crash. Longer runs are by hand: .venv/bin/python fuzz/fuzz_pipeline.py -max_total_time=300 DIR."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

if importlib.util.find_spec("atheris") is None and os.environ.get("CI"):
    raise RuntimeError("CI must run the atheris harness: make test-slow installs the [fuzz] extra")


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris is not installed (pip install -e '.[fuzz]')")
def test_the_harness_runs_for_a_set_time_without_a_crash(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_pipeline.py"), "-max_total_time=30", f"-artifact_prefix={tmp_path}/", str(tmp_path / "corpus")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    done = [line for line in result.stderr.splitlines() if line.startswith("Done ")]
    assert done and int(done[0].split()[1]) > 100, done
    print(done[0])

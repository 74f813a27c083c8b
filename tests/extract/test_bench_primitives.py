"""A small run of bench/primitives.py, so it keeps working: it records the primitives' calls in one
pass of extract, puts the primitives back, and replays each."""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from taizhang.extract import context, metrics, quantities
from tests.helpers import ROOT


def _bench():  # noqa: ANN202 - the module
    spec = importlib.util.spec_from_file_location("bench_primitives", ROOT / "bench" / "primitives.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_small_primitives_benchmark_run(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    shutil.copy(ROOT / "examples" / "corpus" / "district_hailar_2013_gwr.txt", tmp_path)
    before = (metrics.name, quantities.read, context.find_horizons)
    bench = _bench()
    assert bench.main([str(tmp_path), "--repeat", "1"]) == 0
    assert (metrics.name, quantities.read, context.find_horizons) == before  # put back as they were
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert set(lines) == {label for label, _, _ in bench.PRIMITIVES}
    assert all(int(line.split()[1]) > 0 for line in lines.values())  # every primitive was called


def test_an_empty_folder_is_an_error(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    assert _bench().main([str(tmp_path)]) == 1
    assert "no *.txt or *.md" in capsys.readouterr().err

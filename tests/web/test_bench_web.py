"""A small run of the web benchmark (bench/web.py with wrk), so it keeps working; the million-entry
run is by hand (see the README)."""

from __future__ import annotations

import importlib.util
import shutil
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="no wrk (apt-get install wrk; .ci/run installs it)")


def _bench():  # noqa: ANN202 - the module
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("bench_web", ROOT / "bench" / "web.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_small_web_benchmark_run(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    bench = _bench()
    rows = bench.run(f"sqlite:///{tmp_path / 'bench.db'}", 2000, [1, 2], 1, 1)
    assert {r["scenario"] for r in rows} == {"ledger page", "entry page", "filtered API query", "facet count"}
    for row in rows:
        assert row["requests"] > 0 and 0 < row["p50"] <= row["p95"] <= row["p99"], row
        assert row["server_cpu_ms"] > 0 and row["load_core_share"] >= 0
    # Counts and facets came from the build's columns once the server had read them.
    assert all(r["from_memory"] == 1.0 for r in rows if r["scenario"] in ("ledger page", "facet count"))
    assert "read the ledger's columns" in capsys.readouterr().out

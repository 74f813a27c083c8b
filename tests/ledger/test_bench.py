"""A small run of the scale benchmark, so it keeps working (the million-entry run is by hand)."""

from __future__ import annotations

import importlib.util

from tests.helpers import ROOT

_spec = importlib.util.spec_from_file_location("bench_ledger", ROOT / "bench" / "ledger.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def test_recombined_records_are_distinct_commitments_of_real_pledges() -> None:
    pool = bench.real_pledges()
    assert len(pool) > 200 and all(record["quote"] for record in pool)
    mentions = list(bench.records(3 * len(pool)))
    assert len({(m.pledge.actor, m.pledge.metric, m.pledge.kind, m.pledge.deadline) for m in mentions}) == len(mentions)


def test_a_small_benchmark_run(db_url: str) -> None:
    lines: list[str] = []
    result = bench.run(db_url, 3000, out=lines.append)
    assert result["entries"] == 3000 and result["rate"] > 0 and result["bytes"] > 0
    assert result["build_cpu_s"] > 0 and result["build_thread_cpu_s"] > 0
    assert {"actor_page_ms", "year_count_ms", "status_page_ms", "metric_count_ms"} <= set(result)
    assert "entries/s (" in lines[0] and "database size" in lines[-1]


def test_a_small_benchmark_run_rebuilt_by_workers(db_url: str) -> None:
    lines: list[str] = []
    result = bench.run(db_url, 3000, out=lines.append, workers=2)
    assert result["entries"] == 3000 and "rebuilt by 2 worker(s)" in lines[0]

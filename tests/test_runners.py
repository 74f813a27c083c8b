"""Runners: what goes to a pool's worker processes, and how often."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from taizhang import runners
from taizhang.ingest import ingest
from taizhang.runners import LocalPool, Shared
from taizhang.storage import Store


def _append_pid(shared: Shared[list[int]]) -> list[int]:
    """The shared list as this call leaves it in its worker, this worker's id added."""
    shared.value.append(os.getpid())
    return list(shared.value)


def test_a_value_shared_by_many_calls_is_pickled_once_and_read_once_by_each_worker(tmp_path: Path) -> None:
    shared = Shared([], str(tmp_path))
    pool = LocalPool(2, warm="taizhang.runners")
    try:
        seen = [pool.result(handle) for handle in [pool.submit(_append_pid, shared) for _ in range(8)]]
    finally:
        pool.close()
    assert len(list(tmp_path.iterdir())) == 1  # one file for all eight calls
    for pid in {values[-1] for values in seen}:
        # A worker's calls find the value its earlier calls left: it was read once, then kept.
        lists = [values for values in seen if values[-1] == pid]
        assert sorted(map(len, lists)) == list(range(1, len(lists) + 1))
        assert all(set(values) == {pid} for values in lists)
    assert shared.value == []  # this process's value is its own, never sent back


def test_a_shared_value_used_in_this_process_is_the_value_itself(tmp_path: Path) -> None:
    value = [1, 2]
    assert Shared(value, str(tmp_path)).value is value
    assert list(tmp_path.iterdir()) == []  # nothing written where nothing was sent


def _files_per_call() -> int:
    return runners.FILES_PER_CALL


@pytest.mark.skipif(sys.platform != "linux", reason="forked on Linux only (spawned elsewhere)")
def test_a_pool_with_nothing_to_warm_is_forked_from_this_process_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    # What this process has set, a worker has: it was forked from it, not started afresh (no fork
    # server's imports first), so it starts at once with everything this process loaded.
    monkeypatch.setattr(runners, "FILES_PER_CALL", 3)
    pool = LocalPool(2, warm=None)
    try:
        assert {pool.result(handle) for handle in [pool.submit(_files_per_call) for _ in range(4)]} == {3}
    finally:
        pool.close()


class _Counting(runners.InProcess):
    """This process's runner, taking several files a call as a pool does, and noting how many each call had."""

    files_per_call, slots = 4, 8

    def __init__(self) -> None:
        self.calls: list[int] = []

    def submit(self, fn, *args):  # noqa: ANN001, ANN201 - the Runner protocol's
        self.calls.append(len(args[0]))
        return super().submit(fn, *args)


def test_the_last_files_go_one_a_call_so_that_the_workers_end_together(tmp_path: Path) -> None:
    for k in range(40):
        (tmp_path / f"{k:02d}.txt").write_text(f"第{k}号通知\n到2025年，全市新增城镇就业{k + 1}万人。\n", encoding="utf-8")
    runner = _Counting()
    with Store(f"sqlite:///{tmp_path / 'db.sqlite'}") as store:
        report = ingest(store, [tmp_path], runner=runner)
    assert report.ok and len(report.done) == 40
    # Read 32 at a time: the first 32 four a call, the last 8 (a runner's slots) one a call.
    assert runner.calls == [4] * 8 + [1] * 8

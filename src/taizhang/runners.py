"""Where ingest's per-file work runs: in this process, or in a pool of local worker processes.

A runner only schedules :func:`taizhang.pipeline.process` (a plain function of one file's bytes):
``submit`` hands it a call, ``result`` waits for its value. Ingest keeps ``slots`` calls in flight
and takes results back in the order it submitted them, so every runner stores the same sources
under the same ids. The Dask runner, for a cluster, is in :mod:`taizhang.cluster`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol


class Runner(Protocol):
    """What ingest needs of a place to run work."""

    slots: int  # calls worth keeping in flight to keep every worker busy
    where: str  # said to the user: "this process", "2 worker processes", a scheduler's address
    dashboard: str | None  # a link to watch the work, when there is one

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def result(self, handle: Any) -> Any: ...

    def done(self, handle: Any) -> bool: ...

    def close(self) -> None: ...


class InProcess:
    """Work done here, when its result is asked for: one file at a time, nothing read ahead."""

    slots = 1
    where = "this process"
    dashboard = None

    def submit(self, fn: Callable[..., Any], *args: Any) -> tuple[Callable[..., Any], tuple[Any, ...]]:
        return fn, args

    def result(self, handle: tuple[Callable[..., Any], tuple[Any, ...]]) -> Any:
        fn, args = handle
        return fn(*args)

    def done(self, handle: Any) -> bool:
        return False

    def close(self) -> None:
        pass


class LocalPool:
    """A pool of ``workers`` processes on this machine (``spawn``ed: fresh interpreters that share
    nothing with this one, its database connections least of all)."""

    dashboard = None

    def __init__(self, workers: int) -> None:
        from taizhang.pipeline import warm_up

        self.slots = 2 * workers
        self.where = f"{workers} worker processes"
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def result(self, handle: Future) -> Any:
        return handle.result()

    def done(self, handle: Future) -> bool:
        return handle.done()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

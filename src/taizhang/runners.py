"""Where ingest's per-file work runs: in this process, or in a pool of local worker processes.

A runner only schedules :func:`taizhang.ingest.analyse_files` (a plain function of a few files'
bytes): ``submit`` hands it a call, ``result`` waits for its value. Ingest keeps ``slots`` files in
flight, ``files_per_call`` of them a call, and takes results back in the order it submitted them,
so every runner stores the same sources under the same ids. The Dask runner, for a cluster, is in
:mod:`taizhang.cluster`.
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from multiprocessing.connection import wait
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")

# Files a worker analyses in one call: few enough that work is shared out evenly (a call is ~35 ms
# of work), enough that the cost of a call between processes is spread: about 0.8 ms of this
# process's CPU (its pool's threads hand the call over and take its result back, each waking the
# other), which it takes from the workers' cores. 4 a call cost 1 s more at 10,000 documents.
FILES_PER_CALL = 8


class Runner(Protocol):
    """What ingest needs of a place to run work."""

    slots: int  # files worth keeping in flight to keep every worker busy
    files_per_call: int  # files sent in one call
    where: str  # said to the user: "this process", "2 worker processes", a scheduler's address
    dashboard: str | None  # a link to watch the work, when there is one

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any: ...

    def result(self, handle: Any) -> Any: ...

    def done(self, handle: Any) -> bool: ...

    def close(self) -> None: ...


class InProcess:
    """Work done here, when its result is asked for: one file at a time, nothing read ahead."""

    slots = 1
    files_per_call = 1
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
    """A pool of ``workers`` processes on this machine: fresh processes that share nothing with this
    one, its database connections least of all. Where the system has a fork server (Linux, macOS)
    they are forked from one that loaded the pipeline's rules and dictionaries first
    (:mod:`taizhang.warmed`), so that they are loaded once for all workers and each starts at
    once; elsewhere they are ``spawn``ed and each loads its own. They start as the pool is made,
    in the background, while this process finds and reads the files. (A ledger build's are forked
    from the building process itself: see ``warm``.)"""

    dashboard = None
    files_per_call = FILES_PER_CALL

    def __init__(self, workers: int, *, warm: str | None = "taizhang.warmed") -> None:
        """``warm``: the module whose import loads what the work needs (by default the pipeline's
        rules and dictionaries). None: the workers are forked from this process as it is, where the
        system can (Linux), started at once: for work whose code this process has loaded already (a
        ledger build's, which a fork server would take a second to load again). They must be
        handed nothing of this process's that they would share (a connection, a lock held by
        another thread): their work opens its own."""
        self.slots = 2 * workers * FILES_PER_CALL
        self.where = f"{workers} worker processes"
        self._starting = threading.Thread(target=self._start, args=(workers,), daemon=True)
        if warm is None:
            context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker, initargs=(None,))
            with _ctrl_c_blocked():  # (kept from them, as from a fork server's: see start_fork_server)
                self._start(workers)  # forked now, by this thread, before the pool starts one of its own
            return
        start_fork_server(warm)  # from this thread, with Ctrl-C kept from it (the pool's own start is in another)
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(warm), initializer=_worker, initargs=(warm,))
        # A call per worker starts them all (the first waits for the fork server to load).
        self._starting.start()

    def _start(self, workers: int) -> None:
        try:
            for _ in range(workers):
                self._pool.submit(int)
        except RuntimeError:  # closed before it started: nothing to start
            pass

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        return self._pool.submit(fn, *args)

    def result(self, handle: Future) -> Any:
        return handle.result()

    def done(self, handle: Future) -> bool:
        return handle.done()

    def close(self) -> None:
        if self._starting.is_alive():
            self._starting.join()
        self._pool.shutdown(wait=True, cancel_futures=True)


class Shared(Generic[T]):
    """A value that goes with many calls to a pool's workers, there as ``value``: pickled once, into
    a file in ``folder`` (whose owner removes it; None: the system's temporary folder), and sent as the file's name, so that each worker
    reads it once however many calls it takes, instead of every call carrying it (megabytes, for a
    ledger build's common tables). Not sent anywhere, it is the value itself, never pickled."""

    def __init__(self, value: T, folder: str | None) -> None:
        self.value, self._folder, self._name = value, folder, None

    def __getstate__(self) -> str:
        if self._name is None:  # (calls are pickled one at a time, by the pool's one feeder thread)
            with tempfile.NamedTemporaryFile(dir=self._folder, delete=False) as file:
                pickle.dump(self.value, file, protocol=pickle.HIGHEST_PROTOCOL)
            self._name = file.name
        return self._name

    def __setstate__(self, name: str) -> None:
        self._folder, self._name = None, name
        self.value = _read(name)


@lru_cache(maxsize=1)  # the calls of one build come one after another: the last value read is theirs
def _read(name: str) -> Any:
    with open(name, "rb") as file:
        return pickle.load(file)


def _worker(warm: str | None) -> None:
    """A pool worker's start: it loads ``warm`` (if any), and ends as soon as the process that made the pool
    does, even one killed (kill -9) with no time to stop its pool: a worker would wait for calls
    forever, and the fork server with it."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()
    if warm is not None:
        importlib.import_module(warm)


def _end_with(sentinel: int) -> None:
    wait([sentinel])
    os._exit(1)


def start_fork_server(warm: str = "taizhang.warmed") -> None:
    """Start a local pool's fork server now, where the system has one: it imports ``warm`` (seconds,
    the pipeline's rules and dictionaries) on another core while this process goes on, and a
    :class:`LocalPool` of the same ``warm`` made later forks its workers from it. The fork server
    ends with this process."""
    if _context(warm).get_start_method() == "forkserver":
        from multiprocessing import forkserver, resource_tracker

        from taizhang.scratch import multiprocessing_in_scratch

        multiprocessing_in_scratch()  # its socket's folder: gone with a killed run too
        # Ctrl-C at a terminal reaches every process of the command: the fork server (loading for
        # seconds) and each worker would die with a traceback, the pool broken under this process,
        # which stops its pool itself. Started with SIGINT blocked, they keep it blocked. (The
        # resource tracker first: starting, it unblocks SIGINT in this thread.)
        resource_tracker.ensure_running()
        with _ctrl_c_blocked():
            forkserver.ensure_running()


@contextmanager
def _ctrl_c_blocked() -> Iterator[None]:
    """SIGINT blocked in this thread meanwhile: the processes it starts keep it blocked."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _context(warm: str) -> multiprocessing.context.BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    # Not the main module ("__main__", the default): a worker needs only what its work does, and the
    # main module may be a whole program (the CLI). Each worker still imports it (multiprocessing's
    # preparation of a child, to unpickle what it is sent), which is why taizhang.cli's is light.
    context.set_forkserver_preload([warm])
    return context

"""Ingest: files and folders in; sources, their pledges and outcomes stored; one report of what happened to each file.

This process finds the files, reads each one's bytes (skipping, unread, a file whose size and
modification time are as the last run recorded and whose pledges are up to date), and hands the
bytes to a runner (:mod:`taizhang.runners`, :mod:`taizhang.cluster`) that runs
:func:`analyse_files` (:func:`taizhang.pipeline.process` and the rows its records make) on them,
``runner.files_per_call`` files a call (the last few one a call): here, in local worker processes or on Dask, so that this
process only reads and writes. Results are
taken back in the order the files were found and written in batches (:mod:`taizhang.storage.batch`),
each batch one transaction: the same files get the same ids however they were processed, and a
run killed midway leaves whole files behind it, which the next run skips.

Memory stays bounded: the files' paths and states are held, their bytes and texts only while in
flight (at most ``runner.slots`` files and a batch more, and :data:`WINDOW_BYTES` read ahead) and
until their batch is written.

A bad file is reported and skipped; the batch goes on. A database that cannot be written stops
the batch with a :class:`~taizhang.errors.StoreError`, since every later file would fail the same way.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taizhang import errors
from taizhang.errors import SourceError
from taizhang.pipeline import EXTRACTOR, process
from taizhang.runners import InProcess, Runner
from taizhang.source import DEFAULT_MAX_BYTES, RawFile, discover, read_discovered
from taizhang.storage import Store, Stored, puts_back
from taizhang.storage.batch import FileState, Item, SourceRows, file_states, source_rows, sources_by_sha, stored_path, with_text, write
from taizhang.storage.reprint_index import ReprintIndex

BATCH_FILES = 64  # files per transaction: few round trips, and a kill loses little
BATCH_BYTES = 32 * 2**20  # bytes per transaction, so that large files make small batches
WINDOW_BYTES = 64 * 2**20  # bytes read ahead of the files being written
LOOKUP = 32  # files whose SHA-256 is looked up in one query


@dataclass(slots=True)
class Ingested:
    """One file stored (or found already stored) and, when its pledges and outcomes were
    (re)extracted, how many."""

    path: Path
    stored: Stored
    pledges: int | None = None
    outcomes: int | None = None
    warnings: list[str] = field(default_factory=list)
    read: int = 0  # bytes read from the file (0: its size and time showed it unchanged)


@dataclass(slots=True)
class IngestReport:
    done: list[Ingested] = field(default_factory=list)
    failed: list[SourceError] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for item in self.done if item.stored.status == status)

    @property
    def pledges(self) -> int:
        return sum(item.pledges or 0 for item in self.done)

    @property
    def outcomes(self) -> int:
        return sum(item.outcomes or 0 for item in self.done)

    @property
    def bytes_read(self) -> int:
        return sum(item.read for item in self.done)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(slots=True)
class _Call:
    """One call of :func:`analyse_files` sent to the runner, and its results once taken back."""

    handle: Any
    results: list[SourceRows | SourceError] | None = None
    failure: str | None = None  # why the call as a whole failed (a lost worker)


@dataclass(slots=True)
class _Job:
    """One file on its way: read or not, maybe sent to the runner, then written."""

    path: Path
    raw: RawFile | None = None
    source_id: int | None = None  # a stored source with these bytes
    call: _Call | None = None  # the runner's call that analyses it, with others
    at: int = 0  # its place in that call's files
    after: _Job | None = None  # an earlier job with the same bytes, whose result this one shares
    analysed: SourceRows | None = None
    error: SourceError | None = None

    @property
    def size(self) -> int:
        return self.raw.size if self.raw else 0


def ingest(
    store: Store,
    paths: list[Path | str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    year: int | None = None,
    runner: Runner | None = None,
    batch_files: int = BATCH_FILES,
    on_start: Callable[[int, int], None] | None = None,
    on_file: Callable[[Path, Ingested | SourceError], None] | None = None,
    on_batch: Callable[[], None] | None = None,
) -> IngestReport:
    """Store every readable file under ``paths`` and extract its pledges and outcomes (into a database
    whose pages are sound: a damaged SQLite file is refused before anything is written).

    Pledges and outcomes are extracted for new sources and for stored ones whose pledges came from
    another version of the extractor. ``runner`` runs the per-file work (default: this process).
    ``on_start`` gets the number of files and their bytes, ``on_file`` each file's result, in the
    order the files were found, once its batch is written; ``on_batch`` is called when a batch's
    files have all been given to ``on_file``.
    """
    store.check()
    started = time.perf_counter()
    files, problems = discover(paths)
    report = IngestReport(failed=list(problems))
    run = _Run(store, runner or InProcess(), max_bytes, year, batch_files, report, on_file, on_batch)
    if on_start:
        on_start(len(files), sum(run.sizes(files)))
    run.all(files)
    report.seconds = time.perf_counter() - started
    return report


class _Run:
    def __init__(
        self, store: Store, runner: Runner, max_bytes: int, year: int | None, batch_files: int,
        report: IngestReport, on_file: Callable[[Path, Ingested | SourceError], None] | None,
        on_batch: Callable[[], None] | None,
    ) -> None:  # fmt: skip
        self.store, self.runner, self.max_bytes, self.year = store, runner, max_bytes, year
        self.batch_files, self.report, self.on_file, self.on_batch = batch_files, report, on_file, on_batch
        self.states: dict[str, FileState] = file_states(store)
        self.stats: dict[Path, tuple[int, int] | None] = {}
        self.in_flight: dict[str, _Job] = {}  # by SHA-256: the first job of bytes not yet written
        self.batch: list[_Job] = []
        self.reprints = ReprintIndex()  # the reprint links, kept from batch to batch
        # Files in flight: with workers elsewhere, a batch more than keeps them busy, so that they
        # go on while the batch before is written.
        self.depth = runner.slots + (batch_files if runner.slots > 1 else 0)

    def sizes(self, files: list[Path]) -> Iterator[int]:
        for path in files:
            self.stats[path] = _stat(path)
            yield (self.stats[path] or (0, 0))[0]

    def all(self, files: list[Path]) -> None:
        pending: deque[_Job] = deque()
        read: list[_Job] = []
        for k, path in enumerate(files):
            read.append(self._read(path))
            if len(read) < LOOKUP and sum(job.size for job in read) < WINDOW_BYTES // 2 and k + 1 < len(files):
                continue
            self._send(read, last=len(files) - k - 1 < self.runner.slots)
            pending.extend(read)
            read = []
            while pending and (
                len(pending) > self.depth or sum(job.size for job in pending) > WINDOW_BYTES or self._ready(pending[0])
            ):
                self._finish(pending.popleft())
        while pending:
            self._finish(pending.popleft())
        self._flush()

    def _read(self, path: Path) -> _Job:
        """A file settled unread when its size and time are as recorded and its pledges up to
        date; else its bytes."""
        job = _Job(path)
        state = self.states.get(stored_path(path))
        seen = self.stats.get(path) or _stat(path)
        if state and seen == (state.size, state.mtime_ns) and state.extractor == EXTRACTOR:
            job.source_id = state.source_id
            return job
        try:
            job.raw = read_discovered(path, self.max_bytes)
        except SourceError as error:
            job.error = error
        return job

    def _send(self, jobs: list[_Job], *, last: bool) -> None:
        """Send to the runner the files read whose bytes are not stored with up-to-date pledges
        (looked up together), each the first of its bytes in flight; one a call if they are the
        ``last`` files, so that the workers end together: a call of several is a third of a second
        of work, which one worker would go on with alone."""
        stored = sources_by_sha(self.store, [job.raw.sha256 for job in jobs if job.raw])
        sent: list[_Job] = []
        for job in jobs:
            if job.raw is None:
                continue
            found = stored.get(job.raw.sha256)
            job.source_id = found.id if found else None
            # Stored already, its pledges up to date: only its file state is new. Unless the file
            # was put back as it was at that older version, whose band keys went when it was
            # superseded: analysed again, it links to its reprints again.
            if found is not None and found.extractor == EXTRACTOR and not puts_back(found, stored_path(job.path)):
                continue
            job.after = self.in_flight.get(job.raw.sha256)
            if job.after is None:
                self.in_flight[job.raw.sha256] = job
                sent.append(job)
        step = 1 if last else self.runner.files_per_call
        for start in range(0, len(sent), step):
            group = sent[start : start + step]
            call = _Call(self.runner.submit(analyse_files, [job.raw for job in group], self.year))
            for k, job in enumerate(group):
                job.call, job.at = call, k

    def _ready(self, job: _Job) -> bool:
        return job.call is None or job.call.handle is None or self.runner.done(job.call.handle)

    def _finish(self, job: _Job) -> None:
        if job.call is not None:
            result = self._result(job)
            if isinstance(result, SourceError):
                job.error = result
            else:
                job.analysed = with_text(result, job.raw.data)
            job.call = None
        elif job.after is not None and job.after.error is not None:
            job.error = SourceError(str(job.path), job.after.error.reason)  # the same bytes fail alike
        self.batch.append(job)
        if len(self.batch) >= self.batch_files or sum(j.size for j in self.batch) >= BATCH_BYTES:
            self._flush()

    def _result(self, job: _Job) -> SourceRows | SourceError:
        """Its file's result, from its call's (taken back from the runner for the call's first file)."""
        call = job.call
        if call.results is None and call.failure is None:
            try:
                call.results = self.runner.result(call.handle)
            except Exception as error:  # noqa: BLE001 - a lost worker fails its call's files, not the batch
                call.failure = errors.INTERNAL.format(error=f"{type(error).__name__}: {error}")
            call.handle = None
        return SourceError(str(job.path), call.failure) if call.failure is not None else call.results[job.at]

    def _flush(self) -> None:
        if not self.batch:
            return
        jobs, self.batch = self.batch, []
        written = [job for job in jobs if job.error is None]
        stored = iter(write(self.store, [Item(job.raw, job.source_id, job.analysed) for job in written], self.reprints))
        for job in jobs:
            if job.raw is not None and self.in_flight.get(job.raw.sha256) is job:
                del self.in_flight[job.raw.sha256]
            result: Ingested | SourceError
            if job.error is not None:
                result = job.error
                self.report.failed.append(result)
            else:
                done = job.analysed
                result = Ingested(job.path, next(stored), warnings=[] if done is None else done.warnings, read=job.size)
                if done is not None:
                    result.pledges, result.outcomes = done.pledges, done.outcomes
                self.report.done.append(result)
            if self.on_file:
                self.on_file(job.path, result)
        if self.on_batch:
            self.on_batch()


def analyse_files(raws: list[RawFile], year: int | None = None) -> list[SourceRows | SourceError]:
    """:func:`~taizhang.pipeline.process` for each file, and what of it is stored
    (:func:`~taizhang.storage.batch.source_rows`): the runner's work, a few files a call so that
    fewer calls and results cross between processes, and the one writing process only writes. A
    file that fails, even by a bug, is its :class:`SourceError`; the others go on."""
    return [_analysed(raw, year) for raw in raws]


def _analysed(raw: RawFile, year: int | None) -> SourceRows | SourceError:
    try:
        done = process(raw, year)
    except Exception as error:  # noqa: BLE001 - a bug fails this file, not the batch
        return SourceError(str(raw.path), errors.INTERNAL.format(error=f"{type(error).__name__}: {error}"))
    return done if isinstance(done, SourceError) else source_rows(done, raw.data)


def _stat(path: Path) -> tuple[int, int] | None:
    """A file's size and modification time (ns), None when it cannot be looked at."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns

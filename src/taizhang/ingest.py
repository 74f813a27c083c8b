"""Ingest: files and folders in, sources stored, one report of what happened to each file.

A bad file is reported and skipped; the batch goes on. A database that cannot be written stops
the batch with a :class:`~taizhang.errors.StoreError`, since every later file would fail the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.errors import SourceError
from taizhang.source import DEFAULT_MAX_BYTES, discover, load
from taizhang.storage import Store, Stored


@dataclass(slots=True)
class IngestReport:
    stored: list[Stored] = field(default_factory=list)
    failed: list[SourceError] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for item in self.stored if item.status == status)

    @property
    def ok(self) -> bool:
        return not self.failed


def ingest(
    store: Store,
    paths: list[Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[Path, Stored | SourceError], None] | None = None,
) -> IngestReport:
    """Store every readable file under ``paths``; ``on_start`` gets the file count, ``on_file`` each result."""
    files, problems = discover(paths)
    report = IngestReport(failed=list(problems))
    if on_start:
        on_start(len(files))
    for path in files:
        result: Stored | SourceError
        try:
            result = store.add_source(load(path, max_bytes))
        except SourceError as error:
            result = error
            report.failed.append(error)
        else:
            report.stored.append(result)
        if on_file:
            on_file(path, result)
    return report

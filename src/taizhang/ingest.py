"""Ingest: files and folders in; sources and their pledges stored; one report of what happened to each file.

A bad file is reported and skipped; the batch goes on. A database that cannot be written stops
the batch with a :class:`~taizhang.errors.StoreError`, since every later file would fail the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.errors import SourceError
from taizhang.pipeline import EXTRACTOR, analyse
from taizhang.source import DEFAULT_MAX_BYTES, discover, load_discovered
from taizhang.storage import Store, Stored


@dataclass(slots=True)
class Ingested:
    """One file stored (or found already stored) and, when its pledges were (re)extracted, how many."""

    path: Path
    stored: Stored
    pledges: int | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class IngestReport:
    done: list[Ingested] = field(default_factory=list)
    failed: list[SourceError] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for item in self.done if item.stored.status == status)

    @property
    def pledges(self) -> int:
        return sum(item.pledges or 0 for item in self.done)

    @property
    def ok(self) -> bool:
        return not self.failed


def ingest(
    store: Store,
    paths: list[Path | str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    year: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_file: Callable[[Path, Ingested | SourceError], None] | None = None,
) -> IngestReport:
    """Store every readable file under ``paths`` and extract its pledges (into a database whose pages
    are sound: a damaged SQLite file is refused before anything is written).

    Pledges are extracted for new sources and for stored ones whose pledges came from another
    version of the extractor. ``on_start`` gets the file count, ``on_file`` each file's result.
    """
    store.check()
    files, problems = discover(paths)
    report = IngestReport(failed=list(problems))
    if on_start:
        on_start(len(files))
    for path in files:
        result: Ingested | SourceError
        try:
            loaded = load_discovered(path, max_bytes)
        except SourceError as error:
            result = error
            report.failed.append(error)
        else:
            result = Ingested(path, store.add_source(loaded), warnings=list(loaded.warnings))
            if result.stored.source.extractor != EXTRACTOR:
                extraction = analyse(loaded.document(), year)
                store.replace_pledges(result.stored.source.id, extraction.pledges, EXTRACTOR)
                result.pledges = len(extraction.pledges)
                result.warnings += extraction.warnings
            report.done.append(result)
        if on_file:
            on_file(path, result)
    return report

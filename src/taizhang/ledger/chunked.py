"""A whole rebuild in chunks: never all the pledges, outcomes or rows of a big ledger in memory.

Entries are merged within a place and metric key (``merge``), and matched to the outcomes of their
place whose metric key is theirs, ends theirs or is ended by theirs (``matching``): all of those
share the metric key's last character. So the ledger falls into parts by place and the last
character of the metric key, each of which can be built alone; a person's merge joins the parts of
its two records. Parts are packed into chunks of about ``size`` records (:class:`Plan`).

A build reads the pledges and outcomes once, putting each row in its chunk's file on disk
(:class:`Spill`; the pledges of the sources a correction names go to every chunk, so that each
chunk applies the corrections as a build of everything does, and keeps the records that fall in
it); then builds the chunks one at a time, putting each one's rows in a file of its own, and lets
it go. With worker processes, several at a time: each worker first reads the records of a run of
sources (by id) into files of its own, one per chunk, and a chunk's builder reads its files of
every run in the order of the runs, which is the order of the sources; the files go between
processes by name. The rows of all chunks are read back together in the ledger's order (by each entry's first
mention: :func:`in_order`), so that ids and rows are those a build of everything at once writes.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from taizhang.ledger.merge import place_key
from taizhang.ledger.metrics import metric_key
from taizhang.places import resolve

Part = tuple[str, str]  # (place key, last character of the metric key)

_SPILLED = 2_000  # rows per pickled batch: a few per chunk are held while chunks are read together


class Spill:
    """Values written to a temporary file in batches and read back in the order written. One made
    in a ``folder`` is a named file there, and goes to another process as its name (pickled), so
    that a worker can read what this process added, or add what this process reads (the folder's
    owner removes it)."""

    def __init__(self, folder: str | None = None) -> None:
        self._file = (
            tempfile.TemporaryFile() if folder is None else tempfile.NamedTemporaryFile(dir=folder, delete=False)  # noqa: SIM115 - closed by close()
        )  # fmt: skip
        self._batch: list[Any] = []
        self._weight = 0

    def __getstate__(self) -> str:
        self._flush()
        self._file.flush()
        return self._file.name

    def __setstate__(self, name: str) -> None:
        self._file = open(name, "r+b")  # noqa: SIM115 - closed by close()
        self._batch = []
        self._weight = 0

    def add(self, value: Any, weight: int = 1) -> None:
        """Add ``value``; ``weight``: how many rows it stands for (a batch holds about ``_SPILLED``)."""
        self._batch.append(value)
        self._weight += weight
        if self._weight >= _SPILLED:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            pickle.dump(self._batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._batch = []
            self._weight = 0

    def __iter__(self) -> Iterator[Any]:
        """The values added, in order (once: the file is let go at the end)."""
        self._flush()
        self._file.seek(0)
        try:
            while True:
                try:
                    batch = pickle.load(self._file)
                except EOFError:
                    return
                yield from batch
        finally:
            self.close()

    def close(self) -> None:
        self._file.close()


class Plan:
    """Which chunk each part is built in: ``counts`` (records per part) packed in order of part
    into chunks of about ``size`` records, the parts of each set in ``joined`` kept in one chunk."""

    def __init__(self, counts: dict[Part, int], joined: Iterable[set[Part]], size: int) -> None:
        # The parts each merge joins, gathered into sets that share no part (merges are a person's: few).
        gathered: list[set[Part]] = []
        for parts in joined:
            parts = {part for part in parts if part in counts}
            for other in [other for other in gathered if other & parts]:
                parts |= other
                gathered.remove(other)
            gathered.append(parts)
        home = {part: min(parts) for parts in gathered for part in parts}
        together: dict[Part, list[Part]] = {}
        for part in sorted(counts):
            together.setdefault(home.get(part, part), []).append(part)
        self.chunks: dict[Part, int] = {}
        self.weights = [0]  # records per chunk
        for parts in together.values():
            weight = sum(counts[part] for part in parts)
            if self.weights[-1] and self.weights[-1] + weight > size:
                self.weights.append(0)
            self.weights[-1] += weight
            self.chunks.update(dict.fromkeys(parts, len(self.weights) - 1))
        self.count = len(self.weights)

    def largest_first(self) -> list[int]:
        """The chunks, those of the most records first (of equal ones, the first first)."""
        return sorted(range(self.count), key=lambda chunk: -self.weights[chunk])

    def of(self, part: Part) -> int:
        """The chunk ``part`` is built in (one not counted: the first)."""
        return self.chunks.get(part, 0)

    def holds(self, part: Part) -> bool:
        """Whether ``part`` was counted (an outcome of a part no pledge is in answers no entry)."""
        return part in self.chunks


class Parts:
    """The part of a record, by its actor and metric as written (each actor resolved once)."""

    def __init__(self) -> None:
        self._places: dict[str | None, str] = {}

    def of(self, actor: str | None, metric: str) -> Part:
        place = self._places.get(actor)
        if place is None:
            place = self._places[actor] = place_key(resolve(actor), actor)
        return place, metric_key(metric)[-1:]


def in_order(spills: list[Spill], key: Callable[[Any], Any]) -> Iterator[Any]:
    """The values of ``spills`` (each in order of ``key``) together in order of ``key``; of equal
    keys, the earlier spill's first."""
    return heapq.merge(*spills, key=key)

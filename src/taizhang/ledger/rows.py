"""A build's rows on their way to the tables: each entry's rows made ready with the ids still to
be given (:class:`Prepared`), all of a build's in the ledger's order (:class:`Rows`), and the entry
ids given as they are written (:class:`Ids`), so that a build made a chunk at a time (``chunked``)
numbers its rows as a build of everything at once does."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from taizhang.ledger.corrections import Anchor, Applied, Correction


def merge_targets(merges: list[tuple[Anchor, Anchor]]) -> list[Anchor]:
    """The records merged into, the latest merge first, leaving out one a later merge took into
    another (merge a b, then merge c a: c is what a person merged into last)."""
    return [a for k, (a, _) in reversed(list(enumerate(merges))) if all(b != a for _, b in merges[k + 1 :])]


class Prepared(NamedTuple):
    """One entry's rows with their ids to be given (0), and what its id is chosen by."""

    first: tuple  # its first mention's place in the ledger's order (``merge.build_entries``)
    split_off: bool  # it holds a mention a person split out
    keys: list[str]  # its mentions' keys (``build._mention_key``)
    into: list[int]  # its mentions merged into (:func:`merge_targets`), by position, the latest merge's first
    entry_row: tuple
    mention_rows: list[tuple]
    match_rows: list[tuple]
    key: str
    status: str
    reason: str


first_of = attrgetter("first")  # what the rows of chunks are put in order by


@dataclass(slots=True)
class Rows:
    """What a build writes: each entry's rows in the ledger's order (made as they are read), with
    what the build found."""

    prepared: Iterable[Prepared]
    entries: int
    mentions: int
    applied: Applied  # the corrections: which did not apply, which are invalid
    unapplied: list[Correction]  # match corrections whose outcome is gone
    today: date
    entry_keys: list[str] | None = None  # a partial build's: whose status history is read
    mention_keys: set[str] | None = None  # a partial build's: whose ids are read


class Ids:
    """Each entry's id, given an entry at a time in the ledger's order: an id one of its mentions
    had (``had``, by ``build._mention_key``, the first it had first: a merge undone gives the entry its
    own id back), else one above ``given``, the highest ever given (the new highest kept there). A
    merged entry prefers the ids of the entry the others were merged into, and an entry holding a
    mention split out chooses after all others (see ``build``), so the entry it left keeps its id
    (as ``correct merge``/``split`` say). ``taken``: the ids of entries left standing (a partial
    build)."""

    def __init__(self, had: dict[str, list[int]], given: int, taken: set[int]) -> None:
        self.had = had
        self.given = given
        self.taken = set(taken)

    def give(self, prepared: Prepared) -> int:
        found = (old for old in self._candidates(prepared) if old not in self.taken) if self.had else iter(())  # a first build: none
        entry_id = next(found, 0)
        if not entry_id:
            self.given += 1
            entry_id = self.given
        self.taken.add(entry_id)
        return entry_id

    def _candidates(self, prepared: Prepared) -> Iterator[int]:
        # The mention merged into: the id a person saw it under when merging, its latest. Any
        # other mention: the first id it had. Looked up lazily: an entry of a thousand mentions
        # usually takes its first's.
        keys, into = prepared.keys, prepared.into
        yield from (i for k in into for i in reversed(self.had.get(keys[k], ())))
        yield from (i for k, key in enumerate(keys) if k not in into for i in self.had.get(key, ()))

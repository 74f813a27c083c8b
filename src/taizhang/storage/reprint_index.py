"""Reprint links kept up to date batch by batch from memory: ingest's writer no longer reads back,
for every batch, the band keys and links of every group the batch touches (a cost that grew with
the corpus, since a widely reprinted article's group does).

:class:`ReprintIndex` mirrors two tables, ``reprint_bands`` (each source's LSH band keys) and
``reprints`` (each reprint's original), loaded once; a batch then changes only the links that
change. The links are those of :func:`taizhang.repair.duplicates.reprint_groups`: the groups of
sources that share a band key, each member linked to the group's first (lowest id) source.

The mirror is trusted only while this process is the one writing sources: every batch first
compares the highest source id stored with the one it last wrote, under the sources' write lock,
and loads the tables again when another process has written meanwhile. A batch whose transaction
fails leaves the mirror to be loaded again too. Not seen that way: another process that only put a
file back to an earlier version (no new source id) while this one ran; ``taizhang dedup`` then
works the links out anew.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from taizhang.repair.duplicates import reprint_groups
from taizhang.storage import latest_ids
from taizhang.storage.bulk import insert_rows
from taizhang.storage.tables import ReprintBandRow, ReprintRow, SourceRow

_CHUNK = 500  # values in one IN (...) list


class ReprintIndex:
    """Each source's band keys, which sources hold each key, and each group's links."""

    def __init__(self) -> None:
        self._last_id: int | None = None  # the highest source id when the mirror was last true
        self._keys: dict[int, tuple[int, ...]] = {}
        self._holders: list[dict[int, int | list[int]]] = []  # per band: key → the source (or sources) holding it
        self._original: dict[int, int] = {}  # reprint → original
        self._copies: dict[int, set[int]] = {}  # original → its reprints

    def sync(self, connection: Connection) -> None:
        """Load the tables when the mirror may differ from them (first use, another writer, a
        failed batch). Called under the sources' write lock, before a batch adds sources."""
        last = connection.execute(select(func.max(SourceRow.id))).scalar()
        if self._last_id is not None and last == self._last_id:
            return
        self.__init__()
        bands = ReprintBandRow.__table__
        found: dict[int, list[int]] = {}
        query = select(bands.c.source_id, bands.c.key).where(bands.c.source_id.in_(latest_ids()))  # an older version links nothing
        for source_id, key in connection.execute(query.order_by(bands.c.source_id, bands.c.band)):
            found.setdefault(source_id, []).append(key)
        for source_id, keys in found.items():
            self._hold(source_id, tuple(keys))
        for source_id, original in connection.execute(select(ReprintRow.source_id, ReprintRow.original_id)):
            self._link(source_id, original)
        self._last_id = last

    def forget(self) -> None:
        """The batch that was changing the mirror failed: load the tables again next time."""
        self._last_id = None

    def update(
        self, connection: Connection, added: dict[int, Sequence[int]], superseded: Sequence[int], last_id: int | None, now: datetime
    ) -> None:
        """Bring the links up to date for sources whose band keys were just stored (``added``:
        source id → keys) and versions just superseded (whose keys this deletes), writing only the
        links that change; ``last_id`` is the highest source id once the batch is written.

        Only the groups these sources touch can change. When sources were only added, groups only
        join: each joined group's members are linked to the lowest source of the join, and nothing
        else is looked at. Otherwise (a superseded version, a source analysed again) the groups of
        the sources sharing a key with an added one, and those the superseded were in, are worked
        out again from their members' keys. Every other group stays as it is.
        """
        bands = ReprintBandRow.__table__
        superseded = set(superseded)
        for chunk in _chunks(sorted(superseded)):  # an older version is no reprint and links nothing
            connection.execute(delete(bands).where(bands.c.source_id.in_(chunk)))
        only_added = not superseded and not any(i in self._keys or i in self._original or i in self._copies for i in added)
        touched = set(added) | superseded
        for source_id in touched:
            self._drop(source_id)
        held = {source_id: tuple(keys) for source_id, keys in added.items() if source_id not in superseded}
        for source_id, keys in held.items():
            self._hold(source_id, keys)
        if only_added:
            links = self._joined(held)
            members = set(links)
        else:
            for source_id, keys in held.items():
                touched.update(self._sharing(keys))
            originals = touched | {self._original[i] for i in touched if i in self._original}
            members = originals.union(*(self._copies.get(i, ()) for i in originals)) - superseded
            groups = reprint_groups({i: list(self._keys[i]) for i in sorted(members) if self._keys.get(i)})
            links = {member: group[0] for group in groups for member in group[1:]}
        before = {i: self._original[i] for i in members | superseded if i in self._original}
        gone = sorted(i for i, original in before.items() if links.get(i) != original)
        for chunk in _chunks(gone):
            connection.execute(delete(ReprintRow).where(ReprintRow.source_id.in_(chunk)))
        for source_id in gone:
            self._unlink(source_id)
        new = sorted((i, original) for i, original in links.items() if before.get(i) != original)
        insert_rows(connection, ReprintRow.__table__, [{"source_id": i, "original_id": o, "found_at": now} for i, o in new])
        for source_id, original in new:
            self._link(source_id, original)
        if last_id is not None:
            self._last_id = last_id

    def _joined(self, added: dict[int, tuple[int, ...]]) -> dict[int, int]:
        """The new links of the sources just added and of the members of the groups they join to
        a group with a lower first source (each source whose link may change → its original;
        the lowest source of a join links nowhere, and is left out)."""
        lowest: dict[int, int] = {}  # a group (by its first source) or an added source → one lower in its join

        def root(node: int) -> int:
            while lowest.setdefault(node, node) != node:
                above = lowest[lowest[node]]
                lowest[node] = above
                node = above
            return node

        for source_id, keys in added.items():
            for other in self._sharing(keys):
                a, b = root(self._original.get(source_id, source_id)), root(self._original.get(other, other))
                lowest[max(a, b)] = min(a, b)
        links = {}
        for node in list(lowest):
            first = root(node)
            if node == first:
                continue
            for member in (node, *self._copies.get(node, ())) if node not in added else (node,):
                links[member] = first
        return links

    def _sharing(self, keys: tuple[int, ...]) -> set[int]:
        """The sources holding any of ``keys`` in its band."""
        found: set[int] = set()
        for band, key in enumerate(keys):
            holders = self._holders[band][key]
            found.update(holders if isinstance(holders, list) else (holders,))
        return found

    def _hold(self, source_id: int, keys: tuple[int, ...]) -> None:
        self._keys[source_id] = keys
        while len(self._holders) < len(keys):
            self._holders.append({})
        for band, key in enumerate(keys):
            holders = self._holders[band].get(key)
            if holders is None:
                self._holders[band][key] = source_id
            elif isinstance(holders, list):
                holders.append(source_id)
            else:
                self._holders[band][key] = [holders, source_id]

    def _drop(self, source_id: int) -> None:
        for band, key in enumerate(self._keys.pop(source_id, ())):
            holders = self._holders[band][key]
            if isinstance(holders, list) and len(holders) > 1:
                holders.remove(source_id)
            else:
                del self._holders[band][key]

    def _link(self, source_id: int, original: int) -> None:
        self._original[source_id] = original
        self._copies.setdefault(original, set()).add(source_id)

    def _unlink(self, source_id: int) -> None:
        original = self._original.pop(source_id)
        copies = self._copies[original]
        copies.discard(source_id)
        if not copies:
            del self._copies[original]


def _chunks(values: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]

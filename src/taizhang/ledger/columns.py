"""The ledger's filter columns in memory, one copy per build and process: counts, facets and the
ids of a page in ledger order, for any combination of the structured filters, as array operations.

At a million entries a COUNT or GROUP BY under a filter no index covers reads every row it
selects (tens to hundreds of milliseconds in SQLite or PostgreSQL, and eight of them for the
facets of one view); over a few numpy arrays the same costs a millisecond or two, whatever the
combination. Stored entries change only when the ledger is built or amended, so the columns are
read once per build (about a second and 25 MB per process at a million entries) and shared by
every request. Filters on words (full-text search) and on sources are not held here: a view with
either is counted by SQL (see ``browse``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from taizhang.ledger.errors import NO_ACTOR, LedgerError, unknown_place
from taizhang.ledger.metrics import metric_key
from taizhang.ledger.query import Filters, check_status
from taizhang.ledger.tables import EntryRow
from taizhang.places import code_prefix, lineage

_NONE = -1  # the code of a missing value in every coded column
# Facets held here: the facet's name → the column it counts (``source`` is counted by SQL).
FACET_COLUMNS = {
    "status": "status", "deadline": "deadline", "kind": "kind", "metric": "metric_key", "place": "place",
    "official": "official", "conflict": "conflict",
}  # fmt: skip
_CODED = ("status", "kind", "metric_key", "official", "actor", "place")
# The orders a page can be read in from here: the sort's name → the column it orders by.
_SORTED = {"deadline": "deadline", "actor": "actor", "metric": "metric_key", "status": "status", "value": "norm_value", "confidence": "confidence"}  # fmt: skip
_SPARSE = 8  # a place's entries are tested as positions when at most 1/_SPARSE of all
_KEPT = 16  # selections kept per build and process (a million entries: 1 MB at most each)


@dataclass(slots=True)
class _Coded:
    """A text column as codes into its sorted distinct values (``_NONE`` for no value)."""

    codes: np.ndarray
    values: list[Any]
    index: dict[Any, int]

    @classmethod
    def of(cls, column: tuple[Any, ...]) -> _Coded:
        codes, values = pd.factorize(pd.Series(column, dtype=object), sort=True)  # None → -1 (_NONE)
        values = values.tolist()
        return cls(codes.astype(np.int32), values, {v: i for i, v in enumerate(values)})

    def test(self, value: Any) -> tuple[np.ndarray, int]:
        """The codes and the one that means ``value`` (a value no entry has selects none)."""
        return self.codes, self.index.get(value, -2)


@dataclass(slots=True, frozen=True)
class Chosen:
    """The entries some filters select: their positions in id order (``at``, ascending) when a
    place's entries gave them, else a mask over every entry; neither: every entry."""

    at: np.ndarray | None = None
    mask: np.ndarray | None = None

    def count(self, every: int) -> int:
        if self.at is not None:
            return len(self.at)
        return every if self.mask is None else int(np.count_nonzero(self.mask))

    def of(self, column: np.ndarray) -> np.ndarray:
        """The chosen entries' values in ``column``, in id order."""
        if self.at is not None:
            return column[self.at]
        return column if self.mask is None else column[self.mask]


@dataclass(slots=True)
class Columns:
    """Every entry's filter columns, in id order."""

    ids: np.ndarray  # int64, ascending
    place_code: np.ndarray  # int64: the 6-digit division code as a number, _NONE without one
    odd_codes: bool  # a place code that is not 6 digits: place filters then go to SQL
    deadline: np.ndarray  # int32, _NONE without one
    conflict: np.ndarray  # bool
    coded: dict[str, _Coded]
    norm_value: np.ndarray  # float64, NaN without one
    confidence: np.ndarray  # float64, NaN without one
    text_order: bool  # the database orders text by code point (SQLite; PostgreSQL with the C collation)
    by_place: np.ndarray  # positions in place-code order: a place and the places under it are one run
    place_sorted: np.ndarray  # place_code[by_place]
    _orders: dict[tuple[str, bool], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _kept: OrderedDict[Filters, Chosen] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self.ids)

    def holds(self, filters: Filters) -> bool:
        """Whether ``filters`` can be answered from the columns (words and sources cannot)."""
        if filters.source or (filters.search and filters.search.strip()):
            return False
        return not (filters.actor and self.odd_codes)

    def chosen(self, filters: Filters) -> Chosen:
        """The entries ``filters`` select, as ``QueryStage._select`` does; the last few asked for
        are kept (a view asks for its count, its page and its facets' selections)."""
        with self._lock:
            if filters in self._kept:
                self._kept.move_to_end(filters)
                return self._kept[filters]
        found = self._choose(filters)
        with self._lock:
            self._kept[filters] = found
            while len(self._kept) > _KEPT:
                self._kept.popitem(last=False)
        return found

    def _choose(self, filters: Filters) -> Chosen:
        # Each filter as a column and the value it must hold. A place's entries are a run of the
        # place-code order: the other filters are then tested on that run alone (a county's few
        # thousand entries, not a pass over every entry for each filter).
        at, tests = None, []
        runs = self._actor(filters, tests) if filters.actor else None
        if runs is not None and sum(map(len, runs)) > len(self) // _SPARSE:
            place = np.zeros(len(self), dtype=bool)  # a province's entries: a mask costs less than sorting them
            for run in runs:
                place[run] = True
            tests.append((place, True))
        elif runs is not None:
            # In id order within each place code (the place order is a stable sort): a stable sort
            # (timsort) merges those runs, where a plain one would sort from scratch.
            at = np.sort(np.concatenate(runs), kind="stable") if runs else np.empty(0, dtype=np.int64)
        if filters.year is not None:
            tests.append((self.deadline, filters.year))
        if filters.status:
            check_status(filters.status)
            tests.append(self.coded["status"].test(filters.status))
        if filters.metric:
            tests.append(self.coded["metric_key"].test(metric_key(filters.metric)))
        if filters.conflicts:
            tests.append((self.conflict, True))
        if filters.official:
            tests.append(self.coded["official"].test(filters.official))
        if filters.kind:
            tests.append(self.coded["kind"].test(filters.kind))
        if at is not None:
            if tests:
                keep = tests[0][0][at] == tests[0][1]
                for column, value in tests[1:]:
                    keep &= column[at] == value
                at = at[keep]
            return Chosen(at=at)
        if not tests:
            return Chosen()
        found = tests[0][0] == tests[0][1]
        for column, value in tests[1:]:
            found &= column == value
        return Chosen(mask=found)

    def _actor(self, filters: Filters, tests: list[tuple[np.ndarray, Any]]) -> list[np.ndarray] | None:
        """The positions of the entries of the actor's place (and those under or above it, as
        asked), a run of them per place code range; for an actor no division table places, None
        and its test added to ``tests``."""
        places = lineage(filters.actor)
        if not (places and places[0].code):
            test = self.coded["actor"].test(filters.actor)
            if not places and filters.actor not in self.coded["actor"].index:
                raise LedgerError(unknown_place(filters.actor, NO_ACTOR))
            tests.append(test)
            return None
        codes = [int(p.code) for p in (places if filters.with_parents else places[:1]) if p.code.isdigit()]
        runs = [(code, code + 1) for code in codes]  # [low, high) of place codes
        if filters.with_children:
            prefix = code_prefix(places[0])
            if not prefix:  # the country: every place with a code
                runs.append((0, 10**6))
            else:
                low = int(prefix.ljust(6, "0"))
                runs.append((low, low + 10 ** (6 - len(prefix))))
        # Each run of codes is one slice of the entries in place-code order, found by bisection
        # (overlapping runs joined first: a place's own code lies in the run of the places under it).
        return [self.by_place[np.searchsorted(self.place_sorted, low) : np.searchsorted(self.place_sorted, high)] for low, high in _joined(runs)]

    def count(self, filters: Filters) -> int:
        return self.chosen(filters).count(len(self))

    def facet(self, name: str, own: str, filters: Filters, top: int) -> list[tuple[Any, int]]:
        """The ``top`` most common values of facet ``name`` among the entries the other filters
        select (its own filter, ``own``, left out), the most common first, then by value."""
        found = self.chosen(replace(filters, **{own: False if own == "conflicts" else None}))
        column = FACET_COLUMNS[name]
        if column == "deadline" or column == "conflict":
            values = found.of(getattr(self, column))
            if column == "conflict":
                counted = [(flag, int(np.count_nonzero(values == flag))) for flag in (False, True)]
            else:
                present, counts = np.unique(values[values != _NONE], return_counts=True)
                counted = [(int(v), int(c)) for v, c in zip(present, counts, strict=True)]
        else:
            coded = self.coded[column]
            codes = found.of(coded.codes)
            counts = np.bincount(codes[codes != _NONE], minlength=len(coded.values))
            counted = [(coded.values[i], int(counts[i])) for i in np.flatnonzero(counts)]
        counted = [(value, count) for value, count in counted if count]
        counted.sort(key=lambda pair: (-pair[1], pair[0]))
        return counted[:top]

    def sorts(self, sort: str) -> bool:
        """Whether pages in ``sort`` order can be read from here as the database orders them."""
        return sort == "id" or (sort in _SORTED and (self.text_order or _SORTED[sort] not in self.coded))

    def page_ids(self, filters: Filters, after: int | None, descending: bool, limit: int, sort: str = "id", value: Any = None) -> list[int] | None:  # fmt: skip
        """The ids of the next ``limit`` entries after entry ``after`` (whose ``sort`` value is
        ``value``) in ``sort`` order, as ``BrowseStage.page`` orders them in SQL (ties by id,
        entries without a value last either way); None when entry ``after`` is not this build's
        with that value (SQL then answers from the value alone)."""
        found = self.chosen(filters)
        if sort != "id":
            return self._sorted_page(found, sort, after, value, descending, limit)
        if descending:
            end = len(self) if after is None else int(np.searchsorted(self.ids, after, side="left"))
            if found.at is not None:
                where = found.at[: np.searchsorted(found.at, end)]
            else:
                where = np.arange(end) if found.mask is None else np.flatnonzero(found.mask[:end])
            return self.ids[where[::-1][:limit]].tolist()
        start = 0 if after is None else int(np.searchsorted(self.ids, after, side="right"))
        if found.at is not None:
            from_ = int(np.searchsorted(found.at, start))
            where = found.at[from_ : from_ + limit]
        elif found.mask is None:
            where = np.arange(start, min(len(self), start + limit))
        else:
            where = start + np.flatnonzero(found.mask[start:])[:limit]
        return self.ids[where].tolist()

    def _sorted_page(self, found: Chosen, sort: str, after: int | None, value: Any, descending: bool, limit: int) -> list[int] | None:  # fmt: skip
        order, rank = self._order(sort, descending)
        start = 0
        if after is not None:
            at = int(np.searchsorted(self.ids, after))
            if at == len(self) or self.ids[at] != after or self._value(sort, at) != value:
                return None
            start = int(rank[at]) + 1
        if found.at is None and found.mask is None:
            return self.ids[order[start : start + limit]].tolist()
        ranks = found.of(rank)
        ranks = ranks[ranks >= start]
        if len(ranks) > limit:
            ranks = np.partition(ranks, limit - 1)[:limit]
        return self.ids[order[np.sort(ranks)]].tolist()

    def _key(self, sort: str) -> tuple[np.ndarray, np.ndarray]:
        """The sort column as numbers that order as its values do, and where it has no value."""
        column = _SORTED[sort]
        if column in self.coded:
            codes = self.coded[column].codes  # codes of the sorted distinct values: in their order
            return codes, codes == _NONE
        raw = getattr(self, column)
        return raw, (raw == _NONE) if column == "deadline" else np.isnan(raw)

    def _value(self, sort: str, at: int) -> Any:
        """Entry ``at``'s value in the sort column, as a page token carries it."""
        column = _SORTED[sort]
        if column in self.coded:
            code = int(self.coded[column].codes[at])
            return None if code == _NONE else self.coded[column].values[code]
        raw = getattr(self, column)[at]
        missing = raw == _NONE if column == "deadline" else np.isnan(raw)
        return None if missing else raw.item()

    def _order(self, sort: str, descending: bool) -> tuple[np.ndarray, np.ndarray]:
        """The positions in ``sort`` order and each position's rank in it (sorted once per build)."""
        held = self._orders.get((sort, descending))
        if held is None:
            key, missing = self._key(sort)
            if descending:  # numpy sorts ascending: the key and id negated (missing stays last)
                order = np.lexsort((-self.ids, -np.where(missing, 0, key), missing))
            else:
                order = np.lexsort((self.ids, np.where(missing, 0, key), missing))
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            held = self._orders[(sort, descending)] = (order, rank)
        return held


def _joined(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Ranges ``[low, high)`` with those that overlap joined, in order."""
    joined: list[tuple[int, int]] = []
    for low, high in sorted(runs):
        if joined and low <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(high, joined[-1][1]))
        else:
            joined.append((low, high))
    return joined


def read_columns(engine: Engine) -> Columns:
    """The filter columns of every stored entry (read as plain tuples: at a million entries the
    rows are what the time goes on)."""
    names = ("id", "place_code", "deadline", "conflict", "norm_value", "confidence", *_CODED)
    query = select(*(getattr(EntryRow, name) for name in names)).order_by(EntryRow.id)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(str(query.compile(connection))).fetchall()  # no parameters: no WHERE
    columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {name: () for name in names}
    codes = pd.Series(columns["place_code"], dtype=object)
    odd = bool((codes.notna() & ~codes.astype(str).str.fullmatch(r"\d{6}")).any())
    place_code = pd.to_numeric(codes, errors="coerce").fillna(_NONE).astype(np.int64).to_numpy()
    by_place = np.argsort(place_code, kind="stable")
    return Columns(
        ids=np.array(columns["id"], dtype=np.int64),
        place_code=place_code,
        odd_codes=odd,
        deadline=pd.Series(columns["deadline"], dtype=object).fillna(_NONE).astype(np.int32).to_numpy(),
        conflict=np.array(columns["conflict"], dtype=bool),
        coded={name: _Coded.of(columns[name]) for name in _CODED},
        norm_value=np.array(columns["norm_value"], dtype=np.float64),  # None → NaN
        confidence=np.array(columns["confidence"], dtype=np.float64),
        text_order=_text_order(engine),
        by_place=by_place,
        place_sorted=place_code[by_place],
    )  # fmt: skip


def _text_order(engine: Engine) -> bool:
    """Whether the database orders text as Python does (by code point): SQLite's BINARY collation
    does; PostgreSQL does under the C collation only (a locale's collation orders 汉字 otherwise)."""
    if engine.dialect.name == "sqlite":
        return True
    with engine.connect() as connection:
        collation = connection.exec_driver_sql("SELECT datcollate FROM pg_database WHERE datname = current_database()").scalar()  # noqa: E501
    return str(collation).split(".")[0] in ("C", "POSIX")


class ColumnCache:
    """The columns of the latest build of each database, read once per process, in a thread of
    their own: a request never waits for a million rows to be read (until they are, views are
    counted by SQL), and concurrent requests start one read, not one each."""

    def __init__(self) -> None:
        self._held: dict[str, tuple[str, Columns]] = {}
        self._reading: set[str] = set()
        self._lock = threading.Lock()

    def get(self, url: str, build: str, engine: Engine, built: Callable[[], str], *, wait: bool = False) -> Columns | None:
        """The columns of ``build`` if read (``wait``: read them now if not); ``built`` reads which
        build is stored now, so columns read while another build was written are not kept."""
        held = self._held.get(url)
        if held is not None and held[0] == build:
            return held[1]
        if wait:
            return self._read(url, build, engine, built)
        with self._lock:
            if url in self._reading:
                return None
            self._reading.add(url)
        threading.Thread(target=self._read, args=(url, build, engine, built), daemon=True, name="ledger-columns").start()
        return None

    def _read(self, url: str, build: str, engine: Engine, built: Callable[[], str]) -> Columns | None:
        try:
            columns = read_columns(engine)
            if built() == build:
                self._held[url] = (build, columns)
            return columns
        except Exception:  # noqa: BLE001 - a failed read leaves the views to SQL; the request that
            return None  # asks next tries again, and a broken database shows in its SQL answer
        finally:
            with self._lock:
                self._reading.discard(url)


COLUMNS = ColumnCache()

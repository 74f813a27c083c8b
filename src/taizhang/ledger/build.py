"""Building the ledger: entries, mentions and statuses rebuilt from stored pledges, corrections and
outcomes, and written in batches with entry ids that stay put."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, false, func, or_, select, true
from sqlalchemy.orm import Session

from taizhang.document import PLEDGE_FIELDS, Pledge
from taizhang.extract import document_year
from taizhang.ledger.base import LedgerBase
from taizhang.ledger.corrections import Applied, Correction, Mention, SourceRef, apply
from taizhang.ledger.judging import MATCH_COLUMNS, NO_OUTCOME, OUTCOME_COLUMNS, Judged, OutcomeJudge
from taizhang.ledger.merge import Entry, build_entries, norm_high
from taizhang.ledger.partial import Places, Scope, chunks, named_sources, scope_of, scoped_entries, touched
from taizhang.ledger.status import Rules
from taizhang.ledger.swap import Swap
from taizhang.ledger.tables import (
    CorrectionRow,
    EntryRow,
    LedgerStateRow,
    MentionIdRow,
    MentionRow,
    OutcomeMatchRow,
    OutcomeRow,
    StatusChangeRow,
)
from taizhang.storage import LEDGER_LOCK, SourceInfo, write_lock
from taizhang.storage.bulk import insert_tuples, json_text
from taizhang.storage.tables import OutcomeTextRow, PledgeRow, SourceRow
from taizhang.versioning import code_digest

_BATCH = 10_000  # entries per write: few round trips, and memory stays bounded at a million entries
_BUILD_CACHE_KIB = -262_144  # SQLite's page cache while writing a build (negative: KiB, so 256 MiB at most)
_FEW = 500  # sources whose pledges are picked by id in the query
_FRESH = 200  # corrections since the last build that are rebuilt in part (more: the whole ledger)
_SWAPPED = _BATCH  # entries from which a whole rebuild on PostgreSQL is written into fresh tables (see swap)
_STORED_FIELDS = tuple(name for name in PLEDGE_FIELDS if name != "source")  # a pledge row's columns


@dataclass(slots=True)
class Built:
    """What a refresh did."""

    rebuilt: bool
    entries: int = 0
    mentions: int = 0
    status_changes: int = 0
    unapplied: list[Correction] = field(default_factory=list)
    invalid: list[tuple[Correction, str]] = field(default_factory=list)  # (correction, why it cannot apply)


class BuildStage(LedgerBase):
    """Refreshing the ledger from what it is made of (or loading prepared records in bulk)."""

    def refresh(self, *, force: bool = False) -> Built:
        """Rebuild entries, mentions and statuses if anything they are made from changed. When
        all that changed since the last build is corrections recorded (a click in the dashboard,
        ``taizhang correct``), only the groups of the records they touch are rebuilt (see
        ``partial``): a correction costs its groups, not the ledger."""
        with _collector_held():
            return self._refresh(force)

    def _refresh(self, force: bool) -> Built:
        with self._session() as session:
            made_of = self._made_of(session)
            fingerprint = made_of.digest()
            state = session.get(LedgerStateRow, 1)
            if not force and state is not None and state.fingerprint == fingerprint:
                return Built(rebuilt=False)
            fresh = made_of.fresh_corrections(state.fingerprint) if state is not None and not force else None
            scoped = self._scoped(session, fresh) if fresh else None
        if scoped is not None:
            try:
                return self._write(scoped[2], scoped[1], fingerprint, scope=scoped[0], based_on=state.fingerprint)
            except _Moved:  # another process built meanwhile: what it built is not what was scoped
                pass
        applied, entries = self._entries()
        return self._write(entries, applied, fingerprint, again=force)

    def build(self, mentions: list[Mention]) -> Built:
        """Store entries made from ``mentions`` as they are (no stored pledges, no corrections).

        For loading prepared records in bulk (the scale benchmark): the same merge, statuses and
        writes as :meth:`refresh`; the next ``refresh`` replaces them from the stored pledges.
        """
        applied = Applied(mentions, [], [], [])
        with _collector_held():
            return self._write(build_entries(mentions), applied, "built from records")

    def _made_of(self, session: Session) -> _MadeOf:
        parts = [_rules_version(), date.today().isoformat(), repr(Rules())]
        for table in (PledgeRow, OutcomeTextRow, OutcomeRow, SourceRow):
            parts.append(repr(session.execute(select(func.count(), func.max(table.id))).one()))
        # SQLite reuses the ids of deleted rows: replaced pledges can have the same count and ids.
        parts.append(repr(session.execute(select(func.sum(PledgeRow.start), func.sum(PledgeRow.norm_value))).one()))
        parts.append(repr(session.execute(select(func.sum(OutcomeTextRow.start), func.sum(OutcomeTextRow.norm_value))).one()))
        parts.append(repr(session.execute(select(SourceRow.id, SourceRow.extractor).order_by(SourceRow.id)).all()))
        return _MadeOf(hashlib.sha256("|".join(parts).encode()), list(session.scalars(select(CorrectionRow.id).order_by(CorrectionRow.id))))

    def _year(self, info: SourceInfo) -> int | None:
        """The year a source speaks from (:func:`taizhang.pipeline.source_year`): as ingest
        stored it, else its date's, else what the extractor reads from its text (only then is
        the text loaded)."""
        if info.year is not None:
            return info.year or None
        return _year(info.date) or document_year(self.store.source_text(info.id), info.title)

    def _mentions(
        self, sources: list[SourceInfo], ranks: dict[int, int], actors: list[str | None] | None = None, named: Collection[int] = ()
    ) -> list[Mention]:
        """Every pledge of ``sources``, read in one streamed query of plain columns (no ORM objects
        held by a session), in the ledger's order of sources (``ranks``). A mention's pledge is its
        record as extracted until a correction changes it (see ``corrections._set``): one copy of
        each, not two. ``actors``: only the pledges of these actors, and every pledge of the
        sources ``named`` (by id)."""
        by_id = {info.id: info for info in sources}
        years: dict[int, int | None] = {}
        columns = [PledgeRow.source_id, *(getattr(PledgeRow, name) for name in _STORED_FIELDS)]
        query = select(*columns).order_by(PledgeRow.source_id, PledgeRow.start, PledgeRow.id)
        if len(by_id) <= _FEW:  # a few sources: read theirs alone (else all, skipping older versions)
            query = query.where(PledgeRow.source_id.in_(list(by_id)))
        if actors is not None:
            written = [actor for actor in actors if actor is not None]
            query = query.where(or_(
                PledgeRow.actor.in_(written), PledgeRow.actor.is_(None) if None in actors else false(),
                PledgeRow.source_id.in_(list(named)),
            ))  # fmt: skip
        mentions = []
        # The words of a million records repeat (a metric, a unit, a quote reprinted): each kept once.
        words: dict[str, str] = {}
        with self._session() as session:
            for source_id, *values in session.execute(query.execution_options(yield_per=_BATCH)):
                info = by_id.get(source_id)
                if info is None:  # an older version of a file
                    continue
                if source_id not in years:
                    years[source_id] = self._year(info)
                record = {
                    name: words.setdefault(value, value) if type(value) is str else value
                    for name, value in zip(_STORED_FIELDS, values, strict=True)
                }  # fmt: skip
                record["mentions"] = [tuple(m) for m in record["mentions"]]
                pledge = Pledge(source=info.name, **record)
                mentions.append(Mention(pledge, pledge, info.sha256, ranks[info.id], years[source_id], path=info.path))
        return mentions

    def _entries(self, only: SourceInfo | None = None) -> tuple[Applied, list[Entry]]:
        sources = self.store.latest_sources() if only is None else [only]
        ranks = source_ranks(sources)
        corrections = self.corrections()
        applied = apply(self._mentions(sources, ranks), corrections, self._refs(sources, ranks, corrections))
        return applied, build_entries(applied.mentions, applied.merges, applied.splits)

    def _refs(self, sources: list[SourceInfo], ranks: dict[int, int], corrections: list[Correction]) -> dict[str, SourceRef]:
        """The sources pledges are added to (``add`` corrections), with their texts."""
        added = {key for c in corrections if c.action == "add" for key in (c.anchor.sha256, c.anchor.path)}
        return {
            s.sha256: SourceRef(s.name, ranks[s.id], self._year(s), self.store.source_text(s.id), s.path)
            for s in sources
            if added & {s.sha256, s.path}
        }

    def _scoped(self, session: Session, fresh_ids: Collection[int]) -> tuple[Scope, Applied, list[Entry]]:
        """The groups the corrections ``fresh_ids`` touch, and their entries (see ``partial``)."""
        corrections = self.corrections()
        fresh = [c for c in corrections if c.id in set(fresh_ids)]
        sources = self.store.latest_sources()
        ranks = source_ranks(sources)
        refs = self._refs(sources, ranks, corrections)
        named = named_sources(corrections, sources)
        places = Places(session)
        files = {s.sha256: s.path for s in sources}
        scope = scope_of(session, places, touched(fresh), apply(self._mentions(named, ranks), corrections, refs), files)
        mentions = self._mentions(sources, ranks, places.actors(scope.groups), {s.id for s in named})
        applied, entries = scoped_entries(mentions, corrections, refs, places, scope)
        return scope, applied, entries

    def _write(
        self, entries: list[Entry], applied: Applied, fingerprint: str, *, again: bool = True,
        scope: Scope | None = None, based_on: str | None = None,
    ) -> Built:  # fmt: skip
        """Store ``entries`` in place of the ledger's (``scope``: of the stored entries it names, on
        the ledger built from ``based_on``), in one transaction under the ledger's lock (two
        processes building at once take turns; the second finds the first's build and, unless
        ``again``, keeps it)."""
        index, texts = self._candidates()
        judging = OutcomeJudge(index, texts, applied.outcome_links, entries)
        now = datetime.now(UTC)
        today = date.today()
        built = Built(
            rebuilt=True, entries=len(entries), mentions=len(applied.mentions),
            unapplied=applied.unapplied + judging.unapplied, invalid=applied.invalid,
        )  # fmt: skip
        with self._session() as session, session.begin():
            connection = session.connection()
            write_lock(connection, LEDGER_LOCK)
            state = session.get(LedgerStateRow, 1)
            if scope is not None and (state is None or state.fingerprint != based_on):
                raise _Moved
            if not again and state is not None and state.fingerprint == fingerprint:
                return Built(rebuilt=False)
            last = _last_statuses(session, None if scope is None else [entry.key for entry in entries])
            # An entry keeps its id across rebuilds, corrections and new versions of its files (a
            # person may have noted it): it takes an id one of its mentions had, found by file,
            # words and metric as extracted (one clause can state two pledges: 分别增长50%); one new
            # to this build gets an id never given before.
            stored = _stored_ids(session, None if scope is None else {_key_of(m) for entry in entries for m in entry.mentions})
            had = stored or ({} if scope is not None else _ids_of_built_mentions(session))  # a ledger built before the table: read once
            given = max(max((i for ids in had.values() for i in ids), default=0), state.last_entry_id if state else 0)
            taken: set[int] = set()
            mention_id = match_id = 0
            derived = [EntryRow.__table__, MentionRow.__table__, OutcomeMatchRow.__table__]
            swap = Swap(connection, derived) if scope is None and len(entries) >= _SWAPPED and Swap.possible(connection, derived) else None  # fmt: skip
            if scope is None:  # (a swap leaves the live tables as they are until it is done)
                if swap is None:
                    connection.execute(delete(MentionRow))
                    connection.execute(delete(OutcomeMatchRow))
                    connection.execute(delete(EntryRow))
            else:  # the entries replaced go; those left standing keep their ids, rows are numbered after theirs
                for chunk in chunks(sorted(scope.entry_ids)):
                    connection.execute(delete(MentionRow).where(MentionRow.entry_id.in_(chunk)))
                    connection.execute(delete(OutcomeMatchRow).where(OutcomeMatchRow.entry_id.in_(chunk)))
                    connection.execute(delete(EntryRow).where(EntryRow.id.in_(chunk)))
                taken = set(session.scalars(select(EntryRow.id)))
                mention_id = session.scalar(select(func.max(MentionRow.id))) or 0
                match_id = session.scalar(select(func.max(OutcomeMatchRow.id))) or 0
            # Indexes built once over the new rows, by a sort, rather than grown row by row: on
            # SQLite, whose readers go on reading the last build meanwhile (PostgreSQL would lock
            # them out of the tables until this one commits: there a big rebuild swaps tables).
            indexes = [
                index for table in (EntryRow, MentionRow, OutcomeMatchRow) for index in table.__table__.indexes
            ] if connection.dialect.name == "sqlite" and scope is None else []  # fmt: skip
            for index in indexes:
                index.drop(connection)
            # The indexes that stay (entry keys, status history by key, mention ids) take rows in
            # random key order: with SQLite's default cache of 2 MB every insert reads a page back
            # (a third of a 300,000-entry build); the pages held for this write instead, let go after.
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar() if connection.dialect.name == "sqlite" else None
            if cache is not None:
                connection.exec_driver_sql(f"PRAGMA cache_size = {_BUILD_CACHE_KIB}")
            # Rows as tuples in the order of each table's columns (no dict per row), flushed in batches.
            columns = {EntryRow: _ENTRY_COLUMNS, MentionRow: _MENTION_COLUMNS, OutcomeMatchRow: MATCH_COLUMNS, StatusChangeRow: _CHANGE_COLUMNS}  # fmt: skip
            batch: dict[type, list[tuple]] = {table: [] for table in columns}

            def flush() -> None:  # entries before their mentions and matches: the foreign keys
                for table, rows in batch.items():
                    into = swap.table(table.__table__) if swap is not None and table is not StatusChangeRow else table.__table__
                    names, shaped = _entry_rows(rows) if table is EntryRow else (columns[table], rows)
                    insert_tuples(connection, into, names, shaped, encoded=_ENCODED)
                    rows.clear()

            ids, given = _entry_ids(entries, had, given, applied, taken)
            new_ids = sorted(  # in the order of their index: each row lands after the one before
                (key, entry_id)
                for entry, entry_id in zip(entries, ids, strict=True)
                for key in _keys(entry)
                if not stored or entry_id not in stored.get(key, ())
            )  # fmt: skip
            for start in range(0, len(new_ids), _BATCH):
                insert_tuples(connection, MentionIdRow.__table__, ("key", "entry_id"), new_ids[start : start + _BATCH])
            entry_rows, mention_rows, match_rows, change_rows = batch.values()
            for position, (entry, entry_id) in enumerate(zip(entries, ids, strict=True)):
                judged = judging.judge(position, entry, today)
                verdict = judged.verdict
                entry_rows.append(_entry_row(entry_id, entry, judged))
                if judged.matched.considered:
                    match_rows.extend(judged.match_rows(entry_id, match_id))
                    match_id += len(judged.matched.considered)
                if last.get(entry.key) != verdict.status:
                    built.status_changes += 1
                    change_rows.append((entry.key, verdict.status, verdict.reason, today, now))
                for mention in entry.mentions:
                    mention_id += 1
                    mention_rows.append(_mention_row(mention_id, entry_id, mention))
                if len(entry_rows) >= _BATCH or len(mention_rows) >= _BATCH:
                    flush()
            flush()
            if swap is not None:
                swap.finish()
            for index in indexes:
                index.create(connection)
            if cache is not None:  # its dirty pages stay until the commit writes them, then go
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
            unapplied = sorted(({c.id for c in applied.unapplied} | {c.id for c, _ in applied.invalid}) - {None})
            if state is None:
                state = LedgerStateRow(id=1, fingerprint=fingerprint, built_at=now)
                session.add(state)
            state.fingerprint, state.built_at, state.last_entry_id, state.unapplied = fingerprint, now, given, unapplied
        if connection.dialect.name == "postgresql" and scope is None and len(entries) >= _BATCH:
            # After a bulk load: statistics, so the filters' indexes are chosen at once, and the
            # visibility map, so counting a filter's matches reads its index alone (202 ms → see bench).
            with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
                vacuum.exec_driver_sql("VACUUM ANALYZE ledger_entries")
                vacuum.exec_driver_sql("VACUUM ANALYZE ledger_mentions")
        return built


@contextmanager
def _collector_held() -> Iterator[None]:
    """Python's cyclic garbage collector held off: a build makes millions of objects that live
    until it ends (mentions, entries, rows), none of them in cycles, and each full collection the
    growing heap sets off walks all of them (8 % of a 300,000-entry build's CPU, more at a million).
    What cycles a build leaves are collected when it ends."""
    if not gc.isenabled():  # held off already (a build inside a build's caller that holds it)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def source_ranks(sources: list[SourceInfo]) -> dict[int, int]:
    """Each source's place in the ledger's order, by source id: the earliest dated first (undated
    last), then by file name and path. An entry's first mention, and so its export row, is then the
    same whatever order the files were ingested in."""
    ordered = sorted(sources, key=lambda s: (s.date is None, s.date or "", s.name, s.path, s.sha256))
    return {source.id: rank for rank, source in enumerate(ordered)}


def _mention_key(file: str, quote: str, metric: str) -> str:
    """What stands for one mention across rebuilds and new versions of its file."""
    return hashlib.sha1("\x1f".join((file, quote, metric)).encode()).hexdigest()


def _ids_of_built_mentions(session: Session) -> dict[str, list[int]]:
    """The entry id of every stored mention, by :func:`_mention_key`."""
    files = dict(session.execute(select(SourceRow.sha256, SourceRow.path)).all())
    had: dict[str, list[int]] = {}
    query = select(MentionRow.sha256, MentionRow.quote, MentionRow.metric, MentionRow.original, MentionRow.entry_id).order_by(MentionRow.id)  # fmt: skip
    for sha256, quote, metric, original, entry_id in session.execute(query):
        ids = had.setdefault(_mention_key(files.get(sha256, sha256), quote, metric if original is None else original["metric"]), [])
        ids.extend([] if entry_id in ids else [entry_id])
    return had


def _key_of(mention: Mention) -> str:
    return _mention_key(mention.path or mention.sha256, mention.pledge.quote, mention.original.metric)


def _keys(entry: Entry) -> Collection[str]:
    """The keys of an entry's mentions, each once."""
    mentions = entry.mentions
    return (_key_of(mentions[0]),) if len(mentions) == 1 else {_key_of(m) for m in mentions}


def _entry_ids(
    entries: list[Entry], had: dict[str, list[int]], given: int, applied: Applied, taken: set[int]
) -> tuple[list[int], int]:
    """Each entry's id: an id one of its mentions had (``had``, by :func:`_mention_key`, the first
    it had first: a merge undone gives the entry its own id back), else one above ``given``, the
    highest ever given; returns the ids and the new highest. A merged entry prefers the ids of the
    entry the others were merged into, and a mention split out of an entry chooses last, so the
    entry it left keeps its id (as ``correct merge``/``split`` say). ``taken``: the ids of entries
    left standing (a partial build)."""

    # The entries merged into, the latest merge first, leaving out one a later merge took into
    # another (merge a b, then merge c a: c is what a person merged into last).
    merges = applied.merges
    targets = [a for k, (a, _) in reversed(list(enumerate(merges))) if all(b != a for _, b in merges[k + 1 :])]

    def candidates(entry: Entry) -> Iterator[int]:
        # The mention merged into: the id a person saw it under when merging, its latest. Any
        # other mention: the first id it had. Looked up lazily: an entry of a thousand mentions
        # usually takes its first's.
        into = [m for a in targets for m in entry.mentions if a.matches(m)]
        yield from (i for m in into for i in reversed(had.get(_key_of(m), ())))
        yield from (i for m in entry.mentions if m not in into for i in had.get(_key_of(m), ()))

    ids: list[int] = [0] * len(entries)
    taken = set(taken)
    order = range(len(entries))
    if applied.splits:
        split_off = [any(a.matches(m) for a in applied.splits for m in e.mentions) for e in entries]
        order = sorted(order, key=split_off.__getitem__)
    for i in order:
        found = (old for old in candidates(entries[i]) if old not in taken) if had else iter(())  # a first build: none
        ids[i] = next(found, 0)
        if not ids[i]:
            given += 1
            ids[i] = given
        taken.add(ids[i])
    return ids, given


@cache  # the files do not change while a process runs
def _rules_version() -> str:
    """A digest of the ledger's code and data (places, metrics): a new version rebuilds the ledger."""
    return code_digest(Path(__file__).parent)


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and iso[:4].isdigit() else None


def _last_statuses(session: Session, keys: list[str] | None = None) -> dict[str, str]:
    """Each entry's latest status (``keys``: of these entries only), by entry key."""
    if keys is not None:
        return {key: status for chunk in chunks(keys) for key, status in _last_statuses_where(session, StatusChangeRow.entry_key.in_(chunk))}
    return dict(_last_statuses_where(session, true()))


def _last_statuses_where(session: Session, where: Any) -> list[tuple[str, str]]:
    latest = select(StatusChangeRow.entry_key, func.max(StatusChangeRow.id).label("id")).where(where).group_by(StatusChangeRow.entry_key).subquery()
    query = select(StatusChangeRow.entry_key, StatusChangeRow.status).join(latest, StatusChangeRow.id == latest.c.id)
    return [(key, status) for key, status in session.execute(query)]


def _stored_ids(session: Session, keys: set[str] | None) -> dict[str, list[int]]:
    """The entry ids each mention key had (``keys``: these keys only), the first first."""
    query = select(MentionIdRow.key, MentionIdRow.entry_id).order_by(MentionIdRow.id)
    rows = session.execute(query) if keys is None else (
        row for chunk in chunks(sorted(keys)) for row in session.execute(query.where(MentionIdRow.key.in_(chunk)))
    )  # fmt: skip
    stored: dict[str, list[int]] = {}
    for key, entry_id in rows:
        stored.setdefault(key, []).append(entry_id)
    return stored


@dataclass(slots=True)
class _MadeOf:
    """What the ledger is made from: a digest of all but the corrections, and the corrections' ids
    (corrections are only ever added, each with an id above all before it)."""

    rest: Any  # a hashlib digest, copied for each digest made from it
    corrections: list[int]

    def digest(self, corrections: int | None = None) -> str:
        """The fingerprint of the ledger made with the first ``corrections`` corrections (all: None)."""
        kept = self.corrections if corrections is None else self.corrections[:corrections]
        digest = self.rest.copy()
        digest.update(f"|{len(kept)},{kept[-1] if kept else None}".encode())
        return digest.hexdigest()

    def fresh_corrections(self, built: str) -> list[int] | None:
        """The corrections recorded since the build of fingerprint ``built``, if nothing else
        changed since (the newest ``_FRESH`` looked back over); else None."""
        for fresh in range(1, min(_FRESH, len(self.corrections)) + 1):
            if self.digest(len(self.corrections) - fresh) == built:
                return self.corrections[-fresh:]
        return None


class _Moved(Exception):
    """The ledger was built by another process since a partial build was worked out."""


# The columns of an entry's row and of a mention's, in the order their values are made in.
_ENTRY_COLUMNS = (
    "id", "key", "actor", "place_code", "place", "official", "metric", "metric_key", "kind", "comparator", "value",
    "value_high", "unit", "norm_value", "norm_value_high", "norm_unit", "deadline", "horizon", "hedge", "binding",
    "confidence", "source", "start", "end", "quote", "mentions", "sources", "mention_count", "conflict",
    "conflict_reason", "status", "status_reason", *OUTCOME_COLUMNS,
)  # fmt: skip
_MENTION_COLUMNS = (
    "id", "entry_id", "source", "sha256", "start", "end", "quote", "actor", "official", "metric", "comparator", "value",
    "value_high", "unit", "norm_value", "norm_unit", "deadline", "corrected", "original",
)  # fmt: skip
_CHANGE_COLUMNS = ("entry_key", "status", "reason", "as_of", "recorded_at")
_ENCODED = ("mentions", "sources", "corrected", "original")  # the JSON columns given as their text


def _entry_row(entry_id: int, entry: Entry, judged: Judged) -> tuple:
    """The values of ``_ENTRY_COLUMNS`` for an entry; those of ``OUTCOME_COLUMNS`` only when its
    status rests on an outcome (else they are all None: see ``_entry_rows``)."""
    mentions = entry.mentions
    first = mentions[0]
    pledge = first.pledge
    verdict = judged.verdict
    matched = judged.matched
    conflicts = entry.conflicts + [matched.conflict] if matched.considered and matched.conflict else entry.conflicts
    place = entry.place
    row = (
        entry_id, entry.key, pledge.actor, place.code or None if place else None, place.name if place else None,
        pledge.official, pledge.metric, entry.metric_key, pledge.kind, pledge.comparator, pledge.value,
        pledge.value_high, pledge.unit, pledge.norm_value, None if pledge.value_high is None else norm_high(first),
        pledge.norm_unit, pledge.deadline, pledge.horizon, pledge.hedge, pledge.binding, pledge.confidence,
        pledge.source, pledge.start, pledge.end, pledge.quote, json_text(pledge.mentions) if pledge.mentions else _EMPTY,
        _one_source(pledge.source) if len(mentions) == 1 else json_text(entry.sources), len(mentions),
        bool(conflicts), "; ".join(conflicts) if conflicts else None, verdict.status, verdict.reason,
    )  # fmt: skip
    return row + judged.outcome_values() if matched.judged else row


_UNJUDGED = len(_ENTRY_COLUMNS) - len(OUTCOME_COLUMNS)  # the length of an entry's row without an outcome

def _entry_rows(rows: list[tuple]) -> tuple[tuple[str, ...], list[tuple]]:
    """A batch of entry rows in one shape, and its columns: without the outcome columns (NULL by
    default) when no entry's status rests on an outcome, as in most batches of a big ledger (a
    value bound costs SQLite as much as one given), else each row with them."""
    if all(len(row) == _UNJUDGED for row in rows):
        return _ENTRY_COLUMNS[:_UNJUDGED], rows
    return _ENTRY_COLUMNS, [row + NO_OUTCOME if len(row) == _UNJUDGED else row for row in rows]


def _mention_row(mention_id: int, entry_id: int, mention: Mention) -> tuple:
    """The values of ``_MENTION_COLUMNS`` for a mention. Its record as extracted is written only
    where a correction changed it: else it is the row's own values (see ``tables.extracted``)."""
    pledge = mention.pledge
    original = mention.original
    corrected = mention.corrected
    return (
        mention_id, entry_id, pledge.source, mention.sha256, pledge.start, pledge.end, pledge.quote, pledge.actor,
        pledge.official, pledge.metric, pledge.comparator, pledge.value, pledge.value_high, pledge.unit,
        pledge.norm_value, pledge.norm_unit, pledge.deadline, json_text(corrected) if corrected else _EMPTY,
        None if original is pledge else json_text(_record(original)),
    )  # fmt: skip


_EMPTY = json_text([])  # a list column's text when empty (most are), encoded once


@lru_cache(maxsize=4096)
def _one_source(name: str) -> str:
    """The JSON text of the sources of an entry of one mention (most entries), encoded once per source."""
    return json_text([name])


def _record(pledge: Pledge) -> dict[str, Any]:
    """``pledge.to_dict()`` as JSON writes it, without dataclasses.asdict's deep copy, which
    dominated a million-entry build (its mentions' tuples are written as lists all the same)."""
    return dict(zip(PLEDGE_FIELDS, _pledge_values(pledge), strict=True))


_pledge_values = attrgetter(*PLEDGE_FIELDS)  # a pledge's fields in one call (in C)

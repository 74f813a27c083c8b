"""Building the ledger: entries, mentions and statuses rebuilt from stored pledges, corrections and
outcomes, and written in batches with entry ids that stay put."""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from functools import cache
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, false, func, insert, literal, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from taizhang.document import Pledge
from taizhang.extract import document_year
from taizhang.ledger.base import LedgerBase
from taizhang.ledger.chunked import Part, Parts, Plan, Spill, in_order
from taizhang.ledger.corrections import Anchor, Applied, Correction, Mention, SourceRef, apply
from taizhang.ledger.judging import MATCH_COLUMNS, OutcomeJudge
from taizhang.ledger.matching import Candidate, Index
from taizhang.ledger.merge import Entry, build_entries
from taizhang.ledger.outcomes import CANDIDATE_COLUMNS, person_candidates, text_candidate
from taizhang.ledger.partial import Places, Scope, chunks, named_sources, scope_of, scoped_entries, touched
from taizhang.ledger.rows import (
    CHANGE_COLUMNS,
    ENCODED,
    ENTRY_COLUMNS,
    MENTION_COLUMNS,
    Ids,
    Prepared,
    Rows,
    entry_batch,
    first_of,
    key_of,
    mention_key,
    merge_targets,
    null_of,
    prepare,
)
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
from taizhang.runners import LocalPool, Shared
from taizhang.scratch import scratch_folder
from taizhang.storage import LEDGER_LOCK, SourceInfo, Store, write_lock
from taizhang.storage.bulk import insert_tuples
from taizhang.storage.tables import OutcomeTextRow, PledgeRow, SourceRow
from taizhang.versioning import code_digest

_CHUNK = 200_000  # pledges and outcomes per chunk of a whole rebuild: a few hundred MB
_PARALLEL = 50_000  # records from which worker processes pay for their start (about a second) and hand-offs
_BATCH = 10_000  # entries per write: few round trips, and memory stays bounded at a million entries
_BUILD_CACHE_KIB = -262_144  # SQLite's page cache while writing a build (negative: KiB, so 256 MiB at most)
_SORT_CACHE_KIB = -4_096  # SQLite's page cache while building a build's indexes: the size of each sorted run (see _sorting)
_SORT_THREADS = 2  # SQLite's helper threads sorting them
_FEW = 500  # sources whose pledges are picked by id in the query
_FRESH = 200  # corrections since the last build that are rebuilt in part (more: the whole ledger)
_SWAPPED = _BATCH  # entries from which a whole rebuild on PostgreSQL is written into fresh tables (see swap)
# A pledge row's columns, in the order of Pledge's fields after its source (a Pledge is made from them by position).
_STORED_FIELDS = tuple(f.name for f in fields(Pledge) if f.name != "source")
_ACTOR, _METRIC = (1 + _STORED_FIELDS.index(name) for name in ("actor", "metric"))  # in a pledge row (see _pledge_rows)
_MENTIONS = _STORED_FIELDS.index("mentions")  # in its values
_PLEDGES = select(PledgeRow.source_id, *(getattr(PledgeRow, name) for name in _STORED_FIELDS)).order_by(PledgeRow.source_id, PledgeRow.start, PledgeRow.id)  # fmt: skip
_OUTCOMES = select(*(OutcomeTextRow.__table__.c[name] for name in CANDIDATE_COLUMNS)).order_by(OutcomeTextRow.source_id, OutcomeTextRow.start, OutcomeTextRow.id)  # fmt: skip
_PLACE, _METRIC_KEY = ([f.name for f in fields(Candidate)].index(name) for name in ("place_key", "metric_key"))  # in a candidate's values


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

    chunk_records = _CHUNK  # records a whole rebuild holds at a time, about (see ``chunked``)
    parallel_records = _PARALLEL  # records from which a rebuild with workers uses them

    def refresh(self, *, force: bool = False, workers: int = 1) -> Built:
        """Rebuild entries, mentions and statuses if anything they are made from changed. When
        all that changed since the last build is corrections recorded (a click in the dashboard,
        ``taizhang correct``), only the groups of the records they touch are rebuilt (see
        ``partial``): a correction costs its groups, not the ledger. ``workers``: a whole rebuild's
        chunks are built in that many worker processes (:class:`taizhang.runners.LocalPool`), this
        one reading and writing; the same rows and ids as one process builds."""
        with _collector_held():
            return self._refresh(force, workers)

    def _refresh(self, force: bool, workers: int) -> Built:
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
                rows = self._rows_of(scoped[2], scoped[1], scoped=True)
                return self._write(rows, fingerprint, scope=scoped[0], based_on=state.fingerprint)
            except _Moved:  # another process built meanwhile: what it built is not what was scoped
                pass
        with ExitStack() as held:  # (the workers and their files, if any: until the rows are written)
            return self._write(self._chunked(workers, held), fingerprint, again=force)

    def build(self, mentions: list[Mention]) -> Built:
        """Store entries made from ``mentions`` as they are (no stored pledges, no corrections).

        For loading prepared records in bulk (the scale benchmark): the same merge, statuses and
        writes as :meth:`refresh`; the next ``refresh`` replaces them from the stored pledges.
        """
        applied = Applied(mentions, [], [], [])
        with _collector_held():
            return self._write(self._rows_of(build_entries(mentions), applied), "built from records")

    def _made_of(self, session: Session) -> _MadeOf:
        parts = [_rules_version(), date.today().isoformat(), repr(Rules())]
        for table in (PledgeRow, OutcomeTextRow, OutcomeRow, SourceRow):
            parts.append(repr(session.execute(select(func.count(), func.max(table.id))).one()))
        # SQLite reuses the ids of deleted rows: replaced pledges can have the same count and ids.
        parts.append(repr(session.execute(select(func.sum(PledgeRow.start), func.sum(PledgeRow.norm_value))).one()))
        parts.append(repr(session.execute(select(func.sum(OutcomeTextRow.start), func.sum(OutcomeTextRow.norm_value))).one()))
        # (latest: a file put back to an earlier version changes which sources the ledger reads, and no id)
        parts.append(repr(session.execute(select(SourceRow.id, SourceRow.extractor, SourceRow.latest).order_by(SourceRow.id)).all()))
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
        """Every pledge of ``sources`` (see :meth:`_pledge_rows`) as a mention."""
        by_id = {info.id: info for info in sources}
        made = _Mentions(self._year, by_id, ranks, {})
        return [made(row) for row in self._pledge_rows(by_id, actors, named)]

    def _pledge_rows(
        self, by_id: dict[int, SourceInfo], actors: list[str | None] | None = None, named: Collection[int] = ()
    ) -> Iterator[tuple]:
        """Every pledge of the sources ``by_id`` as (source id, values of ``_STORED_FIELDS``), read in
        one streamed query of plain columns (no ORM objects held by a session), in the ledger's
        order of sources. ``actors``: only the pledges of these actors, and every pledge of the
        sources ``named`` (by id)."""
        query = _PLEDGES
        if len(by_id) <= _FEW:  # a few sources: read theirs alone (else all, skipping older versions)
            query = query.where(PledgeRow.source_id.in_(list(by_id)))
        if actors is not None:
            written = [actor for actor in actors if actor is not None]
            query = query.where(or_(
                PledgeRow.actor.in_(written), PledgeRow.actor.is_(None) if None in actors else false(),
                PledgeRow.source_id.in_(list(named)),
            ))  # fmt: skip
        with self._session() as session:  # Core rows: the ORM's result machinery doubles the read
            for row in session.connection().execute(query.execution_options(yield_per=_BATCH)):
                if row[0] in by_id:  # (else an older version of a file)
                    yield tuple(row)

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

    def _chunked(self, workers: int, held: ExitStack) -> Rows:
        """The whole ledger's rows, built a chunk at a time (see ``chunked``), or several at a time
        by ``workers`` processes when the ledger has ``parallel_records`` records or more (they
        and their files are let go with ``held``)."""
        sources = self.store.latest_sources()
        by_id = {info.id: info for info in sources}
        ranks = source_ranks(sources)
        corrections = self.corrections()
        refs = self._refs(sources, ranks, corrections)
        named = {info.id for info in named_sources(corrections, sources)}
        years: dict[int, int | None] = {}
        # What applies, and how, is found in the named sources alone: as in every chunk.
        whole = apply(list(map(_Mentions(self._year, by_id, ranks, years), self._pledge_rows({i: by_id[i] for i in named}))), corrections, refs)  # fmt: skip
        parts = Parts()
        counts = self._part_counts(parts)
        for mention in whole.mentions:  # a corrected actor or metric can make a part no record was extracted in
            part = parts.of(mention.pledge.actor, mention.pledge.metric)
            counts[part] = counts.get(part, 0) + 1
        merged = [{parts.of(m.pledge.actor, m.pledge.metric) for m in whole.mentions if a.matches(m) or b.matches(m)} for a, b in whole.merges]  # fmt: skip
        size, pool, folder = self.chunk_records, None, None
        records = sum(counts.values())
        if workers > 1 and records >= self.parallel_records:
            folder = held.enter_context(scratch_folder("taizhang-ledger-build-"))  # (and those of killed builds removed)
            pool = LocalPool(workers, warm=None)  # forked from this process, which has loaded all they need: ready at once
            held.callback(pool.close)
            # Many chunks for each, handed out largest first, so that the workers end together (with 2
            # a chunk each: 1.2 against 1.5 s of CPU at 10,000 documents); smaller chunks cost less too.
            size = min(size, -(-records // (8 * workers)))
        plan = Plan(counts, merged, size)
        # The outcomes a person matched or unmatched go to every chunk, with their texts (to find them by).
        linked = [link.other for link in whole.outcome_links if link.other is not None]
        people = {f"p{other.outcome}" for other in linked if other.outcome is not None}
        files = {key for other in linked if other.outcome is None for key in (other.sha256, other.path)} - {None}
        texts: dict[str, tuple] = {}
        self._outcome_texts(texts, {info.id: info for info in sources if {info.sha256, info.path} & files})
        # The records go to their chunks' files read by the workers, each the sources of a run of ids (its own
        # connection), while this process waits: reading is most of what a build does besides its chunks.
        reading = _Reading(plan, named, people | texts.keys(), folder)
        groups = _groups(sources, workers if pool is not None else 1)
        with self._worded():
            if pool is None:
                read = [_read(self.store, reading, groups[0], people=True)]
            else:
                calls = [pool.submit(_read, self.store.url, reading, group, k == len(groups) - 1) for k, group in enumerate(groups)]
                read = [pool.result(call) for call in calls]
        year = self._year
        for source_id in sorted(set().union(*(reader.sources for reader in read)) - years.keys()):
            years[source_id] = year(by_id[source_id])  # here, once: a worker has no store to read texts from
        today = date.today()
        null = null_of(self.store.engine.dialect.name)
        common = _Common(by_id, ranks, years, corrections, refs, texts, plan, merge_targets(whole.merges), today, folder, null)
        shared = Shared(common, folder)  # (to the workers once each, however many chunks they build)
        tasks = [(shared, chunk, [reader.pledges[chunk] for reader in read], [reader.outcomes[chunk] for reader in read]) for chunk in range(plan.count)]  # fmt: skip
        if pool is None:
            built = map(_chunk_rows, *zip(*tasks, strict=True))
        else:
            calls = {chunk: pool.submit(_chunk_rows, *tasks[chunk]) for chunk in plan.largest_first()}
            built = (pool.result(calls[chunk]) for chunk in range(plan.count))
        done, entries, mentions, unapplied = [], 0, 0, []
        for rows, chunk_entries, chunk_mentions, unapplied in built:
            done.append(rows)
            entries, mentions = entries + chunk_entries, mentions + chunk_mentions
        whole.mentions = []
        return Rows(in_order(done, key=first_of), entries, mentions, whole, unapplied, today)

    def _part_counts(self, parts: Parts) -> dict[Part, int]:
        """The stored records of each part (see ``chunked``): pledges, and outcomes of the parts
        holding pledges."""
        counts: dict[Part, int] = {}
        with self._session() as session:
            for table, pledged in ((PledgeRow, False), (OutcomeTextRow, True)):
                query = select(table.actor, table.metric, func.count()).group_by(table.actor, table.metric)
                for actor, metric, count in session.execute(query):
                    part = parts.of(actor, metric)
                    if not pledged or part in counts:
                        counts[part] = counts.get(part, 0) + count
        return counts

    def _rows_of(self, entries: list[Entry], applied: Applied, *, scoped: bool = False) -> Rows:
        """The rows of ``entries``, all held in memory (a partial build's few; records loaded in bulk)."""
        index, texts = self._candidates()
        judging = OutcomeJudge(index, texts, applied.outcome_links, entries)
        today = date.today()
        targets = merge_targets(applied.merges)
        null = null_of(self.store.engine.dialect.name)
        prepared = (prepare(entry, judging.judge(position, entry, today), targets, applied.splits, null) for position, entry in enumerate(entries))  # fmt: skip
        rows = Rows(prepared, len(entries), len(applied.mentions), applied, judging.unapplied, today)
        if scoped:
            rows.entry_keys = [entry.key for entry in entries]
            rows.mention_keys = {key_of(m) for entry in entries for m in entry.mentions}
        return rows

    @contextmanager
    def _writing(self, *, unchecked: bool) -> Iterator[Session]:
        """A session to write a build in; ``unchecked``: on SQLite, on a connection that does not
        check foreign keys, as a whole rebuild needs none checked: it deletes the mentions and matches
        itself and writes each entry before them. The checks cost a lookup per mention written (half
        a second of a million-entry build) and per entry deleted; they are on again before the
        connection goes back to the pool. (SQLite takes the pragma only outside a transaction: set
        on the driver's connection, before ``write_lock`` begins one.)"""
        with self._worded(), self.store.engine.connect() as connection:
            driver = connection.connection.driver_connection if unchecked and connection.dialect.name == "sqlite" else None
            if driver is not None:
                driver.execute("PRAGMA foreign_keys = OFF")
            try:
                with Session(connection) as session:
                    yield session
            finally:
                if driver is not None:
                    driver.execute("PRAGMA foreign_keys = ON")

    def _write(
        self, rows: Rows, fingerprint: str, *, again: bool = True, scope: Scope | None = None, based_on: str | None = None
    ) -> Built:  # fmt: skip
        """Store ``rows`` in place of the ledger's (``scope``: of the stored entries it names, on
        the ledger built from ``based_on``), in one transaction under the ledger's lock (two
        processes building at once take turns; the second finds the first's build and, unless
        ``again``, keeps it)."""
        applied = rows.applied
        now = datetime.now(UTC)
        today = rows.today
        built = Built(
            rebuilt=True, entries=rows.entries, mentions=rows.mentions,
            unapplied=applied.unapplied + rows.unapplied, invalid=applied.invalid,
        )  # fmt: skip
        with self._writing(unchecked=scope is None) as session, session.begin():
            connection = session.connection()
            write_lock(connection, LEDGER_LOCK)
            null = null_of(connection.dialect.name)
            state = session.get(LedgerStateRow, 1)
            if scope is not None and (state is None or state.fingerprint != based_on):
                raise _Moved
            if not again and state is not None and state.fingerprint == fingerprint:
                return Built(rebuilt=False)
            last = _last_statuses(session, rows.entry_keys)
            # An entry keeps its id across rebuilds, corrections and new versions of its files (a
            # person may have noted it): it takes an id one of its mentions had, found by file,
            # words and metric as extracted (one clause can state two pledges: 分别增长50%); one new
            # to this build gets an id never given before.
            stored = _stored_ids(session, rows.mention_keys)
            had = stored or ({} if scope is not None else _ids_of_built_mentions(session))  # a ledger built before the table: read once
            given = max(max((i for ids in had.values() for i in ids), default=0), state.last_entry_id if state else 0)
            taken: set[int] = set()
            mention_id = match_id = 0
            derived = [EntryRow.__table__, MentionRow.__table__, OutcomeMatchRow.__table__]
            swap = Swap(connection, derived) if scope is None and rows.entries >= _SWAPPED and Swap.possible(connection, derived) else None  # fmt: skip
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
            if connection.dialect.name == "postgresql" and scope is None:
                # The indexes built after a whole rebuild's rows sort a million keys: in memory, not
                # in files, as PostgreSQL's default 64 MB would (index builds a quarter faster at
                # 1,000,000 entries), for this transaction only, never less than the server's own.
                connection.exec_driver_sql(
                    "SELECT set_config(name, greatest(setting::bigint, 262144) || 'kB', true) FROM pg_settings WHERE name = 'maintenance_work_mem'"
                )  # fmt: skip
            # Indexes built once over the new rows, by a sort, rather than grown row by row: on
            # SQLite, whose readers go on reading the last build meanwhile (PostgreSQL would lock
            # them out of the tables until this one commits: there a big rebuild swaps tables).
            # The status history's too on a first build, when every entry adds a row to an empty
            # table (later builds add a few to many: there the index is kept).
            rebuilt = (EntryRow, MentionRow, OutcomeMatchRow) + (() if last else (StatusChangeRow,))
            indexes = [
                index for table in rebuilt for index in table.__table__.indexes
            ] if connection.dialect.name == "sqlite" and scope is None else []  # fmt: skip
            for index in indexes:
                index.drop(connection)
            # The indexes that stay (status history by key after a first build, mention ids) take rows in
            # random key order: with SQLite's default cache of 2 MB every insert reads a page back
            # (a third of a 300,000-entry build); the pages held for this write instead, let go after.
            cache = connection.exec_driver_sql("PRAGMA cache_size").scalar() if connection.dialect.name == "sqlite" else None
            if cache is not None:
                connection.exec_driver_sql(f"PRAGMA cache_size = {_BUILD_CACHE_KIB}")
            # Rows as tuples in the order of each table's columns (no dict per row), flushed in batches.
            columns = {EntryRow: ENTRY_COLUMNS, MentionRow: MENTION_COLUMNS, OutcomeMatchRow: MATCH_COLUMNS, StatusChangeRow: CHANGE_COLUMNS}  # fmt: skip
            batch: dict[type, list[tuple]] = {table: [] for table in columns}

            def flush() -> None:  # entries before their mentions and matches: the foreign keys
                for table, rows in batch.items():
                    into = swap.table(table.__table__) if swap is not None and table is not StatusChangeRow else table.__table__
                    names, shaped = entry_batch(rows, null) if table is EntryRow else (columns[table], rows)
                    insert_tuples(connection, into, names, shaped, encoded=ENCODED)
                    rows.clear()

            entry_rows, mention_rows, match_rows, change_rows = batch.values()
            ids = Ids(had, given, taken)
            new_ids: list[tuple[int, int]] = []

            def put(prepared: Prepared, entry_id: int, mentions_after: int, matches_after: int) -> None:
                entry_rows.append((entry_id,) + prepared.entry_row)
                if prepared.match_rows:
                    match_rows.extend((matches_after + rank, entry_id) + row for rank, row in enumerate(prepared.match_rows, 1))
                keys = prepared.keys
                if len(keys) == 1:  # most entries: one mention, its rows without a loop
                    mention_rows.append((mentions_after + 1, entry_id) + prepared.mention_rows[0])
                    if not stored or entry_id not in stored.get(keys[0], ()):
                        new_ids.append((keys[0], entry_id))
                else:
                    mention_rows.extend((mentions_after + k, entry_id) + row for k, row in enumerate(prepared.mention_rows, 1))
                    new_ids.extend((key, entry_id) for key in set(keys) if not stored or entry_id not in stored.get(key, ()))
                if len(entry_rows) >= _BATCH or len(mention_rows) >= _BATCH:
                    flush()

            # A first build (no status history yet) gives every entry its first status: the row is
            # the entry's own key, status and reason, so the database copies them from the entries
            # written, in one statement, rather than each going through Python and the driver. In
            # the entries' id order, which is the order they come in when no id is an old one and
            # none is chosen last (a split): else the rows are made here, in that order.
            copied = scope is None and not last and not had and not applied.splits
            chooses_last = []  # entries holding a mention split out: they take their ids after the others
            for prepared in rows.prepared:
                if not copied and last.get(prepared.key) != prepared.status:
                    built.status_changes += 1
                    change_rows.append((prepared.key, prepared.status, prepared.reason, today, now))
                if prepared.split_off:
                    chooses_last.append((prepared, mention_id, match_id))
                else:
                    put(prepared, ids.give(prepared), mention_id, match_id)
                mention_id += len(prepared.mention_rows)
                match_id += len(prepared.match_rows)
            for prepared, mentions_after, matches_after in chooses_last:
                put(prepared, ids.give(prepared), mentions_after, matches_after)
            flush()
            new_ids.sort()  # in the order of their index: each row lands after the one before
            for start in range(0, len(new_ids), _BATCH):
                insert_tuples(connection, MentionIdRow.__table__, ("key", "entry_id"), new_ids[start : start + _BATCH])
            given = ids.given
            if swap is not None:
                swap.finish()
            if copied:  # one row for each entry
                # Into an empty table: on PostgreSQL too its index is built after the rows, by a
                # sort (a third the time of a million index inserts). The drop locks readers out
                # of the history until the commit, from here, at the end, where the swap does too.
                later = [] if indexes else list(StatusChangeRow.__table__.indexes)
                for index in later:
                    index.drop(connection)
                _first_statuses(connection, today, now)
                for index in later:
                    index.create(connection)
                built.status_changes = rows.entries
            with _sorting(connection, bool(indexes)):
                for index in indexes:
                    index.create(connection)
            if cache is not None:  # its dirty pages stay until the commit writes them, then go
                connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
            unapplied = sorted(({c.id for c in applied.unapplied} | {c.id for c, _ in applied.invalid}) - {None})
            if state is None:
                state = LedgerStateRow(id=1, fingerprint=fingerprint, built_at=now)
                session.add(state)
            state.fingerprint, state.built_at, state.last_entry_id, state.unapplied = fingerprint, now, given, unapplied
        if connection.dialect.name == "postgresql" and scope is None and rows.entries >= _BATCH:
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


@contextmanager
def _sorting(connection: Connection, building: bool) -> Iterator[None]:
    """SQLite building indexes (``building``) by sorting their keys in runs of a few MiB, handed to
    helper threads as they fill and merged by them, while this thread reads the table on: with the
    build's 256 MiB cache each index was sorted whole, at once, in this thread (a million-entry
    build's 10 indexes: 5.3 s of this thread's CPU; in runs, 3.2–3.7 s here and about 3 s in the helpers)."""
    if not building or connection.dialect.name != "sqlite":
        yield
        return
    run = connection.exec_driver_sql
    cache, threads = run("PRAGMA cache_size").scalar(), run("PRAGMA threads").scalar()
    run(f"PRAGMA cache_size = {_SORT_CACHE_KIB}")  # (the sorter's runs are the main database's cache size)
    run(f"PRAGMA threads = {_SORT_THREADS}")
    try:
        yield
    finally:
        run(f"PRAGMA threads = {int(threads)}")
        run(f"PRAGMA cache_size = {int(cache)}")


def source_ranks(sources: list[SourceInfo]) -> dict[int, int]:
    """Each source's place in the ledger's order, by source id: the earliest dated first (undated
    last), then by file name and path. An entry's first mention, and so its export row, is then the
    same whatever order the files were ingested in."""
    ordered = sorted(sources, key=lambda s: (s.date is None, s.date or "", s.name, s.path, s.sha256))
    return {source.id: rank for rank, source in enumerate(ordered)}


def _ids_of_built_mentions(session: Session) -> dict[int, list[int]]:
    """The entry id of every stored mention, by :func:`rows.mention_key`."""
    files = dict(session.execute(select(SourceRow.sha256, SourceRow.path)).all())
    had: dict[int, list[int]] = {}
    query = select(MentionRow.sha256, MentionRow.quote, MentionRow.metric, MentionRow.original, MentionRow.entry_id).order_by(MentionRow.id)  # fmt: skip
    for sha256, quote, metric, original, entry_id in session.execute(query):
        ids = had.setdefault(mention_key(files.get(sha256, sha256), quote, metric if original is None else original["metric"]), [])
        ids.extend([] if entry_id in ids else [entry_id])
    return had


class _Mentions:
    """Pledge rows (see ``BuildStage._pledge_rows``) as mentions, their sources' years (``year``)
    kept in ``years``. A mention's pledge is its record as extracted until a correction changes it
    (see ``corrections._set``): one copy of each, not two."""

    def __init__(self, year: Callable[[SourceInfo], int | None], by_id: dict[int, SourceInfo], ranks: dict[int, int], years: dict[int, int | None]) -> None:  # fmt: skip
        self.year, self.by_id, self.ranks, self.years = year, by_id, ranks, years
        # The words of a million records repeat (a metric, a unit, a quote reprinted): each kept once.
        self.words: dict[str, str] = {}

    def __call__(self, row: tuple) -> Mention:
        source_id = row[0]
        info = self.by_id[source_id]
        if source_id not in self.years:
            self.years[source_id] = self.year(info)
        words = self.words
        values = [words.setdefault(value, value) if type(value) is str else value for value in islice(row, 1, None)]
        values[_MENTIONS] = [tuple(m) for m in values[_MENTIONS]]
        pledge = Pledge(info.name, *values)
        return Mention(pledge, pledge, info.sha256, self.ranks[info.id], self.years[source_id], path=info.path)


@dataclass(slots=True)
class _Reading:
    """Where a whole rebuild's records go (see :func:`_read`)."""

    plan: Plan
    named: set[int]  # sources whose pledges go to every chunk (a correction names them)
    linked: set[str]  # outcomes (by ref) that go to every chunk (a person matched or unmatched them)
    folder: str | None  # where their files are made (None: unnamed files of this process)


@dataclass(slots=True)
class _Read:
    """The records of some sources, in their chunks' files (one of each kind per chunk)."""

    pledges: list[Spill]
    outcomes: list[Spill]
    sources: set[int]  # those with pledges


def _read(store: Store | str, reading: _Reading, names: dict[int, str], people: bool) -> _Read:
    """The pledges and the outcomes that can answer them (as :class:`Candidate` values) of the
    sources ``names`` (by id: a run of ids, the latest versions among them), each put in its chunk's
    file, in the order a build of everything reads them; and the outcomes people recorded too if
    ``people`` (after them: last). ``store``: or its URL, opened here (in a worker)."""
    if isinstance(store, str):
        with Store(store, must_exist=True) as opened:
            return _read(opened, reading, names, people)
    plan, parts, named, linked = reading.plan, Parts(), reading.named, reading.linked
    pledges, outcomes = ([Spill(reading.folder) for _ in range(plan.count)] for _ in range(2))
    seen: set[int] = set()
    low, high = min(names, default=0), max(names, default=-1)
    places: dict[str | None, str] = {}
    with store.engine.connect() as connection:
        for row in connection.execute(_PLEDGES.where(PledgeRow.source_id.between(low, high)).execution_options(yield_per=_BATCH)):
            if row[0] in names:  # (else an older version of a file)
                row = tuple(row)
                seen.add(row[0])
                for spill in pledges if row[0] in named else [pledges[plan.of(parts.of(row[_ACTOR], row[_METRIC]))]]:
                    spill.add(row)
        texts = connection.execute(_OUTCOMES.where(OutcomeTextRow.source_id.between(low, high)).execution_options(yield_per=_BATCH))
        candidates = (text_candidate(row, names[row[1]], places) for row in texts if row[1] in names)
        for values in chain(candidates, person_candidates(connection) if people else ()):
            if values is None:  # (an outcome that could not be placed)
                continue
            part = (values[_PLACE], values[_METRIC_KEY][-1:])
            if values[0] in linked:
                for spill in outcomes:
                    spill.add(values)
            elif plan.holds(part):
                outcomes[plan.of(part)].add(values)
    return _Read(pledges, outcomes, seen)


def _groups(sources: list[SourceInfo], count: int) -> list[dict[int, str]]:
    """``sources`` in up to ``count`` runs of ids with about as much text each (records come with
    text), each as names by id; one, empty, when there are none."""
    total = sum(info.chars for info in sources) or 1
    groups: list[dict[int, str]] = [{} for _ in range(count)]
    held = 0
    for info in sorted(sources, key=attrgetter("id")):
        groups[min(count - 1, held * count // total)][info.id] = info.name
        held += info.chars
    return [group for group in groups if group] or [{}]


@dataclass(slots=True)
class _Common:
    """What every chunk of a whole rebuild is built with (see :func:`_chunk_rows`)."""

    by_id: dict[int, SourceInfo]
    ranks: dict[int, int]
    years: dict[int, int | None]  # every source's that has pledges
    corrections: list[Correction]
    refs: dict[str, SourceRef]
    texts: dict[str, tuple]
    plan: Plan
    targets: list[Anchor]  # see rows.merge_targets
    today: date
    folder: str | None  # where the rows go (None: an unnamed file of this process)
    null: float | None  # what the rows hold where empty (see rows.null_of)


@_collector_held()  # in a worker too, where no refresh holds it (its collections took a third of a chunk's CPU)
def _chunk_rows(shared: Shared[_Common], chunk: int, pledges: list[Spill], outcomes: list[Spill]) -> tuple[Spill, int, int, list[Correction]]:  # fmt: skip
    """One chunk's rows (see ``chunked``), in the order of its entries; its entries, its mentions,
    and the match corrections whose outcome is gone. In this process or a worker: it reads its
    chunk's files (one of each kind from each reader, in the order of their sources) and nothing else."""
    common = shared.value
    years = common.years
    made = _Mentions(lambda info: years[info.id], common.by_id, common.ranks, years)
    applied = apply(list(map(made, chain.from_iterable(pledges))), common.corrections, common.refs)
    parts, plan = Parts(), common.plan
    applied.mentions = [m for m in applied.mentions if plan.of(parts.of(m.pledge.actor, m.pledge.metric)) == chunk]
    built = build_entries(applied.mentions, applied.merges, applied.splits)
    judging = OutcomeJudge(Index(Candidate(*values) for values in chain.from_iterable(outcomes)), common.texts, applied.outcome_links, built)
    rows = Spill(common.folder)
    for position, entry in enumerate(built):
        rows.add(prepare(entry, judging.judge(position, entry, common.today), common.targets, applied.splits, common.null), len(entry.mentions))
    return rows, len(built), len(applied.mentions), judging.unapplied


@cache  # the files do not change while a process runs
def _rules_version() -> str:
    """A digest of the ledger's code and data (places, metrics): a new version rebuilds the ledger."""
    return code_digest(Path(__file__).parent)


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and iso[:4].isdigit() else None


def _first_statuses(connection: Connection, today: date, now: datetime) -> None:
    """Every entry's status as its first in the status history, in entry id order."""
    as_of, recorded_at = (StatusChangeRow.__table__.c[name] for name in ("as_of", "recorded_at"))
    entries = select(
        EntryRow.key, EntryRow.status, EntryRow.status_reason,
        literal(today, as_of.type), literal(now, recorded_at.type),
    ).order_by(EntryRow.id)  # fmt: skip
    connection.execute(insert(StatusChangeRow).from_select(CHANGE_COLUMNS, entries))


def _last_statuses(session: Session, keys: list[str] | None = None) -> dict[str, str]:
    """Each entry's latest status (``keys``: of these entries only), by entry key."""
    if keys is not None:
        return {key: status for chunk in chunks(keys) for key, status in _last_statuses_where(session, StatusChangeRow.entry_key.in_(chunk))}
    return dict(_last_statuses_where(session, true()))


def _last_statuses_where(session: Session, where: Any) -> list[tuple[str, str]]:
    latest = select(StatusChangeRow.entry_key, func.max(StatusChangeRow.id).label("id")).where(where).group_by(StatusChangeRow.entry_key).subquery()
    query = select(StatusChangeRow.entry_key, StatusChangeRow.status).join(latest, StatusChangeRow.id == latest.c.id)
    return [(key, status) for key, status in session.execute(query)]


def _stored_ids(session: Session, keys: set[int] | None) -> dict[int, list[int]]:
    """The entry ids each mention key had (``keys``: these keys only), the first first."""
    query = select(MentionIdRow.key, MentionIdRow.entry_id).order_by(MentionIdRow.id)
    rows = session.execute(query) if keys is None else (
        row for chunk in chunks(sorted(keys)) for row in session.execute(query.where(MentionIdRow.key.in_(chunk)))
    )  # fmt: skip
    stored: dict[int, list[int]] = {}
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



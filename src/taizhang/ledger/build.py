"""Building the ledger: entries, mentions and statuses rebuilt from stored pledges, corrections and
outcomes, and written in batches with entry ids that stay put."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from taizhang.document import PLEDGE_FIELDS, Pledge
from taizhang.extract import document_year
from taizhang.ledger.base import LedgerBase
from taizhang.ledger.corrections import Applied, Correction, Mention, SourceRef, apply
from taizhang.ledger.judging import Judged, OutcomeJudge
from taizhang.ledger.merge import Entry, build_entries
from taizhang.ledger.status import Rules
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
from taizhang.storage.bulk import insert_rows
from taizhang.storage.tables import OutcomeTextRow, PledgeRow, SourceRow
from taizhang.versioning import code_digest

_BATCH = 10_000  # entries per write: few round trips, and memory stays bounded at a million entries
_FEW = 500  # sources whose pledges are picked by id in the query
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
        """Rebuild entries, mentions and statuses if anything they are made from changed."""
        with self._session() as session:
            fingerprint = self._fingerprint(session)
            state = session.get(LedgerStateRow, 1)
            if not force and state is not None and state.fingerprint == fingerprint:
                return Built(rebuilt=False)
        applied, entries = self._entries()
        return self._write(entries, applied, fingerprint, again=force)

    def build(self, mentions: list[Mention]) -> Built:
        """Store entries made from ``mentions`` as they are (no stored pledges, no corrections).

        For loading prepared records in bulk (the scale benchmark): the same merge, statuses and
        writes as :meth:`refresh`; the next ``refresh`` replaces them from the stored pledges.
        """
        applied = Applied(mentions, [], [], [])
        return self._write(build_entries(mentions), applied, "built from records")

    def _fingerprint(self, session: Session) -> str:
        parts = [_rules_version(), date.today().isoformat(), repr(Rules())]
        for table in (PledgeRow, OutcomeTextRow, CorrectionRow, OutcomeRow, SourceRow):
            parts.append(repr(session.execute(select(func.count(), func.max(table.id))).one()))
        # SQLite reuses the ids of deleted rows: replaced pledges can have the same count and ids.
        parts.append(repr(session.execute(select(func.sum(PledgeRow.start), func.sum(PledgeRow.norm_value))).one()))
        parts.append(repr(session.execute(select(func.sum(OutcomeTextRow.start), func.sum(OutcomeTextRow.norm_value))).one()))
        parts.append(repr(session.execute(select(SourceRow.id, SourceRow.extractor).order_by(SourceRow.id)).all()))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _year(self, info: SourceInfo) -> int | None:
        """The year a source speaks from (:func:`taizhang.pipeline.source_year`): as ingest
        stored it, else its date's, else what the extractor reads from its text (only then is
        the text loaded)."""
        if info.year is not None:
            return info.year or None
        return _year(info.date) or document_year(self.store.source_text(info.id), info.title)

    def _mentions(self, sources: list[SourceInfo], ranks: dict[int, int]) -> list[Mention]:
        """Every pledge of ``sources``, read in one streamed query of plain columns (no ORM objects
        held by a session), in the ledger's order of sources (``ranks``). A mention's pledge is its
        record as extracted until a correction changes it (see ``corrections._set``): one copy of
        each, not two."""
        by_id = {info.id: info for info in sources}
        years: dict[int, int | None] = {}
        columns = [PledgeRow.source_id, *(getattr(PledgeRow, name) for name in _STORED_FIELDS)]
        query = select(*columns).order_by(PledgeRow.source_id, PledgeRow.start, PledgeRow.id)
        if len(by_id) <= _FEW:  # a few sources: read theirs alone (else all, skipping older versions)
            query = query.where(PledgeRow.source_id.in_(list(by_id)))
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
        added = {key for c in corrections if c.action == "add" for key in (c.anchor.sha256, c.anchor.path)}
        refs = {
            s.sha256: SourceRef(s.name, ranks[s.id], self._year(s), self.store.source_text(s.id), s.path)
            for s in sources
            if added & {s.sha256, s.path}
        }
        applied = apply(self._mentions(sources, ranks), corrections, refs)
        return applied, build_entries(applied.mentions, applied.merges, applied.splits)

    def _write(self, entries: list[Entry], applied: Applied, fingerprint: str, *, again: bool = True) -> Built:
        """Store ``entries`` in place of the ledger's, in one transaction under the ledger's lock (two
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
            if not again and state is not None and state.fingerprint == fingerprint:
                return Built(rebuilt=False)
            last = _last_statuses(session)
            # An entry keeps its id across rebuilds, corrections and new versions of its files (a
            # person may have noted it): it takes an id one of its mentions had, found by file,
            # words and metric as extracted (one clause can state two pledges: 分别增长50%); one new
            # to this build gets an id never given before.
            stored: dict[str, list[int]] = {}
            for key, entry_id in session.execute(select(MentionIdRow.key, MentionIdRow.entry_id).order_by(MentionIdRow.id)):
                stored.setdefault(key, []).append(entry_id)
            had = stored or _ids_of_built_mentions(session)  # a ledger built before the table: read once
            given = max(max((i for ids in had.values() for i in ids), default=0), state.last_entry_id if state else 0)
            connection.execute(delete(MentionRow))
            connection.execute(delete(OutcomeMatchRow))
            connection.execute(delete(EntryRow))
            # Indexes built once over the new rows, by a sort, rather than grown row by row: on
            # SQLite, whose readers go on reading the last build meanwhile (PostgreSQL would lock
            # them out of the tables until this one commits).
            indexes = [
                index for table in (EntryRow, MentionRow, OutcomeMatchRow) for index in table.__table__.indexes
            ] if connection.dialect.name == "sqlite" else []  # fmt: skip
            for index in indexes:
                index.drop(connection)
            batch: dict[type, list[dict[str, Any]]] = {EntryRow: [], MentionRow: [], OutcomeMatchRow: [], StatusChangeRow: []}

            def flush() -> None:  # entries before their mentions and matches: the foreign keys
                for table, rows in batch.items():
                    insert_rows(connection, table.__table__, rows)
                    rows.clear()

            ids, given = _entry_ids(entries, had, given, applied)
            new_ids = sorted(  # in the order of their index: each row lands after the one before
                (key, entry_id)
                for entry, entry_id in zip(entries, ids, strict=True)
                for key in {_key_of(m) for m in entry.mentions}
                if entry_id not in stored.get(key, ())
            )  # fmt: skip
            for start in range(0, len(new_ids), _BATCH):
                rows = [{"key": key, "entry_id": entry_id} for key, entry_id in new_ids[start : start + _BATCH]]
                insert_rows(connection, MentionIdRow.__table__, rows)
            mention_id = match_id = 0
            for position, (entry, entry_id) in enumerate(zip(entries, ids, strict=True)):
                judged = judging.judge(position, entry, today)
                verdict = judged.verdict
                batch[EntryRow].append(_entry_row(entry_id, entry, judged))
                for match_row in judged.match_rows(entry_id, match_id):
                    batch[OutcomeMatchRow].append(match_row)
                match_id += len(judged.matched.considered)
                if last.get(entry.key) != verdict.status:
                    built.status_changes += 1
                    batch[StatusChangeRow].append({
                        "entry_key": entry.key, "status": verdict.status, "reason": verdict.reason,
                        "as_of": today, "recorded_at": now,
                    })  # fmt: skip
                for mention in entry.mentions:
                    mention_id += 1
                    batch[MentionRow].append(_mention_row(mention_id, entry_id, mention))
                if len(batch[EntryRow]) >= _BATCH or len(batch[MentionRow]) >= _BATCH:
                    flush()
            flush()
            for index in indexes:
                index.create(connection)
            unapplied = sorted(({c.id for c in applied.unapplied} | {c.id for c, _ in applied.invalid}) - {None})
            if state is None:
                state = LedgerStateRow(id=1, fingerprint=fingerprint, built_at=now)
                session.add(state)
            state.fingerprint, state.built_at, state.last_entry_id, state.unapplied = fingerprint, now, given, unapplied
        if connection.dialect.name == "postgresql" and len(entries) >= _BATCH:
            # After a bulk load: statistics, so the filters' indexes are chosen at once, and the
            # visibility map, so counting a filter's matches reads its index alone (202 ms → see bench).
            with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
                vacuum.exec_driver_sql("VACUUM ANALYZE ledger_entries")
                vacuum.exec_driver_sql("VACUUM ANALYZE ledger_mentions")
        return built


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
    query = select(MentionRow.sha256, MentionRow.quote, MentionRow.original, MentionRow.entry_id).order_by(MentionRow.id)
    for sha256, quote, original, entry_id in session.execute(query):
        ids = had.setdefault(_mention_key(files.get(sha256, sha256), quote, original["metric"]), [])
        ids.extend([] if entry_id in ids else [entry_id])
    return had


def _key_of(mention: Mention) -> str:
    return _mention_key(mention.path or mention.sha256, mention.pledge.quote, mention.original.metric)


def _entry_ids(entries: list[Entry], had: dict[str, list[int]], given: int, applied: Applied) -> tuple[list[int], int]:
    """Each entry's id: an id one of its mentions had (``had``, by :func:`_mention_key`, the first
    it had first: a merge undone gives the entry its own id back), else one above ``given``, the
    highest ever given; returns the ids and the new highest. A merged entry prefers the ids of the
    entry the others were merged into, and a mention split out of an entry chooses last, so the
    entry it left keeps its id (as ``correct merge``/``split`` say)."""

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

    split_off = [any(a.matches(m) for a in applied.splits for m in e.mentions) for e in entries]
    ids: list[int] = [0] * len(entries)
    taken: set[int] = set()
    for i in sorted(range(len(entries)), key=lambda i: split_off[i]):
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


def _last_statuses(session: Session) -> dict[str, str]:
    latest = select(StatusChangeRow.entry_key, func.max(StatusChangeRow.id).label("id")).group_by(StatusChangeRow.entry_key).subquery()
    query = select(StatusChangeRow.entry_key, StatusChangeRow.status).join(latest, StatusChangeRow.id == latest.c.id)
    return {key: status for key, status in session.execute(query)}


def _entry_row(entry_id: int, entry: Entry, judged: Judged) -> dict[str, Any]:
    pledge = entry.first.pledge
    verdict = judged.verdict
    conflicts = entry.conflicts + ([judged.matched.conflict] if judged.matched.conflict else [])
    return {
        "id": entry_id, "key": entry.key, "actor": pledge.actor, "place_code": entry.place.code or None if entry.place else None,
        "place": entry.place.name if entry.place else None, "official": pledge.official, "metric": pledge.metric,
        "metric_key": entry.metric_key, "kind": pledge.kind, "comparator": pledge.comparator, "value": pledge.value,
        "value_high": pledge.value_high, "unit": pledge.unit, "norm_value": pledge.norm_value,
        "norm_value_high": entry.norm_value_high, "norm_unit": pledge.norm_unit, "deadline": pledge.deadline,
        "horizon": pledge.horizon, "hedge": pledge.hedge, "binding": pledge.binding, "confidence": pledge.confidence, "source": pledge.source,
        "start": pledge.start, "end": pledge.end, "quote": pledge.quote, "mentions": [list(m) for m in pledge.mentions],
        "sources": entry.sources,
        "mention_count": len(entry.mentions), "conflict": bool(conflicts),
        "conflict_reason": "; ".join(conflicts) or None, "status": verdict.status, "status_reason": verdict.reason,
    } | judged.outcome_columns()  # fmt: skip


def _mention_row(mention_id: int, entry_id: int, mention: Mention) -> dict[str, Any]:
    pledge = mention.pledge
    return {
        "id": mention_id, "entry_id": entry_id, "source": pledge.source, "sha256": mention.sha256, "start": pledge.start,
        "end": pledge.end, "quote": pledge.quote, "actor": pledge.actor, "official": pledge.official,
        "metric": pledge.metric, "comparator": pledge.comparator, "value": pledge.value,
        "value_high": pledge.value_high, "unit": pledge.unit, "norm_value": pledge.norm_value,
        "deadline": pledge.deadline, "corrected": mention.corrected, "original": _record(mention.original),
    }  # fmt: skip


def _record(pledge: Pledge) -> dict[str, Any]:
    """``pledge.to_dict()`` without dataclasses.asdict's deep copy, which dominated a million-entry build."""
    record = {name: getattr(pledge, name) for name in PLEDGE_FIELDS}
    record["mentions"] = [list(m) for m in pledge.mentions]
    return record

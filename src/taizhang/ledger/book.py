"""The ledger over a database: entries built from stored pledges, outcomes, corrections, statuses.

``Ledger(db)`` opens (and migrates) the database. Entries and mentions are derived data: they are
rebuilt from the latest version of every source's pledges, every correction and every outcome
whenever one of those, or the day, changed (``refresh``). What people add (outcomes, corrections,
status changes) is kept and never rebuilt.

Stored statuses, and the status changes kept as history, are judged as of today by the default
rules. A ledger opened for another day or other rules (a what-if) judges in memory as it reads and
writes nothing of its own.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from taizhang.document import PLEDGE_FIELDS, Pledge
from taizhang.errors import SourceError, StoreError
from taizhang.extract import document_year
from taizhang.ledger import export
from taizhang.ledger.corrections import (
    EDITABLE,
    Anchor,
    Applied,
    Correction,
    CorrectionError,
    Mention,
    SourceRef,
    apply,
    new_pledge,
    parse_field,
    undone,
)
from taizhang.ledger.coverage import Coverage, coverage
from taizhang.ledger.errors import (
    ALREADY_UNDONE,
    AMBIGUOUS_PLACE,
    BAD_CELL,
    BAD_CORRECTIONS,
    BAD_ROW,
    BAD_TYPE,
    BAD_YEAR,
    CANNOT_READ,
    EMPTY_FIELD,
    MISSING_COLUMNS,
    NO_ACTOR,
    NO_CORRECTION,
    NO_ENTRY,
    NO_FILE,
    NO_KEY,
    NO_MENTION,
    NO_SOURCE,
    NOT_FINITE,
    NOT_UNDOABLE,
    NOTHING_IMPORTED,
    ONE_MENTION,
    SAME_ENTRY,
    UNKNOWN_PLACE,
    UNKNOWN_STATUS,
    UNKNOWN_UNIT,
    BatchError,
    LedgerError,
)
from taizhang.ledger.merge import Entry, build_entries, place_key
from taizhang.ledger.metrics import metric_key
from taizhang.places import candidates, describe, lineage, resolve
from taizhang.ledger.status import STATUSES, YEARS, Result, Rules, Target, Verdict, judge
from taizhang.ledger.tables import CorrectionRow, EntryRow, LedgerStateRow, MentionRow, OutcomeRow, StatusChangeRow
from taizhang.ledger.units import normalise
from taizhang.source.decode import decode
from taizhang.storage import SourceInfo, Store
from taizhang.storage.tables import PledgeRow, SourceRow
from taizhang.versioning import code_digest

OUTCOME_COLUMNS = ("actor", "metric", "year", "value", "unit")
# Why an export column other than the editable fields does not come back in as a correction.
_NOT_EDITABLE = {
    "status": "status is computed — record a result with `taizhang outcome add`",
    "status_reason": "status_reason is computed — record a result with `taizhang outcome add`",
    "outcome": "outcome is computed from recorded results — use `taizhang outcome add`",
    "entry_id": "entry_id identifies the entry", "key": "key identifies the entry",
}  # fmt: skip
# The columns an entry is judged on.
_JUDGED = (
    EntryRow.id, EntryRow.comparator, EntryRow.norm_value, EntryRow.norm_unit, EntryRow.deadline,
    EntryRow.norm_value_high, EntryRow.place_code, EntryRow.place, EntryRow.actor, EntryRow.metric_key,
)  # fmt: skip
_BATCH = 10_000  # entries per write: few round trips, and memory stays bounded at a million entries


@dataclass(frozen=True, slots=True)
class Filters:
    """What ``taizhang ledger``, ``export`` and ``Ledger.ledger`` select. None means any."""

    actor: str | None = None  # a place name (resolved, so 青岛市崂山区 = 崂山区) or an actor as written
    with_parents: bool = False  # also the entries of the places above the actor (city, province, country)
    year: int | None = None  # the deadline year
    status: str | None = None
    metric: str | None = None  # any wording: 地区生产总值, GDP and 全区生产总值 select the same entries
    source: str | None = None  # a source file name
    conflicts: bool = False  # only entries whose sources disagree


@dataclass(slots=True)
class Built:
    """What a refresh did."""

    rebuilt: bool
    entries: int = 0
    mentions: int = 0
    status_changes: int = 0
    unapplied: list[Correction] = field(default_factory=list)
    invalid: list[tuple[Correction, str]] = field(default_factory=list)  # (correction, why it cannot apply)


@dataclass(slots=True)
class Imported:
    """What importing an edited export did."""

    ids: list[int]  # the corrections recorded
    skipped: int = 0  # edits already recorded as corrections
    warnings: list[str] = field(default_factory=list)  # edits that cannot come back in (computed columns, deleted rows)


@dataclass(frozen=True, slots=True)
class Outcome:
    actor: str
    metric: str
    year: int
    value: float
    unit: str
    source: str
    note: str | None = None


class Ledger:
    """The ledger of one database. ``taizhang.open(db)`` returns one; use it as a context manager."""

    def __init__(self, db: str | Store | None = None, *, as_of: date | None = None, rules: Rules = Rules()) -> None:
        self._owned = not isinstance(db, Store)
        self.store = Store(db) if self._owned else db
        self.as_of = as_of or date.today()
        self.rules = rules

    @property
    def what_if(self) -> bool:
        """Judging another day or by other rules: done in memory, so the stored statuses and their
        history stay today's by the default rules (a what-if is not a status change)."""
        return self.as_of != date.today() or self.rules != Rules()

    def close(self) -> None:
        if self._owned:
            self.store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- building -------------------------------------------------------------------------------

    def refresh(self, *, force: bool = False) -> Built:
        """Rebuild entries, mentions and statuses if anything they are made from changed."""
        with self._session() as session:
            fingerprint = self._fingerprint(session)
            state = session.get(LedgerStateRow, 1)
            if not force and state is not None and state.fingerprint == fingerprint:
                return Built(rebuilt=False)
        applied, entries = self._entries()
        return self._write(entries, applied, fingerprint)

    def build(self, mentions: list[Mention]) -> Built:
        """Store entries made from ``mentions`` as they are (no stored pledges, no corrections).

        For loading prepared records in bulk (the scale benchmark): the same merge, statuses and
        writes as :meth:`refresh`; the next ``refresh`` replaces them from the stored pledges.
        """
        applied = Applied(mentions, [], [], [])
        return self._write(build_entries(mentions), applied, "built from records")

    def _fingerprint(self, session: Session) -> str:
        parts = [_rules_version(), date.today().isoformat(), repr(Rules())]
        for table in (PledgeRow, CorrectionRow, OutcomeRow, SourceRow):
            parts.append(repr(session.execute(select(func.count(), func.max(table.id))).one()))
        # SQLite reuses the ids of deleted rows: replaced pledges can have the same count and ids.
        parts.append(repr(session.execute(select(func.sum(PledgeRow.start), func.sum(PledgeRow.norm_value))).one()))
        parts.append(repr(session.execute(select(SourceRow.id, SourceRow.extractor).order_by(SourceRow.id)).all()))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _anchor(self, row: MentionRow) -> Anchor:
        """What a correction of ``row`` is anchored on, with the file its source is a version of."""
        source = self.store.find_source(row.sha256)
        return Anchor.of(row.sha256, Pledge(**row.original), source.path if source else None)

    def _year(self, info: SourceInfo) -> int | None:
        """The year a source speaks from: its date, else what the extractor reads from its text
        (only then is the text loaded: a dated source's year costs no read)."""
        return _year(info.date) or document_year(self.store.source_text(info.id), info.title)

    def _mentions(self, sources: list[SourceInfo]) -> list[Mention]:
        """Every pledge of ``sources``, read in one query rather than one per source."""
        by_id = {info.id: info for info in sources}
        pledges: dict[int, list[Pledge]] = {}
        query = select(PledgeRow).where(PledgeRow.source_id.in_(list(by_id))).order_by(PledgeRow.source_id, PledgeRow.start, PledgeRow.id)  # fmt: skip
        with self._session() as session:
            for row in session.scalars(query):
                pledges.setdefault(row.source_id, []).append(_stored_pledge(row, by_id[row.source_id].name))
        mentions = []
        for source_id, found in pledges.items():
            info = by_id[source_id]
            year = self._year(info)
            for pledge in found:
                mentions.append(Mention(
                    replace(pledge, mentions=list(pledge.mentions)), pledge, info.sha256, info.id, year, path=info.path,
                ))
        return mentions

    def _entries(self, only: SourceInfo | None = None) -> tuple[Applied, list[Entry]]:
        sources = self.store.latest_sources() if only is None else [only]
        corrections = self.corrections()
        added = {key for c in corrections if c.action == "add" for key in (c.anchor.sha256, c.anchor.path)}
        refs = {
            s.sha256: SourceRef(s.name, s.id, self._year(s), self.store.source_text(s.id), s.path)
            for s in sources
            if added & {s.sha256, s.path}
        }
        applied = apply(self._mentions(sources), corrections, refs)
        return applied, build_entries(applied.mentions, applied.merges, applied.splits)

    def _write(self, entries: list[Entry], applied: Applied, fingerprint: str) -> Built:
        outcomes = self._outcomes_by_commitment()
        now = datetime.now(UTC)
        today = date.today()
        built = Built(
            rebuilt=True, entries=len(entries), mentions=len(applied.mentions), unapplied=applied.unapplied,
            invalid=applied.invalid,
        )  # fmt: skip
        with self._session() as session, session.begin():
            connection = session.connection()
            last = _last_statuses(session)
            # An entry keeps its id across rebuilds, corrections included (a person may have noted
            # it): it takes the id its first mention already had; one new to this build gets an id
            # never given before.
            # (One clause can state two pledges, 分别增长50%: the metric as extracted tells them apart.)
            query = select(MentionRow.sha256, MentionRow.start, MentionRow.end, MentionRow.original, MentionRow.entry_id)
            had = {
                (sha256, start, end, original["metric"]): entry_id
                for sha256, start, end, original, entry_id in session.execute(query)
            }
            state = session.get(LedgerStateRow, 1)
            given = max(max(had.values(), default=0), state.last_entry_id if state else 0)
            taken: set[int] = set()
            connection.execute(delete(MentionRow))
            connection.execute(delete(EntryRow))
            batch: dict[type, list[dict[str, Any]]] = {EntryRow: [], MentionRow: [], StatusChangeRow: []}

            def flush() -> None:  # entries before their mentions: the foreign key
                for table, rows in batch.items():
                    if rows:
                        connection.execute(insert(table.__table__), rows)
                        rows.clear()

            mention_id = 0
            for entry in entries:
                mentioned = (had.get((m.sha256, m.pledge.start, m.pledge.end, m.original.metric)) for m in entry.mentions)
                entry_id = next((i for i in mentioned if i is not None and i not in taken), None)
                if entry_id is None:
                    given += 1
                    entry_id = given
                taken.add(entry_id)
                found = outcomes.get((place_key(entry.place, entry.first.pledge.actor), entry.metric_key), [])
                verdict = judge(_target(entry), found, today)
                batch[EntryRow].append(_entry_row(entry_id, entry, verdict.status, verdict.reason, verdict.outcome))
                if last.get(entry.key) != verdict.status:
                    built.status_changes += 1
                    batch[StatusChangeRow].append({
                        "entry_key": entry.key, "status": verdict.status, "reason": verdict.reason,
                        "as_of": today, "recorded_at": now,
                    })  # fmt: skip
                for mention in entry.mentions:
                    mention_id += 1
                    batch[MentionRow].append(_mention_row(mention_id, entry_id, mention))
                if len(batch[EntryRow]) >= _BATCH:
                    flush()
            flush()
            if state is None:
                session.add(LedgerStateRow(id=1, fingerprint=fingerprint, built_at=now, last_entry_id=given))
            else:
                state.fingerprint, state.built_at, state.last_entry_id = fingerprint, now, given
        if connection.dialect.name == "postgresql" and len(entries) >= _BATCH:
            # After a bulk load: statistics, so the filters' indexes are chosen at once, and the
            # visibility map, so counting a filter's matches reads its index alone (202 ms → see bench).
            with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as vacuum:
                vacuum.exec_driver_sql("VACUUM ANALYZE ledger_entries")
                vacuum.exec_driver_sql("VACUUM ANALYZE ledger_mentions")
        return built

    def _outcomes_by_commitment(self) -> dict[tuple[str, str], list[Result]]:
        found: dict[tuple[str, str], list[Result]] = {}
        with self._session() as session:
            for row in session.scalars(select(OutcomeRow).order_by(OutcomeRow.id)):
                found.setdefault((row.place_key, row.metric_key), []).append(
                    Result(row.id, row.year, row.norm_value, row.norm_unit)
                )
        return found

    # -- reading --------------------------------------------------------------------------------

    def entries(self, filters: Filters = Filters(), *, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Entries as export rows (see ``export.COLUMNS``), in ledger order."""
        with self._session() as session:
            if self.what_if and filters.status:
                page = dict(self._rejudged(session, filters, None if limit is None else offset + limit)[offset:])
                rows = session.scalars(select(EntryRow).where(EntryRow.id.in_(list(page))).order_by(EntryRow.id))
                judged = [(row, page[row.id]) for row in rows]
            else:
                query = self._select(session, filters).order_by(EntryRow.id).offset(offset)
                if limit is not None:
                    query = query.limit(limit)
                outcomes = self._outcomes_by_commitment() if self.what_if else {}
                judged = [(row, self._judge(row, outcomes) if self.what_if else None) for row in session.scalars(query)]
            evidence = self._evidence(session, [_outcome_id(row, verdict) for row, verdict in judged])
            return [_export_row(row, evidence, verdict) for row, verdict in judged]

    def count(self, filters: Filters = Filters()) -> int:
        with self._session() as session:
            if self.what_if and filters.status:
                return len(self._rejudged(session, filters))
            return session.scalar(select(func.count()).select_from(self._select(session, filters).subquery()))

    def _rejudged(self, session: Session, filters: Filters, stop: int | None = None) -> list[tuple[int, Verdict]]:
        """The ids of the entries whose status judged in memory (as of ``as_of`` by ``rules``) is the
        filter's, in ledger order; the first ``stop`` of them when given, reading no further than needed."""
        _check_status(filters.status)
        outcomes = self._outcomes_by_commitment()
        # Only what judging needs: whole rows would cost several times as much per entry.
        query = self._select(session, replace(filters, status=None)).with_only_columns(*_JUDGED).order_by(EntryRow.id)
        judged = []
        for row in session.execute(query.execution_options(yield_per=5000)):
            verdict = self._judge(row, outcomes)
            if verdict.status == filters.status:
                judged.append((row.id, verdict))
                if stop is not None and len(judged) >= stop:
                    break
        return judged

    def _judge(self, row: Any, outcomes: dict[tuple[str, str], list[Result]]) -> Verdict:
        """The status of a stored entry (an ``EntryRow`` or a row of ``_JUDGED``) as of ``as_of`` by ``rules``."""
        target = Target(row.comparator, row.norm_value, row.norm_unit, row.deadline, row.norm_value_high)
        key = row.place_code or f"name:{row.place or (row.actor or '').strip()}"  # merge.place_key of a stored entry
        return judge(target, outcomes.get((key, row.metric_key), []), self.as_of, self.rules)

    def ledger(self, **filters: Any):  # noqa: ANN201 - pandas is imported only when asked for
        """The ledger as a pandas DataFrame, one row per entry; keyword filters as :class:`Filters`."""
        import pandas as pd

        self.refresh()
        return pd.DataFrame(self.entries(Filters(**filters)), columns=list(export.COLUMNS))

    def _select(self, session: Session, filters: Filters):  # noqa: ANN202 - a SQLAlchemy Select
        query = select(EntryRow)
        if filters.actor:
            places = lineage(filters.actor)
            if places and places[0].code:
                codes = [p.code for p in (places if filters.with_parents else places[:1])]
                query = query.where(EntryRow.place_code.in_(codes) if len(codes) > 1 else EntryRow.place_code == codes[0])
            else:
                query = query.where(EntryRow.actor == filters.actor)
                if not places and session.scalar(select(EntryRow.id).where(EntryRow.actor == filters.actor).limit(1)) is None:
                    raise LedgerError(_unknown_place(filters.actor, NO_ACTOR))
        if filters.year is not None:
            query = query.where(EntryRow.deadline == filters.year)
        if filters.status:
            _check_status(filters.status)
            query = query.where(EntryRow.status == filters.status)
        if filters.metric:
            query = query.where(EntryRow.metric_key == metric_key(filters.metric))
        if filters.source:
            query = query.where(EntryRow.id.in_(select(MentionRow.entry_id).where(MentionRow.source == filters.source)))
        if filters.conflicts:
            query = query.where(EntryRow.conflict.is_(True))
        return query

    def _evidence(self, session: Session, ids: list[int | None]) -> dict[int, str]:
        ids = [i for i in ids if i]
        if not ids:
            return {}
        rows = session.scalars(select(OutcomeRow).where(OutcomeRow.id.in_(ids)))
        return {o.id: f"{o.value:g} {o.unit} ({o.year}, {o.source})" for o in rows}

    def entry(self, entry_id: int) -> dict[str, Any]:
        """One entry with its mentions (every source's own figures), outcomes and status history."""
        with self._session() as session:
            row = session.get(EntryRow, entry_id)
            if row is None:
                raise LedgerError(NO_ENTRY.format(ref=entry_id))
            mentions = session.scalars(select(MentionRow).where(MentionRow.entry_id == entry_id).order_by(MentionRow.id))
            outcomes = session.scalars(
                select(OutcomeRow).where(OutcomeRow.place_key == place_key(resolve(row.actor), row.actor))
                .where(OutcomeRow.metric_key == row.metric_key).order_by(OutcomeRow.year, OutcomeRow.id)
            )  # fmt: skip
            history = session.scalars(
                select(StatusChangeRow).where(StatusChangeRow.entry_key == row.key).order_by(StatusChangeRow.id)
            )
            verdict = self._judge(row, self._outcomes_by_commitment()) if self.what_if else None
            evidence = self._evidence(session, [_outcome_id(row, verdict)])
            return {
                "entry": _export_row(row, evidence, verdict),
                "mentions": [_mention_dict(m) for m in mentions],
                "outcomes": [_outcome_dict(o) for o in outcomes],
                "history": [
                    {"status": h.status, "reason": h.reason, "as_of": h.as_of, "recorded_at": h.recorded_at} for h in history
                ],
            }

    def mentions(self, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Every mention of the selected entries: the sources sheet of an export."""
        with self._session() as session:
            if self.what_if and filters.status:
                ids = [entry_id for entry_id, _ in self._rejudged(session, filters)]
            else:
                ids = self._select(session, filters).with_only_columns(EntryRow.id)
            query = select(MentionRow).where(MentionRow.entry_id.in_(ids)).order_by(MentionRow.entry_id, MentionRow.id)
            return [_mention_dict(m) for m in session.scalars(query)]

    def coverage(self, source: str) -> list[Coverage]:
        """The headline indicators of one source: pledged with a number, mentioned, or not mentioned."""
        info = self.store.find_source(source)
        if info is None:
            raise LedgerError(NO_SOURCE.format(ref=source))
        applied, _ = self._entries(only=info)
        return coverage(self.store.source_text(info.id), [m.pledge for m in applied.mentions])

    # -- outcomes -------------------------------------------------------------------------------

    def add_outcome(self, outcome: Outcome, *, author: str) -> int | None:
        """Record one outcome; None when the same outcome is already recorded."""
        ids = self.add_outcomes([outcome], author=author)
        return ids[0] if ids else None

    def add_outcomes(self, outcomes: list[Outcome], *, author: str) -> list[int]:
        """Record checked outcomes in one transaction; one already recorded (same place, metric, year,
        value, unit and source) is skipped. Returns the new ids."""
        for outcome in outcomes:
            if problems := outcome_problems(outcome):
                raise LedgerError("; ".join(problem for _, problem in problems))
        with self._session() as session, session.begin():
            known = {_outcome_key(row) for row in session.scalars(select(OutcomeRow))}
            rows = []
            for outcome in outcomes:
                normal = normalise(outcome.value, outcome.unit)
                row = OutcomeRow(
                    actor=outcome.actor, place_key=place_key(resolve(outcome.actor), outcome.actor),
                    metric=outcome.metric, metric_key=metric_key(outcome.metric), year=outcome.year, value=outcome.value,
                    unit=outcome.unit, norm_value=normal[0], norm_unit=normal[1], source=outcome.source,
                    note=outcome.note, added_by=author, added_at=datetime.now(UTC),
                )  # fmt: skip
                if _outcome_key(row) not in known:
                    known.add(_outcome_key(row))
                    rows.append(row)
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def import_outcomes(self, path: Path, *, author: str) -> list[int]:
        """Outcomes from a .csv or .xlsx with columns actor, metric, year, value, unit, source (or url), note.

        Every row is checked first; one bad row (each named with its column) imports nothing.
        Returns the ids of the new outcomes (rows already recorded are skipped).
        """
        rows = export.read_table(path)
        if not rows:
            return []
        columns = set(rows[0])
        missing = [c for c in OUTCOME_COLUMNS if c not in columns] + ([] if {"source", "url"} & columns else ["source|url"])
        if missing:
            raise LedgerError(MISSING_COLUMNS.format(path=path, columns=", ".join(missing), need=", ".join(OUTCOME_COLUMNS) + ", source|url"))
        outcomes, problems, bad = [], [], set()
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            found: list[tuple[str, str]] = []
            outcome = Outcome(
                actor=_text(row["actor"]), metric=_text(row["metric"]), year=_year_cell(row["year"], found),
                value=_number_cell(row["value"], found), unit=_text(row["unit"]),
                source=_text(row.get("source")) or _text(row.get("url")), note=_text(row.get("note")) or None,
            )  # fmt: skip
            found += [(column, problem) for column, problem in outcome_problems(outcome) if column not in dict(found)]
            found.sort(key=lambda problem: list(row).index(problem[0]) if problem[0] in row else len(row))  # file order
            problems += [BAD_CELL.format(path=path, row=number, column=column, problem=problem) for column, problem in found]
            if found:
                bad.add(number)
            outcomes.append(outcome)
        if problems:
            raise BatchError(problems, NOTHING_IMPORTED.format(path=path, count=len(bad)))
        return self.add_outcomes(outcomes, author=author)

    # -- corrections ----------------------------------------------------------------------------

    def corrections(self) -> list[Correction]:
        with self._session() as session:
            return [_correction(row) for row in session.scalars(select(CorrectionRow).order_by(CorrectionRow.id))]

    def _record(self, corrections: list[Correction]) -> list[int]:
        with self._session() as session, session.begin():
            rows = [
                CorrectionRow(
                    action=c.action, anchor=c.anchor.to_dict(), other=c.other.to_dict() if c.other else None,
                    field=c.field, before=c.before, after=c.after, author=c.author, created_at=c.created_at, note=c.note,
                )  # fmt: skip
                for c in corrections
            ]
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def _targets(self, entry_id: int, mention: int | None) -> tuple[dict[str, Any], list[MentionRow]]:
        self.refresh()
        with self._session() as session:
            entry = session.get(EntryRow, entry_id)
            if entry is None:
                raise LedgerError(NO_ENTRY.format(ref=entry_id))
            rows = list(session.scalars(select(MentionRow).where(MentionRow.entry_id == entry_id).order_by(MentionRow.id)))
            fields = {name: getattr(entry, name) for name in EDITABLE}
            session.expunge_all()
        if mention is None:
            return fields, rows
        if not 1 <= mention <= len(rows):
            raise LedgerError(NO_MENTION.format(entry=entry_id, mention=mention, count=len(rows)))
        return fields, [rows[mention - 1]]

    def set_field(self, entry_id: int, name: str, text: str | None, *, author: str, mention: int | None = None, note: str | None = None) -> list[int]:  # fmt: skip
        """Set one field of an entry (every mention, or mention number ``mention`` counted from 1)."""
        value = parse_field(name, text)
        entry, rows = self._targets(entry_id, mention)
        now = datetime.now(UTC)
        return self._record([
            Correction("set", self._anchor(row), author, now, field=name, before=_current(entry, row, name), after=value, note=note)
            for row in rows
        ])  # fmt: skip

    def reject(self, entry_id: int, *, author: str, mention: int | None = None, note: str | None = None) -> list[int]:
        """Mark an entry (or one of its mentions) as not a pledge: it leaves the ledger."""
        _, rows = self._targets(entry_id, mention)
        now = datetime.now(UTC)
        return self._record([Correction("reject", self._anchor(row), author, now, before=row.quote, note=note) for row in rows])

    def merge(self, entry_id: int, other_id: int, *, author: str, note: str | None = None) -> int:
        """Make two entries one (the same commitment worded so differently that they did not meet)."""
        if entry_id == other_id:
            raise LedgerError(SAME_ENTRY.format(a=entry_id, b=other_id))
        _, first = self._targets(entry_id, 1)
        _, other = self._targets(other_id, 1)
        correction = Correction("merge", self._anchor(first[0]), author, datetime.now(UTC), other=self._anchor(other[0]), note=note)
        return self._record([correction])[0]

    def split(self, entry_id: int, mention: int, *, author: str, note: str | None = None) -> int:
        """Take mention number ``mention`` out of an entry into an entry of its own."""
        _, rows = self._targets(entry_id, None)
        if len(rows) == 1:
            raise LedgerError(ONE_MENTION.format(entry=entry_id))
        _, rows = self._targets(entry_id, mention)
        return self._record([Correction("split", self._anchor(rows[0]), author, datetime.now(UTC), note=note)])[0]

    def add_pledge(self, source: str, start: int, end: int, fields: dict[str, Any], *, author: str, note: str | None = None) -> int:  # fmt: skip
        """Add a pledge the extractor missed, from ``[start, end)`` of a stored source's text."""
        info = self.store.find_source(source)
        if info is None:
            raise LedgerError(NO_SOURCE.format(ref=source))
        fields = {name: value for name, value in fields.items() if value is not None}
        pledge = new_pledge(info.name, self.store.source_text(info.id), start, end, fields)
        after = {name: getattr(pledge, name) for name in EDITABLE if getattr(pledge, name) is not None}
        correction = Correction("add", Anchor.of(info.sha256, pledge, info.path), author, datetime.now(UTC), after=after, note=note)
        return self._record([correction])[0]

    def undo(self, correction_id: int, *, author: str, note: str | None = None) -> int:
        """Take a correction back: an undo joins the audit trail and the correction stops applying.

        Works without rebuilding the ledger, so a correction that breaks the build can be undone.
        """
        trail = self.corrections()
        target = next((c for c in trail if c.id == correction_id), None)
        if target is None:
            raise LedgerError(NO_CORRECTION.format(id=correction_id))
        if target.action == "undo":
            raise LedgerError(NOT_UNDOABLE.format(id=correction_id))
        if target.trail_key() in undone(trail):
            raise LedgerError(ALREADY_UNDONE.format(id=correction_id))
        before = target.to_dict() | {"id": target.id}
        correction = Correction("undo", target.anchor, author, datetime.now(UTC), field=target.field, before=before, note=note)
        return self._record([correction])[0]

    def export_corrections(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.corrections()]

    def import_corrections(self, path: Path) -> list[int]:
        """Corrections from a JSON file written by ``taizhang correct export``, appended to the trail.

        Every record is checked first; one bad record imports nothing. A correction already in the
        trail (the same fix of the same record) is skipped, so importing a file twice changes nothing.
        """
        try:
            text, _ = decode(path.read_bytes(), str(path))
            records = json.loads(text)
        except FileNotFoundError:
            raise LedgerError(NO_FILE.format(path=path)) from None
        except OSError as error:
            raise LedgerError(CANNOT_READ.format(path=path, reason=error.strerror or error)) from None
        except (json.JSONDecodeError, SourceError) as error:
            raise LedgerError(BAD_CORRECTIONS.format(path=path, problem=error)) from None
        if not isinstance(records, list):
            raise LedgerError(BAD_CORRECTIONS.format(path=path, problem="expected a JSON list"))
        corrections, problems = [], []
        for number, record in enumerate(records, start=1):
            try:
                corrections.append(Correction.from_dict(record))
            except CorrectionError as error:
                problems.append(BAD_ROW.format(path=path, row=f"record {number}", problem=error))
        if problems:
            raise BatchError(problems, NOTHING_IMPORTED.format(path=path, count=len(problems)))
        trail = self.corrections()
        recorded = {c.trail_key() for c in trail}
        taken_back = undone(trail)
        in_force = {c.trail_key(): c.identity() for c in trail if c.action != "undo" and c.trail_key() not in taken_back}
        new = []
        for correction in corrections:
            # Skip this very record, or the same fix already in force (made in both databases).
            if correction.trail_key() in recorded or (correction.action != "undo" and correction.identity() in in_force.values()):
                continue
            recorded.add(correction.trail_key())
            new.append(correction)
            if correction.action == "undo":
                in_force.pop(undone([correction]).pop(), None)
            else:
                in_force[correction.trail_key()] = correction.identity()
        return self._record(new)

    def import_edits(self, path: Path, *, author: str) -> Imported:
        """An edited export (.csv, .xlsx, .json): every changed field of an entry becomes a correction.

        Only cells that differ from the ledger are read as edits (an untouched cell is never
        re-checked); every row is checked before anything is written, and all corrections are
        recorded in one transaction. Edits to computed columns and deleted rows are warnings.
        """
        table = export.read_table(path)
        if table and ("key" not in table[0] or "entry_id" not in table[0]):
            raise LedgerError(MISSING_COLUMNS.format(path=path, columns="key, entry_id", need=", ".join(export.COLUMNS)))
        self.refresh()
        current = {row["key"]: row for row in self.entries()}
        problems, warnings, edits, bad = [], [], [], set()
        seen: set[str] = set()
        for number, row in enumerate(table, start=2):  # row 1 is the header
            entry = current.get(_text(row.get("key")))
            if entry is None:
                problems.append(BAD_CELL.format(path=path, row=number, column="key", problem=NO_KEY.format(key=row.get("key"))))
                bad.add(number)
                continue
            seen.add(entry["key"])
            for name, cell in row.items():
                if name not in entry or _unchanged(cell, entry[name]):
                    continue
                if name not in EDITABLE:
                    why = _NOT_EDITABLE.get(name, f"{name} comes from the source and the merge")
                    warnings.append(BAD_CELL.format(path=path, row=number, column=name, problem=f"{why}; not imported"))
                    continue
                try:
                    value = parse_field(name, None if cell is None else _text(cell))
                except CorrectionError as error:
                    problems.append(BAD_CELL.format(path=path, row=number, column=name, problem=error))
                    bad.add(number)
                    continue
                if not _same(value, entry[name]):
                    edits.append((entry, name, value))
        if problems:
            raise BatchError(problems, NOTHING_IMPORTED.format(path=path, count=len(bad)))
        gone = [row["entry_id"] for key, row in current.items() if key not in seen]
        if table and gone:
            listed = ", ".join(map(str, gone[:10])) + (" …" if len(gone) > 10 else "")
            warnings.append(f"{path}: {len(gone)} entries are not in the file ({listed}): a deleted row changes nothing; "
                            "to take an entry out use `taizhang correct reject ID`")  # fmt: skip
        corrections = self._edits(edits, author, f"import {path.name}")
        trail = self.corrections()
        active = {c.identity() for c in trail if c.trail_key() not in undone(trail)}
        new = []
        for correction in corrections:  # an edit already in force, or a row the file has twice, is one correction
            if correction.identity() not in active:
                active.add(correction.identity())
                new.append(correction)
        return Imported(self._record(new), len(corrections) - len(new), warnings)

    def _edits(self, edits: list[tuple[dict[str, Any], str, Any]], author: str, note: str) -> list[Correction]:
        """One set-correction per mention of each edited entry (the rows of an edited export)."""
        ids = list({entry["entry_id"] for entry, _, _ in edits})
        with self._session() as session:
            rows = session.scalars(select(MentionRow).where(MentionRow.entry_id.in_(ids)).order_by(MentionRow.id)).all()
        by_entry: dict[int, list[MentionRow]] = {}
        for row in rows:
            by_entry.setdefault(row.entry_id, []).append(row)
        now = datetime.now(UTC)
        return [
            Correction("set", self._anchor(row), author, now, field=name, before=_current(entry, row, name), after=value, note=note)
            for entry, name, value in edits for row in by_entry[entry["entry_id"]]
        ]  # fmt: skip

    # -- plumbing -------------------------------------------------------------------------------

    @contextmanager
    def _session(self) -> Iterator[Session]:
        try:
            with Session(self.store.engine) as session:
                yield session
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise StoreError(f"cannot use database {self.store.display}: {reason}") from None


@cache
@cache  # the files do not change while a process runs
def _rules_version() -> str:
    """A digest of the ledger's code and data (places, metrics): a new version rebuilds the ledger."""
    return code_digest(Path(__file__).parent)


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and iso[:4].isdigit() else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _same(a: Any, b: Any) -> bool:
    """Equal, numbers to 1e-9 relative; infinity equals nothing finite (1e400 is not an unchanged 1500)."""
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _unchanged(cell: Any, current: Any) -> bool:
    """Whether a spreadsheet cell still holds the exported value, however the file typed it."""
    written, exported = _text(export.cell(cell)), _text(export.cell(current))
    if written == exported:
        return True
    try:
        return _same(float(written), float(exported))
    except ValueError:
        return False


def outcome_problems(outcome: Outcome) -> list[tuple[str, str]]:
    """What is wrong with an outcome, as (column, problem): empty fields, an unknown place or unit,
    a year outside ``YEARS``, a value that is not a finite number."""
    found = [(name, EMPTY_FIELD.format(name=name)) for name in ("actor", "metric", "source") if not getattr(outcome, name).strip()]
    if outcome.actor.strip() and len(lineage(outcome.actor)) == 0:
        found.append(("actor", _unknown_place(outcome.actor, UNKNOWN_PLACE)))
    if not isinstance(outcome.year, int) or outcome.year not in YEARS:
        found.append(("year", BAD_YEAR.format(name="year", value=outcome.year, low=YEARS.start, high=YEARS.stop - 1)))
    if not math.isfinite(outcome.value):
        found.append(("value", NOT_FINITE.format(name="value", text=str(outcome.value))))
    elif normalise(outcome.value, outcome.unit) is None:
        found.append(("unit", UNKNOWN_UNIT.format(unit=outcome.unit)))
    return found


def _year_cell(cell: Any, found: list[tuple[str, str]]) -> int:
    """A year cell (2026, 2026.0, "2026") as an int; a problem in ``found`` for anything else (2025.7, inf)."""
    text = _text(cell)
    try:
        return int(text)
    except ValueError:
        found.append(("year", BAD_YEAR.format(name="year", value=repr(text), low=YEARS.start, high=YEARS.stop - 1)))
        return YEARS.start


def _number_cell(cell: Any, found: list[tuple[str, str]]) -> float:
    text = _text(cell)
    try:
        value = float(text)
    except ValueError:
        found.append(("value", BAD_TYPE.format(name="value", type="a number", text=text)))
        return 0.0
    if not math.isfinite(value):
        found.append(("value", NOT_FINITE.format(name="value", text=text)))
    return value


def _outcome_key(row: OutcomeRow) -> tuple:
    """What makes two recorded outcomes the same: the same result from the same publication."""
    return row.place_key, row.metric_key, row.year, f"{row.norm_value:.9g}", row.norm_unit, row.source.strip()


def _check_status(status: str | None) -> None:
    if status and status not in STATUSES:
        raise LedgerError(UNKNOWN_STATUS.format(status=status, statuses=", ".join(STATUSES)))


def _unknown_place(name: str, unknown: str) -> str:
    """Why ``name`` is no place: the candidates when it names several, else ``unknown``."""
    found = candidates(name)
    if len(found) > 1:
        listed = ", ".join(f"{p.code} {describe(p)}" for p in found)
        return AMBIGUOUS_PLACE.format(name=name, candidates=listed)
    return unknown.format(name=name)


def _stored_pledge(row: PledgeRow, source: str) -> Pledge:
    values = {name: getattr(row, name) for name in PLEDGE_FIELDS if name not in ("source", "mentions")}
    return Pledge(source=source, mentions=[tuple(m) for m in row.mentions], **values)


def _target(entry: Entry) -> Target:
    pledge = entry.first.pledge
    return Target(pledge.comparator, pledge.norm_value, pledge.norm_unit, pledge.deadline, entry.norm_value_high)


def _last_statuses(session: Session) -> dict[str, str]:
    latest = select(StatusChangeRow.entry_key, func.max(StatusChangeRow.id).label("id")).group_by(StatusChangeRow.entry_key).subquery()
    query = select(StatusChangeRow.entry_key, StatusChangeRow.status).join(latest, StatusChangeRow.id == latest.c.id)
    return {key: status for key, status in session.execute(query)}


def _entry_row(entry_id: int, entry: Entry, status: str, reason: str, outcome: Result | None) -> dict[str, Any]:
    pledge = entry.first.pledge
    return {
        "id": entry_id, "key": entry.key, "actor": pledge.actor, "place_code": entry.place.code or None if entry.place else None,
        "place": entry.place.name if entry.place else None, "official": pledge.official, "metric": pledge.metric,
        "metric_key": entry.metric_key, "kind": pledge.kind, "comparator": pledge.comparator, "value": pledge.value,
        "value_high": pledge.value_high, "unit": pledge.unit, "norm_value": pledge.norm_value,
        "norm_value_high": entry.norm_value_high, "norm_unit": pledge.norm_unit, "deadline": pledge.deadline,
        "horizon": pledge.horizon, "hedge": pledge.hedge, "confidence": pledge.confidence, "source": pledge.source,
        "start": pledge.start, "end": pledge.end, "quote": pledge.quote, "mentions": [list(m) for m in pledge.mentions],
        "sources": entry.sources,
        "mention_count": len(entry.mentions), "conflict": bool(entry.conflicts),
        "conflict_reason": "; ".join(entry.conflicts) or None, "status": status, "status_reason": reason,
        "outcome_id": outcome.id if outcome else None,
    }  # fmt: skip


def _outcome_id(row: EntryRow, verdict: Verdict | None) -> int | None:
    """The outcome an entry's status rests on: the stored one, or the what-if verdict's."""
    if verdict is None:
        return row.outcome_id
    return verdict.outcome.id if verdict.outcome else None


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


def _export_row(row: EntryRow, evidence: dict[int, str], verdict: Verdict | None = None) -> dict[str, Any]:
    """An entry as an export row; with ``verdict``, judged as of another day than the stored status."""
    record = {name: getattr(row, name, None) for name in PLEDGE_FIELDS}
    status, reason = (row.status, row.status_reason) if verdict is None else (verdict.status, verdict.reason)
    outcome_id = _outcome_id(row, verdict)
    return record | {
        "entry_id": row.id, "status": status, "status_reason": reason, "conflict": row.conflict,
        "conflict_reason": row.conflict_reason, "sources": row.sources, "mention_count": row.mention_count,
        "place_code": row.place_code, "place": row.place, "metric_key": row.metric_key,
        "outcome": evidence.get(outcome_id) if outcome_id else None, "key": row.key,
    }  # fmt: skip


def _mention_dict(row: MentionRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in export.MENTION_COLUMNS if name != "entry_id"} | {"entry_id": row.entry_id}


def _outcome_dict(row: OutcomeRow) -> dict[str, Any]:
    return {
        "id": row.id, "actor": row.actor, "metric": row.metric, "year": row.year, "value": row.value, "unit": row.unit,
        "norm_value": row.norm_value, "norm_unit": row.norm_unit, "source": row.source, "note": row.note,
        "added_by": row.added_by, "added_at": row.added_at,
    }  # fmt: skip




def _current(entry: dict[str, Any], row: MentionRow, name: str) -> Any:
    """A field's value before a correction: the mention's own where it is stored, else the entry's."""
    return getattr(row, name) if hasattr(MentionRow, name) else entry[name]


def _utc(moment: datetime) -> datetime:
    """SQLite hands back the stored UTC time without its zone; PostgreSQL with it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _correction(row: CorrectionRow) -> Correction:
    return Correction(
        action=row.action, anchor=Anchor.from_dict(row.anchor), author=row.author, created_at=_utc(row.created_at),
        field=row.field, before=row.before, after=row.after, other=Anchor.from_dict(row.other) if row.other else None,
        note=row.note, id=row.id,
    )  # fmt: skip

"""The ledger over a database: entries built from stored pledges, outcomes, corrections, statuses.

``Ledger(db)`` opens (and migrates) the database. Entries and mentions are derived data: they are
rebuilt from the latest version of every source's pledges, every correction and every outcome
whenever one of those, or the date or rules of judgement, changed (``refresh``). What people add
(outcomes, corrections, status changes) is kept and never rebuilt.
"""

from __future__ import annotations

import hashlib
import json
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
from taizhang.errors import StoreError
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
)
from taizhang.ledger.coverage import Coverage, coverage
from taizhang.ledger.errors import (
    BAD_CORRECTIONS,
    BAD_ROW,
    MISSING_COLUMNS,
    NO_ENTRY,
    NO_FILE,
    NO_MENTION,
    NO_SOURCE,
    SAME_ENTRY,
    UNKNOWN_STATUS,
    UNKNOWN_UNIT,
    LedgerError,
)
from taizhang.ledger.merge import Entry, build_entries, place_key
from taizhang.ledger.metrics import metric_key
from taizhang.ledger.places import lineage, resolve
from taizhang.ledger.status import STATUSES, Result, Rules, Target, judge
from taizhang.ledger.tables import CorrectionRow, EntryRow, LedgerStateRow, MentionRow, OutcomeRow, StatusChangeRow
from taizhang.ledger.units import normalise
from taizhang.storage import SourceInfo, Store
from taizhang.storage.tables import PledgeRow, SourceRow

OUTCOME_COLUMNS = ("actor", "metric", "year", "value", "unit")
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
        parts = [_rules_version(), self.as_of.isoformat(), repr(self.rules)]
        for table in (PledgeRow, CorrectionRow, OutcomeRow, SourceRow):
            parts.append(repr(session.execute(select(func.count(), func.max(table.id))).one()))
        # SQLite reuses the ids of deleted rows: replaced pledges can have the same count and ids.
        parts.append(repr(session.execute(select(func.sum(PledgeRow.start), func.sum(PledgeRow.norm_value))).one()))
        parts.append(repr(session.execute(select(SourceRow.id, SourceRow.extractor).order_by(SourceRow.id)).all()))
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def _sources(self) -> list[SourceInfo]:
        """The latest version of each source name: an older version's pledges are superseded."""
        latest: dict[str, SourceInfo] = {}
        for info in self.store.sources():
            if info.name not in latest or info.version > latest[info.name].version:
                latest[info.name] = info
        return sorted(latest.values(), key=lambda s: s.id)

    def _year(self, info: SourceInfo) -> int | None:
        """The year a source speaks from: its date, else what the extractor reads from its text."""
        return _year(info.date) or document_year(self.store.source_text(info.id), info.title)

    def _mentions(self, sources: list[SourceInfo]) -> list[Mention]:
        mentions = []
        for info in sources:
            pledges = self.store.pledges(info.id)
            year = self._year(info) if pledges else None
            for pledge in pledges:
                mentions.append(Mention(replace(pledge, mentions=list(pledge.mentions)), pledge, info.sha256, info.id, year))
        return mentions

    def _entries(self, only: SourceInfo | None = None) -> tuple[Applied, list[Entry]]:
        sources = self._sources() if only is None else [only]
        corrections = self.corrections()
        added = {c.anchor.sha256 for c in corrections if c.action == "add"}
        refs = {
            s.sha256: SourceRef(s.name, s.id, self._year(s), self.store.source_text(s.id)) for s in sources if s.sha256 in added
        }
        applied = apply(self._mentions(sources), corrections, refs)
        return applied, build_entries(applied.mentions, applied.merges, applied.splits)

    def _write(self, entries: list[Entry], applied: Applied, fingerprint: str) -> Built:
        outcomes = self._outcomes_by_commitment()
        now = datetime.now(UTC)
        built = Built(rebuilt=True, entries=len(entries), mentions=len(applied.mentions), unapplied=applied.unapplied)
        with self._session() as session, session.begin():
            connection = session.connection()
            last = _last_statuses(session)
            connection.execute(delete(MentionRow))
            connection.execute(delete(EntryRow))
            batch: dict[type, list[dict[str, Any]]] = {EntryRow: [], MentionRow: [], StatusChangeRow: []}

            def flush() -> None:  # entries before their mentions: the foreign key
                for table, rows in batch.items():
                    if rows:
                        connection.execute(insert(table.__table__), rows)
                        rows.clear()

            mention_id = 0
            for entry_id, entry in enumerate(entries, start=1):
                found = outcomes.get((place_key(entry.place, entry.first.pledge.actor), entry.metric_key), [])
                verdict = judge(_target(entry), found, self.as_of, self.rules)
                batch[EntryRow].append(_entry_row(entry_id, entry, verdict.status, verdict.reason, verdict.outcome))
                if last.get(entry.key) != verdict.status:
                    built.status_changes += 1
                    batch[StatusChangeRow].append({
                        "entry_key": entry.key, "status": verdict.status, "reason": verdict.reason,
                        "as_of": self.as_of, "recorded_at": now,
                    })  # fmt: skip
                for mention in entry.mentions:
                    mention_id += 1
                    batch[MentionRow].append(_mention_row(mention_id, entry_id, mention))
                if len(batch[EntryRow]) >= _BATCH:
                    flush()
            flush()
            state = session.get(LedgerStateRow, 1)
            if state is None:
                session.add(LedgerStateRow(id=1, fingerprint=fingerprint, built_at=now))
            else:
                state.fingerprint, state.built_at = fingerprint, now
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
        query = self._select(filters).order_by(EntryRow.id).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        with self._session() as session:
            rows = session.scalars(query).all()
            evidence = self._evidence(session, [r.outcome_id for r in rows if r.outcome_id])
            return [_export_row(row, evidence.get(row.outcome_id)) for row in rows]

    def count(self, filters: Filters = Filters()) -> int:
        with self._session() as session:
            return session.scalar(select(func.count()).select_from(self._select(filters).subquery()))

    def ledger(self, **filters: Any):  # noqa: ANN201 - pandas is imported only when asked for
        """The ledger as a pandas DataFrame, one row per entry; keyword filters as :class:`Filters`."""
        import pandas as pd

        self.refresh()
        return pd.DataFrame(self.entries(Filters(**filters)), columns=list(export.COLUMNS))

    def _select(self, filters: Filters):  # noqa: ANN202 - a SQLAlchemy Select
        query = select(EntryRow)
        if filters.actor:
            places = lineage(filters.actor)
            if places and places[0].code:
                codes = [p.code for p in (places if filters.with_parents else places[:1])]
                query = query.where(EntryRow.place_code.in_(codes) if len(codes) > 1 else EntryRow.place_code == codes[0])
            else:
                query = query.where(EntryRow.actor == filters.actor)
        if filters.year is not None:
            query = query.where(EntryRow.deadline == filters.year)
        if filters.status:
            if filters.status not in STATUSES:
                raise LedgerError(UNKNOWN_STATUS.format(status=filters.status, statuses=", ".join(STATUSES)))
            query = query.where(EntryRow.status == filters.status)
        if filters.metric:
            query = query.where(EntryRow.metric_key == metric_key(filters.metric))
        if filters.source:
            query = query.where(EntryRow.id.in_(select(MentionRow.entry_id).where(MentionRow.source == filters.source)))
        if filters.conflicts:
            query = query.where(EntryRow.conflict.is_(True))
        return query

    def _evidence(self, session: Session, ids: list[int]) -> dict[int, str]:
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
            evidence = self._evidence(session, [row.outcome_id] if row.outcome_id else [])
            return {
                "entry": _export_row(row, evidence.get(row.outcome_id)),
                "mentions": [_mention_dict(m) for m in mentions],
                "outcomes": [_outcome_dict(o) for o in outcomes],
                "history": [
                    {"status": h.status, "reason": h.reason, "as_of": h.as_of, "recorded_at": h.recorded_at} for h in history
                ],
            }

    def mentions(self, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Every mention of the selected entries: the sources sheet of an export."""
        with self._session() as session:
            ids = self._select(filters).with_only_columns(EntryRow.id)
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

    def add_outcome(self, outcome: Outcome, *, author: str) -> int:
        return self.add_outcomes([outcome], author=author)[0]

    def add_outcomes(self, outcomes: list[Outcome], *, author: str) -> list[int]:
        rows = []
        for outcome in outcomes:
            normal = normalise(outcome.value, outcome.unit)
            if normal is None:
                raise LedgerError(UNKNOWN_UNIT.format(unit=outcome.unit))
            rows.append(OutcomeRow(
                actor=outcome.actor, place_key=place_key(resolve(outcome.actor), outcome.actor), metric=outcome.metric,
                metric_key=metric_key(outcome.metric), year=outcome.year, value=outcome.value, unit=outcome.unit,
                norm_value=normal[0], norm_unit=normal[1], source=outcome.source, note=outcome.note, added_by=author,
                added_at=datetime.now(UTC),
            ))  # fmt: skip
        with self._session() as session, session.begin():
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def import_outcomes(self, path: Path, *, author: str) -> list[int]:
        """Outcomes from a .csv or .xlsx with columns actor, metric, year, value, unit, source (or url), note."""
        rows = export.read_table(path)
        if not rows:
            return []
        columns = set(rows[0])
        missing = [c for c in OUTCOME_COLUMNS if c not in columns] + ([] if {"source", "url"} & columns else ["source|url"])
        if missing:
            raise LedgerError(MISSING_COLUMNS.format(path=path, columns=", ".join(missing), need=", ".join(OUTCOME_COLUMNS) + ", source|url"))
        outcomes = []
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                outcomes.append(Outcome(
                    actor=_text(row["actor"]), metric=_text(row["metric"]), year=int(float(row["year"])),
                    value=float(row["value"]), unit=_text(row["unit"]),
                    source=_text(row.get("source") or row.get("url")), note=_text(row.get("note")) or None,
                ))  # fmt: skip
            except (TypeError, ValueError) as error:
                raise LedgerError(BAD_ROW.format(path=path, row=number, problem=error)) from None
            if normalise(outcomes[-1].value, outcomes[-1].unit) is None:
                raise LedgerError(BAD_ROW.format(path=path, row=number, problem=UNKNOWN_UNIT.format(unit=outcomes[-1].unit)))
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

    def _targets(self, entry_id: int, mention: int | None) -> tuple[EntryRow, list[MentionRow]]:
        self.refresh()
        with self._session() as session:
            entry = session.get(EntryRow, entry_id)
            if entry is None:
                raise LedgerError(NO_ENTRY.format(ref=entry_id))
            rows = list(session.scalars(select(MentionRow).where(MentionRow.entry_id == entry_id).order_by(MentionRow.id)))
            session.expunge_all()
        if mention is None:
            return entry, rows
        if not 1 <= mention <= len(rows):
            raise LedgerError(NO_MENTION.format(entry=entry_id, mention=mention, count=len(rows)))
        return entry, [rows[mention - 1]]

    def set_field(self, entry_id: int, name: str, text: str | None, *, author: str, mention: int | None = None, note: str | None = None) -> list[int]:  # fmt: skip
        """Set one field of an entry (every mention, or mention number ``mention`` counted from 1)."""
        value = parse_field(name, text)
        entry, rows = self._targets(entry_id, mention)
        now = datetime.now(UTC)
        return self._record([
            Correction("set", _anchor(row), author, now, field=name, before=_current(entry, row, name), after=value, note=note)
            for row in rows
        ])  # fmt: skip

    def reject(self, entry_id: int, *, author: str, mention: int | None = None, note: str | None = None) -> list[int]:
        """Mark an entry (or one of its mentions) as not a pledge: it leaves the ledger."""
        entry, rows = self._targets(entry_id, mention)
        now = datetime.now(UTC)
        return self._record([Correction("reject", _anchor(row), author, now, before=row.quote, note=note) for row in rows])

    def merge(self, entry_id: int, other_id: int, *, author: str, note: str | None = None) -> int:
        """Make two entries one (the same commitment worded so differently that they did not meet)."""
        if entry_id == other_id:
            raise LedgerError(SAME_ENTRY.format(a=entry_id, b=other_id))
        _, first = self._targets(entry_id, 1)
        _, other = self._targets(other_id, 1)
        correction = Correction("merge", _anchor(first[0]), author, datetime.now(UTC), other=_anchor(other[0]), note=note)
        return self._record([correction])[0]

    def split(self, entry_id: int, mention: int, *, author: str, note: str | None = None) -> int:
        """Take mention number ``mention`` out of an entry into an entry of its own."""
        _, rows = self._targets(entry_id, mention)
        return self._record([Correction("split", _anchor(rows[0]), author, datetime.now(UTC), note=note)])[0]

    def add_pledge(self, source: str, start: int, end: int, fields: dict[str, Any], *, author: str, note: str | None = None) -> int:  # fmt: skip
        """Add a pledge the extractor missed, from ``[start, end)`` of a stored source's text."""
        info = self.store.find_source(source)
        if info is None:
            raise LedgerError(NO_SOURCE.format(ref=source))
        fields = {name: value for name, value in fields.items() if value is not None}
        pledge = new_pledge(info.name, self.store.source_text(info.id), start, end, fields)
        after = {name: getattr(pledge, name) for name in EDITABLE if getattr(pledge, name) is not None}
        correction = Correction("add", Anchor.of(info.sha256, pledge), author, datetime.now(UTC), after=after, note=note)
        return self._record([correction])[0]

    def export_corrections(self) -> list[dict[str, Any]]:
        return [c.to_dict() for c in self.corrections()]

    def import_corrections(self, path: Path) -> list[int]:
        """Corrections from a JSON file written by ``taizhang correct export`` (appended to the trail)."""
        try:
            records = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise LedgerError(NO_FILE.format(path=path)) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise LedgerError(BAD_CORRECTIONS.format(path=path, problem=error)) from None
        if not isinstance(records, list):
            raise LedgerError(BAD_CORRECTIONS.format(path=path, problem="expected a JSON list"))
        try:
            corrections = [Correction.from_dict(record) for record in records]
        except CorrectionError as error:
            raise LedgerError(BAD_CORRECTIONS.format(path=path, problem=error)) from None
        return self._record(corrections)

    def import_edits(self, path: Path, *, author: str) -> list[int]:
        """An edited export (.csv, .xlsx, .json): every changed field of an entry becomes a correction."""
        self.refresh()
        ids = []
        for number, row in enumerate(export.read_table(path), start=2):
            if "key" not in row or "entry_id" not in row:
                raise LedgerError(MISSING_COLUMNS.format(path=path, columns="key, entry_id", need=", ".join(export.COLUMNS)))
            with self._session() as session:
                entry = session.scalar(select(EntryRow).where(EntryRow.key == _text(row["key"])))
            if entry is None:
                raise LedgerError(BAD_ROW.format(path=path, row=number, problem=f"no entry with key {row['key']!r} (export again?)"))
            for name in EDITABLE:
                if name not in row:
                    continue
                try:
                    value = parse_field(name, None if row[name] is None else _text(row[name]))
                except CorrectionError as error:
                    raise LedgerError(BAD_ROW.format(path=path, row=number, problem=error)) from None
                if not _same(value, getattr(entry, name)):
                    ids += self.set_field(entry.id, name, None if value is None else str(value), author=author, note=f"import {path.name}")
        return ids

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
def _rules_version() -> str:
    """A digest of the ledger's code and data (places, metrics): a new version rebuilds the ledger."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".yaml", ".tsv"):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso and iso[:4].isdigit() else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-9 * max(abs(float(a)), abs(float(b)), 1)
    return a == b


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


def _export_row(row: EntryRow, evidence: str | None) -> dict[str, Any]:
    record = {name: getattr(row, name, None) for name in PLEDGE_FIELDS}
    return record | {
        "entry_id": row.id, "status": row.status, "status_reason": row.status_reason, "conflict": row.conflict,
        "conflict_reason": row.conflict_reason, "sources": row.sources, "mention_count": row.mention_count,
        "place_code": row.place_code, "place": row.place, "metric_key": row.metric_key, "outcome": evidence, "key": row.key,
    }  # fmt: skip


def _mention_dict(row: MentionRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in export.MENTION_COLUMNS if name != "entry_id"} | {"entry_id": row.entry_id}


def _outcome_dict(row: OutcomeRow) -> dict[str, Any]:
    return {
        "id": row.id, "actor": row.actor, "metric": row.metric, "year": row.year, "value": row.value, "unit": row.unit,
        "norm_value": row.norm_value, "norm_unit": row.norm_unit, "source": row.source, "note": row.note,
        "added_by": row.added_by, "added_at": row.added_at,
    }  # fmt: skip


def _anchor(row: MentionRow) -> Anchor:
    return Anchor.of(row.sha256, Pledge(**row.original))


def _current(entry: EntryRow, row: MentionRow, name: str) -> Any:
    """A field's value before a correction: the mention's own where it is stored, else the entry's."""
    return getattr(row, name) if hasattr(MentionRow, name) else getattr(entry, name)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back the stored UTC time without its zone; PostgreSQL with it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _correction(row: CorrectionRow) -> Correction:
    return Correction(
        action=row.action, anchor=Anchor.from_dict(row.anchor), author=row.author, created_at=_utc(row.created_at),
        field=row.field, before=row.before, after=row.after, other=Anchor.from_dict(row.other) if row.other else None,
        note=row.note, id=row.id,
    )  # fmt: skip

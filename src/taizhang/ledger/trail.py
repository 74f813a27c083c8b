"""The audit trail of corrections: recording fixes, rejections, merges, splits, added pledges and
undos, and carrying the trail from one database to another."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from taizhang.ledger.base import LedgerBase
from taizhang.ledger.corrections import (
    EDITABLE,
    Anchor,
    Correction,
    CorrectionError,
    amount_check,
    new_pledge,
    parse_field,
    range_check,
    undone,
)
from taizhang.ledger.tables import OutcomeMatchRow
from taizhang.ledger.errors import (
    ALREADY_UNDONE,
    BAD_CORRECTIONS,
    BAD_ROW,
    NO_CORRECTION,
    NO_FILE,
    NO_MENTION,
    NO_SOURCE,
    NOT_A_CANDIDATE,
    NOT_UNDOABLE,
    NOTHING_IMPORTED,
    ONE_MENTION,
    SAME_ENTRY,
    BatchError,
    LedgerError,
)
from taizhang.ledger.export import load_json, read_text
from taizhang.ledger.tables import CorrectionRow, EntryRow, LedgerStateRow, MentionRow, extracted


class TrailStage(LedgerBase):
    """Corrections: recorded, never rebuilt, applied at the next refresh."""

    def corrections(self) -> list[Correction]:
        with self._reading() as session:
            return [correction_of(row) for row in session.scalars(select(CorrectionRow).order_by(CorrectionRow.id))]

    def not_applying(self) -> set[int]:
        """The ids of the corrections that do not apply to the ledger as built now: the words or
        figure they were made on are gone (a new version, a new extractor), or they cannot apply."""
        self.refresh()
        with self._session() as session:
            state = session.get(LedgerStateRow, 1)
            return set(state.unapplied or []) if state is not None else set()

    def _record(self, corrections: list[Correction]) -> list[int]:
        with self._session() as session, session.begin():
            rows = [
                CorrectionRow(
                    action=c.action, anchor=c.anchor.to_dict(), sha256=c.anchor.sha256, other=c.other.to_dict() if c.other else None,
                    field=c.field, before=c.before, after=c.after, author=c.author, created_at=c.created_at, note=c.note,
                )  # fmt: skip
                for c in corrections
            ]
            session.add_all(rows)
            session.flush()
            return [row.id for row in rows]

    def _anchor(self, row: MentionRow) -> Anchor:
        """What a correction of ``row`` is anchored on, with the file its source is a version of
        (the sources' files are read once, and again only for a source new since)."""
        if row.sha256 not in self._files:
            self._files.update({s.sha256: s.path for s in self.store.sources()})
        return Anchor.of(row.sha256, extracted(row), self._files.get(row.sha256))

    def _targets(self, entry_id: int, mention: int | None) -> tuple[dict[str, Any], list[MentionRow]]:
        self.refresh()
        with self._session() as session:
            entry = session.get(EntryRow, entry_id)
            if entry is None:
                raise self._no_entry(session, entry_id)
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
        for row in rows:
            amount = {field: current_value(entry, row, field) for field in ("value", "value_high", "unit")}
            amount_check(name, value, amount)
            if name in ("value", "value_high"):
                range_check({**amount, name: value})
        now = datetime.now(UTC)
        return self._record([
            Correction("set", self._anchor(row), author, now, field=name, before=current_value(entry, row, name), after=value, note=note)
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

    def match_outcome(self, entry_id: int, ref: str, *, author: str, note: str | None = None) -> int:
        """Attach outcome ``ref`` (``t12``: read from a text; ``p3``: a person's) to an entry: its status
        then rests on it, whatever matching would have chosen."""
        return self._outcome_link("match", entry_id, ref, author, note)

    def unmatch_outcome(self, entry_id: int, ref: str, *, author: str, note: str | None = None) -> int:
        """Say outcome ``ref`` does not answer an entry: it stays as evidence, rejected, and the status
        rests on the next best."""
        self.refresh()
        with self._session() as session:
            refs = set(session.scalars(select(OutcomeMatchRow.ref).where(OutcomeMatchRow.entry_id == entry_id)))
        if ref.strip().lower() not in refs:
            self._targets(entry_id, 1)  # an entry that does not exist is named as that
            raise LedgerError(NOT_A_CANDIDATE.format(ref=ref, entry=entry_id))
        return self._outcome_link("unmatch", entry_id, ref, author, note)

    def _outcome_link(self, action: str, entry_id: int, ref: str, author: str, note: str | None) -> int:
        _, rows = self._targets(entry_id, 1)
        other = self._outcome_anchor(ref)
        before = ref.strip().lower()
        return self._record([Correction(action, self._anchor(rows[0]), author, datetime.now(UTC), other=other, before=before, note=note)])[0]

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
        if not path.exists():
            raise LedgerError(NO_FILE.format(path=path))
        records = load_json(read_text(path), path)
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


def current_value(entry: dict[str, Any], row: MentionRow, name: str) -> Any:
    """A field's value before a correction: the mention's own where it is stored, else the entry's."""
    return getattr(row, name) if hasattr(MentionRow, name) else entry[name]


def _utc(moment: datetime) -> datetime:
    """SQLite hands back the stored UTC time without its zone; PostgreSQL with it."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def correction_of(row: CorrectionRow) -> Correction:
    return Correction(
        action=row.action, anchor=Anchor.from_dict(row.anchor), author=row.author, created_at=_utc(row.created_at),
        field=row.field, before=row.before, after=row.after, other=Anchor.from_dict(row.other) if row.other else None,
        note=row.note, id=row.id,
    )  # fmt: skip

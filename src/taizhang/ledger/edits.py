"""Importing an edited export: every changed cell of an entry becomes a correction; edits to computed
columns and deleted rows are warnings."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from taizhang.ledger import export
from taizhang.ledger.base import LedgerBase
from taizhang.ledger.corrections import EDITABLE, Correction, CorrectionError, amount_check, parse_field, undone
from taizhang.ledger.errors import (
    BAD_CELL,
    MISSING_COLUMNS,
    NO_KEY,
    NOTHING_IMPORTED,
    QUOTE_CHANGED,
    READ_ONLY_COLUMN,
    STALE_ROWS,
    BatchError,
    LedgerError,
)
from taizhang.ledger.export import cell_text
from taizhang.ledger.tables import MentionRow
from taizhang.ledger.trail import current_value

# Why an export column other than the editable fields does not come back in as a correction.
_NOT_EDITABLE = {
    "status": "status is computed — record a result with `taizhang outcome add`",
    "status_reason": "status_reason is computed — record a result with `taizhang outcome add`",
    "outcome": "outcome is computed from recorded results — use `taizhang outcome add`",
    **{name: f"{name} is the outcome the status rests on — use `taizhang correct match|unmatch` or `taizhang outcome add`"
       for name in export.OUTCOME_FIELDS},
    "entry_id": "entry_id identifies the entry", "key": "key identifies the entry",
}  # fmt: skip


@dataclass(slots=True)
class Imported:
    """What importing an edited export did."""

    ids: list[int]  # the corrections recorded
    skipped: int = 0  # edits already recorded as corrections
    warnings: list[str] = field(default_factory=list)  # edits that cannot come back in (computed columns, deleted rows)
    stale: list[int] = field(default_factory=list)  # rows whose entry changed since the export: not imported


class EditStage(LedgerBase):
    """Edits made in an exported file, back in as corrections."""

    def import_edits(self, path: Path, *, author: str) -> Imported:
        """An edited export (.csv, .xlsx, .json): every changed field of an entry becomes a correction.

        Only cells that differ from the ledger are read as edits (an untouched cell is never
        re-checked); every row is checked before anything is written, and all corrections are
        recorded in one transaction. Edits to computed columns and deleted rows are warnings.
        A row whose entry changed since the export (gone, or its source's words changed in a new
        version) is not imported and is reported in ``stale``: its cells may hold the old
        ledger's values rather than a person's edits.
        """
        table = export.read_table(path)
        if table and ("key" not in table[0] or "entry_id" not in table[0]):
            raise LedgerError(MISSING_COLUMNS.format(path=path, columns="key, entry_id", need=", ".join(export.COLUMNS)))
        self.refresh()
        current = {row["key"]: row for row in self.entries()}
        problems, warnings, edits, bad = [], [], [], set()
        seen: set[str] = set()
        gone_rows, changed_rows = [], []
        read_only: dict[str, list[int]] = {}
        for number, row in enumerate(table, start=2):  # row 1 is the header
            entry = current.get(cell_text(row.get("key")))
            if entry is None:
                gone_rows.append(number)
                continue
            seen.add(entry["key"])
            # An edit applies to every mention of the entry: one that gained or lost mentions, or
            # whose words changed, since the export is not the entry the person edited.
            if any(name in row and not _unchanged(row[name], entry[name]) for name in ("quote", "mention_count")):
                changed_rows.append(number)
                continue
            for name, cell in row.items():
                if name not in entry or _unchanged(cell, entry[name]):
                    continue
                if name not in EDITABLE:
                    read_only.setdefault(name, []).append(number)
                    continue
                try:
                    value = parse_field(name, None if cell is None else cell_text(cell))
                    amount_check(name, value, entry)
                except CorrectionError as error:
                    problems.append(BAD_CELL.format(path=path, row=number, column=name, problem=error))
                    bad.add(number)
                    continue
                if not _same(value, entry[name]):
                    edits.append((entry, name, value))
        if problems:
            raise BatchError(problems, NOTHING_IMPORTED.format(path=path, count=len(bad)))
        for name, rows in read_only.items():
            why = _NOT_EDITABLE.get(name, f"{name} comes from the source and the merge")
            warnings.append(READ_ONLY_COLUMN.format(path=path, column=name, count=len(rows), rows=_listed(rows), why=why))
        for rows, why in ((gone_rows, NO_KEY), (changed_rows, QUOTE_CHANGED)):
            if rows:
                warnings.append(STALE_ROWS.format(path=path, count=len(rows), why=why, rows=_listed(rows)))
        gone = [row["entry_id"] for key, row in current.items() if key not in seen]
        if table and gone and not gone_rows:  # with rows of entries gone, the file is of an older ledger
            warnings.append(f"{path}: {len(gone)} entries are not in the file ({_listed(gone)}): a deleted row changes "
                            "nothing; to take an entry out use `taizhang correct reject ID`")  # fmt: skip
        corrections = self._edits(edits, author, f"import {path.name}")
        trail = self.corrections()
        active = {c.identity() for c in trail if c.trail_key() not in undone(trail)}
        new = []
        for correction in corrections:  # an edit already in force, or a row the file has twice, is one correction
            if correction.identity() not in active:
                active.add(correction.identity())
                new.append(correction)
        return Imported(self._record(new), len(corrections) - len(new), warnings, sorted(gone_rows + changed_rows))

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
            Correction("set", self._anchor(row), author, now, field=name, before=current_value(entry, row, name), after=value, note=note)
            for entry, name, value in edits for row in by_entry[entry["entry_id"]]
        ]  # fmt: skip


def _listed(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers[:10])) + (" …" if len(numbers) > 10 else "")


def _same(a: Any, b: Any) -> bool:
    """Equal, numbers to 1e-9 relative; infinity equals nothing finite (1e400 is not an unchanged 1500)."""
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _unchanged(cell: Any, current: Any) -> bool:
    """Whether a spreadsheet cell still holds the exported value, however the file typed it (a
    spreadsheet program saves False as FALSE, 100.0 as 100)."""
    written, exported = cell_text(export.cell(cell)), cell_text(export.cell(current))
    if written == exported or (isinstance(current, bool) and written.lower() == exported.lower()):
        return True
    try:
        return _same(float(written), float(exported))
    except ValueError:
        return False

"""Outcomes: the results people record (one at a time or from a spreadsheet), checked; and every
outcome, a person's or read from a stored text, as a candidate for matching (``matching``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from taizhang.document import Outcome as TextOutcome

from taizhang.ledger import export
from taizhang.ledger.base import LedgerBase
from taizhang.ledger.errors import (
    BAD_CELL,
    BAD_TYPE,
    BAD_YEAR,
    EMPTY_FIELD,
    MISSING_COLUMNS,
    NO_OUTCOME,
    NOT_FINITE,
    NOTHING_IMPORTED,
    UNKNOWN_PLACE,
    UNPLACED_OUTCOME,
    UNKNOWN_UNIT,
    BatchError,
    LedgerError,
    unknown_place,
)
from taizhang.ledger.corrections import Anchor
from taizhang.ledger.export import cell_text
from taizhang.ledger.merge import place_key
from taizhang.ledger.metrics import metric_key
from taizhang.ledger.matching import Candidate, Index
from taizhang.ledger.status import YEARS
from taizhang.ledger.tables import OutcomeRow
from taizhang.storage import MAX_ID, outcome_of
from taizhang.storage.tables import OutcomeTextRow, SourceRow
from taizhang.ledger.units import normalise
from taizhang.places import lineage, resolve

OUTCOME_COLUMNS = ("actor", "metric", "year", "value", "unit")


@dataclass(frozen=True, slots=True)
class Outcome:
    actor: str
    metric: str
    year: int
    value: float
    unit: str
    source: str
    note: str | None = None


class OutcomeStage(LedgerBase):
    """Recording outcomes, and reading them back by commitment."""

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
                actor=cell_text(row["actor"]), metric=cell_text(row["metric"]), year=_year_cell(row["year"], found),
                value=_number_cell(row["value"], found), unit=cell_text(row["unit"]),
                source=cell_text(row.get("source")) or cell_text(row.get("url")), note=cell_text(row.get("note")) or None,
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

    def recorded_outcomes(self) -> list[Outcome]:
        """The outcomes people recorded, oldest first."""
        with self._session() as session:
            return [
                Outcome(row.actor, row.metric, row.year, row.value, row.unit, row.source, row.note)
                for row in session.scalars(select(OutcomeRow).order_by(OutcomeRow.id))
            ]

    def outcome_rows(self, *, source: str | None = None, actor: str | None = None, year: int | None = None) -> list[dict[str, Any]]:
        """Every outcome: read from the latest version of each source (``t12``), then recorded by people
        (``p3``), optionally of one source file, one place (any wording) or one year (the period's last)."""
        index, texts = self._candidates()
        placed = {c.ref: c for c in index.candidates}
        wanted = place_key(resolve(actor), actor) if actor else None
        rows = []
        for ref, (_, _, outcome) in texts.items():
            candidate = placed.get(ref)
            if source and outcome.source != source:
                continue
            if (wanted and (candidate is None or candidate.place_key != wanted)) or (year and outcome.last_year != year):
                continue
            rows.append(outcome.to_dict() | {"ref": ref, "by": "text"})
        for candidate in index.candidates:
            if not candidate.by_person or source or (wanted and candidate.place_key != wanted) or (year and candidate.last_year != year):
                continue
            rows.append({
                "ref": candidate.ref, "by": "person", "source": candidate.source, "actor": candidate.actor,
                "metric": candidate.metric, "kind": None, "value": candidate.value, "unit": candidate.unit,
                "norm_value": candidate.norm_value, "norm_unit": candidate.norm_unit, "period": candidate.period,
                "basis": None, "quote": None, "start": None, "end": None, "unplaced": None,
            })  # fmt: skip
        return rows

    def _outcome_anchor(self, ref: str) -> Anchor:
        """What a match correction names an outcome by: a text's source, span and figure, or a
        person's outcome id. Unknown refs and outcomes that could not be placed are refused."""
        ref = ref.strip().lower()
        number = ref[1:] if ref[:1] in ("t", "p") else ""
        if not number.isdigit() or int(number) > MAX_ID:
            raise LedgerError(NO_OUTCOME.format(ref=ref))
        with self._session() as session:
            if ref.startswith("p"):
                row = session.get(OutcomeRow, int(number))
                if row is None:
                    raise LedgerError(NO_OUTCOME.format(ref=ref))
                words = f"{row.actor} {row.metric} {row.year} {row.value:g}{row.unit} ({row.source})"
                return Anchor("", 0, 0, words, row.norm_unit, row.norm_value, outcome=row.id)
            found = session.get(OutcomeTextRow, int(number))
            latest = {info.id: info for info in self.store.latest_sources()}
            if found is None or found.source_id not in latest:
                raise LedgerError(NO_OUTCOME.format(ref=ref))
            info = latest[found.source_id]
            outcome = outcome_of(found, info.name)
        if outcome.unplaced:
            raise LedgerError(UNPLACED_OUTCOME.format(ref=ref, reason=outcome.unplaced))
        return Anchor.of(info.sha256, outcome, info.path)

    def _candidates(self) -> tuple[Index, dict[str, tuple[str, str | None, TextOutcome]]]:
        """Every outcome that can answer an entry: people's, and those read from the latest version of
        each source that could be placed. Also, for anchoring corrections, each text outcome's
        source SHA-256, file and record by its ref (``t12``)."""
        candidates: list[Candidate] = []
        texts: dict[str, tuple[str, str | None, TextOutcome]] = {}
        places: dict[str | None, str] = {}
        latest = {info.id: info for info in self.store.latest_sources()}
        query = (
            select(OutcomeTextRow).join(SourceRow, OutcomeTextRow.source_id == SourceRow.id)
            .where(OutcomeTextRow.source_id.in_(list(latest)))
            .order_by(OutcomeTextRow.source_id, OutcomeTextRow.start, OutcomeTextRow.id)
        )  # fmt: skip
        with self._session() as session:
            for row in session.scalars(query):
                info = latest[row.source_id]
                outcome = outcome_of(row, info.name)
                texts[f"t{row.id}"] = (info.sha256, info.path, outcome)
                if outcome.unplaced or outcome.first_year is None or outcome.last_year is None:
                    continue
                if outcome.actor not in places:
                    places[outcome.actor] = place_key(resolve(outcome.actor), outcome.actor)
                candidates.append(Candidate(
                    ref=f"t{row.id}", by_person=False, place_key=places[outcome.actor], metric_key=metric_key(outcome.metric),
                    metric=outcome.metric, actor=outcome.actor, kind=outcome.kind, value=outcome.value, unit=outcome.unit,
                    norm_value=outcome.norm_value, norm_unit=outcome.norm_unit, first_year=outcome.first_year,
                    last_year=outcome.last_year, source=info.name, order=info.id, basis=outcome.basis,
                    quote=outcome.quote, start=outcome.start, end=outcome.end, target=outcome.target,
                ))  # fmt: skip
            for row in session.scalars(select(OutcomeRow).order_by(OutcomeRow.id)):
                candidates.append(Candidate(
                    ref=f"p{row.id}", by_person=True, place_key=row.place_key, metric_key=row.metric_key, metric=row.metric,
                    actor=row.actor, kind=None, value=row.value, unit=row.unit, norm_value=row.norm_value,
                    norm_unit=row.norm_unit, first_year=row.year, last_year=row.year, source=row.source, order=row.id,
                ))  # fmt: skip
        return Index(candidates), texts

def outcome_problems(outcome: Outcome) -> list[tuple[str, str]]:
    """What is wrong with an outcome, as (column, problem): empty fields, an unknown place or unit,
    a year outside ``YEARS``, a value that is not a finite number."""
    found = [(name, EMPTY_FIELD.format(name=name)) for name in ("actor", "metric", "source") if not getattr(outcome, name).strip()]
    if outcome.actor.strip() and len(lineage(outcome.actor)) == 0:
        found.append(("actor", unknown_place(outcome.actor, UNKNOWN_PLACE)))
    if not isinstance(outcome.year, int) or outcome.year not in YEARS:
        found.append(("year", BAD_YEAR.format(name="year", value=outcome.year, low=YEARS.start, high=YEARS.stop - 1)))
    if not math.isfinite(outcome.value):
        found.append(("value", NOT_FINITE.format(name="value", text=str(outcome.value))))
    elif normalise(outcome.value, outcome.unit) is None:
        found.append(("unit", UNKNOWN_UNIT.format(unit=outcome.unit)))
    return found


def _year_cell(cell: Any, found: list[tuple[str, str]]) -> int:
    """A year cell (2026, 2026.0, "2026") as an int; a problem in ``found`` for anything else (2025.7, inf)."""
    text = cell_text(cell)
    try:
        return int(text)
    except ValueError:
        found.append(("year", BAD_YEAR.format(name="year", value=repr(text), low=YEARS.start, high=YEARS.stop - 1)))
        return YEARS.start


def _number_cell(cell: Any, found: list[tuple[str, str]]) -> float:
    text = cell_text(cell)
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

"""Outcomes: the results people record (one at a time or from a spreadsheet), checked; and every
outcome, a person's or read from a stored text, as a candidate for matching (``matching``)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from taizhang.document import Outcome as TextOutcome

from taizhang.ledger import export
from taizhang.ledger.base import LedgerBase
from taizhang.ledger.errors import (
    AMOUNT_TOO_LARGE,
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
from taizhang.storage import MAX_ID, SourceInfo, outcome_of
from taizhang.storage.tables import OutcomeTextRow
from taizhang.ledger.units import normalise
from taizhang.places import lineage, resolve

OUTCOME_COLUMNS = ("actor", "metric", "year", "value", "unit")
_BATCH = 2000  # outcomes per insert: few round trips, little memory
_LISTED = 200  # problems of a bad table listed one by one


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
        problems = [problem for outcome in outcomes for _, problem in outcome_problems(outcome)]
        if problems:
            raise LedgerError("; ".join(problems))
        with self._session() as session, session.begin():
            return self._insert(session, outcomes, author)

    def import_outcomes(self, path: Path, *, author: str) -> list[int]:
        """Outcomes from a .csv, .xlsx or .json table with columns actor, metric, year, value, unit,
        source (or url), note.

        The file is read a row at a time and written in batches within one transaction, so memory
        stays flat however long it is; a bad row (each named with its column) imports nothing.
        Returns the ids of the new outcomes (rows already recorded are skipped).
        """
        rows = export.iter_table(path)
        first = next(rows, None)
        if first is None:
            return []
        columns = set(first)
        missing = [c for c in OUTCOME_COLUMNS if c not in columns] + ([] if {"source", "url"} & columns else ["source|url"])
        if missing:
            raise LedgerError(MISSING_COLUMNS.format(path=path, columns=", ".join(missing), need=", ".join(OUTCOME_COLUMNS) + ", source|url"))
        problems = _Problems()
        checked = (_checked_row(number, row, path, problems) for number, row in enumerate(chain([first], rows), start=2))
        with self._session() as session, session.begin():
            ids = self._insert(session, (outcome for outcome in checked if outcome is not None), author)
            if problems.rows:  # raised inside the transaction: nothing of the file is kept
                raise BatchError(problems.listed(), NOTHING_IMPORTED.format(path=path, count=problems.rows))
        return ids

    def _insert(self, session: Session, outcomes: Iterable[Outcome], author: str) -> list[int]:
        """Insert ``outcomes`` in batches, skipping those already recorded (by the unique fingerprint,
        so a concurrent process recording the same outcome does not make it twice)."""
        insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
        ids: list[int] = []
        now = datetime.now(UTC)
        outcomes = iter(outcomes)
        while batch := list(islice(outcomes, _BATCH)):
            rows = [_outcome_row(outcome, author, now) for outcome in batch]
            table = OutcomeRow.__table__
            statement = insert(table).on_conflict_do_nothing(index_elements=["fingerprint"]).returning(table.c.id)
            ids += sorted(session.execute(statement, rows).scalars())
        return ids

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
        texts: dict[str, tuple[str, str | None, TextOutcome]] = {}
        return Index(self._candidate_stream(texts)), texts

    def _candidate_stream(self, texts: dict[str, tuple[str, str | None, TextOutcome]]) -> Iterator[Candidate]:
        """The candidates of :meth:`_candidates` one at a time, read in one streamed query of plain
        columns (Core rows: no ORM objects, no ORM result machinery, which doubled the read);
        ``texts`` filled as they come."""
        places: dict[str | None, str] = {}
        latest = {info.id: info for info in self.store.latest_sources()}
        table = OutcomeTextRow.__table__
        # A candidate's columns first, unpacked by position (a row's attributes cost more), then the rest.
        rest = [column for column in table.columns if column.name not in CANDIDATE_COLUMNS]
        query = select(*(table.c[name] for name in CANDIDATE_COLUMNS), *rest).where(table.c.source_id.in_(list(latest)))
        with self._session() as session:
            connection = session.connection()
            for row in connection.execute(query.order_by(*_ORDER).execution_options(yield_per=_BATCH)):
                info = latest[row[1]]
                texts[f"t{row[0]}"] = (info.sha256, info.path, outcome_of(row, info.name))
                values = text_candidate(row, info.name, places)
                if values is not None:
                    yield Candidate(*values)
            for values in person_candidates(connection):
                yield Candidate(*values)

    def _outcome_texts(self, texts: dict[str, tuple[str, str | None, TextOutcome]], sources: dict[int, SourceInfo]) -> None:
        """Put in ``texts`` the text outcomes of ``sources`` (by id) with their sources' SHA-256 and
        file, by ref (as :meth:`_candidates` does for all)."""
        query = select(*OutcomeTextRow.__table__.columns).where(OutcomeTextRow.source_id.in_(list(sources))).order_by(*_ORDER)
        with self._session() as session:
            for row in session.connection().execute(query) if sources else ():
                info = sources[row.source_id]
                texts[f"t{row.id}"] = (info.sha256, info.path, outcome_of(row, info.name))


def text_candidate(row: Any, source: str, places: dict[str | None, str]) -> tuple | None:
    """A text's outcome as its candidate's values (:class:`Candidate`'s fields in order), from a
    row whose first columns are ``CANDIDATE_COLUMNS``, read from the source named ``source``; None
    for one that cannot be placed. ``places``: the place key of each actor seen, kept."""
    (number, source_id, actor, metric, kind, value, unit, norm_value, norm_unit, first_year, last_year,
     basis, quote, start, end, target, unplaced) = row[:_CANDIDATE_WIDTH]  # fmt: skip
    if unplaced or first_year is None or last_year is None:
        return None
    if actor not in places:
        places[actor] = place_key(resolve(actor), actor)
    return (
        f"t{number}", False, places[actor], metric_key(metric), metric, actor, kind, value, unit, norm_value, norm_unit,
        first_year, last_year, source, source_id, basis, quote, start, end, target,
    )  # fmt: skip


def person_candidates(connection: Connection) -> Iterator[tuple]:
    """People's outcomes as their candidates' values (see :func:`text_candidate`), in the order recorded."""
    for row in connection.execute(select(*(OutcomeRow.__table__.c[name] for name in _PERSON_COLUMNS)).order_by(OutcomeRow.id)):
        number, place, metric_of, metric, actor, value, unit, norm_value, norm_unit, year, source = row
        yield (f"p{number}", True, place, metric_of, metric, actor, None, value, unit, norm_value, norm_unit, year, year, source, number)


# The columns of a text's outcome that make its candidate, in the order they are unpacked.
CANDIDATE_COLUMNS = (
    "id", "source_id", "actor", "metric", "kind", "value", "unit", "norm_value", "norm_unit", "first_year", "last_year",
    "basis", "quote", "start", "end", "target", "unplaced",
)  # fmt: skip
_CANDIDATE_WIDTH = len(CANDIDATE_COLUMNS)
_ORDER = (OutcomeTextRow.source_id, OutcomeTextRow.start, OutcomeTextRow.id)  # a text's outcomes in the order found
_PERSON_COLUMNS = ("id", "place_key", "metric_key", "metric", "actor", "value", "unit", "norm_value", "norm_unit", "year", "source")


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
    elif (normal := normalise(outcome.value, outcome.unit)) is None:
        found.append(("unit", UNKNOWN_UNIT.format(unit=outcome.unit)))
    elif not math.isfinite(normal[0]):
        found.append(("value", AMOUNT_TOO_LARGE.format(value=outcome.value, unit=outcome.unit, norm=normal[1])))
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


def fingerprint(place: str, metric: str, year: int, norm_value: float, norm_unit: str, source: str) -> str:
    """What makes two recorded outcomes the same: the same result (place, metric, year, value and
    unit, normalised) from the same publication."""
    parts = (place, metric, str(year), f"{norm_value:.9g}", norm_unit, source.strip())
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def _outcome_row(outcome: Outcome, author: str, now: datetime) -> dict[str, Any]:
    norm_value, norm_unit = normalise(outcome.value, outcome.unit)  # checked: the unit is known
    place = place_key(resolve(outcome.actor), outcome.actor)
    metric = metric_key(outcome.metric)
    return {
        "actor": outcome.actor, "place_key": place, "metric": outcome.metric, "metric_key": metric, "year": outcome.year,
        "value": outcome.value, "unit": outcome.unit, "norm_value": norm_value, "norm_unit": norm_unit,
        "source": outcome.source, "note": outcome.note, "added_by": author, "added_at": now,
        "fingerprint": fingerprint(place, metric, outcome.year, norm_value, norm_unit, outcome.source),
    }  # fmt: skip


@dataclass(slots=True)
class _Problems:
    """The bad rows of a table: how many, and the first ``_LISTED`` problems (a million bad rows are
    not a million lines anyone reads)."""

    lines: list[str] = field(default_factory=list)
    more: int = 0
    rows: int = 0

    def add(self, lines: list[str]) -> None:
        self.rows += 1
        room = max(0, _LISTED - len(self.lines))
        self.lines += lines[:room]
        self.more += len(lines) - len(lines[:room])

    def listed(self) -> list[str]:
        return self.lines + ([f"… and {self.more:,} more problem(s)"] if self.more else [])


def _checked_row(number: int, row: dict[str, Any], path: Path, problems: _Problems) -> Outcome | None:
    """Row ``number`` of an outcome table as an outcome, or None with its problems added to ``problems``."""
    found: list[tuple[str, str]] = []
    outcome = Outcome(
        actor=cell_text(row.get("actor")), metric=cell_text(row.get("metric")), year=_year_cell(row.get("year"), found),
        value=_number_cell(row.get("value"), found), unit=cell_text(row.get("unit")),
        source=cell_text(row.get("source")) or cell_text(row.get("url")), note=cell_text(row.get("note")) or None,
    )  # fmt: skip
    found += [(column, problem) for column, problem in outcome_problems(outcome) if column not in dict(found)]
    if not found:
        return outcome
    found.sort(key=lambda problem: list(row).index(problem[0]) if problem[0] in row else len(row))  # file order
    problems.add([BAD_CELL.format(path=path, row=number, column=column, problem=problem) for column, problem in found])
    return None

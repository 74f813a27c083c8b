"""Browsing the ledger as the dashboard does: keyset pages in any sort order, facet counts, the
review queue, a place's cascade of targets, chart tallies and the pledges marked in a source.

Stored entries only change when the ledger is built or amended, so what a view counts is read per
build: counts, facets and the pages in ledger order come from the build's filter columns held in
memory (``columns``); views that filter on words or sources are counted by SQL and those counts
kept per build (keyed by its fingerprint). A page's rows are read by SQL, as plain rows.
"""

from __future__ import annotations

import base64
import json
import threading
from collections import OrderedDict, namedtuple
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import JSON, Boolean, Text, and_, cast, func, or_, select

from taizhang.ledger.columns import COLUMNS, FACET_COLUMNS, Columns
from taizhang.ledger.errors import BAD_PAGE, NO_SOURCE, LedgerError
from taizhang.ledger.query import Filters, QueryStage, export_row, mention_dict
from taizhang.ledger.status import TO_VERIFY
from taizhang.ledger.matching import CHOSEN
from taizhang.ledger.tables import EntryRow, LedgerStateRow, MentionRow, OutcomeMatchRow
from taizhang.places import Place, ancestors, children, lineage, place

# The orders a page can be sorted in, by the column each reads (ties broken by entry id).
SORTS = {
    "id": EntryRow.id, "deadline": EntryRow.deadline, "actor": EntryRow.actor, "metric": EntryRow.metric_key,
    "status": EntryRow.status, "value": EntryRow.norm_value, "confidence": EntryRow.confidence,
}  # fmt: skip
_TEXT_SORTS = ("actor", "metric", "status")  # the orders by text (a page token carries their value as text)
# The facets beside the filters: each is the column it counts and the filter it sets.
FACETS = {
    "status": (EntryRow.status, "status"), "deadline": (EntryRow.deadline, "year"), "kind": (EntryRow.kind, "kind"),
    "metric": (EntryRow.metric_key, "metric"), "place": (EntryRow.place, "actor"), "official": (EntryRow.official, "official"),
    "conflict": (EntryRow.conflict, "conflicts"), "source": (MentionRow.source, "source"),
}  # fmt: skip
LOW_CONFIDENCE = 0.8  # records the extractor was less sure of go to the review queue
_CACHED = 4096  # counts and facets kept per process, across builds
# Where a caller (the dashboard, per request) collects how its counts and facets were answered:
# [from the build's columns, from the memo, by SQL].
MEMO_USE: ContextVar[list[int] | None] = ContextVar("memo_use", default=None)


@dataclass(slots=True)
class Page:
    """One page of entries and the token of the next (None on the last page)."""

    rows: list[dict[str, Any]]
    next: str | None


@dataclass(frozen=True, slots=True)
class Mark:
    """A pledge (or an added record) at its span in a source, with the entry it belongs to."""

    start: int
    end: int
    entry_id: int
    metric: str
    value: float
    unit: str
    corrected: tuple[str, ...]


class _Memo:
    """Counts and facets by (database, build, question); thread-safe, least recently used dropped."""

    def __init__(self) -> None:
        self._items: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Any) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                _used(1)
                return self._items[key]
        _used(2)
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > _CACHED:
                self._items.popitem(last=False)
        return value


_MEMO = _Memo()


def _used(where: int) -> None:
    """Count a count or facet answered from the columns (0), the memo (1) or by SQL (2)."""
    use = MEMO_USE.get()
    if use is not None:
        use[where] += 1
# An entry's stored columns as a plain row (export_row reads them by name): no ORM object per row.
_ROW = select(*EntryRow.__table__.columns)
ROW_FIELDS = tuple(c.key for c in EntryRow.__table__.columns)
_Row = namedtuple("_Row", ROW_FIELDS)  # noqa: PYI024 - built from the table
_ROW_NAMES = ", ".join(f'"{c.name}"' for c in EntryRow.__table__.columns)
_JSON_AT = [i for i, c in enumerate(EntryRow.__table__.columns) if isinstance(c.type, JSON)]
_BOOL_AT = [i for i, c in enumerate(EntryRow.__table__.columns) if isinstance(c.type, Boolean)]


def _typed(rows: list[tuple]) -> list[list]:
    """Rows as the driver gave them, with JSON decoded and booleans as bools (SQLite gives text and
    0/1). The JSON of every row is decoded in one call: two calls a row cost a twentieth of an API
    request's CPU."""
    typed = [list(row) for row in rows]
    texts = [(values, i) for values in typed for i in _JSON_AT if isinstance(values[i], str)]
    if texts:
        decoded = json.loads("[" + ",".join(values[i] for values, i in texts) + "]")
        for (values, i), value in zip(texts, decoded, strict=True):
            values[i] = value
    for values in typed:
        for i in _BOOL_AT:
            if values[i] is not None:
                values[i] = bool(values[i])
    return typed


_BUILD = f"SELECT fingerprint, built_at FROM {LedgerStateRow.__tablename__} WHERE id = 1"
_ROWS_OF = f"SELECT {_ROW_NAMES} FROM ledger_entries WHERE id = ANY(%s)"  # noqa: S608 - PostgreSQL: ids as one array


def page_token(value: Any, entry_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([value, entry_id]).encode()).decode().rstrip("=")


def read_token(token: str) -> tuple[Any, int]:
    """The (sort value, entry id) a page token names; LedgerError for anything else."""
    try:
        value, entry_id = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(entry_id, int) or isinstance(value, (list, dict)):
            raise ValueError
    except (ValueError, TypeError):
        raise LedgerError(BAD_PAGE.format(token=token[:40])) from None
    return value, entry_id


class BrowseStage(QueryStage):
    """What the dashboard and its JSON API read, over the stored (today's) entries."""

    def _built(self) -> str:
        """What the stored entries were built from: read once per ledger object (one per web request)."""
        if getattr(self, "_build_seen", None) is None:
            self._build_seen = self._read_build()
        return self._build_seen

    def _read_build(self) -> str:
        """Which build is stored: one small statement per request, as the driver answers it (no ORM
        session: the web reads this on every request)."""
        state = self._driver_rows(_BUILD)
        return f"{state[0][0]}:{state[0][1]}" if state else ""

    def _driver_rows(self, statement: str, parameters: tuple = ()) -> list[tuple]:
        """The rows of ``statement`` (``parameters`` in the driver's style) as the driver gives them,
        read with its own cursor: SQLAlchemy's result (column metadata made from the cursor, a call
        per row) cost a quarter to a third as much again as the statement itself on SQLite, a page
        of 51 rows of 41 columns. A driver's error is left to SQLAlchemy, which runs the statement again and
        handles it as any other (a lost connection dropped from the pool, the error worded by
        ``_worded``)."""
        with self._connection() as connection:
            cursor = connection.connection.cursor()
            try:
                cursor.execute(statement, parameters)
                return cursor.fetchall()
            except connection.dialect.loaded_dbapi.Error:
                pass
            finally:
                cursor.close()
            return connection.exec_driver_sql(statement, parameters).fetchall()

    def _memo(self, question: tuple, compute: Any) -> Any:
        if self.what_if:  # judged in memory for another day: never kept
            return compute()
        return _MEMO.get((self.store.url, self._built(), *question), compute)

    def _columns(self, filters: Filters) -> Columns | None:
        """The build's filter columns when they are read and can answer ``filters`` (not for a
        what-if, whose statuses are judged as it reads, nor for words or sources)."""
        if self.what_if:
            return None
        held = COLUMNS.get(self.store.url, self._built(), self.store.engine, self._read_build)
        return held if held is not None and held.holds(filters) else None

    def from_memory(self, filters: Filters, sort: str = "id", facets: tuple[str, ...] = ()) -> bool:
        """Whether the count, a page in ``sort`` order and the ``facets`` of ``filters`` are answered
        from the build's columns in memory (the page's rows then read by primary key), with no SQL
        that counts: what the dashboard answers without a worker thread."""
        held = self._columns(filters)
        return held is not None and held.sorts(sort) and all(name in FACET_COLUMNS for name in facets)

    def warm(self, *, wait: bool = True) -> None:
        """Read the build's filter columns now (``wait=False``: in the background, as the dashboard
        does when it starts)."""
        if not self.what_if:
            COLUMNS.get(self.store.url, self._built(), self.store.engine, self._read_build, wait=wait)

    def total(self, filters: Filters = Filters()) -> int:
        """How many entries ``filters`` select: from the build's columns, else counted once per build."""
        held = self._columns(filters)
        if held is not None:
            _used(0)
            return held.count(filters)
        return self._memo(("count", filters), lambda: self.count(filters))

    def page(self, filters: Filters = Filters(), *, sort: str = "id", descending: bool = False, after: str | None = None, limit: int = 50, shape: Callable[[Any], Any] = export_row) -> Page:  # fmt: skip
        """Entries in ``sort`` order, ``limit`` at a time: ``after`` is the previous page's ``next``;
        each row ``shape``d (by default an export row) from a row of the table's columns in their
        order (``ROW_FIELDS``: by name or position).

        Keyset pagination (never OFFSET): a page costs the same at the millionth entry as at the
        first, and an entry added between two pages is neither skipped nor shown twice. Entries
        without a value in the sort column come last in either direction.
        """
        column = SORTS[sort]
        value, entry_id = read_token(after) if after is not None else (None, None)
        if value is not None and (isinstance(value, bool) or isinstance(value, str) != (sort in _TEXT_SORTS)):  # another order's token
            raise LedgerError(BAD_PAGE.format(token=after[:40]))
        held = self._columns(filters)
        ids = held.page_ids(filters, entry_id, descending, limit + 1, sort, value) if held is not None and held.sorts(sort) else None  # fmt: skip
        if ids is not None:  # the ids from memory, the rows by their primary key
            rows = self._rows(ids)
        else:
            with self._session() as session:
                query = self._select(session, filters).with_only_columns(*_ROW.selected_columns)
                if after is not None:
                    query = query.where(_after(column, value, entry_id, descending))
                ordered = (column.desc(), EntryRow.id.desc()) if descending else (column.asc(), EntryRow.id.asc())
                if sort != "id":
                    ordered = (column.is_(None), *ordered)  # missing values last, the same on SQLite and PostgreSQL
                rows = list(session.execute(query.order_by(*ordered).limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if rows else None
        token = page_token(getattr(last, column.key), last.id) if more and last is not None else None
        return Page([shape(row) for row in rows], token)

    def facets(self, filters: Filters = Filters(), names: tuple[str, ...] = tuple(FACETS), top: int = 12) -> dict[str, list[tuple[Any, int]]]:  # fmt: skip
        """For each facet, its most common values among the entries the other filters select, with
        their counts (a facet's own filter is left out, so every choice it offers is shown)."""
        held = self._columns(filters)
        found = {}
        for name in names:
            if held is not None and name in FACET_COLUMNS:
                _used(0)
                found[name] = held.facet(name, FACETS[name][1], filters, top)
            else:
                found[name] = self._memo(("facet", name, filters, top), lambda name=name: self._facet(name, filters, top))
        return found

    def _rows(self, ids: list[int]) -> list[Any]:
        """The stored entries ``ids`` in that order, as plain rows. The statement is written out (the
        ids are integers) and the values taken as the driver gives them: SQLAlchemy's compiling and
        typing of 51 rows of 41 columns cost five times the query; JSON and booleans are read here."""
        if not ids:
            return []
        if self.store.engine.dialect.name == "postgresql":
            # One statement text whatever the ids: the driver prepares it once per connection and
            # the server plans it once (a list of 51 numbers was parsed and planned each time).
            rows = self._driver_rows(_ROWS_OF, ([int(i) for i in ids],))
        else:
            rows = self._driver_rows(f"SELECT {_ROW_NAMES} FROM ledger_entries WHERE id IN ({','.join(str(int(i)) for i in ids)})")  # noqa: S608 - integers only
        found = {row[0]: row for row in rows}
        return [_Row._make(values) for values in _typed([found[i] for i in ids if i in found])]

    def _facet(self, name: str, filters: Filters, top: int) -> list[tuple[Any, int]]:
        column, own = FACETS[name]
        others = replace(filters, **{own: False if own == "conflicts" else None})
        with self._session() as session:
            chosen = self._select(session, others)
            if name == "source":
                ids = chosen.with_only_columns(EntryRow.id)
                query = select(MentionRow.source, func.count(func.distinct(MentionRow.entry_id))).where(MentionRow.entry_id.in_(ids))
                query = query.group_by(MentionRow.source)
            else:
                query = chosen.with_only_columns(column, func.count()).group_by(column)
            counted = session.execute(query.order_by(func.count().desc(), column).limit(top)).all()
        return [(value, count) for value, count in counted if value is not None]

    def review(self, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
        """The review queue: records the extractor was unsure of and no person has touched,
        entries whose sources disagree, and entries due with no outcome to judge them on."""
        corrected = _corrected()
        queues = {
            "low_confidence": and_(EntryRow.confidence < LOW_CONFIDENCE, EntryRow.id.not_in(corrected)),
            "conflicts": EntryRow.conflict.is_(True),
            "due": EntryRow.status == TO_VERIFY,
        }
        found: dict[str, list[dict[str, Any]]] = {}
        with self._session() as session:
            for name, condition in queues.items():
                rows = session.scalars(select(EntryRow).where(condition).order_by(EntryRow.id).limit(limit))
                found[name] = [export_row(row) for row in rows]
        return found

    def review_counts(self) -> dict[str, int]:
        """How many entries wait in each queue of :meth:`review` (all of them, not one page)."""
        corrected = _corrected()
        with self._session() as session:
            count = lambda condition: session.scalar(select(func.count()).select_from(EntryRow).where(condition))  # noqa: E731
            return {
                "low_confidence": count(and_(EntryRow.confidence < LOW_CONFIDENCE, EntryRow.id.not_in(corrected))),
                "conflicts": count(EntryRow.conflict.is_(True)),
                "due": count(EntryRow.status == TO_VERIFY),
            }

    def cascade(self, code: str, metric: str | None = None, year: int | None = None, kind: str | None = None) -> dict[str, Any]:
        """A place's targets beside those of the places above it and of its children, for one
        metric (key), kind and deadline year: where lower levels set higher targets (层层加码) shows.

        Without a metric, year or kind, the place's (or its children's) most common ones are chosen.
        """
        found = place(code)
        if found is None:
            raise LedgerError(f"no place with code {code!r} (see: taizhang place NAME)")
        above = [place(c) for c in ancestors(found)]
        below = children(found)
        codes = [p.code for p in (found, *above, *below)]
        with self._session() as session:
            mine = select(EntryRow.metric_key, EntryRow.kind, EntryRow.deadline, func.count())
            mine = mine.where(EntryRow.place_code.in_([found.code, *(p.code for p in below)]))
            mine = mine.group_by(EntryRow.metric_key, EntryRow.kind, EntryRow.deadline).order_by(func.count().desc(), EntryRow.metric_key)
            offered = session.execute(mine).all()
            metric = metric or (offered[0][0] if offered else None)
            kind = kind or next((k for m, k, _, _ in offered if m == metric), None)
            if year is None:
                year = next((y for m, k, y, _ in offered if m == metric and k == kind), None)
            rows = []
            if metric is not None:
                query = select(EntryRow).where(EntryRow.place_code.in_(codes), EntryRow.metric_key == metric)
                query = query.where(EntryRow.deadline == year if year is not None else EntryRow.deadline.is_(None))
                if kind is not None:
                    query = query.where(EntryRow.kind == kind)
                rows = list(session.scalars(query.order_by(EntryRow.id)))
        by_code: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_code.setdefault(row.place_code, []).append(export_row(row))
        levels = [("above", p) for p in reversed(above)] + [("self", found)] + [("below", p) for p in below]
        return {
            "place": _place_dict(found), "metric": metric, "kind": kind, "year": year,
            "metrics": sorted({m for m, _, _, _ in offered if m}),
            "kinds": sorted({k for m, k, _, _ in offered if m == metric}),
            "years": sorted({y for m, k, y, _ in offered if m == metric and k == kind and y is not None}),
            "levels": [{"role": role, "place": _place_dict(p), "entries": by_code.get(p.code, [])} for role, p in levels],
        }  # fmt: skip

    def tally(self, filters: Filters = Filters()) -> list[tuple[int | None, str, int]]:
        """Entries by deadline year and status: (year, status, count)."""
        with self._session() as session:
            query = self._select(session, filters).with_only_columns(EntryRow.deadline, EntryRow.status, func.count())
            return [tuple(row) for row in session.execute(query.group_by(EntryRow.deadline, EntryRow.status).order_by(EntryRow.deadline, EntryRow.status))]  # fmt: skip

    def against_outcomes(self, filters: Filters = Filters(), limit: int = 200) -> list[dict[str, Any]]:
        """Entries judged on an outcome: target and the outcome chosen for it, in the same normalised unit."""
        with self._session() as session:
            query = self._select(session, filters).add_columns(OutcomeMatchRow.norm_value, OutcomeMatchRow.year)
            query = query.join(OutcomeMatchRow, and_(OutcomeMatchRow.entry_id == EntryRow.id, OutcomeMatchRow.state == CHOSEN))
            query = query.where(OutcomeMatchRow.norm_unit == EntryRow.norm_unit).order_by(EntryRow.id).limit(limit)
            return [
                {"entry_id": row.id, "actor": row.actor, "metric": row.metric, "target": row.norm_value, "unit": row.norm_unit,
                 "outcome": outcome, "year": year, "status": row.status}
                for row, outcome, year in session.execute(query)
            ]  # fmt: skip

    def series(self, metric: str, filters: Filters = Filters(), limit: int = 2000) -> list[dict[str, Any]]:
        """One metric's targets across places and deadline years: (place, year, value, unit), of
        its most common kind and unit only (a growth rate and an amount share no axis)."""
        chosen = replace(filters, metric=metric)
        with self._session() as session:
            base = self._select(session, chosen).where(EntryRow.deadline.is_not(None))
            common = base.with_only_columns(EntryRow.kind, EntryRow.norm_unit, func.count()).group_by(EntryRow.kind, EntryRow.norm_unit)
            top = session.execute(common.order_by(func.count().desc()).limit(1)).first()
            if top is None:
                return []
            query = base.where(EntryRow.kind == top[0], EntryRow.norm_unit == top[1]).with_only_columns(
                EntryRow.id, EntryRow.place, EntryRow.actor, EntryRow.deadline, EntryRow.norm_value, EntryRow.norm_unit, EntryRow.kind
            )  # fmt: skip
            rows = session.execute(query.order_by(EntryRow.deadline, EntryRow.id).limit(limit))
            return [
                {"entry_id": i, "place": p or a, "year": y, "value": v, "unit": u, "kind": k} for i, p, a, y, v, u, k in rows
            ]

    def metrics(self, top: int = 200) -> list[tuple[str, int]]:
        """Metric keys with their number of entries, the most common first."""
        with self._session() as session:
            query = select(EntryRow.metric_key, func.count()).group_by(EntryRow.metric_key)
            return [tuple(row) for row in session.execute(query.order_by(func.count().desc(), EntryRow.metric_key).limit(top))]

    def marks(self, source: str | int) -> tuple[Any, str, list[Mark]]:
        """A stored source, its text, and every ledger mention in it at its span (text order)."""
        info = self.store.find_source(source)
        if info is None:
            raise LedgerError(NO_SOURCE.format(ref=source))
        with self._session() as session:
            query = select(MentionRow).where(MentionRow.sha256 == info.sha256).order_by(MentionRow.start, MentionRow.id)
            found = [
                Mark(m.start, m.end, m.entry_id, m.metric, m.value, m.unit, tuple(m.corrected)) for m in session.scalars(query)
            ]
        return info, self.store.source_text(info.id), found


def _corrected():  # noqa: ANN202 - a SQLAlchemy subquery
    """The entries a person corrected a field of (their mentions' ``corrected`` is not ``[]``)."""
    return select(MentionRow.entry_id).where(func.length(cast(MentionRow.corrected, Text)) > 2)


def _after(column: Any, value: Any, entry_id: int, descending: bool) -> Any:
    """Rows after (``value``, ``entry_id``) in the page order, missing values last."""
    beyond = (lambda a, b: a < b) if descending else (lambda a, b: a > b)
    if column is EntryRow.id:
        return beyond(EntryRow.id, entry_id)
    if value is None:
        return and_(column.is_(None), beyond(EntryRow.id, entry_id))
    return or_(beyond(column, value), and_(column == value, beyond(EntryRow.id, entry_id)), column.is_(None))


def _place_dict(found: Place) -> dict[str, Any]:
    return asdict(found) | {"chain": [p.name for p in reversed(lineage(found.code)) if p.level > 0]}

"""Reading the ledger: entries selected by filters, one entry with its mentions, outcomes and history,
and statuses judged in memory for a what-if."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from taizhang.document import PLEDGE_FIELDS
from taizhang.ledger import export
from taizhang.ledger.base import LedgerBase
from taizhang.extract.actors import report_owner
from taizhang.ledger.coverage import Coverage, CoverageReport, coverage, main_actor, own_pledges
from taizhang.ledger.entry_view import EntryParts, concerns, in_sentence, read_entry
from taizhang.ledger.errors import NO_ACTOR, NO_PLEDGES_OF, NO_SOURCE, NO_SOURCE_NAMED, UNKNOWN_STATUS, LedgerError, unknown_place
from taizhang.ledger.judging import JUDGED_STATES, rejudge
from taizhang.ledger.matching import STATES
from taizhang.ledger.metrics import metric_key
from taizhang.ledger.scorecard import scorecard_rows
from taizhang.ledger.status import STATUSES, Verdict
from taizhang.ledger.tables import EntryRow, MentionRow, OutcomeMatchRow
from taizhang.ledger.trail import correction_of
from taizhang.places import Place, code_prefix, lineage
from taizhang.storage.tables import SourceRow

# The columns an entry is judged on.
_JUDGED = (
    EntryRow.id, EntryRow.kind, EntryRow.comparator, EntryRow.value, EntryRow.value_high, EntryRow.unit,
    EntryRow.norm_value, EntryRow.norm_unit, EntryRow.deadline, EntryRow.norm_value_high, EntryRow.metric,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Filters:
    """What ``taizhang ledger``, ``export`` and ``Ledger.ledger`` select. None means any."""

    actor: str | None = None  # a place name (resolved, so 青岛市崂山区 = 崂山区) or an actor as written
    with_parents: bool = False  # also the entries of the places above the actor (city, province, country)
    with_children: bool = False  # also the entries of the places under the actor (a province's cities and counties)
    year: int | None = None  # the deadline year
    status: str | None = None
    metric: str | None = None  # any wording: 地区生产总值, GDP and 全区生产总值 select the same entries
    source: str | None = None  # a source file name
    conflicts: bool = False  # only entries whose sources disagree
    official: str | None = None  # the official as written (张元升)
    kind: str | None = None  # level, growth, annual_growth or share
    search: str | None = None  # words anywhere in the quote, metric or actor


class QueryStage(LedgerBase):
    """Entries, mentions and coverage as rows, judged as of ``as_of`` by ``rules``."""

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
                rows = list(session.scalars(query))
                matches = self._judged_matches(session, [row.id for row in rows]) if self.what_if else {}
                judged = [(row, self._judge(row, matches) if self.what_if else None) for row in rows]
            return [export_row(row, verdict) for row, verdict in judged]

    def count(self, filters: Filters = Filters()) -> int:
        with self._session() as session:
            if self.what_if and filters.status:
                return len(self._rejudged(session, filters))
            return session.scalar(select(func.count()).select_from(self._select(session, filters).subquery()))

    def _rejudged(self, session: Session, filters: Filters, stop: int | None = None) -> list[tuple[int, Verdict]]:
        """The ids of the entries whose status judged in memory (as of ``as_of`` by ``rules``) is the
        filter's, in ledger order; the first ``stop`` of them when given, reading no further than needed."""
        check_status(filters.status)
        matches = self._judged_matches(session)
        # Only what judging needs: whole rows would cost several times as much per entry.
        query = self._select(session, replace(filters, status=None)).with_only_columns(*_JUDGED).order_by(EntryRow.id)
        judged = []
        for row in session.execute(query.execution_options(yield_per=5000)):
            verdict = self._judge(row, matches)
            if verdict.status == filters.status:
                judged.append((row.id, verdict))
                if stop is not None and len(judged) >= stop:
                    break
        return judged

    def _judge(self, row: Any, matches: dict[int, list[OutcomeMatchRow]]) -> Verdict:
        """The status of a stored entry (an ``EntryRow`` or a row of ``_JUDGED``) as of ``as_of`` by
        ``rules``: matching does not depend on either, so the stored matches are judged again."""
        return rejudge(row, matches.get(row.id, []), self.as_of, self.rules)

    @staticmethod
    def _judged_matches(session: Session, ids: list[int] | None = None) -> dict[int, list[OutcomeMatchRow]]:
        """The stored matches a status rests on, by entry id (of ``ids``, or of every entry)."""
        query = select(OutcomeMatchRow).where(OutcomeMatchRow.state.in_(JUDGED_STATES)).order_by(OutcomeMatchRow.id)
        if ids is not None:
            query = query.where(OutcomeMatchRow.entry_id.in_(ids))
        found: dict[int, list[OutcomeMatchRow]] = {}
        for match in session.scalars(query):
            found.setdefault(match.entry_id, []).append(match)
        return found

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
                chosen = EntryRow.place_code.in_(codes) if len(codes) > 1 else EntryRow.place_code == codes[0]
                if filters.with_children:
                    chosen = or_(chosen, _under(places[0]))
                query = query.where(chosen)
            else:
                query = query.where(EntryRow.actor == filters.actor)
                if not places and session.scalar(select(EntryRow.id).where(EntryRow.actor == filters.actor).limit(1)) is None:
                    raise LedgerError(unknown_place(filters.actor, NO_ACTOR))
        if filters.year is not None:
            query = query.where(EntryRow.deadline == filters.year)
        if filters.status:
            check_status(filters.status)
            query = query.where(EntryRow.status == filters.status)
        if filters.metric:
            query = query.where(EntryRow.metric_key == metric_key(filters.metric))
        if filters.source:
            query = query.where(EntryRow.id.in_(select(MentionRow.entry_id).where(MentionRow.source == filters.source)))
            if session.scalar(select(MentionRow.id).where(MentionRow.source == filters.source).limit(1)) is None:
                _check_stored(session, filters.source)
        if filters.conflicts:
            query = query.where(EntryRow.conflict.is_(True))
        if filters.official:
            query = query.where(EntryRow.official == filters.official)
        if filters.kind:
            query = query.where(EntryRow.kind == filters.kind)
        if filters.search and filters.search.strip():
            words = filters.search.strip()
            query = query.where(or_(*(column.contains(words, autoescape=True) for column in (EntryRow.quote, EntryRow.metric, EntryRow.actor))))
        return query

    def entry(self, entry_id: int) -> dict[str, Any]:
        """One entry with its mentions (every source's own figures), outcomes and status history."""
        return self._shown(entry_id)[0]

    def entry_page(self, entry_id: int) -> dict[str, Any]:
        """:meth:`entry` with what its page shows besides, from the same one statement: each
        mention's ``source_id`` and the words of its sentence ``before`` and ``after`` the quote,
        and the ``corrections`` made on its mentions (oldest first)."""
        shown, parts = self._shown(entry_id)
        shown["mentions"] = [
            mention | {"source_id": row.source_id} | dict(zip(("before", "after"), in_sentence(row), strict=True))
            for mention, row in zip(shown["mentions"], parts.mentions, strict=True)
        ]  # fmt: skip
        shown["corrections"] = [c for c in map(correction_of, parts.corrections) if concerns(c.anchor, parts.mentions)]
        return shown

    def _shown(self, entry_id: int) -> tuple[dict[str, Any], EntryParts]:
        """:meth:`entry`'s answer and the rows it was made of (see ``entry_view``)."""
        with self._connection() as connection:
            parts = read_entry(connection, entry_id)
        if parts is None:
            with self._reading() as session:
                raise self._no_entry(session, entry_id)
        verdict = None
        if self.what_if:  # judged on the stored matches a status rests on, as ``_judged_matches`` reads them
            judged = sorted((o for o in parts.outcomes if o.state in JUDGED_STATES), key=lambda o: o.id)
            verdict = self._judge(parts.entry, {entry_id: judged})
        return {
            "entry": export_row(parts.entry, verdict),
            "mentions": [mention_dict(m) | {"sha256": m.sha256} for m in parts.mentions],
            "outcomes": [_match_dict(o) for o in parts.outcomes],
            "history": [
                {"status": h.status, "reason": h.reason, "as_of": h.as_of, "recorded_at": h.recorded_at} for h in parts.history
            ],
        }, parts

    def mentions(self, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Every mention of the selected entries: the sources sheet of an export."""
        with self._session() as session:
            if self.what_if and filters.status:
                ids = [entry_id for entry_id, _ in self._rejudged(session, filters)]
            else:
                ids = self._select(session, filters).with_only_columns(EntryRow.id)
            query = select(MentionRow).where(MentionRow.entry_id.in_(ids)).order_by(MentionRow.entry_id, MentionRow.id)
            return [mention_dict(m) for m in session.scalars(query)]

    def scorecard(self, actor: str, year: int | None = None, *, everything: bool = False) -> list[dict[str, Any]]:
        """One place's targets (of deadline ``year``, or every year) beside their results: see
        ``scorecard.scorecard_rows``."""
        return scorecard_rows(self.entries(Filters(actor=actor, year=year)), everything=everything)

    def coverage(self, source: str) -> list[Coverage]:
        """The headline indicators of one source: pledged with a number, mentioned, or not mentioned."""
        return self.coverage_report(source).items

    def coverage_report(self, source: str, actor: str | None = None) -> CoverageReport:
        """:meth:`coverage` with whose pledges for which year it read: ``actor``'s, by default the
        source's reporting government's (or the actor most of its pledges belong to), due in the
        source's year."""
        info = self.store.find_source(source)
        if info is None:
            raise LedgerError(NO_SOURCE.format(ref=source))
        applied, _ = self._entries(only=info)
        text = self.store.source_text(info.id)
        pledges = [m.pledge for m in applied.mentions]
        if actor and not own_pledges(pledges, actor, None):  # (a table of "not pledged" would pass for a report read for it)
            actors = Counter(p.actor for p in pledges if p.actor)
            whose = ", ".join(name for name, _ in actors.most_common(5)) or "none"
            raise LedgerError(NO_PLEDGES_OF.format(actor=actor, source=info.name, actors=whose))
        actor = actor or main_actor(report_owner(text, info.title)[0], pledges)
        year = self._year(info)
        return CoverageReport(info.name, actor, year, coverage(text, own_pledges(pledges, actor, year)))


def _check_stored(session: Session, name: str) -> None:
    """A source filter that selects no mention: a stored file with no pledges (an empty ledger is
    the answer), or a name no source has (a typo, a path, a part of the name), said with the
    stored names closest to it (before, that read as "no pledges")."""
    if session.scalar(select(SourceRow.id).where(SourceRow.name == name).limit(1)) is None:
        names = session.scalars(select(SourceRow.name).distinct()).all()
        # WRatio: a part of a name or a path ending in it scores 90; a name sharing only ".txt" 60.
        close = [found for found, _, _ in process.extract(name, names, scorer=fuzz.WRatio, limit=3, score_cutoff=75)]
        raise LedgerError(NO_SOURCE_NAMED.format(name=name, close=f"; close: {', '.join(close)}" if close else ""))


def _under(place: Place):  # noqa: ANN202 - a SQLAlchemy condition
    """The entries of the places under ``place`` (and its own): division codes share the parent's
    leading digits (37 Shandong, 3702 Qingdao), read as a range so the place index serves it."""
    prefix = code_prefix(place)
    if not prefix:  # the country: every place with a code
        return EntryRow.place_code.is_not(None)
    return and_(EntryRow.place_code >= prefix, EntryRow.place_code < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def check_status(status: str | None) -> None:
    if status and status not in STATUSES:
        raise LedgerError(UNKNOWN_STATUS.format(status=status, statuses=", ".join(STATUSES)))


def export_row(row: Any, verdict: Verdict | None = None) -> dict[str, Any]:
    """An entry as an export row; with ``verdict``, judged as of another day than the stored status
    (on the same outcome: matching depends on neither the day nor the rules)."""
    record = {name: getattr(row, name, None) for name in PLEDGE_FIELDS}
    status, reason = (row.status, row.status_reason) if verdict is None else (verdict.status, verdict.reason)
    return record | {
        "entry_id": row.id, "status": status, "status_reason": reason, "conflict": row.conflict,
        "conflict_reason": row.conflict_reason, "sources": row.sources, "mention_count": row.mention_count,
        "place_code": row.place_code, "place": row.place, "metric_key": row.metric_key, "outcome": evidence(row),
        "key": row.key,
    } | {name: getattr(row, name) for name in export.OUTCOME_FIELDS}  # fmt: skip


def evidence(row: Any) -> str | None:
    """The outcome an entry's status rests on, in words: 6.2 % (2025, 青岛市_2026_gwr.txt)."""
    if row.outcome_ref is None:
        return None
    return f"{row.outcome_value:g} {row.outcome_unit} ({row.outcome_period}, {row.outcome_source})"


def mention_dict(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in export.MENTION_COLUMNS if name != "entry_id"} | {"entry_id": row.entry_id}


def _match_dict(row: Any) -> dict[str, Any]:
    """An outcome bearing on an entry, with its state (``matching.STATES``) and the evidence."""
    return {
        "ref": row.ref, "state": row.state, "state_words": STATES[row.state], "source": row.source, "quote": row.quote,
        "start": row.start, "end": row.end, "actor": row.actor, "metric": row.metric, "kind": row.kind,
        "value": row.value, "unit": row.unit, "norm_value": row.norm_value, "norm_unit": row.norm_unit,
        "period": row.period, "basis": row.basis, "reason": row.reason,
    }  # fmt: skip

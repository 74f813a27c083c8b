"""Refreshing only what new corrections touch: the place/metric groups of the records they name.

Entries are merged within a place and metric key (``merge``: a moved deadline joins groups of one
place, metric, kind and unit; a person's merge joins any two), and matched to the outcomes of
their place. A correction of one record can change the entries of its group only, the group it
is moved to (a corrected actor or metric), and the groups a merge joins to them. So after a
correction the ledger rebuilds those groups alone: the stored entries with a mention in them are
replaced by entries made from the pledges of their places (with every correction applied, so
that the result is what a full rebuild gives them) — a few hundred records rather than a million.

What a full rebuild gives differently: mention and outcome-match rows of the rebuilt entries are
numbered after the highest stored (a full rebuild numbers every row afresh in ledger order; no
row points at them), and an id that a full rebuild would let an earlier entry take from a
mention's history is not taken from an entry left standing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from taizhang.ledger.base import LedgerBase
from taizhang.ledger.corrections import OUTCOME_ACTIONS, Anchor, Applied, Correction, Mention, apply
from taizhang.ledger.merge import Entry, build_entries, place_key
from taizhang.ledger.metrics import metric_key
from taizhang.ledger.tables import MentionRow, extracted
from taizhang.places import resolve
from taizhang.storage import SourceInfo
from taizhang.storage.tables import PledgeRow

_CHUNK = 500  # values per IN (...): under SQLite's limit on parameters

Group = tuple[str, str]  # (place key, metric key): what entries are merged within


@dataclass(slots=True)
class Scope:
    """What a partial refresh rebuilds."""

    groups: set[Group]
    entry_ids: set[int]  # the stored entries it replaces


class Places:
    """Every actor as written (in pledges and in stored mentions) by the place key it groups under."""

    def __init__(self, session: Session) -> None:
        actors: set[str | None] = set(session.scalars(select(PledgeRow.actor).distinct()))
        actors |= set(session.scalars(select(MentionRow.actor).distinct()))
        self.key = {actor: place_key(resolve(actor), actor) for actor in actors}

    def group(self, actor: str | None, metric: str) -> Group:
        if actor not in self.key:  # a corrected actor no pledge was extracted with
            self.key[actor] = place_key(resolve(actor), actor)
        return self.key[actor], metric_key(metric)

    def actors(self, groups: Iterable[Group]) -> list[str | None]:
        """The actors written for the places of ``groups``."""
        places = {place for place, _ in groups}
        return [actor for actor, place in self.key.items() if place in places]


def touched(fresh: Iterable[Correction]) -> list[Anchor]:
    """The records ``fresh`` corrections name: their own, a merge's other, and an undo's (the records
    of the correction it takes back)."""
    anchors: list[Anchor] = []
    for correction in fresh:
        if correction.action == "undo":
            taken_back = correction.before or {}
            anchors.extend(Anchor.from_dict(taken_back[name]) for name in ("anchor", "other") if taken_back.get(name))
            continue
        anchors.append(correction.anchor)
        if correction.action == "merge" and correction.other is not None:
            anchors.append(correction.other)
    return [anchor for anchor in anchors if anchor.outcome is None]


def named_sources(corrections: Iterable[Correction], sources: list[SourceInfo]) -> list[SourceInfo]:
    """The sources whose records any correction names (all their pledges are read, so that what
    applies and what does not is what a full rebuild finds)."""
    named: set[str] = set()
    for correction in corrections:
        for anchor in (correction.anchor, correction.other if correction.action not in OUTCOME_ACTIONS else None):
            if anchor is not None and anchor.outcome is None:
                named.update(filter(None, (anchor.sha256, anchor.path)))
    return [info for info in sources if info.sha256 in named or info.path in named]


def scope_of(
    session: Session, places: Places, anchors: list[Anchor], named: Applied, files: dict[str, str | None]
) -> Scope:
    """The groups to rebuild after corrections of the records ``anchors`` name: the groups those
    records are in now (``named``: the pledges of the named sources, corrections applied) and were
    in at the last build (stored mentions), closed under merges (a stored entry spanning groups,
    a person's merge in force)."""
    groups = {places.group(m.pledge.actor, m.pledge.metric) for m in named.mentions if any(a.matches(m) for a in anchors)}
    entry_ids = _holding(session, anchors, files)
    merged = [(_groups_of(a, named, places), _groups_of(b, named, places)) for a, b in named.merges]
    while True:
        groups |= {places.group(actor, metric) for actor, metric in _mentions_of(session, entry_ids)}
        for a, b in merged:
            if (a | b) & groups:
                groups |= a | b
        found = _entries_in(session, places, groups)
        if found <= entry_ids:
            return Scope(groups, entry_ids)
        entry_ids |= found


def scoped_entries(mentions: list[Mention], corrections: list[Correction], refs: dict, places: Places, scope: Scope) -> tuple[Applied, list[Entry]]:  # fmt: skip
    """The entries of ``scope``'s groups from ``mentions`` (every pledge of their places and of the
    named sources), every correction applied."""
    applied = apply(mentions, corrections, refs)
    applied.mentions = [m for m in applied.mentions if places.group(m.pledge.actor, m.pledge.metric) in scope.groups]
    return applied, build_entries(applied.mentions, applied.merges, applied.splits)


def _groups_of(anchor: Anchor, named: Applied, places: Places) -> set[Group]:
    return {places.group(m.pledge.actor, m.pledge.metric) for m in named.mentions if anchor.matches(m)}


def _holding(session: Session, anchors: list[Anchor], files: dict[str, str | None]) -> set[int]:
    """The stored entries with a mention of a record ``anchors`` name."""
    shas = {a.sha256 for a in anchors} | {sha for sha, path in files.items() if path in {a.path for a in anchors}}
    m = MentionRow
    query = select(m.entry_id, m.sha256, m.original, m.start, m.end, m.quote, m.metric, m.norm_value, m.norm_unit)
    found = set()
    for chunk in chunks(sorted(shas)):
        for row in session.execute(query.where(MentionRow.sha256.in_(chunk))):
            if any(a.matches_record(row.sha256, files.get(row.sha256), extracted(row)) for a in anchors):
                found.add(row.entry_id)
    return found


def _entries_in(session: Session, places: Places, groups: set[Group]) -> set[int]:
    """The stored entries with a mention in ``groups``."""
    actors = places.actors(groups)
    found = set()
    query = select(MentionRow.entry_id, MentionRow.actor, MentionRow.metric)
    if None in actors:
        found |= {e for e, actor, metric in session.execute(query.where(MentionRow.actor.is_(None))) if places.group(actor, metric) in groups}
    for chunk in chunks([a for a in actors if a is not None]):
        rows = session.execute(query.where(MentionRow.actor.in_(chunk)))
        found |= {entry_id for entry_id, actor, metric in rows if places.group(actor, metric) in groups}
    return found


def _mentions_of(session: Session, entry_ids: Collection[int]) -> list[tuple[str | None, str]]:
    """The (actor, metric) of the stored mentions of ``entry_ids``."""
    rows = []
    for chunk in chunks(sorted(entry_ids)):
        rows.extend(session.execute(select(MentionRow.actor, MentionRow.metric).where(MentionRow.entry_id.in_(chunk))).all())
    return rows


def chunks(values: list) -> Iterable[list]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]

"""A build's rows on their way to the tables: each entry's rows made from it and its judgement
(:func:`prepare`) with the ids still to be given (:class:`Prepared`), all of a build's in the
ledger's order (:class:`Rows`), and the entry ids given as they are written (:class:`Ids`), so that
a build made a chunk at a time (``chunked``) numbers its rows as a build of everything at once does."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from taizhang.document import PLEDGE_FIELDS, Pledge
from taizhang.ledger.corrections import Anchor, Applied, Correction, Mention
from taizhang.ledger.judging import OUTCOME_COLUMNS, Judged
from taizhang.ledger.merge import Entry, norm_high
from taizhang.storage.bulk import json_text


def merge_targets(merges: list[tuple[Anchor, Anchor]]) -> list[Anchor]:
    """The records merged into, the latest merge first, leaving out one a later merge took into
    another (merge a b, then merge c a: c is what a person merged into last)."""
    return [a for k, (a, _) in reversed(list(enumerate(merges))) if all(b != a for _, b in merges[k + 1 :])]


class Prepared(NamedTuple):
    """One entry's rows without the ids still to be given (the values of ``ENTRY_COLUMNS`` after
    its id, of ``MENTION_COLUMNS`` and ``MATCH_COLUMNS`` after theirs and the entry's), and what
    its id is chosen by."""

    first: tuple  # its first mention's place in the ledger's order (``merge.build_entries``)
    split_off: bool  # it holds a mention a person split out
    keys: list[int]  # its mentions' keys (:func:`mention_key`)
    into: list[int]  # its mentions merged into (:func:`merge_targets`), by position, the latest merge's first
    entry_row: tuple
    mention_rows: list[tuple]
    match_rows: list[tuple]
    key: str
    status: str
    reason: str


first_of = attrgetter("first")  # what the rows of chunks are put in order by


@dataclass(slots=True)
class Rows:
    """What a build writes: each entry's rows in the ledger's order (made as they are read), with
    what the build found."""

    prepared: Iterable[Prepared]
    entries: int
    mentions: int
    applied: Applied  # the corrections: which did not apply, which are invalid
    unapplied: list[Correction]  # match corrections whose outcome is gone
    today: date
    entry_keys: list[str] | None = None  # a partial build's: whose status history is read
    mention_keys: set[int] | None = None  # a partial build's: whose ids are read


class Ids:
    """Each entry's id, given an entry at a time in the ledger's order: an id one of its mentions
    had (``had``, by :func:`mention_key`, the first it had first: a merge undone gives the entry its
    own id back), else one above ``given``, the highest ever given (the new highest kept there). A
    merged entry prefers the ids of the entry the others were merged into, and an entry holding a
    mention split out chooses after all others (see ``build``), so the entry it left keeps its id
    (as ``correct merge``/``split`` say). ``taken``: the ids of entries left standing (a partial
    build)."""

    def __init__(self, had: dict[int, list[int]], given: int, taken: set[int]) -> None:
        self.had = had
        self.given = given
        self.taken = set(taken)

    def give(self, prepared: Prepared) -> int:
        found = (old for old in self._candidates(prepared) if old not in self.taken) if self.had else iter(())  # a first build: none
        entry_id = next(found, 0)
        if not entry_id:
            self.given += 1
            entry_id = self.given
        self.taken.add(entry_id)
        return entry_id

    def _candidates(self, prepared: Prepared) -> Iterator[int]:
        # The mention merged into: the id a person saw it under when merging, its latest. Any
        # other mention: the first id it had. Looked up lazily: an entry of a thousand mentions
        # usually takes its first's.
        keys, into = prepared.keys, prepared.into
        yield from (i for k in into for i in reversed(self.had.get(keys[k], ())))
        yield from (i for k, key in enumerate(keys) if k not in into for i in self.had.get(key, ()))


def mention_key(file: str, quote: str, metric: str) -> int:
    """What stands for one mention across rebuilds and new versions of its file: the first 64 bits
    of a digest of them, as a signed integer (a column of 8 bytes, not 40 characters; migration 0017)."""
    return int.from_bytes(hashlib.sha1("\x1f".join((file, quote, metric)).encode()).digest()[:8], "big", signed=True)


def key_of(mention: Mention) -> int:
    """A mention's :func:`mention_key`: by its file, its words and its metric as extracted."""
    return mention_key(mention.path or mention.sha256, mention.pledge.quote, mention.original.metric)


def prepare(entry: Entry, judged: Judged, targets: list[Anchor], splits: list[Anchor], null: float | None) -> Prepared:
    """An entry's rows, judged, without its ids (``targets``: see :func:`merge_targets`;
    ``splits``: the records split out), with ``null`` for an empty value of an entry's or a
    mention's row (see :func:`null_of`)."""
    mentions = entry.mentions
    first = entry.first
    verdict = judged.verdict
    return Prepared(
        (first.order, first.pledge.start, first.pledge.end, first.pledge.metric),
        bool(splits) and any(a.matches(m) for a in splits for m in mentions),
        [key_of(m) for m in mentions],
        [k for a in targets for k, m in enumerate(mentions) if a.matches(m)] if targets else [],
        _entry_row(entry, judged, null),
        [_mention_row(m, null) for m in mentions],
        list(judged.match_rows()) if judged.matched.considered else [],
        entry.key, verdict.status, verdict.reason,
    )  # fmt: skip


# The columns of an entry's row and of a mention's, in the order their values are made in.
ENTRY_COLUMNS = (
    "id", "key", "actor", "place_code", "place", "official", "metric", "metric_key", "kind", "comparator", "value",
    "value_high", "unit", "norm_value", "norm_value_high", "norm_unit", "deadline", "horizon", "hedge", "binding",
    "confidence", "source", "start", "end", "quote", "mentions", "sources", "mention_count", "conflict",
    "conflict_reason", "status", "status_reason", *OUTCOME_COLUMNS,
)  # fmt: skip
MENTION_COLUMNS = (
    "id", "entry_id", "source", "sha256", "start", "end", "quote", "actor", "official", "metric", "comparator", "value",
    "value_high", "unit", "norm_value", "norm_unit", "deadline", "corrected", "original",
)  # fmt: skip
CHANGE_COLUMNS = ("entry_key", "status", "reason", "as_of", "recorded_at")
ENCODED = ("mentions", "sources", "corrected", "original")  # the JSON columns given as their text


def null_of(dialect: str) -> float | None:
    """What a row made for a database of ``dialect`` holds where a value is empty. On SQLite a NaN,
    which its driver binds as the number it is and SQLite stores as NULL: a None costs the driver
    an adapter lookup per value (a quarter of a microsecond, as much as binding six numbers; an
    entry's row has a handful), and a NOT NULL column refuses either. Elsewhere None."""
    return _NAN if dialect == "sqlite" else None


_NAN = float("nan")


def _entry_row(entry: Entry, judged: Judged, null: float | None) -> tuple:
    """The values of ``ENTRY_COLUMNS`` after the id for an entry (``null`` for an empty one); those
    of ``OUTCOME_COLUMNS`` only when its status rests on an outcome (else they are all empty: see
    :func:`entry_batch`)."""
    mentions = entry.mentions
    first = mentions[0]
    pledge = first.pledge
    verdict = judged.verdict
    matched = judged.matched
    conflicts = entry.conflicts + [matched.conflict] if matched.considered and matched.conflict else entry.conflicts
    place = entry.place
    actor, official, value_high, deadline, horizon, hedge, binding = _nullable(pledge)
    row = (
        entry.key, null if actor is None else actor, place.code or null if place else null,
        place.name if place else null, null if official is None else official, pledge.metric, entry.metric_key,
        pledge.kind, pledge.comparator, pledge.value, null if value_high is None else value_high, pledge.unit,
        pledge.norm_value, null if value_high is None else norm_high(first), pledge.norm_unit,
        null if deadline is None else deadline, null if horizon is None else horizon, null if hedge is None else hedge,
        null if binding is None else binding, pledge.confidence, pledge.source, pledge.start, pledge.end, pledge.quote,
        json_text(pledge.mentions) if pledge.mentions else _EMPTY,
        _one_source(pledge.source) if len(mentions) == 1 else json_text(entry.sources), len(mentions),
        bool(conflicts), "; ".join(conflicts) if conflicts else null, verdict.status, verdict.reason,
    )  # fmt: skip
    return row + judged.outcome_values() if matched.judged else row


# The fields of a pledge that may be empty, in an entry's row and in a mention's.
_nullable = attrgetter("actor", "official", "value_high", "deadline", "horizon", "hedge", "binding")
_nullable_of_mention = attrgetter("actor", "official", "value_high", "deadline")


_UNJUDGED = len(ENTRY_COLUMNS) - len(OUTCOME_COLUMNS)  # the length of an entry's row without an outcome


def entry_batch(rows: list[tuple], null: float | None) -> tuple[tuple[str, ...], list[tuple]]:
    """A batch of entry rows in one shape, and its columns: without the outcome columns (NULL by
    default) when no entry's status rests on an outcome, as in most batches of a big ledger (a
    value bound costs SQLite as much as one given), else each row with them (``null`` where empty)."""
    if all(len(row) == _UNJUDGED for row in rows):
        return ENTRY_COLUMNS[:_UNJUDGED], rows
    empty = (null,) * len(OUTCOME_COLUMNS)
    return ENTRY_COLUMNS, [row + empty if len(row) == _UNJUDGED else row for row in rows]


def _mention_row(mention: Mention, null: float | None) -> tuple:
    """The values of ``MENTION_COLUMNS`` after the ids for a mention (``null`` for an empty one).
    Its record as extracted is written only where a correction changed it: else it is the row's
    own values (see ``tables.extracted``)."""
    pledge = mention.pledge
    original = mention.original
    corrected = mention.corrected
    actor, official, value_high, deadline = _nullable_of_mention(pledge)
    return (
        pledge.source, mention.sha256, pledge.start, pledge.end, pledge.quote, null if actor is None else actor,
        null if official is None else official, pledge.metric, pledge.comparator, pledge.value,
        null if value_high is None else value_high, pledge.unit, pledge.norm_value, pledge.norm_unit,
        null if deadline is None else deadline, json_text(corrected) if corrected else _EMPTY,
        null if original is pledge else json_text(_record(original)),
    )  # fmt: skip


_EMPTY = json_text([])  # a list column's text when empty (most are), encoded once


@lru_cache(maxsize=4096)
def _one_source(name: str) -> str:
    """The JSON text of the sources of an entry of one mention (most entries), encoded once per source."""
    return json_text([name])


def _record(pledge: Pledge) -> dict[str, Any]:
    """``pledge.to_dict()`` as JSON writes it, without dataclasses.asdict's deep copy, which
    dominated a million-entry build (its mentions' tuples are written as lists all the same)."""
    return dict(zip(PLEDGE_FIELDS, _pledge_values(pledge), strict=True))


_pledge_values = attrgetter(*PLEDGE_FIELDS)  # a pledge's fields in one call (in C)

"""One entry and everything its page shows, read in one statement (one round trip to the database):
its row, its mentions each with the stretch of its source around the quote, the outcomes bearing on
it, its status history, and the corrections made in its mentions' sources.

The parts are selected side by side (UNION ALL), each in columns of its own with the others' NULL,
so every value comes back converted as its own column is (JSON, dates, booleans), and a part's rows
are told apart by a leading part number. Read one part after another, an entry page cost six round
trips (each a wait for the database, and on a busy server a wait for the GIL after it) and read the
whole text of every source it quotes, and every correction in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Integer, Text, bindparam, case, cast, func, literal_column, null, select, union_all
from sqlalchemy.engine import Connection

from taizhang.ledger.tables import CorrectionRow, EntryRow, MentionRow, OutcomeMatchRow, StatusChangeRow
from taizhang.storage.tables import SourceRow

REACH = 120  # characters of a sentence read each side of a quote (see sentence_around)
_STOPS = "。！？；\n!?;"


@dataclass(frozen=True, slots=True)
class EntryParts:
    """An entry's rows as read, each with its table's columns as attributes; a mention also has
    ``source_id`` (None: its source is gone), ``stretch`` and ``stretch_from`` (the text around the
    quote and where it begins in the source); ``corrections`` are those of the mentions' sources."""

    entry: Any
    mentions: list[Any]
    outcomes: list[Any]  # in rank order
    history: list[Any]
    corrections: list[Any]


def _parts() -> list[tuple[Any, Any]]:
    """Per part, the SELECT of its rows and the column that orders them."""
    entry_id = bindparam("entry_id", type_=Integer)
    stretch_from = case((MentionRow.start > REACH, MentionRow.start - REACH), else_=0)
    stretch = func.substr(SourceRow.text, stretch_from + 1, MentionRow.end + REACH - stretch_from, type_=Text)
    mentions = (
        select(*MentionRow.__table__.c, SourceRow.id.label("source_id"), stretch.label("stretch"), stretch_from.label("stretch_from"))
        .outerjoin(SourceRow, SourceRow.sha256 == MentionRow.sha256)  # mentions carry the full SHA-256
        .where(MentionRow.entry_id == entry_id)
    )  # fmt: skip
    key = select(EntryRow.key).where(EntryRow.id == entry_id).scalar_subquery()
    shas = select(MentionRow.sha256).where(MentionRow.entry_id == entry_id)
    return [
        (select(*EntryRow.__table__.c).where(EntryRow.id == entry_id), EntryRow.id),
        (mentions, MentionRow.id),
        (select(*OutcomeMatchRow.__table__.c).where(OutcomeMatchRow.entry_id == entry_id), OutcomeMatchRow.rank),
        (select(*StatusChangeRow.__table__.c).where(StatusChangeRow.entry_key == key), StatusChangeRow.id),
        (select(*CorrectionRow.__table__.c).where(CorrectionRow.sha256.in_(shas)), CorrectionRow.id),
    ]


def _statement() -> tuple[Any, list[tuple[int, list[str]]]]:
    """The one statement, and per part where its columns begin in a row and their names."""
    parts = _parts()
    names = [[column.key for column in part.selected_columns] for part, _ in parts]
    slots, at = [], 2  # after the part number and the order
    for found in names:
        slots.append((at, found))
        at += len(found)
    selects = []
    for number, (part, order) in enumerate(parts):
        columns = [
            (column if other == number else cast(null(), column.type)).label(f"p{other}_{i}")
            for other, (each, _) in enumerate(parts)
            for i, column in enumerate(each.selected_columns)
        ]  # fmt: skip
        head = (literal_column(str(number), Integer).label("part"), order.label("rank"))
        selects.append(part.with_only_columns(*head, *columns, maintain_column_froms=True))
    return union_all(*selects).order_by("part", "rank"), slots


_STATEMENT, _SLOTS = _statement()


def read_entry(connection: Connection, entry_id: int) -> EntryParts | None:
    """The entry ``entry_id`` with its parts, or None when the ledger has no such entry."""
    found: list[list[Any]] = [[] for _ in _SLOTS]
    for row in connection.execute(_STATEMENT, {"entry_id": entry_id}):
        at, names = _SLOTS[row[0]]
        found[row[0]].append(SimpleNamespace(**dict(zip(names, row[at : at + len(names)], strict=True))))
    if not found[0]:
        return None
    [entry], mentions, outcomes, history, corrections = found
    return EntryParts(entry, mentions, outcomes, history, corrections)


def concerns(anchor: Any, mentions: list[Any]) -> bool:
    """Whether a correction's ``anchor`` is on one of ``mentions``: in its source, over its span."""
    return any(anchor.sha256 == m.sha256 and anchor.start < m.end and m.start < anchor.end for m in mentions)


def in_sentence(mention: Any) -> tuple[str, str]:
    """The words of the sentence before and after a mention's quote, from its ``stretch``."""
    if mention.source_id is None:
        return "", ""
    return sentence_around(mention.stretch, mention.start - mention.stretch_from, mention.end - mention.stretch_from)


def sentence_around(text: str, start: int, end: int, reach: int = REACH) -> tuple[str, str]:
    """The words of the sentence before ``start`` and after ``end`` (at most ``reach`` characters each):
    all in ``text[max(0, start - reach):end + reach]``, the stretch :func:`read_entry` reads."""
    head = max((text.rfind(mark, max(0, start - reach), start) for mark in _STOPS), default=-1)
    head = head + 1 if head >= 0 else max(0, start - reach)
    tails = [i for i in (text.find(mark, end, end + reach) for mark in _STOPS) if i >= 0]
    tail = min(tails) + 1 if tails else min(len(text), end + reach)
    return text[head:start].lstrip(), text[end:tail].rstrip("\n")

"""The ledger's tables, on the storage ``Base`` so one Alembic history covers every table.

Entries and mentions are derived (rebuilt from pledges, corrections and outcomes); outcomes,
corrections and status changes are what people add and are never rebuilt. Nothing a person adds
points at a pledge row id: ingest replaces those when the extractor changes. Corrections point
at a source's SHA-256 and a span instead, entries' status history at the entry's stable key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from taizhang.document import Pledge
from taizhang.storage.tables import Base


class EntryRow(Base):
    """One commitment: its first mention's fields, its place, its status and whether sources disagree."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # The common filters, each with the sort order of the listing (id) so a page is an index scan.
        Index("ix_ledger_entries_actor", "actor", "id"),
        Index("ix_ledger_entries_place", "place_code", "id"),
        Index("ix_ledger_entries_deadline", "deadline", "id"),
        Index("ix_ledger_entries_status", "status", "id"),
        Index("ix_ledger_entries_metric", "metric_key", "id"),
        # An index, not the column's constraint: a whole rebuild drops it and builds it after the rows (0018).
        Index("ix_ledger_entries_key", "key", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(128))
    place_code: Mapped[str | None] = mapped_column(String(6))
    place: Mapped[str | None] = mapped_column(String(64))
    official: Mapped[str | None] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(Text)
    metric_key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))
    comparator: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    norm_value: Mapped[float] = mapped_column(Float)
    norm_value_high: Mapped[float | None] = mapped_column(Float)
    norm_unit: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[int | None] = mapped_column(Integer)
    horizon: Mapped[str | None] = mapped_column(String(64))
    hedge: Mapped[str | None] = mapped_column(String(16))
    binding: Mapped[str | None] = mapped_column(String(8))  # 约束性 / 预期性 (migration 0010)
    confidence: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(512))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list] = mapped_column(JSON)  # the first mention's other [start, end) places in its source
    sources: Mapped[list] = mapped_column(JSON)  # every source name with a mention, in order
    mention_count: Mapped[int] = mapped_column(Integer)
    conflict: Mapped[bool] = mapped_column(Boolean)
    conflict_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))
    status_reason: Mapped[str] = mapped_column(Text)
    outcome_id: Mapped[int | None] = mapped_column(Integer)  # a person's outcome the status was judged on
    # The outcome the status was judged on, as shown and exported (see OutcomeMatchRow for all candidates).
    outcome_ref: Mapped[str | None] = mapped_column(String(24))  # t12: read from a text; p3: a person's
    outcome_value: Mapped[float | None] = mapped_column(Float)
    outcome_unit: Mapped[str | None] = mapped_column(String(32))
    outcome_period: Mapped[str | None] = mapped_column(String(16))
    outcome_source: Mapped[str | None] = mapped_column(Text)
    outcome_quote: Mapped[str | None] = mapped_column(Text)
    outcome_start: Mapped[int | None] = mapped_column(Integer)
    outcome_end: Mapped[int | None] = mapped_column(Integer)


class MentionRow(Base):
    """One place a source states an entry's commitment, with that source's own figures."""

    __tablename__ = "ledger_mentions"
    # `ledger --source NAME` picks entries by their mentions' source: with entry_id in the index the
    # lookup never reads the table (see migration 0005).
    __table_args__ = (Index("ix_ledger_mentions_source", "source", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(128))
    official: Mapped[str | None] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(Text)
    comparator: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    norm_value: Mapped[float] = mapped_column(Float)
    deadline: Mapped[int | None] = mapped_column(Integer)
    corrected: Mapped[list] = mapped_column(JSON)  # fields a person changed
    # The record as extracted, where a correction changed it (else it is this row's own columns):
    # what a correction's anchor is made from (see ``extracted``). Migration 0016.
    original: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    norm_unit: Mapped[str | None] = mapped_column(String(16))  # None: a row built before 0016 (its original says)


def extracted(row: Any) -> Any:
    """A mention's record as extracted, as anchors read it (its span, quote, metric, normalised
    value and unit): its stored ``original`` where a correction changed it, else ``row`` itself (a
    ``MentionRow``, or a row of a query naming those columns)."""
    return row if row.original is None else Pledge(**row.original)


class OutcomeRow(Base):
    """A reported result (统计公报, 年鉴, a later work report) that entries are judged against."""

    __tablename__ = "ledger_outcomes"
    __table_args__ = (
        Index("ix_ledger_outcomes_match", "place_key", "metric_key", "year"),
        # One row per result from one publication (see outcomes.fingerprint), found without a scan.
        Index("ix_ledger_outcomes_fingerprint", "fingerprint", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(128))
    place_key: Mapped[str] = mapped_column(String(140))
    metric: Mapped[str] = mapped_column(Text)
    metric_key: Mapped[str] = mapped_column(String(128))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    norm_value: Mapped[float] = mapped_column(Float)
    norm_unit: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    fingerprint: Mapped[str] = mapped_column(String(40))


class OutcomeMatchRow(Base):
    """An outcome that answers an entry, with the evidence: derived, rebuilt with the entries.

    ``state``: ``chosen`` (the status is judged on it), ``agrees`` (the same figure, another
    source), ``conflict`` (a different figure of equal standing: judged too), ``outranked`` (a
    preliminary figure beside a final one, a text's beside a person's), ``rejected`` (a person said
    it does not answer the entry), ``incomparable`` (the same result in another kind or unit).
    """

    __tablename__ = "ledger_outcome_matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(24))  # t12 / p3, as `taizhang correct match` takes it
    source: Mapped[str] = mapped_column(Text)  # the source file, or where a person's outcome was published
    quote: Mapped[str | None] = mapped_column(Text)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    norm_value: Mapped[float] = mapped_column(Float)
    norm_unit: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)  # the period's last year
    basis: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)


class CorrectionRow(Base):
    """One person's fix, kept as an audit trail: who, when, what it was, what it became."""

    __tablename__ = "ledger_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(8))  # set | reject | add | merge | split
    anchor: Mapped[dict] = mapped_column(JSON)  # the extracted record it applies to (see corrections.Anchor)
    # The anchor's source: an entry page reads the corrections made in its mentions' sources (0015).
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    other: Mapped[dict | None] = mapped_column(JSON)  # merge: a record of the entry to merge with
    field: Mapped[str | None] = mapped_column(String(16))
    before: Mapped[object] = mapped_column(JSON, nullable=True)  # a field value of any JSON type, or None
    after: Mapped[object] = mapped_column(JSON, nullable=True)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)


class StatusChangeRow(Base):
    """An entry's status as judged on ``as_of``, stored whenever it differs from the last one."""

    __tablename__ = "ledger_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_key: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MentionIdRow(Base):
    """Every entry id a mention has had, in the order it had them; never rebuilt, so an entry that
    comes back (a merge undone) gets its own id back. ``key`` stands for the mention's file, words
    and metric as extracted (see rows.mention_key)."""

    __tablename__ = "ledger_mention_ids"
    __table_args__ = (UniqueConstraint("key", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[int] = mapped_column(BigInteger)  # looked up through the unique (key, entry_id) index
    entry_id: Mapped[int] = mapped_column(Integer)


class LedgerStateRow(Base):
    """What the stored entries were built from, so an unchanged ledger is not rebuilt."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The highest entry id ever given: an entry new to a rebuild gets the next, never a gone one's.
    last_entry_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The corrections the last build could not apply (their record is gone or they cannot be
    # applied): the audit trail shows them as such.
    unapplied: Mapped[list | None] = mapped_column(JSON, nullable=True)

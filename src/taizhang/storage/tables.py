"""The database tables, as SQLAlchemy ORM classes. Alembic migrations create and change them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass




# The rows of ix_sources_latest: written as SQLAlchemy writes ``SourceRow.latest`` in a query on
# each backend (SQLite's planner uses a partial index only for a query that says its WHERE).
# Set before SourceRow, whose column ``text`` hides the function.
LATEST_ONLY = {"sqlite_where": text("latest = 1"), "postgresql_where": text("latest")}


class SourceRow(Base):
    """One version of one input file: its decoded text and what we know about it."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(512), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10))
    chars: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    text: Mapped[str] = mapped_column(Text, deferred=True)
    # Version of the extraction rules its pledges came from; None until extracted.
    extractor: Mapped[str | None] = mapped_column(String(32))
    # The year the source speaks from (its date, else what its text says), worked out where it
    # was analysed, so that building the ledger reads no text; 0 when it says none, None when it
    # was stored before years were kept.
    year: Mapped[int | None] = mapped_column(Integer)
    # Whether it is the version its path holds now, the one the ledger reads: not always the
    # newest, since a file can be put back as an earlier version was (migration 0019).
    latest: Mapped[bool] = mapped_column(Boolean, server_default="1")

    # A path's versions, looked up for every file ingest stores; one latest version per path,
    # the index also listing the latest versions without reading the table's texts.
    __table_args__ = (
        Index("ix_sources_path", "path", "version"),
        Index("ix_sources_latest", "path", unique=True, **LATEST_ONLY),
    )


class SourceBlob(Base):
    """The original bytes of a source, kept apart so listing sources never loads them."""

    __tablename__ = "source_blobs"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PledgeRow(Base):
    """One pledge found in one source, with the character span of its clause."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(128))
    official: Mapped[str | None] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    comparator: Mapped[str] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    norm_value: Mapped[float] = mapped_column(Float)
    norm_unit: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[int | None] = mapped_column(Integer)
    horizon: Mapped[str | None] = mapped_column(String(64))
    hedge: Mapped[str | None] = mapped_column(String(16))
    binding: Mapped[str | None] = mapped_column(String(8))  # 约束性 / 预期性 (migration 0010)
    mentions: Mapped[list] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Float)


class OutcomeTextRow(Base):
    """One outcome read from one source (what it says was reached), with the span of its clause.

    Replaced with the source's pledges whenever the extractor changes; people's outcomes live in
    the ledger (``ledger_outcomes``) and are never replaced.
    """

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(128))
    metric: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    comparator: Mapped[str | None] = mapped_column(String(8))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    norm_value: Mapped[float] = mapped_column(Float)
    norm_unit: Mapped[str] = mapped_column(String(16))
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    basis: Mapped[str | None] = mapped_column(String(16))
    target: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    mentions: Mapped[list] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Float)
    unplaced: Mapped[str | None] = mapped_column(Text)


class ReprintRow(Base):
    """A source that reprints the article of another (the first stored of its group)."""

    __tablename__ = "reprints"

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    found_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FileRow(Base):
    """An input file as ingest last saw it: a later run skips a file whose size and modification
    time are as recorded (and whose source's pledges are up to date) without reading it."""

    __tablename__ = "source_files"

    path: Mapped[str] = mapped_column(Text, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)


class ReprintBandRow(Base):
    """One LSH band key of a source's reprint signature: sources sharing a key are reprint
    candidates, so a new source is linked by looking its keys up, not by comparing it with all."""

    __tablename__ = "reprint_bands"
    __table_args__ = (Index("ix_reprint_bands_key", "key", "band"),)

    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger)


class UserRow(Base):
    """A person who may edit in the web dashboard: a name, an Argon2 password hash and a role."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # editor | admin
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InfoRow(Base):
    """Facts about the database itself: ``version`` is the taizhang that last changed its schema, so a
    database opened by an older taizhang can say which one made it."""

    __tablename__ = "taizhang_info"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)

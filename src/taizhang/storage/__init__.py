"""The database at the pipeline's edge: SQLite by default, any SQLAlchemy URL (PostgreSQL) on request.

``Store`` opens a database, brings its schema up to date with Alembic, and keeps sources: their
original bytes, SHA-256, decoded text and metadata. The same bytes stored twice is a no-op; a
changed file under a known name becomes that name's next version, and a file put back as one of
its earlier versions was makes that version its latest again (``latest``: what the ledger reads).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from taizhang.document import Outcome, Pledge
from taizhang.errors import DAMAGED, StoreError
from taizhang.source import LoadedSource, path_text
from taizhang.storage.bulk import json_text
from taizhang.storage.schema import LEDGER_LOCK, MIGRATIONS, SOURCES_LOCK, open_schema, write_lock
from taizhang.storage.tables import OutcomeTextRow, PledgeRow, ReprintRow, SourceBlob, SourceRow

DEFAULT_DB = "taizhang.db"
_CHUNK = 500
MAX_ID = 2**63 - 1  # the largest id a database column holds
DEFAULT_BUSY_TIMEOUT_MS = 5000
__all__ = [
    "DEFAULT_DB", "LEDGER_LOCK", "MAX_ID", "MIGRATIONS", "SOURCES_LOCK", "SourceInfo", "Store", "Stored", "chunks", "info",
    "json_columns", "latest_ids", "make_latest", "puts_back", "record_columns", "record_row", "record_values", "resolve_url", "write_lock",
]  # fmt: skip


def resolve_url(db: str | None = None) -> str:
    """``--db`` wins, then ``TAIZHANG_DB``, then ``./taizhang.db``; a bare path means SQLite.

    An empty URL or an in-memory SQLite database is refused: whatever a command stored there
    would be gone when it ends, while it reported success.
    """
    if db is None:
        db = os.environ.get("TAIZHANG_DB") or DEFAULT_DB
    if not db.strip():
        raise StoreError("the database URL is empty (give --db PATH or a URL, or leave it out for ./taizhang.db)")
    url = db if "://" in db else f"sqlite:///{db}"
    if url.startswith("sqlite") and _sqlite_file(url) in ("", ":memory:"):
        raise StoreError(f"{db!r} is an in-memory database: everything stored would be lost when the command ends")
    return url


def _sqlite_file(url: str) -> str:
    """The file part of a SQLite URL (``sqlite:///x.db?mode=ro`` → ``x.db``; URI form included)."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    path = path.split("?", 1)[0]
    return path.removeprefix("file:")


def _check_sqlite_path(path: Path, must_exist: bool) -> None:
    """Name what is wrong with a SQLite file's path before SQLite says only "unable to open"."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file (give --db FOLDER/taizhang.db)")
    if must_exist and not path.is_file():
        raise StoreError(f"no database at {path} (ingest something first, or give --db)")
    if not path.parent.is_dir():
        raise StoreError(f"cannot make a database at {path}: no folder {path.parent}")


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: int
    name: str
    path: str
    sha256: str
    size: int
    format: str
    encoding: str | None
    title: str | None
    date: str | None
    chars: int
    version: int
    ingested_at: datetime
    extractor: str | None
    year: int | None = None  # the year it speaks from, as worked out at ingest (0: none; None: not worked out)
    latest: bool = True  # the version its path holds now, which the ledger reads


@dataclass(frozen=True, slots=True)
class Stored:
    """What storing one source did: ``new``, ``new version`` or ``unchanged`` (already stored)."""

    status: str
    source: SourceInfo


class Store:
    """A database of sources and their pledges.

    ``must_exist`` is for commands that only read: a mistyped SQLite path, an empty file or an empty
    PostgreSQL database then fails instead of quietly becoming an empty taizhang database that
    holds nothing. A database that is not taizhang's is refused either way (see ``schema``).
    """

    def __init__(
        self, db: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, must_exist: bool = False
    ) -> None:
        self.url = resolve_url(db)
        if self.url.startswith("sqlite"):
            _check_sqlite_path(Path(_sqlite_file(self.url)), must_exist)
        try:
            # JSON as it reads, not \u-escaped: a third of the size for Chinese, and faster to write
            self.engine = create_engine(self.url, json_serializer=json_text)
        except (SQLAlchemyError, ImportError, ValueError) as error:
            raise StoreError(f"cannot use database {self.url!r}: {error}") from None
        # For statements that only read: no transaction, so on PostgreSQL no BEGIN and ROLLBACK
        # round trips around them; the pool is shared. SQLite's driver begins none for reads (and
        # SQLAlchemy would set a PRAGMA back on every connection returned from autocommit).
        sqlite = self.engine.dialect.name == "sqlite"
        self.reader = self.engine if sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.display = self.engine.url.render_as_string(hide_password=True)
        if self.engine.dialect.name == "sqlite":
            _tune_sqlite(self.engine, busy_timeout_ms)
        with self._guard("open"):
            open_schema(self.engine, self.display, create=not must_exist)

    def close(self) -> None:
        self.engine.dispose()

    def files(self) -> list[Path]:
        """The files of a SQLite database (the file, its WAL, shared memory and rollback journal),
        which no command may write over; none for a database server."""
        if self.engine.dialect.name != "sqlite":
            return []
        path = Path(_sqlite_file(self.url))
        return [path] + [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]

    def check(self) -> None:
        """Refuse to write into a SQLite file with damaged pages (``PRAGMA quick_check``): what is
        written there could be lost with them. Other servers check their own pages."""
        if self.engine.dialect.name != "sqlite":
            return
        with self._guard("check"), self.engine.connect() as connection:
            problems = connection.exec_driver_sql("PRAGMA quick_check(1)").scalars().all()
        if problems != ["ok"]:
            lines = [line for line in "\n".join(problems).splitlines() if not line.startswith("***")]
            raise StoreError(DAMAGED.format(db=self.display, problem=(lines or problems)[0]))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_source(self, loaded: LoadedSource) -> Stored:
        """Store a source unless the same bytes are already there."""
        with self._guard("write to"):
            try:
                return self._add_source(loaded)
            except IntegrityError:
                # Another process stored the same bytes between our check and our insert.
                return self._add_source(loaded)

    def _add_source(self, loaded: LoadedSource) -> Stored:
        # A document is its file's place: the same path with new bytes is its next version, while
        # two 政府工作报告.txt in different folders are two documents.
        path = path_text(loaded.path.resolve())
        with Session(self.engine) as session, session.begin():
            # One at a time: two processes storing new bytes under one path would both take its next version.
            write_lock(session.connection(), SOURCES_LOCK)
            existing = session.scalar(select(SourceRow).where(SourceRow.sha256 == loaded.sha256))
            if existing is not None and puts_back(existing, path):
                make_latest(session.connection(), [existing.id])
                session.expire(existing, ["latest"])  # set by make_latest, not through the ORM
                return Stored("new version", info(existing))
            if existing is not None:
                return Stored("unchanged", info(existing))
            previous = session.scalar(select(func.max(SourceRow.version)).where(SourceRow.path == path))
            row = SourceRow(
                name=loaded.name, path=path, sha256=loaded.sha256, size=len(loaded.data),
                format=loaded.format, encoding=loaded.encoding, title=loaded.title, date=loaded.date,
                chars=len(loaded.text), version=(previous or 0) + 1, ingested_at=datetime.now(UTC),
                text=loaded.text, latest=False,
            )  # fmt: skip
            session.add(row)
            session.flush()
            make_latest(session.connection(), [row.id])
            session.expire(row, ["latest"])
            session.add(SourceBlob(source_id=row.id, data=loaded.data))
            return Stored("new version" if previous else "new", info(row))

    def sources(self) -> list[SourceInfo]:
        with self._guard("read"), Session(self.engine) as session:
            return [info(row) for row in session.scalars(select(SourceRow).order_by(SourceRow.id))]

    def pledge_counts(self) -> dict[int, int]:
        """Number of stored pledges per source id (sources without pledges are absent)."""
        query = select(PledgeRow.source_id, func.count()).group_by(PledgeRow.source_id)
        with self._guard("read"), Session(self.engine) as session:
            return {source_id: count for source_id, count in session.execute(query)}

    def latest_sources(self) -> list[SourceInfo]:
        """The latest version of every document (one per path): older versions are superseded."""
        with self._guard("read"), Session(self.engine) as session:
            query = select(SourceRow).where(SourceRow.id.in_(latest_ids())).order_by(SourceRow.id)
            return [info(row) for row in session.scalars(query)]

    def find_source(self, ref: str | int) -> SourceInfo | None:
        """A source by id, or by file name (of the versions files hold now, the last stored), or by a
        SHA-256 prefix."""
        with self._guard("read"), Session(self.engine) as session:
            row = None
            if isinstance(ref, int) or (str(ref).isdigit() and int(ref) <= MAX_ID):
                row = session.get(SourceRow, int(ref))
            if row is None:
                query = select(SourceRow).where(SourceRow.name == str(ref)).order_by(SourceRow.latest.desc(), SourceRow.id.desc())
                row = session.scalars(query).first()
            if row is None and len(str(ref)) >= 8:
                row = session.scalars(select(SourceRow).where(SourceRow.sha256.startswith(str(ref).lower()))).first()
            return info(row) if row is not None else None

    def source_text(self, source_id: int) -> str:
        with self._guard("read"), Session(self.reader) as session:
            return session.scalar(select(SourceRow.text).where(SourceRow.id == source_id))

    def source_bytes(self, source_id: int) -> bytes:
        with self._guard("read"), Session(self.engine) as session:
            return session.scalar(select(SourceBlob.data).where(SourceBlob.source_id == source_id))

    def replace_pledges(
        self, source_id: int, pledges: list[Pledge], extractor: str, outcomes: list[Outcome] = ()
    ) -> None:
        """Make ``pledges`` and ``outcomes`` the source's, as found by ``extractor``, in one transaction."""
        with self._guard("write to"), Session(self.engine) as session, session.begin():
            # Two processes that ingest one new file at once both extract it: the row lock makes the
            # second wait and then replace the first's pledges (PostgreSQL's DELETE would not see
            # them uncommitted, and both sets would stay); SQLite's one writer does so already.
            session.execute(select(SourceRow.id).where(SourceRow.id == source_id).with_for_update())
            session.execute(delete(PledgeRow).where(PledgeRow.source_id == source_id))
            session.execute(delete(OutcomeTextRow).where(OutcomeTextRow.source_id == source_id))
            session.add_all(_row(source_id, pledge) for pledge in pledges)
            session.add_all(_row(source_id, outcome) for outcome in outcomes)
            session.execute(update(SourceRow).where(SourceRow.id == source_id).values(extractor=extractor))

    def pledges(self, source_id: int | None = None) -> list[Pledge]:
        """Stored pledges in source and text order, each naming its source file."""
        query = (
            select(PledgeRow, SourceRow.name).join(SourceRow, PledgeRow.source_id == SourceRow.id)
            .order_by(PledgeRow.source_id, PledgeRow.start, PledgeRow.id)
        )  # fmt: skip
        if source_id is not None:
            query = query.where(PledgeRow.source_id == source_id)
        with self._guard("read"), Session(self.engine) as session:
            return [_record(Pledge, row, name) for row, name in session.execute(query)]

    def outcomes(self, source_id: int | None = None) -> list[Outcome]:
        """Stored outcomes read from texts, in source and text order, each naming its source file."""
        query = (
            select(OutcomeTextRow, SourceRow.name).join(SourceRow, OutcomeTextRow.source_id == SourceRow.id)
            .order_by(OutcomeTextRow.source_id, OutcomeTextRow.start, OutcomeTextRow.id)
        )  # fmt: skip
        if source_id is not None:
            query = query.where(OutcomeTextRow.source_id == source_id)
        with self._guard("read"), Session(self.engine) as session:
            return [outcome_of(row, name) for row, name in session.execute(query)]

    def replace_reprints(self, groups: list[set[int]]) -> dict[int, int]:
        """Record each group's later sources as reprints of its first; returns reprint → original."""
        links = {member: min(group) for group in groups for member in group if member != min(group)}
        now = datetime.now(UTC)
        with self._guard("write to"), Session(self.engine) as session, session.begin():
            session.execute(delete(ReprintRow))
            session.add_all(ReprintRow(source_id=s, original_id=o, found_at=now) for s, o in links.items())
        return links

    def reprints(self) -> dict[int, int]:
        """Reprint source id → the id of the source it reprints."""
        with self._guard("read"), Session(self.engine) as session:
            return dict(session.execute(select(ReprintRow.source_id, ReprintRow.original_id)).all())

    @contextmanager
    def connect(self, action: str) -> Iterator[Connection]:
        """A connection, its driver errors turned into a StoreError about ``action`` (read, write to)."""
        with self._guard(action), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn driver errors (read-only file, lock held, server down) into one clear StoreError."""
        try:
            yield
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise StoreError(f"cannot {action} database {self.display}: {reason}") from None


def latest_ids():  # noqa: ANN202 - a SQLAlchemy subquery
    """Ids of the version each document (path) holds now: the one the ledger reads."""
    return select(SourceRow.id).where(SourceRow.latest)


def puts_back(stored: Any, path: str) -> bool:
    """Whether a file at ``path`` (as stored) that holds a stored source's bytes (``stored``: a row
    with its path and latest) is that file put back as one of its earlier versions was: that
    version is then what the file holds again. The same bytes at another path stay that path's."""
    return not stored.latest and stored.path == path


def make_latest(connection: Connection, ids: Sequence[int]) -> list[int]:
    """Make the sources ``ids`` the versions their paths hold now (of two of one path, the later in
    ``ids``), as a file's new bytes or its earlier bytes put back make them; returns the versions
    they take over from. Called under the sources' write lock."""
    path_of: dict[int, str] = {}
    for chunk in chunks(sorted(set(ids))):
        path_of.update(connection.execute(select(SourceRow.id, SourceRow.path).where(SourceRow.id.in_(chunk))).all())
    paths = {path_of[source_id]: source_id for source_id in ids}  # the later of one path's two wins
    chosen = set(paths.values())
    superseded = []
    for chunk in chunks(sorted(paths)):
        query = select(SourceRow.id).where(SourceRow.path.in_(chunk), SourceRow.latest)
        superseded += [i for i in connection.execute(query).scalars() if i not in chosen]
    # Off first: one latest version per path (ix_sources_latest) holds after each statement.
    for chunk in chunks(sorted(superseded)):
        connection.execute(update(SourceRow).where(SourceRow.id.in_(chunk)).values(latest=False))
    for chunk in chunks(sorted(chosen)):
        connection.execute(update(SourceRow).where(SourceRow.id.in_(chunk), ~SourceRow.latest).values(latest=True))
    return sorted(superseded)


def chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """``values`` a few hundred at a time: an IN (...) list of each stays well under every
    backend's limit on parameters."""
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _tune_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


def info(row: SourceRow) -> SourceInfo:
    """A source's description from its row (an ORM object or a result row with its columns)."""
    return SourceInfo(
        id=row.id, name=row.name, path=row.path, sha256=row.sha256, size=row.size, format=row.format,
        encoding=row.encoding, title=row.title, date=row.date, chars=row.chars, version=row.version,
        ingested_at=row.ingested_at, extractor=row.extractor, year=row.year, latest=row.latest,
    )  # fmt: skip


# The columns a record (a pledge or an outcome read from a source) is stored in, besides its
# source and its mentions.
_COLUMNS: dict[type, tuple[str, ...]] = {
    Pledge: (
        "start", "end", "quote", "actor", "official", "metric", "kind", "comparator", "value", "value_high",
        "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge", "binding", "confidence",
    ),
    Outcome: (
        "start", "end", "quote", "actor", "metric", "kind", "comparator", "value", "unit", "norm_value", "norm_unit",
        "first_year", "last_year", "basis", "target", "confidence", "unplaced",
    ),
}  # fmt: skip
_TABLES: dict[type, type] = {Pledge: PledgeRow, Outcome: OutcomeTextRow}
_VALUES = {kind: attrgetter(*columns) for kind, columns in _COLUMNS.items()}
_JSON: dict[type, tuple[str, ...]] = {Pledge: (), Outcome: ("target",)}  # besides mentions
_JSON_AT = {kind: [_COLUMNS[kind].index(column) for column in columns] for kind, columns in _JSON.items()}


def _row(source_id: int, record: Pledge | Outcome) -> PledgeRow | OutcomeTextRow:
    return _TABLES[type(record)](**record_values(source_id, record))


def record_columns(kind: type) -> tuple[str, ...]:
    """The columns of a record's row besides its source, in the order :func:`record_row` gives them."""
    return ("mentions", *_COLUMNS[kind])


def json_columns(kind: type) -> frozenset[str]:
    """The columns of a record's row that hold JSON, given by :func:`record_row` as their text."""
    return frozenset({"mentions", *_JSON[kind]})


def record_row(record: Pledge | Outcome) -> tuple:
    """A record's row without its source (:func:`record_columns`), its JSON values as their stored
    text: the cheap form, for ingest's workers, that make them by the thousand."""
    values = _VALUES[type(record)](record)
    for k in _JSON_AT[type(record)]:
        values = (*values[:k], json_text(values[k]), *values[k + 1 :])
    return (json_text([list(m) for m in record.mentions]), *values)


def record_values(source_id: int, record: Pledge | Outcome) -> dict:
    """The column values of a record's row (a pledge's, an outcome's)."""
    values = {column: getattr(record, column) for column in _COLUMNS[type(record)]}
    return {"source_id": source_id, "mentions": [list(m) for m in record.mentions], **values}


def _record(kind: type, row: PledgeRow | OutcomeTextRow, source_name: str) -> Pledge | Outcome:
    values = {column: getattr(row, column) for column in _COLUMNS[kind]}
    return kind(source=source_name, mentions=[tuple(m) for m in row.mentions], **values)


def outcome_of(row: OutcomeTextRow, source_name: str) -> Outcome:
    """A stored outcome row as the record extraction gave."""
    return _record(Outcome, row, source_name)

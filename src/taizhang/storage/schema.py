"""Opening a database safely: what it already holds decides whether taizhang may create or upgrade
its tables there.

- A new or empty database gets taizhang's tables; one at an older revision is upgraded. A database
  that holds another program's tables, or whose schema revision this taizhang does not know (a
  newer taizhang's, another tool's ``alembic_version``), is refused and left exactly as it was.
- Opening a database that is already up to date writes nothing, and a command that only reads
  never turns an empty file into a database.
- An upgrade runs in one transaction under a lock (SQLite: ``BEGIN IMMEDIATE``, its DDL being
  transactional; PostgreSQL: a transaction-scoped advisory lock). A process killed mid-upgrade
  leaves the database as it was, so the next open resumes; processes that open a new database at
  once create it once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Table, delete, inspect, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from taizhang import errors
from taizhang.errors import StoreError
from taizhang.storage.tables import Base, InfoRow

MIGRATIONS = Path(__file__).parent / "migrations"
_SCRIPTS = ScriptDirectory(str(MIGRATIONS))
HEAD = _SCRIPTS.get_current_head()
REVISIONS = frozenset(script.revision for script in _SCRIPTS.walk_revisions())
# Advisory-lock keys on PostgreSQL: one per kind of work that must not run twice at once.
SCHEMA_LOCK = 0x7461_697A_6861_6E67  # "taizhang"
LEDGER_LOCK = SCHEMA_LOCK + 1
SOURCES_LOCK = SCHEMA_LOCK + 2
_MIGRATION_WAIT_MS = 120_000  # an upgrade of a big database may hold the lock this long
# The tables taizhang 0.1.0 made (revisions 0001-0006), whose creation was not atomic on SQLite.
LEGACY_TABLES = frozenset({
    "sources", "source_blobs", "pledges", "reprints", "ledger_entries", "ledger_mentions", "ledger_outcomes",
    "ledger_corrections", "ledger_status_changes", "ledger_state", "ledger_mention_ids",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Found:
    """What a database holds before taizhang touches it."""

    tables: frozenset[str]
    revisions: tuple[str, ...]  # what alembic_version says (empty: none)
    made_by: str | None  # the taizhang version that last changed the schema, when it says

    @property
    def revision(self) -> str | None:
        return self.revisions[0] if len(self.revisions) == 1 else None


def open_schema(engine: Engine, db: str, *, create: bool) -> None:
    """Make the database at ``engine`` ready for this taizhang, or raise :class:`StoreError` saying why
    not; ``create`` False (a command that only reads) never creates the schema."""
    with engine.connect() as connection:
        found = _inspect(connection)
        _check(connection, found, db)
    if found.revision == HEAD:
        return
    if found.revision is None and not create:
        raise StoreError(errors.NO_SCHEMA.format(db=db))
    if engine.dialect.name == "sqlite":
        _use_wal(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {_MIGRATION_WAIT_MS}")
        write_lock(connection, SCHEMA_LOCK)
        found = _inspect(connection)  # again, under the lock: another process may have done it meanwhile
        _check(connection, found, db)
        if found.revision == HEAD:
            return
        if found.revision is None:
            for table in _leftovers(found):
                table.drop(connection)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        _record_version(connection)
    if engine.dialect.name == "sqlite":
        engine.dispose()  # the migration's connection waited longer for the lock than others may


def _inspect(connection: Connection) -> Found:
    if connection.dialect.name == "sqlite":
        names = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        ).scalars()
        tables = frozenset(names)
    else:
        inspector = inspect(connection)
        tables = frozenset(inspector.get_table_names()) | frozenset(inspector.get_view_names())
    revisions: tuple[str, ...] = ()
    if "alembic_version" in tables:
        revisions = tuple(connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    made_by = None
    if InfoRow.__tablename__ in tables:
        made_by = connection.scalar(select(InfoRow.value).where(InfoRow.name == "version"))
    return Found(tables, revisions, made_by)


def _check(connection: Connection, found: Found, db: str) -> None:
    """Refuse a database that is not taizhang's, or is a taizhang's this one does not know."""
    known = found.revision in REVISIONS
    if found.revisions and not known:
        revision = ", ".join(found.revisions)
        if found.made_by is not None:
            raise StoreError(errors.NEWER_SCHEMA.format(db=db, revision=revision, version=found.made_by, ours=_version()))
        raise StoreError(errors.NOT_OURS.format(db=db, tables=_listed(found.tables - {"alembic_version"}) or "no tables"))
    if found.revisions:
        return
    # No revision: a new database, or what an interrupted creation by taizhang 0.1.0 left: only
    # tables of its schema, with columns of ours. Anything else is another program's.
    foreign = found.tables - LEGACY_TABLES | {t.name for t in _leftovers(found) if not _columns_fit(connection, t)}
    if foreign:
        raise StoreError(errors.NOT_OURS.format(db=db, tables=_listed(frozenset(foreign))))
    for table in _leftovers(found):
        if connection.scalar(select(text("1")).select_from(table).limit(1)) is not None:
            raise StoreError(errors.HALF_MADE.format(db=db, table=table.name))


def _columns_fit(connection: Connection, table: Table) -> bool:
    """Whether a table found in the database has only columns of taizhang's table of that name."""
    found = {column["name"] for column in inspect(connection).get_columns(table.name)}
    return found <= set(table.columns.keys())


@cache
def _tables() -> tuple[Table, ...]:
    """Every table of taizhang's schema, dependents last (the ledger's join Base when imported)."""
    import taizhang.ledger.tables  # noqa: F401 - imported late: the ledger imports the storage

    return tuple(Base.metadata.sorted_tables)


def _leftovers(found: Found) -> list[Table]:
    """The tables an interrupted creation by taizhang 0.1.0 left with no revision (its migrations were
    not atomic on SQLite), dependents first. Nothing can have been stored in them: they are made
    anew, and a file where they hold rows is refused (``_check``)."""
    return [table for table in reversed(_tables()) if table.name in found.tables & LEGACY_TABLES]


def _use_wal(engine: Engine) -> None:
    """Put a SQLite file in WAL mode (it stays so): readers (the web app) work while an ingest writes.

    Switching needs the file to itself for a moment, and SQLite answers "database is locked" at
    once rather than waiting while another process opens it too: try again until it gives way.
    """
    deadline = time.monotonic() + _MIGRATION_WAIT_MS / 1000
    while True:
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode = WAL")
            return
        except OperationalError as error:
            if "locked" not in str(error.orig) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def write_lock(connection: Connection, key: int) -> None:
    """Wait for the right to do one kind of work (``key``) alone, until this transaction ends; call
    it first in the transaction. SQLite has one writer at a time: ``BEGIN IMMEDIATE`` takes the
    write lock now, so what the transaction reads stays true until it commits (a deferred
    transaction that reads and then writes fails at once when another wrote in between).
    PostgreSQL has a transaction-scoped advisory lock per kind of work."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _record_version(connection: Connection) -> None:
    connection.execute(delete(InfoRow).where(InfoRow.name == "version"))
    connection.execute(insert(InfoRow).values(name="version", value=_version()))


def _version() -> str:
    from taizhang import __version__  # read late: taizhang's __init__ imports the storage

    return __version__


def _listed(names: frozenset[str]) -> str:
    shown = sorted(names)
    return ", ".join(shown[:8]) + (f" … ({len(shown)} in all)" if len(shown) > 8 else "")

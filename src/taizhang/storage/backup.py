"""Backups of a whole database, and restoring one.

SQLite: SQLite's online backup API copies the database page by page while other processes keep
reading and writing it, into a file that is checked (``PRAGMA integrity_check``) before it is put in
place; restoring copies a checked backup into the database the same way, in one transaction, so
readers see the old database or the restored one, never a mixture.

PostgreSQL: PostgreSQL's own tools, ``pg_dump --format=custom`` and ``pg_restore --clean
--single-transaction``, which must be installed in a version no older than the server's (Debian:
``apt-get install postgresql-client``). They can also be run by hand::

    pg_dump --format=custom --no-owner --file taizhang.dump postgresql://user@host:5432/taizhang
    pg_restore --clean --if-exists --no-owner --single-transaction --dbname postgresql://user@host:5432/taizhang taizhang.dump

A restored database at an older schema revision is upgraded when it is next opened.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from taizhang import errors
from taizhang.errors import StoreError
from taizhang.storage import Store
from taizhang.storage.tables import SourceRow

_PG_ARCHIVE = b"PGDMP"  # how a pg_dump custom-format archive begins
_SQLITE = b"SQLite format 3\x00"


def backup(store: Store, target: Path) -> None:
    """Write a backup of ``store``'s database to ``target`` (a path that does not exist yet: see
    ``taizhang.outputs.write_file``, which gives it a temporary name and moves it into place)."""
    if store.engine.dialect.name == "sqlite":
        store.check()  # a damaged database is restored from a backup, not copied into one
        _sqlite_backup(store, target)
    elif store.engine.dialect.name == "postgresql":
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), _libpq_url(store)])
    else:
        raise StoreError(errors.BACKUP_UNSUPPORTED.format(db=store.display))


def restore(store: Store, backup_file: Path, *, force: bool = False) -> None:
    """Replace ``store``'s database with the backup in ``backup_file``. A database that holds sources
    is replaced only with ``force``; a file that is no backup of this kind is refused by name."""
    head = _head(backup_file)
    kind = store.engine.dialect.name
    if kind == "sqlite" and not head.startswith(_SQLITE) or kind == "postgresql" and not head.startswith(_PG_ARCHIVE):
        what = "a SQLite database" if kind == "sqlite" else "a pg_dump archive (--format=custom)"
        raise StoreError(errors.NOT_A_BACKUP.format(path=backup_file, what=what, db=store.display))
    with store.connect("read") as connection:
        held = connection.execute(select(func.count()).select_from(SourceRow)).scalar()
    if held and not force:
        raise StoreError(errors.RESTORE_OVER_DATA.format(db=store.display, sources=held))
    if kind == "sqlite":
        _sqlite_restore(store, backup_file)
    else:
        args = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
        _run([_tool("pg_restore"), *args, "--dbname", _libpq_url(store), str(backup_file)])
    store.engine.dispose()  # connections opened before the restore would see the old schema state


def _sqlite_backup(store: Store, target: Path) -> None:
    source = store.engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            source.driver_connection.backup(copy)
            problems = [row[0] for row in copy.execute("PRAGMA integrity_check(1)")]
            if problems != ["ok"]:
                raise StoreError(errors.DAMAGED.format(db=target, problem=problems[0].splitlines()[-1]))
    finally:
        source.close()


def _sqlite_restore(store: Store, backup_file: Path) -> None:
    try:
        backup_db = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StoreError(errors.NOT_A_BACKUP_FILE.format(path=backup_file, reason=error)) from None
    try:
        _require_sound(backup_db, backup_file)
        _check_schema(backup_db, backup_file)
        target = store.engine.raw_connection()
        try:
            backup_db.backup(target.driver_connection)
        finally:
            target.close()
    except sqlite3.Error as error:
        raise StoreError(errors.NOT_A_BACKUP_FILE.format(path=backup_file, reason=error)) from None
    finally:
        backup_db.close()


def _require_sound(connection: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in connection.execute("PRAGMA integrity_check(1)")]
    if problems != ["ok"]:
        raise StoreError(errors.NOT_A_BACKUP_FILE.format(path=path, reason=problems[0].splitlines()[-1]))


def _check_schema(connection: sqlite3.Connection, path: Path) -> None:
    """A backup must be a taizhang database this taizhang knows (an older one is upgraded after)."""
    from taizhang.storage.schema import REVISIONS

    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    revisions = [r for (r,) in connection.execute("SELECT version_num FROM alembic_version")] if "alembic_version" in tables else []
    if len(revisions) != 1 or revisions[0] not in REVISIONS:
        found = ", ".join(revisions) or "none"
        raise StoreError(errors.NOT_A_BACKUP_FILE.format(path=path, reason=f"not a taizhang database this version knows (revision {found})"))


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(16)
    except FileNotFoundError:
        raise StoreError(errors.NO_BACKUP.format(path=path)) from None
    except OSError as error:
        raise StoreError(errors.NOT_A_BACKUP_FILE.format(path=path, reason=error.strerror or error)) from None


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise StoreError(errors.NO_PG_TOOL.format(tool=name))
    return found


def _libpq_url(store: Store) -> str:
    """The database's URL as PostgreSQL's own tools take it (no SQLAlchemy driver name)."""
    url = make_url(store.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        raise StoreError(errors.PG_TOOL_FAILED.format(tool=Path(command[0]).name, reason=lines[-1] if lines else result.returncode))

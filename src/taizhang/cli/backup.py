"""Commands that back up a whole database and restore one."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import DbOption, ForceOption, app, err, fail, opened_store, shown, write_output
from taizhang.errors import StoreError
from taizhang.storage import backup as backups

FileArgument = Annotated[Path, typer.Argument(metavar="FILE", help="The backup file")]


@app.command()
def backup(file: FileArgument, db: DbOption = None, force: ForceOption = False) -> None:
    """备份 Back up the whole database to FILE, while others keep using it.

    SQLite: a checked copy made with SQLite's online backup API. PostgreSQL: a pg_dump archive
    (--format=custom; needs PostgreSQL's client tools). An existing FILE is replaced only with --force.

    Example: taizhang backup 台账-2026-12-01.db
    """
    with opened_store(db, must_exist=True) as store:
        write_output(file, partial(backups.backup, store), force=force, protected=store.files())
        where = store.display
    err.print(f"备份 backed up {shown(where)} → {shown(file)}", highlight=False)


@app.command()
def restore(file: FileArgument, db: DbOption = None, force: ForceOption = False) -> None:
    """恢复 Replace the database with a backup made by `taizhang backup`.

    A database that holds sources is replaced only with --force. A backup from an older taizhang
    is upgraded as it is opened.

    Example: taizhang restore 台账-2026-12-01.db --force
    """
    if not file.is_file():
        fail(f"{shown(file)}: no such file")
    with opened_store(db) as store:
        try:
            backups.restore(store, file, force=force)
        except StoreError as error:
            fail(str(error))
        where = store.display
    with opened_store(db, must_exist=True):  # opens it as every command will: upgraded if older
        pass
    err.print(f"恢复 restored {shown(where)} from {shown(file)}", highlight=False)

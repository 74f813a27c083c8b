"""Altering a table the way SQLite alters most things, by a copy, without losing the rows that point
at it. Where SQLite can alter in place (adding a column, ``recreate="never"`` dropping one), do that:
nothing is copied and nothing need be set aside."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations


@contextmanager
def copied_keeping_referrers(table: str, **options: Any) -> Iterator[BatchOperations]:
    """``op.batch_alter_table(table, **options)`` for a change SQLite makes by copying the table, the
    rows of every table whose foreign keys point at it set aside while it is copied and put back
    after. Dropping the old table, with foreign keys checked as the store's connections check them,
    deletes its rows and with them (ON DELETE CASCADE) every row pointing at one. Alembic's advice,
    foreign keys off around the copy, cannot be taken here: SQLite ignores that pragma inside a
    transaction, and migrations run inside one (the store's BEGIN IMMEDIATE)."""
    bind = op.get_bind()
    referrers = []
    if bind.dialect.name == "sqlite":  # other databases alter in place
        inspector = sa.inspect(bind)
        referrers = [
            name for name in inspector.get_table_names()
            if any(key["referred_table"] == table for key in inspector.get_foreign_keys(name))
        ]  # fmt: skip
    for name in referrers:
        bind.exec_driver_sql(f'CREATE TEMP TABLE "kept_{name}" AS SELECT * FROM "{name}"')
        bind.exec_driver_sql(f'DELETE FROM "{name}"')
    with op.batch_alter_table(table, **options) as batch:
        yield batch
    for name in referrers:
        bind.exec_driver_sql(f'INSERT INTO "{name}" SELECT * FROM "kept_{name}"')
        bind.exec_driver_sql(f'DROP TABLE "kept_{name}"')

"""ledger_entries.key kept unique by an index of its own, ix_ledger_entries_key, not by the table's
constraint: a whole rebuild on SQLite drops it with the other indexes and builds it once after the
rows, by a sort, where a million keys put one by one at random places in it took a second more

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_INDEX = "ix_ledger_entries_key"
_CONSTRAINT = "uq_ledger_entries_key"  # the name the copy below gives SQLite's unnamed constraint
_CHILDREN = ("ledger_mentions", "ledger_outcome_matches")  # the tables pointing at the entries


def _entries_altered(change: Callable[[BatchOperations], None]) -> None:
    """ledger_entries altered by a copy (SQLite's way), its mentions and matches set aside and put
    back: with foreign keys checked, as the store's connections check them, dropping the old table
    deletes its entries, and with them (ON DELETE CASCADE) every row pointing at one."""
    bind = op.get_bind()
    for table in _CHILDREN:
        bind.exec_driver_sql(f'CREATE TEMP TABLE "kept_{table}" AS SELECT * FROM "{table}"')
        bind.exec_driver_sql(f'DELETE FROM "{table}"')
    with op.batch_alter_table("ledger_entries", naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}) as batch:
        change(batch)
    for table in _CHILDREN:
        bind.exec_driver_sql(f'INSERT INTO "{table}" SELECT * FROM "kept_{table}"')
        bind.exec_driver_sql(f'DROP TABLE "kept_{table}"')


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _entries_altered(lambda batch: batch.drop_constraint(_CONSTRAINT, type_="unique"))
    else:
        unique = sa.inspect(bind).get_unique_constraints("ledger_entries")
        op.drop_constraint(next(u["name"] for u in unique if u["column_names"] == ["key"]), "ledger_entries", type_="unique")
    op.create_index(_INDEX, "ledger_entries", ["key"], unique=True)


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="ledger_entries")
    if op.get_bind().dialect.name == "sqlite":
        _entries_altered(lambda batch: batch.create_unique_constraint(_CONSTRAINT, ["key"]))
    else:
        op.create_unique_constraint("ledger_entries_key_key", "ledger_entries", ["key"])

"""ledger_entries.key kept unique by an index of its own, ix_ledger_entries_key, not by the table's
constraint: a whole rebuild on SQLite drops it with the other indexes and builds it once after the
rows, by a sort, where a million keys put one by one at random places in it took a second more

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

from taizhang.storage.migrations.copying import copied_keeping_referrers

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_INDEX = "ix_ledger_entries_key"
_CONSTRAINT = "uq_ledger_entries_key"  # the name _NAMING gives SQLite's unnamed constraint in the copy
_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        with copied_keeping_referrers("ledger_entries", naming_convention=_NAMING) as batch:
            batch.drop_constraint(_CONSTRAINT, type_="unique")
    else:
        unique = sa.inspect(bind).get_unique_constraints("ledger_entries")
        op.drop_constraint(next(u["name"] for u in unique if u["column_names"] == ["key"]), "ledger_entries", type_="unique")
    op.create_index(_INDEX, "ledger_entries", ["key"], unique=True)


def downgrade() -> None:
    op.drop_index(_INDEX, table_name="ledger_entries")
    if op.get_bind().dialect.name == "sqlite":
        with copied_keeping_referrers("ledger_entries", naming_convention=_NAMING) as batch:
            batch.create_unique_constraint(_CONSTRAINT, ["key"])
    else:
        op.create_unique_constraint("ledger_entries_key_key", "ledger_entries", ["key"])

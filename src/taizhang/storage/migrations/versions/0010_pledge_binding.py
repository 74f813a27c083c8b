"""pledges.binding and ledger_entries.binding: 约束性 / 预期性 when a plan says which an indicator is

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("pledges", "ledger_entries"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("binding", sa.String(8), nullable=True))


def downgrade() -> None:
    # in place: SQLite's copy of ledger_entries would take every mention and match with the old one (../copying.py)
    for table in ("pledges", "ledger_entries"):
        with op.batch_alter_table(table, recreate="never") as batch:
            batch.drop_column("binding")

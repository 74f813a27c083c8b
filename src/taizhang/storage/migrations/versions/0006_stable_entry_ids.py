"""ledger_state.last_entry_id: entry ids never given twice; ledger_state.unapplied: corrections that no longer apply

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_state") as batch:
        batch.add_column(sa.Column("last_entry_id", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("unapplied", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ledger_state") as batch:
        batch.drop_column("unapplied")
        batch.drop_column("last_entry_id")

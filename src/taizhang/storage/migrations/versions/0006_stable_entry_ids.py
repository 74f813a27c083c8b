"""ledger_state.last_entry_id: entry ids stay put across rebuilds and are never given twice

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


def downgrade() -> None:
    with op.batch_alter_table("ledger_state") as batch:
        batch.drop_column("last_entry_id")

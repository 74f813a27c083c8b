"""stable entry ids (ledger_mention_ids, ledger_state.last_entry_id); ledger_state.unapplied

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
    op.create_table(
        "ledger_mention_ids",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(40), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("key", "entry_id"),
    )
    with op.batch_alter_table("ledger_state") as batch:
        batch.add_column(sa.Column("last_entry_id", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("unapplied", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_table("ledger_mention_ids")
    with op.batch_alter_table("ledger_state") as batch:
        batch.drop_column("unapplied")
        batch.drop_column("last_entry_id")

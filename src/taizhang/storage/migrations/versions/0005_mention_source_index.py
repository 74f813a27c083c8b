"""an index on ledger_mentions.source for `ledger --source NAME`

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ledger_mentions_source", "ledger_mentions", ["source", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_ledger_mentions_source", table_name="ledger_mentions")

"""ledger_mentions.original only where a correction changed the record, and the mention's
norm_unit: a mention's record as extracted is, unless a person corrected it, the mention's own
columns; writing it again as JSON on every row was a third of a ledger build's bytes

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger_mentions") as batch:
        batch.add_column(sa.Column("norm_unit", sa.String(16), nullable=True))
        batch.alter_column("original", existing_type=sa.JSON, nullable=True)


def downgrade() -> None:
    # The rows whose record was not corrected hold no copy of it: the ledger is derived, so it is
    # emptied, and rebuilt by the next refresh (the highest entry id given is kept).
    op.execute("DELETE FROM ledger_mentions")
    op.execute("DELETE FROM ledger_outcome_matches")
    op.execute("DELETE FROM ledger_entries")
    op.execute("UPDATE ledger_state SET fingerprint = ''")
    with op.batch_alter_table("ledger_mentions") as batch:
        batch.alter_column("original", existing_type=sa.JSON, nullable=False)
        batch.drop_column("norm_unit")

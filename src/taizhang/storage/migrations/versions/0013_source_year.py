"""sources.year: the year a source speaks from, worked out when it is analysed

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.add_column(sa.Column("year", sa.Integer(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN in place: SQLite's copy-and-swap of the table would drop the old
    # one, and with it (foreign keys on, ON DELETE CASCADE) every pledge and byte it holds.
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.drop_column("year")

"""pledges extracted from each source, with their spans; which extractor made them

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("extractor", sa.String(32)))
    op.create_table(
        "pledges",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("actor", sa.String(128)),
        sa.Column("official", sa.String(64)),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("comparator", sa.String(8), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("value_high", sa.Float),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("norm_value", sa.Float, nullable=False),
        sa.Column("norm_unit", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Integer),
        sa.Column("horizon", sa.String(64)),
        sa.Column("hedge", sa.String(16)),
        sa.Column("mentions", sa.JSON, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("pledges")
    # in place: SQLite's copy of the table would take every source's bytes with the old one (../copying.py)
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.drop_column("extractor")

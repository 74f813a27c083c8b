"""ingest state: source_files (size, modification time and hash of each input file seen),
reprint_bands (LSH band keys of each source's reprint signature)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_files",
        sa.Column("path", sa.Text(), primary_key=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False, index=True),
    )
    op.create_table(
        "reprint_bands",
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("band", sa.SmallInteger(), primary_key=True),
        sa.Column("key", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_reprint_bands_key", "reprint_bands", ["key", "band"])


def downgrade() -> None:
    op.drop_table("reprint_bands")
    op.drop_table("source_files")

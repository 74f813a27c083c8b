"""sources (path, version) index: ingest looks up each new file's last version by its path, and
without the index every batch read the whole table (its texts too on SQLite), a cost that grew
with the corpus

Revision ID: 0014
Revises: 0013
"""

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sources_path", "sources", ["path", "version"])


def downgrade() -> None:
    op.drop_index("ix_sources_path", table_name="sources")

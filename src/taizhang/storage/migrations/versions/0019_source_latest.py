"""sources.latest: the version each path holds now, which the ledger reads. It was the path's newest
(highest id), so a file put back as an earlier version was (A, B, A) kept reading B: the same bytes
are one source, found by their SHA-256 as the older version

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.add_column(sa.Column("latest", sa.Boolean(), nullable=False, server_default="1"))
    sources = sa.table("sources", sa.column("id", sa.Integer()), sa.column("path", sa.Text()), sa.column("latest", sa.Boolean()))
    newest = sa.select(sa.func.max(sources.c.id)).group_by(sources.c.path)
    op.execute(sources.update().where(sources.c.id.not_in(newest)).values(latest=False))
    # One latest version per path; its WHERE as queries write it (see tables.LATEST_ONLY).
    op.create_index(
        "ix_sources_latest", "sources", ["path"], unique=True,
        sqlite_where=sa.text("latest = 1"), postgresql_where=sa.text("latest"),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_sources_latest", table_name="sources")
    # ALTER TABLE … DROP COLUMN in place (see 0013): the table's copy would take its pledges along.
    with op.batch_alter_table("sources", recreate="never") as batch:
        batch.drop_column("latest")

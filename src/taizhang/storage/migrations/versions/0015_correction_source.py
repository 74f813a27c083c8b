"""ledger_corrections.sha256: the source a correction's anchor is in, indexed, so an entry page
reads the corrections made on its own mentions instead of every correction in the database

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_corrections = sa.table("ledger_corrections", sa.column("id", sa.Integer), sa.column("anchor", sa.JSON), sa.column("sha256", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("ledger_corrections", recreate="never") as batch:
        batch.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
    op.create_index("ix_ledger_corrections_sha256", "ledger_corrections", ["sha256"])
    bind = op.get_bind()
    rows = bind.execute(sa.select(_corrections.c.id, _corrections.c.anchor)).all()
    found = [{"row": i, "sha": str(anchor["sha256"])} for i, anchor in rows if isinstance(anchor, dict) and "sha256" in anchor]
    if found:
        change = sa.update(_corrections).where(_corrections.c.id == sa.bindparam("row")).values(sha256=sa.bindparam("sha"))
        bind.execute(change, found)


def downgrade() -> None:
    op.drop_index("ix_ledger_corrections_sha256", table_name="ledger_corrections")
    with op.batch_alter_table("ledger_corrections", recreate="never") as batch:
        batch.drop_column("sha256")

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


_COLUMNS = ("source", "start", "end", "quote", "actor", "official", "metric", "comparator", "value", "value_high", "unit", "norm_value", "norm_unit", "deadline")  # fmt: skip
_mentions = sa.table(
    "ledger_mentions", sa.column("id", sa.Integer), sa.column("entry_id", sa.Integer), sa.column("original", sa.JSON),
    *(sa.column(name) for name in _COLUMNS),
)  # fmt: skip
_entries = sa.table("ledger_entries", sa.column("id", sa.Integer), sa.column("kind", sa.String))


def downgrade() -> None:
    # A row whose record was not corrected is given it again from its own columns (the fields an
    # anchor reads are exact; its kind is its entry's): readers before 0016 read every row's.
    bind = op.get_bind()
    query = (
        sa.select(_mentions.c.id, _entries.c.kind, *(_mentions.c[name] for name in _COLUMNS))
        .join(_entries, _entries.c.id == _mentions.c.entry_id)
        .where(_mentions.c.original.is_(None))
    )  # fmt: skip
    records = [{"row_id": row.id, "record": {"kind": row.kind} | {name: row._mapping[name] for name in _COLUMNS}} for row in bind.execute(query)]  # fmt: skip
    update = _mentions.update().where(_mentions.c.id == sa.bindparam("row_id")).values(original=sa.bindparam("record"))
    for at in range(0, len(records), 10_000):
        bind.execute(update, records[at : at + 10_000])
    with op.batch_alter_table("ledger_mentions") as batch:
        batch.alter_column("original", existing_type=sa.JSON, nullable=False)
        batch.drop_column("norm_unit")

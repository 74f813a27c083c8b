"""ledger_outcomes.fingerprint: what makes two recorded outcomes the same, looked up by a unique index

Recording an outcome used to load every recorded one to see whether it was already there (13 s
each after a million); the index answers at once, and makes two processes recording the same
outcome at once record it once. Duplicates recorded before (by such a race) keep their rows and get
a fingerprint of their own.

Revision ID: 0012
Revises: 0011
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BATCH = 5000


def _fingerprint(place_key: str, metric_key: str, year: int, norm_value: float, norm_unit: str, source: str) -> str:
    # As taizhang.ledger.outcomes.fingerprint computes it (kept here as it was when this revision was made).
    parts = (place_key, metric_key, str(year), f"{norm_value:.9g}", norm_unit, source.strip())
    return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table("ledger_outcomes") as batch:
        batch.add_column(sa.Column("fingerprint", sa.String(40), nullable=True))
    connection = op.get_bind()
    outcomes = sa.table(
        "ledger_outcomes", sa.column("id"), sa.column("place_key"), sa.column("metric_key"), sa.column("year"),
        sa.column("norm_value"), sa.column("norm_unit"), sa.column("source"), sa.column("fingerprint"),
    )  # fmt: skip
    seen: set[str] = set()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(outcomes.c.id, outcomes.c.place_key, outcomes.c.metric_key, outcomes.c.year, outcomes.c.norm_value,
                      outcomes.c.norm_unit, outcomes.c.source)
            .where(outcomes.c.id > last).order_by(outcomes.c.id).limit(_BATCH)
        ).all()  # fmt: skip
        if not rows:
            break
        updates = []
        for row in rows:
            found = _fingerprint(*row[1:])
            updates.append({"row_id": row.id, "value": found if found not in seen else f"duplicate #{row.id}"})
            seen.add(found)
        connection.execute(
            outcomes.update().where(outcomes.c.id == sa.bindparam("row_id")).values(fingerprint=sa.bindparam("value")), updates
        )
        last = rows[-1].id
    with op.batch_alter_table("ledger_outcomes") as batch:
        batch.alter_column("fingerprint", existing_type=sa.String(40), nullable=False)
        batch.create_index("ix_ledger_outcomes_fingerprint", ["fingerprint"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("ledger_outcomes") as batch:
        batch.drop_index("ix_ledger_outcomes_fingerprint")
        batch.drop_column("fingerprint")

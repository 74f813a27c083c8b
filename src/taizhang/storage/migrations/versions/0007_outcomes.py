"""outcomes read from texts (outcomes), the ledger's matches of outcomes to entries
(ledger_outcome_matches) and the outcome an entry is judged on (ledger_entries.outcome_*)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ENTRY_COLUMNS = (
    ("outcome_ref", sa.String(24)), ("outcome_value", sa.Float()), ("outcome_unit", sa.String(32)),
    ("outcome_period", sa.String(16)), ("outcome_source", sa.Text()), ("outcome_quote", sa.Text()),
    ("outcome_start", sa.Integer()), ("outcome_end", sa.Integer()),
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(128)),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("comparator", sa.String(8)),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("norm_value", sa.Float(), nullable=False),
        sa.Column("norm_unit", sa.String(16), nullable=False),
        sa.Column("first_year", sa.Integer()),
        sa.Column("last_year", sa.Integer()),
        sa.Column("basis", sa.String(16)),
        sa.Column("target", sa.JSON(), nullable=True),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("unplaced", sa.Text()),
    )
    op.create_index("ix_outcomes_source_id", "outcomes", ["source_id"])
    op.create_table(
        "ledger_outcome_matches",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("ledger_entries.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(24), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text()),
        sa.Column("start", sa.Integer()),
        sa.Column("end", sa.Integer()),
        sa.Column("actor", sa.String(128)),
        sa.Column("metric", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("norm_value", sa.Float(), nullable=False),
        sa.Column("norm_unit", sa.String(16), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(16)),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_ledger_outcome_matches_entry_id", "ledger_outcome_matches", ["entry_id"])
    with op.batch_alter_table("ledger_entries") as batch:
        for name, kind in _ENTRY_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    # in place: SQLite's copy of the table would take every mention with the old one (../copying.py)
    with op.batch_alter_table("ledger_entries", recreate="never") as batch:
        for name, _ in reversed(_ENTRY_COLUMNS):
            batch.drop_column(name)
    op.drop_index("ix_ledger_outcome_matches_entry_id", "ledger_outcome_matches")
    op.drop_table("ledger_outcome_matches")
    op.drop_index("ix_outcomes_source_id", "outcomes")
    op.drop_table("outcomes")

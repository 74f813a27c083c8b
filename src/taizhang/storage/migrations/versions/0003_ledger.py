"""ledger: entries and their mentions, outcomes, corrections, status changes, build state

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("key", sa.String(40), nullable=False, unique=True),
        sa.Column("actor", sa.String(128)),
        sa.Column("place_code", sa.String(6)),
        sa.Column("place", sa.String(64)),
        sa.Column("official", sa.String(64)),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("metric_key", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("comparator", sa.String(8), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("value_high", sa.Float),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("norm_value", sa.Float, nullable=False),
        sa.Column("norm_value_high", sa.Float),
        sa.Column("norm_unit", sa.String(16), nullable=False),
        sa.Column("deadline", sa.Integer),
        sa.Column("horizon", sa.String(64)),
        sa.Column("hedge", sa.String(16)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("mentions", sa.JSON, nullable=False),
        sa.Column("sources", sa.JSON, nullable=False),
        sa.Column("mention_count", sa.Integer, nullable=False),
        sa.Column("conflict", sa.Boolean, nullable=False),
        sa.Column("conflict_reason", sa.Text),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("status_reason", sa.Text, nullable=False),
        sa.Column("outcome_id", sa.Integer),
    )
    for name, columns in (
        ("actor", ["actor", "id"]),
        ("place", ["place_code", "id"]),
        ("deadline", ["deadline", "id"]),
        ("status", ["status", "id"]),
        ("metric", ["metric_key", "id"]),
    ):
        op.create_index(f"ix_ledger_entries_{name}", "ledger_entries", columns)
    op.create_table(
        "ledger_mentions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("ledger_entries.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("source", sa.String(512), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("quote", sa.Text, nullable=False),
        sa.Column("actor", sa.String(128)),
        sa.Column("official", sa.String(64)),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("comparator", sa.String(8), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("value_high", sa.Float),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("norm_value", sa.Float, nullable=False),
        sa.Column("deadline", sa.Integer),
        sa.Column("corrected", sa.JSON, nullable=False),
        sa.Column("original", sa.JSON, nullable=False),
    )
    op.create_table(
        "ledger_outcomes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("place_key", sa.String(140), nullable=False),
        sa.Column("metric", sa.Text, nullable=False),
        sa.Column("metric_key", sa.String(128), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("norm_value", sa.Float, nullable=False),
        sa.Column("norm_unit", sa.String(16), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_outcomes_match", "ledger_outcomes", ["place_key", "metric_key", "year"])
    op.create_table(
        "ledger_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("anchor", sa.JSON, nullable=False),
        sa.Column("other", sa.JSON),
        sa.Column("field", sa.String(16)),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "ledger_status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("entry_key", sa.String(40), nullable=False, index=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ledger_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("ledger_state", "ledger_status_changes", "ledger_corrections", "ledger_outcomes", "ledger_mentions", "ledger_entries"):
        op.drop_table(table)

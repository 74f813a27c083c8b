"""ledger_mention_ids.key an integer: the first 64 bits of the mention's digest, 8 bytes where its
40 hexadecimal characters took 40 twice (the table and its unique index held a ninth of a ledger
build's bytes)

Revision ID: 0017
Revises: 0016
"""

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_BATCH = 10_000
_ids = sa.table("ledger_mention_ids", sa.column("id", sa.Integer), sa.column("key"), sa.column("entry_id", sa.Integer))


def _rewrite(key_type: sa.types.TypeEngine, rows: list[tuple]) -> None:
    """The table made anew with ``key_type`` keys, holding ``rows`` (id, key, entry_id)."""
    op.drop_table("ledger_mention_ids")
    op.create_table(
        "ledger_mention_ids",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", key_type, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("key", "entry_id"),
    )
    bind = op.get_bind()
    for at in range(0, len(rows), _BATCH):
        bind.execute(_ids.insert(), [{"id": i, "key": k, "entry_id": e} for i, k, e in rows[at : at + _BATCH]])
    if bind.dialect.name == "postgresql" and rows:  # ids given from here on follow the rows kept
        bind.exec_driver_sql("SELECT setval(pg_get_serial_sequence('ledger_mention_ids', 'id'), (SELECT max(id) FROM ledger_mention_ids))")  # fmt: skip


def _integer(key: str) -> int:
    return int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)


def upgrade() -> None:
    rows = op.get_bind().execute(sa.select(_ids.c.id, _ids.c.key, _ids.c.entry_id).order_by(_ids.c.id)).all()
    kept, seen = [], set()
    for row_id, key, entry_id in rows:
        pair = (_integer(key), entry_id)
        if pair not in seen:  # (two keys alike in their first 64 bits, for one entry: one row)
            seen.add(pair)
            kept.append((row_id, *pair))
    _rewrite(sa.BigInteger(), kept)


def downgrade() -> None:
    # Each key's 40 characters again, from the mentions built: the file, words and metric as
    # extracted it was made from (build's key). The ids a record no longer in the ledger had are
    # let go: were it to come back, it would get a new id.
    bind = op.get_bind()
    files = dict(bind.exec_driver_sql("SELECT sha256, path FROM sources").all())
    mentions = bind.execute(sa.text("SELECT sha256, quote, metric, original FROM ledger_mentions").columns(original=sa.JSON))
    keys = {}
    for sha256, quote, metric, original in mentions:
        text = "\x1f".join((files.get(sha256, sha256), quote, metric if original is None else original["metric"]))
        key = hashlib.sha1(text.encode()).hexdigest()
        keys[_integer(key)] = key
    rows = bind.execute(sa.select(_ids.c.id, _ids.c.key, _ids.c.entry_id).order_by(_ids.c.id)).all()
    _rewrite(sa.String(40), [(row_id, keys[key], entry_id) for row_id, key, entry_id in rows if key in keys])

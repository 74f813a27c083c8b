"""Alembic environment: migrations always run on the connection the Store hands over."""

from alembic import context

import taizhang.ledger.tables  # noqa: F401 - the ledger's tables are on Base too; autogenerate must see them
from taizhang.storage.tables import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
)
with context.begin_transaction():
    context.run_migrations()

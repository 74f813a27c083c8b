"""The Alembic migrations build exactly the schema the ORM classes describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from alembic.script import ScriptDirectory

from taizhang.storage import MIGRATIONS, Store
from taizhang.storage.tables import Base


def test_migrations_match_the_models(db_url: str) -> None:
    with Store(db_url) as store, store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_opening_twice_migrates_once(db_url: str) -> None:
    Store(db_url).close()
    with Store(db_url) as store, store.engine.connect() as connection:
        head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
        assert MigrationContext.configure(connection).get_current_heads() == (head,)

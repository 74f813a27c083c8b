"""A whole rebuild on PostgreSQL written into fresh tables and swapped in (``ledger.swap``): the same
rows and the same schema as a rebuild into the live tables, readers served the last build while it
runs, nothing changed by one interrupted, and partial refreshes working on the swapped tables."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

import taizhang.ledger.build as build_module
from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.ledger.swap import Swap
from taizhang.storage import Store
from tests.conftest import PG_URL, pg_database
from tests.helpers import DEMO_CORPUS
from tests.ledger.test_partial_refresh import CORRECTIONS, copy_of, ledger_dump, rows

pytestmark = pytest.mark.skipif(not PG_URL, reason="no PostgreSQL (run via make test)")


def _schema(url: str) -> dict[str, list]:
    """The ledger tables' columns, constraints and indexes as the server states them."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                "columns": connection.execute(text(
                    "SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length,"
                    " is_nullable, column_default FROM information_schema.columns"
                    " WHERE table_name LIKE 'ledger%' ORDER BY 1, 3"
                )).all(),
                "constraints": connection.execute(text(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid::regclass::text LIKE 'ledger%' ORDER BY 1, 2"
                )).all(),
                "indexes": connection.execute(text(
                    "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'ledger%' ORDER BY 1, 2"
                )).all(),
                "privileges": connection.execute(text(
                    "SELECT table_name, grantee, privilege_type, is_grantable FROM information_schema.table_privileges"
                    " WHERE table_name LIKE 'ledger%' ORDER BY 1, 2, 3"
                )).all(),
                "owners": connection.execute(text("SELECT tablename, tableowner FROM pg_tables WHERE tablename LIKE 'ledger%' ORDER BY 1")).all(),
                "tables": connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).all(),
            }  # fmt: skip
    finally:
        engine.dispose()


@pytest.fixture
def reader_role() -> Iterator[str]:
    """A role (server-wide) that the tests grant reading the ledger to; dropped after."""
    role = f"reader_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE ROLE "{role}"'))
    try:
        yield role
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()


@pytest.fixture
def demo() -> Iterator[str]:
    """The demo corpus ingested and its ledger built, with a correction of each kind recorded."""
    with pg_database() as url:
        with Store(url) as store:
            assert ingest(store, [DEMO_CORPUS]).ok
        with Ledger(url) as ledger:
            ledger.refresh()
            ids = [row[0] for row in ledger.store.engine.connect().execute(text("SELECT id FROM ledger_entries ORDER BY id"))]
            for kind in ("value", "reject", "merge", "unmatch"):
                CORRECTIONS[kind](ledger, ids)
        yield url


def test_a_swapped_rebuild_stores_the_rows_and_schema_of_a_rebuild_in_place(
    reader_role: str, demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # (the role asked for first: dropped after the database that grants it privileges)
    engine = create_engine(demo)
    with engine.begin() as connection:  # a dashboard's role, allowed to read: so it stays
        connection.execute(text(f'GRANT SELECT ON ledger_entries, ledger_mentions TO "{reader_role}"'))
    engine.dispose()
    schema = _schema(demo)
    with copy_of(demo) as in_place:
        with Ledger(in_place) as ledger:
            assert ledger.refresh(force=True).rebuilt
        monkeypatch.setattr(build_module, "_SWAPPED", 0)
        swapped = []
        monkeypatch.setattr(Swap, "finish", _spy(Swap.finish, swapped))
        with Ledger(demo) as ledger:
            assert ledger.refresh(force=True).rebuilt
        assert swapped, "the rebuild was not swapped in"
        assert list(ledger_dump.dump(demo)) == list(ledger_dump.dump(in_place))
    assert _schema(demo) == schema


def test_readers_get_the_last_build_while_a_swapped_rebuild_runs_and_an_interrupted_one_changes_nothing(
    demo: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before, schema = rows(demo), _schema(demo)
    seen: list[int] = []

    def interrupted(self: Swap) -> None:  # the rows are written into the fresh tables: read, then fail
        reader = create_engine(demo, connect_args={"options": "-c statement_timeout=5000"})
        with reader.connect() as connection:
            seen.append(connection.execute(text("SELECT count(*) FROM ledger_entries")).scalar_one())
        reader.dispose()
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_SWAPPED", 0)
    monkeypatch.setattr(Swap, "finish", interrupted)
    with Ledger(demo) as ledger, pytest.raises(KeyboardInterrupt):
        ledger.refresh(force=True)
    assert seen == [len(before["ledger_entries"])]
    assert rows(demo) == before
    assert _schema(demo) == schema  # no fresh table left behind


def test_a_partial_refresh_after_a_swapped_rebuild_rebuilds_as_a_full_rebuild_does(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "_SWAPPED", 0)
    with Ledger(demo) as ledger:
        ledger.refresh(force=True)
        ids = [row[0] for row in ledger.store.engine.connect().execute(text("SELECT id FROM ledger_entries ORDER BY id"))]
        CORRECTIONS["actor"](ledger, ids)
        assert ledger.refresh().rebuilt  # partial: a correction's groups
    with copy_of(demo) as full:
        with Ledger(full) as ledger:
            ledger.refresh(force=True)
        assert rows(demo) == rows(full)


def _spy(method, calls: list):  # noqa: ANN001, ANN202 - the method wrapped, noting each call
    def spied(self: Swap) -> None:
        calls.append(self)
        method(self)

    return spied

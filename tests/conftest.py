"""Shared fixtures: real SQLite files and, when TAIZHANG_TEST_PG names one, a real PostgreSQL server.

``make test`` starts a throwaway PostgreSQL server (scripts/with-postgres.sh); CI must have it, so
under CI a missing server is an error rather than a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_URL = os.environ.get("TAIZHANG_TEST_PG")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not PG_URL:
        raise pytest.UsageError("CI must run the PostgreSQL half of the suite: run it via `make test`")


BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="no PostgreSQL (run via make test)")),
]


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty database of each backend: a new SQLite file, or a new PostgreSQL database."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """A new empty database: a SQLite file in ``folder``, or a PostgreSQL database dropped after."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'taizhang.db'}"
        return
    with pg_database() as url:
        yield url


@contextmanager
def pg_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on the test server (a copy of ``template``'s when named), dropped after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    try:
        yield PG_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()

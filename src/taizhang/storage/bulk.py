"""Rows into a table in bulk, at the speed of the database driver.

SQLAlchemy's ``insert(table), rows`` works every row's parameters out anew (for a million ledger
rows, more time than the database took to store them). Here each column's value is converted
once by SQLAlchemy's own bind processor for it (JSON, dates: stored exactly as SQLAlchemy stores
them), and the rows go to the driver in one ``executemany``, or, on PostgreSQL, one ``COPY``.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.engine import Connection


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` within the connection's transaction."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, names, rows)
        return
    values = []  # column by column: each column's values converted in one pass
    for name in columns:
        column = list(map(itemgetter(name), rows))
        process = table.c[name].type._cached_bind_processor(connection.dialect)
        values.append(list(map(process, column)) if process is not None else column)
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(zip(*values)))


def _copy(connection: Connection, table: Table, columns: list[str], names: str, rows: Sequence[dict[str, Any]]) -> None:
    from psycopg.types.json import Json

    json = [isinstance(table.c[name].type, JSON) for name in columns]
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([Json(row[name]) if is_json else row[name] for name, is_json in zip(columns, json, strict=True)])

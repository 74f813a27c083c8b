"""Rows into a table in bulk, at the speed of the database driver.

SQLAlchemy's ``insert(table), rows`` works every row's parameters out anew (for a million ledger
rows, more time than the database took to store them). Here only the columns whose type converts
its values (JSON, dates, floats on SQLite) are converted, each by SQLAlchemy's own bind processor
for it (stored exactly as SQLAlchemy stores them) in one pass over the column, and the rows go to
the driver in one ``executemany``, or, on PostgreSQL, one ``COPY``; a table whose columns need no
conversion (floats, flags and JSON given as text, on SQLite) goes to the driver as it is given.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, Table
from sqlalchemy.engine import Connection

_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# JSONEncoder.encode makes a C encoder anew for every value, half the cost of a small one (a ledger
# build writes millions): one made once, with the same options (no check for circular values,
# which the store's never are), or none on a Python without the C accelerator.
_C_ENCODE = None if c_make_encoder is None else c_make_encoder(None, _JSON.default, encode_basestring, None, ":", ",", False, False, True)  # fmt: skip


def json_text(value: Any) -> str:
    """What json.dumps(value, ensure_ascii=False, separators=(",", ":")) writes: the store's JSON,
    in every column. (A plain function: psycopg keys its JSON dumpers by the function's code.)"""
    return _JSON.encode(value) if _C_ENCODE is None else "".join(_C_ENCODE(value, 0))


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` within the connection's transaction."""
    if not rows:
        return
    columns = list(rows[0])
    values = map(itemgetter(*columns), rows) if len(columns) > 1 else ((row[columns[0]],) for row in rows)
    insert_tuples(connection, table, columns, list(values))


def insert_tuples(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple], *, encoded: Collection[str] = ()
) -> None:
    """Insert ``rows`` (tuples of the values of ``columns``, in that order) into ``table``: the
    cheaper form for a caller that makes millions of rows (no dict per row). ``encoded`` names JSON
    columns whose values are given as their text already (made by :func:`json_text`), so that a
    caller can encode a value that repeats once."""
    if not rows:
        return
    names = ", ".join(f'"{name}"' for name in columns)
    if connection.dialect.name == "postgresql":
        _copy(connection, table, columns, names, rows, encoded)
        return
    processors = [None if name in encoded else _processor(connection, table.c[name].type) for name in columns]
    if any(processors):  # transposed in C, the few converted columns converted, transposed back
        by_column = list(zip(*rows, strict=True))
        for i, process in enumerate(processors):
            if process is not None:
                by_column[i] = _converted(process, by_column[i], isinstance(table.c[columns[i]].type, (Date, DateTime)))
        rows = list(zip(*by_column, strict=True))
    marks = ", ".join("?" * len(columns))
    connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', rows)


def _processor(connection: Connection, column_type: Any) -> Any:
    """What converts a column's values for SQLite, if anything must: none for a float or a flag,
    which SQLAlchemy would pass through ``float`` and ``int`` (a FLOAT column's REAL affinity
    stores an integer as a real all the same, and a bool is bound as the integer it is)."""
    if isinstance(column_type, (Float, Boolean)):
        return None
    return column_type._cached_bind_processor(connection.dialect)


def _converted(process: Any, values: Sequence[Any], repeats: bool) -> list[Any]:
    """``values`` through ``process``; a column of dates (the day and time of one build) repeats a
    few values, each converted once."""
    if not repeats:
        return list(map(process, values))
    done: dict[Any, Any] = {}
    return [done[v] if v in done else done.setdefault(v, process(v)) for v in values]


def _copy(
    connection: Connection, table: Table, columns: Sequence[str], names: str, rows: Sequence[tuple], encoded: Collection[str]
) -> None:
    from psycopg.types.json import Json

    json_columns = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, JSON) and name not in encoded]
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        if not json_columns:
            for row in rows:
                copy.write_row(row)
            return
        for row in rows:
            values = list(row)
            for i in json_columns:
                values[i] = Json(values[i])
            copy.write_row(values)

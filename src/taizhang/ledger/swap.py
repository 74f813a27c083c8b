"""A whole rebuild on PostgreSQL written into fresh tables and swapped in at its end.

Rows copied into a table with its indexes, unique keys and foreign keys in place cost the server
an index insert per index and a foreign-key check per row; into a bare table they cost neither,
and each index is then built once, by a sort. Dropping the live tables' indexes instead would
lock the dashboard's readers out of the ledger for the whole build; here they read the last
build until the swap, which takes the tables' locks only for the drops and renames at the end.
All of it is one transaction: a build interrupted at any point leaves the last ledger as it was,
with no fresh table behind.

The fresh tables are made ``LIKE`` the live ones, and given the live ones' constraints and
indexes as the server states them (``pg_get_constraintdef``, ``pg_get_indexdef``), under the
same names once swapped: the schema after a swap is the schema the migrations made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sqlalchemy import MetaData, Table
from sqlalchemy.engine import Connection

_SUFFIX = "__build"
_INDEX = re.compile(r"^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)( .*)$", re.DOTALL)


@dataclass(slots=True)
class _Definitions:
    """A live table's constraints (name, kind, definition), its other indexes (name, definition),
    its owner and the privileges granted on it (grantee, privilege, grantable)."""

    constraints: list[tuple[str, str, str]]
    indexes: list[tuple[str, str]]
    owner: str
    grants: list[tuple[str, str, str]]


class Swap:
    """Fresh copies of ``tables`` (parents before the tables that point at them) to write a
    rebuild into, on ``connection`` within its transaction: :meth:`table` names the copy to write
    a table's rows into; :meth:`finish` gives the copies the live tables' constraints and indexes
    and puts them in the live tables' place."""

    def __init__(self, connection: Connection, tables: list[Table]) -> None:
        self.connection = connection
        self.tables = tables
        self.definitions = {table.name: _definitions(connection, table.name) for table in tables}
        for table in tables:
            fresh = f'"{table.name}{_SUFFIX}"'
            connection.exec_driver_sql(f'CREATE TABLE {fresh} (LIKE "{table.name}" INCLUDING DEFAULTS)')
            # Whoever may read or write the live table may the fresh one (a dashboard's own role).
            definitions = self.definitions[table.name]
            connection.exec_driver_sql(f'ALTER TABLE {fresh} OWNER TO "{definitions.owner}"')
            for grantee, privilege, grantable in definitions.grants:
                to = "PUBLIC" if grantee == "PUBLIC" else f'"{grantee}"'
                option = " WITH GRANT OPTION" if grantable == "YES" else ""
                connection.exec_driver_sql(f"GRANT {privilege} ON {fresh} TO {to}{option}")

    @staticmethod
    def possible(connection: Connection, tables: list[Table]) -> bool:
        """Whether the tables can be swapped: on PostgreSQL, when no other table's foreign key
        points at them (it would point at the table dropped)."""
        if connection.dialect.name != "postgresql":
            return False
        names = [table.name for table in tables]
        outside = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
            " AND confrelid = ANY(%(names)s::regclass[]) AND NOT conrelid = ANY(%(names)s::regclass[])",
            {"names": names},
        ).scalar_one()  # fmt: skip
        return outside == 0

    def table(self, table: Table) -> Table:
        """The fresh copy of ``table``, to write rows into."""
        return _copy_of(table)

    def finish(self) -> None:
        run = self.connection.exec_driver_sql
        names = [table.name for table in self.tables]
        # Built on the fresh tables under passing names (a constraint's and an index's name is the
        # schema's alone): unique keys and indexes first, then the foreign keys they serve.
        for name in names:
            for constraint, kind, definition in sorted(self.definitions[name].constraints, key=lambda c: c[1] == "f"):
                for parent in names:
                    definition = definition.replace(f"REFERENCES {parent}(", f'REFERENCES "{parent}{_SUFFIX}"(')
                run(f'ALTER TABLE "{name}{_SUFFIX}" ADD CONSTRAINT "{constraint}{_SUFFIX}" {definition}')
            for index, definition in self.definitions[name].indexes:
                run(_renamed_index(definition, index, name))
        for name in reversed(names):  # the tables pointing at others first
            run(f'DROP TABLE "{name}"')
        for name in names:
            run(f'ALTER TABLE "{name}{_SUFFIX}" RENAME TO "{name}"')
            for constraint, _, _ in self.definitions[name].constraints:
                run(f'ALTER TABLE "{name}" RENAME CONSTRAINT "{constraint}{_SUFFIX}" TO "{constraint}"')
            for index, _ in self.definitions[name].indexes:
                run(f'ALTER INDEX "{index}{_SUFFIX}" RENAME TO "{index}"')


def _definitions(connection: Connection, name: str) -> _Definitions:
    run = connection.exec_driver_sql
    constraints = run(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %(t)s::regclass"
        " ORDER BY conname", {"t": name},
    ).all()  # fmt: skip
    indexes = run(
        "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = %(t)s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
        " ORDER BY c.relname", {"t": name},
    ).all()  # fmt: skip
    owner = run("SELECT tableowner FROM pg_tables WHERE tablename = %(t)s AND schemaname = current_schema()", {"t": name}).scalar_one()  # fmt: skip
    grants = run(
        "SELECT grantee, privilege_type, is_grantable FROM information_schema.table_privileges"
        " WHERE table_name = %(t)s AND table_schema = current_schema() AND grantee <> %(owner)s ORDER BY 1, 2",
        {"t": name, "owner": owner},
    ).all()  # fmt: skip
    return _Definitions([tuple(row) for row in constraints], [tuple(row) for row in indexes], owner, [tuple(row) for row in grants])


def _renamed_index(definition: str, index: str, table: str) -> str:
    """``CREATE INDEX name ON schema.table ...`` made to create ``name__build`` on the fresh table."""
    found = _INDEX.match(definition)
    if found is None or found[2].strip('"') != index or found[4].rsplit(".", 1)[-1].strip('"') != table:
        raise ValueError(f"unexpected index definition: {definition}")
    schema = f"{found[4].rsplit('.', 1)[0]}." if "." in found[4] else ""
    return f'{found[1]}"{index}{_SUFFIX}"{found[3]}{schema}"{table}{_SUFFIX}"{found[5]}'


@cache
def _copy_of(table: Table) -> Table:
    """``table``'s columns under the fresh table's name (what the bulk writer reads: the name and
    the columns' types)."""
    return table.to_metadata(MetaData(), name=f"{table.name}{_SUFFIX}")

"""What every stage of the ledger stands on: the store, the day and rules it judges by, and sessions.

The stages (``build``, ``query``, ``outcomes``, ``trail``, ``edits``) are mixins over this class and
call one another through ``self``; ``book.Ledger`` composes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from taizhang.errors import StoreError
from taizhang.ledger.errors import ENTRY_GONE, NO_ENTRY, LedgerError
from taizhang.ledger.status import Rules
from taizhang.ledger.tables import LedgerStateRow
from taizhang.storage import Store


class LedgerBase:
    """A database and the day and rules its statuses are judged by."""

    def __init__(self, db: str | Store | None = None, *, as_of: date | None = None, rules: Rules = Rules()) -> None:
        self._owned = not isinstance(db, Store)
        self.store = Store(db) if self._owned else db
        self.as_of = as_of or date.today()
        self.rules = rules
        # Judging another day or by other rules: done in memory, so the stored statuses and their
        # history stay today's by the default rules (a what-if is not a status change). Decided
        # once: a ledger opened for today stays today's ledger when midnight passes while it is open.
        self.what_if = self.as_of != date.today() or rules != Rules()
        self._files: dict[str, str] = {}  # a source's SHA-256 → the file it is a version of

    def close(self) -> None:
        if self._owned:
            self.store.close()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._worded():
            with Session(self.store.engine) as session:
                yield session

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A session that only reads, outside a transaction: on PostgreSQL each statement is one
        round trip, without a BEGIN before and a ROLLBACK after (SQLite's driver begins none for
        reads). Each statement sees what was committed when it ran, as under READ COMMITTED."""
        with self._worded():
            with Session(self.store.reader) as session:
                yield session

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A plain connection that only reads, for the few statements read on every web request (no
        ORM session, no transaction: see ``_reading``)."""
        with self._worded():
            with self.store.reader.connect() as connection:
                yield connection

    @contextmanager
    def _worded(self) -> Iterator[None]:
        """A database's failure as a StoreError naming the database."""
        try:
            yield
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise StoreError(f"cannot use database {self.store.display}: {reason}") from None

    @staticmethod
    def _no_entry(session: Session, entry_id: int) -> LedgerError:
        """The error for an entry id not in the ledger: one given before (ids are never given
        twice) is an entry that went away, not a typo."""
        state = session.get(LedgerStateRow, 1)
        given = 0 < entry_id <= (state.last_entry_id if state is not None else 0)
        return LedgerError((ENTRY_GONE if given else NO_ENTRY).format(ref=entry_id))

"""The ledger (台账): pledges from every source merged into commitments, with places, statuses,
outcomes, corrections and coverage of headline indicators.

    import taizhang

    with taizhang.open("taizhang.db") as ledger:
        frame = ledger.ledger(actor="崂山区", year=2026)   # a pandas DataFrame, one row per entry

Only this package (and ``taizhang.storage``) touches SQLAlchemy; merging (``merge``), statuses
(``status``), corrections (``corrections``), places (``places``), metrics (``metrics``) and
coverage (``coverage``) are pure functions over plain records.
"""

from __future__ import annotations

from datetime import date

from taizhang.ledger.book import Built, Filters, Imported, Ledger, Outcome
from taizhang.ledger.errors import LedgerError
from taizhang.ledger.status import Rules

__all__ = ["Built", "Filters", "Imported", "Ledger", "LedgerError", "Outcome", "Rules", "open"]


def open(db: str | None = None, *, as_of: date | None = None, rules: Rules = Rules()) -> Ledger:  # noqa: A001 - taizhang.open(db) is the notebook API
    """The ledger of database ``db`` (a SQLAlchemy URL or SQLite path; default $TAIZHANG_DB or ./taizhang.db)."""
    return Ledger(db, as_of=as_of, rules=rules)

"""The ledger over a database: entries built from stored pledges, outcomes, corrections, statuses.

``Ledger(db)`` opens (and migrates) the database. Entries and mentions are derived data: they are
rebuilt from the latest version of every source's pledges, every correction and every outcome
whenever one of those, or the day, changed (``refresh``). What people add (outcomes, corrections,
status changes) is kept and never rebuilt.

Stored statuses, and the status changes kept as history, are judged as of today by the default
rules. A ledger opened for another day or other rules (a what-if) judges in memory as it reads and
writes nothing of its own.
"""

from __future__ import annotations

from taizhang.ledger.browse import BrowseStage, Page
from taizhang.ledger.build import BuildStage, Built
from taizhang.ledger.edits import EditStage, Imported
from taizhang.ledger.outcomes import OUTCOME_COLUMNS, Outcome, OutcomeStage, outcome_problems
from taizhang.ledger.query import Filters
from taizhang.ledger.trail import TrailStage

# The stages' public names, importable from here as before the split.
__all__ = ["OUTCOME_COLUMNS", "Built", "Filters", "Imported", "Ledger", "Outcome", "Page", "outcome_problems"]


class Ledger(BuildStage, BrowseStage, OutcomeStage, TrailStage, EditStage):
    """The ledger of one database. ``taizhang.open(db)`` returns one; use it as a context manager.

    Composed by stage: building (``build``), reading (``query``, and ``browse`` for the dashboard), outcomes (``outcomes``),
    corrections (``trail``) and edited exports (``edits``), over the store and sessions of ``base``.
    """

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

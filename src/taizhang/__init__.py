"""taizhang (台账): Chinese official texts → a source-linked ledger of quantified commitments."""

from typing import Any

from taizhang.document import Document, Pledge, Span
from taizhang.errors import SourceError, StoreError, TaizhangError

__version__ = "0.1.0"

__all__ = ["Document", "Pledge", "SourceError", "Span", "StoreError", "TaizhangError", "__version__", "open"]


def __getattr__(name: str) -> Any:
    # taizhang.open(db).ledger() is the notebook API; the ledger (SQLAlchemy, pandas) is loaded when it
    # is first asked for, not by every import of taizhang: a worker process, a command that does not
    # read the ledger.
    if name == "open":
        from taizhang.ledger import open  # noqa: A004

        globals()["open"] = open
        return open
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""taizhang (台账): Chinese official texts → a source-linked ledger of quantified commitments."""

from taizhang.document import Document, Pledge, Span
from taizhang.errors import SourceError, StoreError, TaizhangError
from taizhang.ledger import open  # noqa: A004 - taizhang.open(db).ledger() is the notebook API

__version__ = "0.1.0"

__all__ = ["Document", "Pledge", "SourceError", "Span", "StoreError", "TaizhangError", "__version__", "open"]

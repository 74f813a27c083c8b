"""The pipeline's stages in order, from a decoded document to its pledges.

``analyse`` is the one entry point the CLI, ingest and (later) the cluster runner share, so the
same document always gives the same pledges wherever it is processed. ``EXTRACTOR`` names the
version of the code and rules that made them: stored pledges made by another version are redone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from taizhang import __version__
from taizhang.document import Document
from taizhang.extract import Extraction, extract

_EXTRACT_PACKAGE = Path(__file__).parent / "extract"


def _extractor_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(_EXTRACT_PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml"):
            digest.update(path.relative_to(_EXTRACT_PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"


EXTRACTOR = _extractor_version()


def analyse(document: Document, year: int | None = None) -> Extraction:
    """Pledges of one document, offsets into its original text."""
    return extract(document.text, document.name, year, title=document.title, date=document.date)

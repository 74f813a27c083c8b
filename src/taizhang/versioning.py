"""Versions of derived data: a digest of the code and rule files that made it.

Stored pledges and ledger entries are derived; when the code or the language data behind them
changes, the digest changes and they are made again, with no version number to forget to bump.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SUFFIXES = (".py", ".yaml", ".tsv")


def code_digest(*packages: Path) -> str:
    """SHA-256 over the names and bytes of every code and data file under ``packages``."""
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted(package.rglob("*")):
            if path.suffix in SUFFIXES:
                digest.update(path.relative_to(package.parent).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()

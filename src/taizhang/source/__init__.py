"""Sources: find input files, read their bytes, and turn them into text with metadata.

``discover`` expands paths into files; ``load`` reads one file into a :class:`LoadedSource`
(original bytes, SHA-256, decoded text, encoding, title, date). Both report a user's bad input as
:class:`~taizhang.errors.SourceError` values instead of raising through a batch.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from taizhang import errors
from taizhang.document import Document
from taizhang.errors import SourceError
from taizhang.source.formats import READERS

SUPPORTED_SUFFIXES = tuple(READERS)
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class LoadedSource:
    path: Path
    data: bytes
    sha256: str
    format: str
    text: str
    encoding: str | None
    title: str | None
    date: str | None

    @property
    def name(self) -> str:
        return self.path.name

    def document(self) -> Document:
        return Document(
            text=self.text, name=self.name, title=self.title, date=self.date,
            encoding=self.encoding, format=self.format,
        )  # fmt: skip


def discover(paths: list[Path]) -> tuple[list[Path], list[SourceError]]:
    """Expand files and folders (recursively) into the files to read, in a stable order."""
    found: list[Path] = []
    problems: list[SourceError] = []
    supported = ", ".join(SUPPORTED_SUFFIXES)
    for path in paths:
        if path.is_dir():
            files = sorted(
                child for child in path.rglob("*")
                if child.suffix.lower() in READERS and child.is_file()
                and not any(part.startswith(".") for part in child.relative_to(path).parts)
            )  # fmt: skip
            if not files:
                problems.append(SourceError(str(path), errors.EMPTY_DIRECTORY.format(supported=supported)))
            found.extend(files)
        elif path.is_file():
            if path.suffix.lower() not in READERS:
                problems.append(
                    SourceError(str(path), errors.UNSUPPORTED.format(suffix=path.suffix, supported=supported))
                )
            else:
                found.append(path)
        else:
            problems.append(SourceError(str(path), errors.NOT_FOUND))
    return found, problems


def max_bytes_from_env() -> int:
    value = os.environ.get("TAIZHANG_MAX_BYTES")
    return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES


def load(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedSource:
    """Read and decode one file; raise :class:`SourceError` for anything wrong with it."""
    where = str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise SourceError(where, errors.UNSUPPORTED.format(suffix=path.suffix, supported=supported))
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(where, errors.TOO_LARGE.format(size=size, limit=max_bytes))
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(where, errors.VANISHED) from None
    except OSError as error:
        raise SourceError(where, errors.UNREADABLE.format(error=error.strerror or error)) from None
    if not data:
        raise SourceError(where, errors.EMPTY)
    extracted = reader(data, where)
    return LoadedSource(
        path=path, data=data, sha256=hashlib.sha256(data).hexdigest(), format=path.suffix.lower().lstrip("."),
        text=extracted.text, encoding=extracted.encoding, title=extracted.title, date=extracted.date,
    )  # fmt: skip

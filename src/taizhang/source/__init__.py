"""Sources: find input files, read their bytes, and turn them into text with metadata.

``discover`` expands paths into files; ``load`` reads one file into a :class:`LoadedSource`
(original bytes, SHA-256, decoded text, encoding, title, date). Both report a user's bad input as
:class:`~taizhang.errors.SourceError` values instead of raising through a batch.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from functools import lru_cache
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
    stated = manifest_entry(path)
    return LoadedSource(
        path=path, data=data, sha256=hashlib.sha256(data).hexdigest(), format=path.suffix.lower().lstrip("."),
        text=extracted.text, encoding=extracted.encoding, title=stated.get("title") or extracted.title,
        date=stated.get("date") or extracted.date,
    )  # fmt: skip


MANIFEST = "SOURCES.tsv"
_ISO_DATE = re.compile(r"(19|20)\d\d(-[01]\d-[0-3]\d)?")


def manifest_entry(path: Path) -> dict[str, str]:
    """What a ``SOURCES.tsv`` beside the file states about it (``date``, ``title``), if anything.

    A collection often knows its documents' dates better than their text does (a scraped news
    piece has no date line). The manifest is tab-separated with a header naming ``file`` and any
    of ``date`` (YYYY or YYYY-MM-DD) and ``title``; it is optional, so one that cannot be read
    adds nothing rather than failing the files beside it.
    """
    manifest = path.parent / MANIFEST
    try:
        mtime = manifest.stat().st_mtime_ns
    except OSError:
        return {}
    row = _read_manifest(manifest, mtime).get(path.name, {})
    date = (row.get("date") or "").strip()
    return {
        "date": date if _ISO_DATE.fullmatch(date) else "",
        "title": (row.get("title") or "").strip(),
    }


@lru_cache(maxsize=64)
def _read_manifest(manifest: Path, _mtime: int) -> dict[str, dict[str, str]]:
    try:
        with manifest.open(encoding="utf-8-sig", newline="") as handle:
            return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row.get("file")}
    except (OSError, UnicodeDecodeError, csv.Error, KeyError):
        return {}

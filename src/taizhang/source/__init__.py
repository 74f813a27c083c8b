"""Sources: find input files, read their bytes, and turn them into text with metadata.

``discover`` expands paths into files; ``load`` reads one file into a :class:`LoadedSource`
(original bytes, SHA-256, decoded text, encoding, title, date). Both report a user's bad input as
:class:`~taizhang.errors.SourceError` values instead of raising through a batch. ``load`` is
``parse(read(path))``: ``read`` touches the file system (bytes, hash, the manifest beside the file)
and ``parse`` only the bytes, so that parsing can run on another machine.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from pathlib import Path

from taizhang import errors
from taizhang.document import Document
from taizhang.errors import SourceError
from taizhang.source.decode import decode
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
    warnings: list[str] = field(default_factory=list)  # what is odd but not fatal (a bad manifest row)

    @property
    def name(self) -> str:
        return path_text(self.path.name)

    def document(self) -> Document:
        return Document(
            text=self.text, name=self.name, title=self.title, date=self.date,
            encoding=self.encoding, format=self.format,
        )  # fmt: skip


def path_text(path: Path | str) -> str:
    """A file name or path as text that can be stored: bytes that were not UTF-8 (a GBK name on a
    UTF-8 system) become ``\\xNN`` instead of the lone surrogates a database refuses."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(paths: list[Path | str]) -> tuple[list[Path], list[SourceError]]:
    """Expand files and folders (recursively) into the files to read, in a stable order.

    A path given as text may be empty (``taizhang ingest "$DIR"`` with DIR unset): that is an error,
    not the current folder, which ``Path("")`` would silently mean.
    """
    found: list[Path] = []
    problems: list[SourceError] = []
    supported = ", ".join(SUPPORTED_SUFFIXES)
    for given in paths:
        if isinstance(given, str) and not given.strip():
            problems.append(SourceError(repr(given), errors.EMPTY_PATH))
            continue
        path = Path(given)
        if path.is_dir():
            files, unreadable = _walk(path)
            problems.extend(unreadable)
            if not files and not unreadable:
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
            reason = errors.NOT_REGULAR if path.exists() else errors.NOT_FOUND
            problems.append(SourceError(str(path), reason))
    return found, problems


def _walk(folder: Path) -> tuple[list[Path], list[SourceError]]:
    """The supported files under ``folder`` (hidden files and folders left out, symbolic links to
    folders not followed), sorted, and every folder that could not be listed: ``Path.rglob`` skips
    those without a word, and a user would never learn that part of a corpus was not ingested."""
    files: list[Path] = []
    unreadable: list[SourceError] = []

    def failed(error: OSError) -> None:
        unreadable.append(SourceError(error.filename, errors.FOLDER_UNREADABLE.format(error=error.strerror or error)))

    for top, folders, names in os.walk(folder, onerror=failed):
        folders[:] = [name for name in folders if not name.startswith(".")]
        files.extend(
            child for name in names
            if not name.startswith(".") and (child := Path(top, name)).suffix.lower() in READERS and child.is_file()
        )  # fmt: skip
    return sorted(files), sorted(unreadable, key=lambda problem: problem.path)


def max_bytes_from_env() -> int:
    value = os.environ.get("TAIZHANG_MAX_BYTES")
    return int(value) if value and value.isdigit() else DEFAULT_MAX_BYTES


def load_discovered(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedSource:
    """:func:`load` for a file :func:`discover` found: if it is gone now, it vanished mid-batch."""
    return parse(read_discovered(path, max_bytes))


def read_discovered(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """:func:`read` for a file :func:`discover` found: if it is gone now, it vanished mid-batch."""
    try:
        return read(path, max_bytes)
    except SourceError as error:
        if error.reason == errors.NOT_FOUND:
            raise SourceError(error.path, errors.VANISHED) from None
        raise


@dataclass(slots=True)
class RawFile:
    """A file's bytes as read, with what the file system and its folder's manifest say of it."""

    path: Path
    data: bytes
    sha256: str
    mtime_ns: int
    stated: Stated

    @property
    def size(self) -> int:
        return len(self.data)


def load(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedSource:
    """Read and decode one file; raise :class:`SourceError` for anything wrong with it."""
    return parse(read(path, max_bytes))


def read(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """Read one file's bytes; raise :class:`SourceError` when it cannot be read or is empty."""
    where = str(path)
    if path.is_dir():
        raise SourceError(where, errors.IS_FOLDER)
    if path.exists() and not path.is_file():  # a pipe or device never ends: its size says nothing
        raise SourceError(where, errors.NOT_REGULAR)
    if path.suffix.lower() not in READERS:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise SourceError(where, errors.UNSUPPORTED.format(suffix=path.suffix, supported=supported))
    try:
        status = path.stat()
        if status.st_size > max_bytes:
            raise SourceError(where, errors.TOO_LARGE.format(size=status.st_size, limit=max_bytes))
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(where, errors.NOT_FOUND) from None
    except OSError as error:
        raise SourceError(where, errors.UNREADABLE.format(error=error.strerror or error)) from None
    if not data:
        raise SourceError(where, errors.EMPTY)
    return RawFile(path, data, hashlib.sha256(data).hexdigest(), status.st_mtime_ns, manifest_entry(path))


def parse(raw: RawFile) -> LoadedSource:
    """Decode a file's bytes into text, title and date; raise :class:`SourceError` when it cannot be."""
    extracted = READERS[raw.path.suffix.lower()](raw.data, str(raw.path))
    stated = raw.stated
    return LoadedSource(
        path=raw.path, data=raw.data, sha256=raw.sha256, format=raw.path.suffix.lower().lstrip("."),
        text=extracted.text, encoding=extracted.encoding, title=stated.title or extracted.title,
        date=stated.date or extracted.date, warnings=list(stated.warnings),
    )  # fmt: skip


MANIFEST = "SOURCES.tsv"
_YEAR = re.compile(r"(19|20)\d\d")


@dataclass(frozen=True, slots=True)
class Stated:
    """What a manifest states about one file, and what was wrong with it."""

    date: str | None = None
    title: str | None = None
    warnings: list[str] = field(default_factory=list)


def manifest_entry(path: Path) -> Stated:
    """What a ``SOURCES.tsv`` beside the file states about it (``date``, ``title``), if anything.

    A collection often knows its documents' dates better than their text does (a scraped news
    piece has no date line). The manifest is tab-separated with a header naming ``file`` and any
    of ``date`` (YYYY or YYYY-MM-DD) and ``title``, in any encoding a text source may have (Excel
    saves GBK). It is optional, so a problem with it is a warning on the files it describes, never
    a failure: the file's own date and title are used instead.
    """
    manifest = path.parent / MANIFEST
    try:
        mtime = manifest.stat().st_mtime_ns
    except OSError:
        return Stated()
    rows, problem = _read_manifest(manifest, mtime)
    if problem:
        return Stated(warnings=[errors.MANIFEST_UNREADABLE.format(manifest=manifest, reason=problem)])
    row = rows.get(path.name, {})
    stated_date = (row.get("date") or "").strip()
    warnings = []
    if stated_date and not _is_date(stated_date):
        warnings.append(errors.MANIFEST_BAD_DATE.format(manifest=manifest, date=stated_date))
        stated_date = ""
    return Stated(date=stated_date or None, title=(row.get("title") or "").strip() or None, warnings=warnings)


def _is_date(text: str) -> bool:
    if _YEAR.fullmatch(text):
        return True
    try:
        return len(text) == 10 and 1900 <= Date.fromisoformat(text).year <= 2100
    except ValueError:
        return False


@lru_cache(maxsize=64)
def _read_manifest(manifest: Path, _mtime: int) -> tuple[dict[str, dict[str, str]], str | None]:
    """The manifest's rows by file name, or the reason it cannot be read (cached per version)."""
    try:
        text, _ = decode(manifest.read_bytes(), str(manifest))
        reader = csv.DictReader(io.StringIO(text), delimiter="\t")
        if "file" not in (reader.fieldnames or []):
            return {}, "no 'file' column in its header"
        return {row["file"]: row for row in reader if row.get("file")}, None
    except SourceError as error:
        return {}, error.reason
    except (OSError, csv.Error) as error:
        return {}, str(error)

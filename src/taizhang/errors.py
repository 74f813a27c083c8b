"""Every exception taizhang raises for a user's input, with the message the user sees.

A ``SourceError`` is about one input file: the batch reports it on one line and goes on.
A ``StoreError`` is about the database: nothing can be stored, so the command stops.
"""

from __future__ import annotations


class TaizhangError(Exception):
    """Base of every error that is the input's or the environment's fault, not a bug."""


class SourceError(TaizhangError):
    """One input file could not be read as a text source."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[type, tuple[str, str]]:  # a worker process or machine sends it back
        return SourceError, (self.path, self.reason)


class StoreError(TaizhangError):
    """The database cannot be opened or written."""


class OutputError(TaizhangError):
    """A file a command was asked to write cannot be written there (it exists, it is the database…)."""


# Reasons a source is refused, worded for the person who gave us the file.
EMPTY = "empty file"
NOT_FOUND = "no such file or directory"
EMPTY_PATH = "an empty path names no file (an unset variable?); give a file or folder, or . for this one"
NOT_REGULAR = "not a regular file or folder (a device, pipe or socket)"
IS_FOLDER = "is a folder; give a file"
VANISHED = "the file disappeared before it could be read"
UNREADABLE = "cannot be read: {error}"
TOO_LARGE = "{size:,} bytes is over the {limit:,}-byte limit (set --max-bytes or TAIZHANG_MAX_BYTES)"
BINARY = "binary file ({kind}), not text"
TRUNCATED_UTF8 = "UTF-8 text cut off in the middle of a character at byte {offset} (truncated file?)"
UNDECODABLE = "cannot decode: not text in a supported encoding (UTF-8, UTF-16, GB18030/GBK, Big5)"
UNSUPPORTED = "unsupported file type {suffix!r} (supported: {supported})"
NO_TEXT = "no text found in the {kind}"
BAD_DOCX = "not a valid .docx file ({error})"
DOCX_TOO_BIG = "unpacks to {size:,} bytes, over the {limit:,} a Word document may hold (a zip bomb?)"
BAD_PDF = "not a readable PDF ({error})"
ENCRYPTED_PDF = "encrypted PDF: the text cannot be read without its password"
IMAGE_PDF = "PDF has no text layer (scanned or image-only; OCR it first)"
INTERNAL = "stopped on an internal error ({error}); nothing of this file is stored (please report it)"
EMPTY_DIRECTORY = "directory holds no readable files ({supported})"
FOLDER_UNREADABLE = "folder cannot be read ({error}): the files in it are left out"
# Problems with a SOURCES.tsv manifest: warnings, since the files themselves are fine.
MANIFEST_UNREADABLE = "{manifest} cannot be read ({reason}); its dates and titles are not used"
MANIFEST_BAD_DATE = "{manifest}: date {date!r} is not YYYY or a real YYYY-MM-DD; the text's own date is used"
# Databases that are not taizhang's, or not this taizhang's: refused, and left as they were.
NOT_OURS = (
    "{db} is not a taizhang database (it holds {tables}): taizhang makes its tables only in a new or "
    "empty database, and changes nothing in this one; give another --db"
)
NEWER_SCHEMA = (
    "{db} was made by taizhang {version}, whose schema revision {revision} this taizhang ({ours}) does not "
    "know, so nothing was read or changed: it is newer; upgrade taizhang to use it"
)
NO_SCHEMA = "{db} holds no taizhang database yet (ingest something first, or give --db)"
HALF_MADE = (
    "{db} holds taizhang tables without a schema revision, and table {table} is not empty: something "
    "other than taizhang made it; nothing was changed (give another --db)"
)
DAMAGED = (
    "{db} is damaged ({problem}); nothing was written to it. Restore a backup (taizhang restore FILE), "
    "or recover what it holds with: sqlite3 DB .recover | sqlite3 NEW.db"
)
# Files a command writes (exports, backups).
OUTPUT_EXISTS = "cannot write {path}: it already exists (give --force to replace it, or another name)"
OUTPUT_LINK = (
    "cannot write {path}: it is a symbolic link, and taizhang does not write through links (remove it, "
    "or give another name)"
)
OUTPUT_IS_DATABASE = "cannot write {path}: it is the database this command reads, and writing there would destroy it"
OUTPUT_NOT_FILE = "cannot write {path}: it is a folder or a device, not a file"
OUTPUT_NO_FOLDER = "cannot write {path}: no folder {folder}"
OUTPUT_FAILED = "cannot write {path}: {reason}"
# Backups.
BACKUP_UNSUPPORTED = "{db}: taizhang backs up SQLite and PostgreSQL databases only"
NO_BACKUP = "{path}: no such file"
NOT_A_BACKUP = "{path} is not {what}, the kind of backup {db} restores from"
NOT_A_BACKUP_FILE = "{path} cannot be restored: {reason}"
RESTORE_OVER_DATA = (
    "{db} holds {sources} source(s): restoring replaces everything in it; give --force to do so "
    "(back it up first: taizhang backup FILE)"
)
NO_PG_TOOL = (
    "{tool} is not installed: PostgreSQL databases are backed up with PostgreSQL's own tools "
    "(Debian: apt-get install postgresql-client)"
)
PG_TOOL_FAILED = "{tool} failed: {reason}"

"""Writing a file a person asked for (an export, a backup) without destroying anything on the way.

The file is written beside its destination under a temporary name, flushed to disk, and renamed
into place in one step, so a crash leaves the old file or the new one, never half of one. An
existing file is replaced only when asked (``force``); a symbolic link is never written through
(a planted link could point anywhere); and the files of the open database are never a
destination, whatever the name they are reached by (hard links, ``./``, ``..``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from taizhang import errors
from taizhang.errors import OutputError


def write_file(path: Path, write: Callable[[Path], None], *, force: bool = False, protected: Iterable[Path] = ()) -> None:
    """Make ``path`` the file that ``write`` writes to the path it is given, or raise :class:`OutputError`."""
    if path.is_symlink():
        raise OutputError(errors.OUTPUT_LINK.format(path=path))
    if any(_same(path, other) for other in protected):
        raise OutputError(errors.OUTPUT_IS_DATABASE.format(path=path))
    if path.exists():
        if not path.is_file():
            raise OutputError(errors.OUTPUT_NOT_FILE.format(path=path))
        if not force:
            raise OutputError(errors.OUTPUT_EXISTS.format(path=path))
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(errors.OUTPUT_NO_FOLDER.format(path=path, folder=folder))
    temporary = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        # O_EXCL and O_NOFOLLOW: the temporary name is new, and nothing planted can stand in for it.
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))
        write(temporary)
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        if path.is_symlink() or (path.exists() and not force):  # planted while we wrote
            raise OutputError(errors.OUTPUT_EXISTS.format(path=path))
        os.replace(temporary, path)
    except OSError as error:
        raise OutputError(errors.OUTPUT_FAILED.format(path=path, reason=error.strerror or error)) from None
    finally:
        temporary.unlink(missing_ok=True)


def _same(path: Path, other: Path) -> bool:
    """Whether ``path`` is ``other``: the same file however it is named, or, where either does not
    exist now (a database's -wal file comes and goes), the same place."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        return os.path.realpath(path) == os.path.realpath(other)

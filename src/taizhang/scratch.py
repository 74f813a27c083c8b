"""Scratch folders in the temporary folder that a process killed outright (SIGKILL, the OOM killer,
a power cut) leaves behind: the next process that makes one removes those whose makers are gone.

A folder's maker holds an exclusive ``flock`` on it while it lives, and so do the worker processes
it forks (they inherit the lock, and may still be writing there). The kernel lets go of a lock when
the last process holding it ends, however it ends: a folder whose lock can be taken has no maker
left. (A process id would not do: ids are reused, and differ between containers sharing /tmp.)

The prefix must be one no other program uses for its folders, nor an older taizhang (which made
``taizhang-ledger-`` and 8 letters, digits or _, and held no lock: one may still be in use).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_folder(prefix: str) -> Iterator[str]:
    """A new folder ``<temporary folder>/<prefix>…``, removed at the end; first, the folders with
    that prefix whose makers are gone."""
    remove_abandoned(prefix)
    # Made under a hidden name and renamed once locked: between its making and its locking, another
    # process's remove_abandoned would take it for abandoned.
    made = Path(tempfile.mkdtemp(prefix="." + prefix))
    folder = made.with_name(made.name[1:])
    lock = os.open(made, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made.rename(folder)
        yield str(folder)
    finally:
        for path in (made, folder):
            shutil.rmtree(path, ignore_errors=True)
        os.close(lock)


def remove_abandoned(prefix: str) -> None:
    """Remove the folders ``<temporary folder>/<prefix>…`` that no live process holds."""
    for folder in Path(tempfile.gettempdir()).glob(prefix + "*"):
        try:
            lock = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:  # removed meanwhile, not a folder, or another user's
            continue
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a live process's
        else:
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            os.close(lock)

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

import atexit
import fcntl
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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


def multiprocessing_in_scratch() -> None:
    """Have multiprocessing keep what it puts in a temporary folder (the socket of a pool's fork
    server, in a ``pymp-…`` folder of its own until now) in a scratch folder of this process's, held
    until it ends: multiprocessing removes its folder as the process exits, which a process killed
    outright never does (one ``pymp-…`` folder left per ``kill -9`` of ``ingest --workers``), and
    the next process that makes one of these removes a dead one's.

    Done through the process's multiprocessing setting ``tempdir``, which
    ``multiprocessing.util.get_temp_dir`` reads before it makes a folder of its own: undocumented;
    the documented way, ``tempfile.tempdir`` pointed here while multiprocessing makes its folder,
    would send every thread's temporary files here meanwhile, and multiprocessing's removal of its
    folder would run at exit after ours and print a traceback. Nothing is done if multiprocessing
    made its folder already."""
    config = multiprocessing.current_process()._config  # noqa: SLF001 - see above
    if config.get("tempdir") is None:
        held = ExitStack()
        config["tempdir"] = held.enter_context(scratch_folder(MULTIPROCESSING))
        atexit.register(held.close)


# The prefix of multiprocessing's scratch folders (multiprocessing_in_scratch): short, as a Unix
# socket's path is at most 107 bytes.
MULTIPROCESSING = "taizhang-mp-"


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

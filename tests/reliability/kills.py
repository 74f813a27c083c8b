"""Killing work at a chosen point: SIGKILL after the n-th SQL statement, or at a random moment.

``killed_after(n, work)`` forks; the child runs ``work`` and SIGKILLs itself as soon as it has
executed its n-th SQL statement (SQLAlchemy's ``after_cursor_execute``), as a crash or an
impatient ``kill -9`` would stop it: no rollback, no cleanup, locks released by the kernel. The
parent learns whether the child was killed there or finished first. Forking keeps each try to
milliseconds, so every statement of a migration can be a kill point.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine


def killed_after(n: int, work: Callable[[], None]) -> bool:
    """Run ``work`` in a child killed after its ``n``-th SQL statement; True if it was killed, False if it finished."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into the test runner
        try:
            count = 0

            def _count(*_args: object) -> None:
                nonlocal count
                count += 1
                if count >= n:
                    os.kill(os.getpid(), signal.SIGKILL)

            event.listen(Engine, "after_cursor_execute", _count)
            work()
        except BaseException:  # noqa: BLE001 - a child that failed reports it by its exit code
            os._exit(2)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, f"the work failed in the child (exit {os.WEXITSTATUS(status)})"
    return False


def count_statements(work: Callable[[], None]) -> int:
    """How many SQL statements ``work`` runs (it runs here, to the end)."""
    count = 0

    def _count(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(Engine, "after_cursor_execute", _count)
    try:
        work()
    finally:
        event.remove(Engine, "after_cursor_execute", _count)
    return count


def kill_at_random(command: list[str], delay: float, allowed: set[int] = frozenset({0})) -> int | None:
    """Start ``command``, SIGKILL it after ``delay`` seconds; None if it was killed, else its exit code
    (which must be one of ``allowed``)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stderr.close()
        return None
    stderr = process.stderr.read()
    process.stderr.close()
    if process.returncode not in allowed:
        raise AssertionError(f"{command} failed ({process.returncode}) before it was killed: {stderr.decode(errors='replace')}")
    return process.returncode


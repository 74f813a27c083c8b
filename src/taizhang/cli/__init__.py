"""The ``taizhang`` command: a thin Typer skin over the library. Every command exits non-zero on failure.

Commands live in modules by subject, gathered on ``app`` by :mod:`taizhang.cli.commands`. This
package loads them only when a command runs or ``app`` is asked for: a local pool's worker process
imports the program's main module again (multiprocessing does, to unpickle what it is sent), and
for ``taizhang`` that module is a script that imports :func:`main` from here; it needs none of them.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["app", "main"]


def main() -> None:
    try:
        if _pool_wanted(sys.argv[1:]):
            # The pool's fork server loads the pipeline on another core while this process loads the
            # commands, instead of after them (a second or more each).
            from taizhang.runners import start_fork_server

            start_fork_server()
        from taizhang.cli.commands import main as run
    except KeyboardInterrupt:  # Ctrl-C while the program loads: nothing done, no traceback
        sys.exit(130)
    run()


def _pool_wanted(args: list[str]) -> bool:
    """Whether the command line is ``ingest`` with ``--workers`` above 1 and no ``--cluster``: a guess
    from its words before Typer parses them. A wrong one costs little: a fork server started for
    nothing (it ends with this process), or one started late, as the pool is made."""
    if not args or args[0] != "ingest" or any(arg == "--cluster" or arg.startswith("--cluster=") for arg in args):
        return False
    workers = "1"
    for arg, following in zip(args, [*args[1:], ""]):
        if arg in ("--workers", "-w"):
            workers = following
        elif arg.startswith("--workers="):
            workers = arg.removeprefix("--workers=")
        elif arg.startswith("-w"):
            workers = arg.removeprefix("-w")
    return workers.isdigit() and int(workers) > 1


def __getattr__(name: str) -> Any:
    if name == "app":
        from taizhang.cli.commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

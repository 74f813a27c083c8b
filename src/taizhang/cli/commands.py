"""Every command on ``app``: their modules by subject, which register them as they are imported."""

from __future__ import annotations

import sys

from taizhang.cli import extract, repair, sources  # noqa: F401 - importing registers their commands
from taizhang.cli import backup, corrections, ledger, outcomes, web  # noqa: F401
from taizhang.cli.common import app, err, shown
from taizhang.errors import TaizhangError

__all__ = ["app", "main"]


def main() -> None:
    try:
        app()
    except TaizhangError as error:  # a user's problem that slipped past a command: still no traceback
        err.print(f"[red]错误 error:[/red] {shown(error)}", highlight=False)
        sys.exit(1)
    except OSError as error:  # the output could not be written: a full disk, a closed terminal
        err.print(f"[red]错误 error:[/red] cannot write output: {error.strerror or error}", highlight=False)
        sys.exit(1)

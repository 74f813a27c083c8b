"""What every command shares: the Typer app, the consoles, the --db option, clean failures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from taizhang import __version__
from taizhang.errors import StoreError
from taizhang.storage import Store

app = typer.Typer(
    help="台账 taizhang — 把中文官方文本变成可溯源的承诺台账。Turn Chinese official texts into a source-linked ledger of commitments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output is read by people too (| less, > file): give tables room instead of 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", envvar="TAIZHANG_DB", help="数据库 Database: a SQLAlchemy URL or a SQLite file path (default ./taizhang.db)"),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"taizhang {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    pass


def fail(message: str) -> NoReturn:
    """Print one error line and exit 1: how every command reports a user's problem."""
    err.print(f"[red]错误 error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


@contextmanager
def opened_store(db: str | None, *, must_exist: bool = False) -> Iterator[Store]:
    """The database for a command; any database failure becomes one error line and exit 1.

    Commands that only read pass ``must_exist``, so a mistyped path is an error, not an empty result.
    """
    try:
        store = Store(db, must_exist=must_exist)
    except StoreError as error:
        fail(str(error))
    try:
        yield store
    except StoreError as error:
        fail(str(error))
    finally:
        store.close()

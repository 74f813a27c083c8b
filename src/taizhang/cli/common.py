"""What every command shares: the Typer app, the consoles, the --db option, clean failures."""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from typer import _click as click
from typer.core import TyperArgument, TyperCommand
from rich.console import Console
from rich.markup import escape as escape_markup

from taizhang import __version__
from taizhang.errors import OutputError, StoreError
from taizhang.outputs import write_file
from taizhang.storage import Store

class Command(TyperCommand):
    """A command whose help names each value by what it is (FILE, YEAR, PATH...), as click does,
    where Typer prints its Python type beside it (``SOURCE <str>``, ``{SOURCE}`` in the usage)."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                pieces.append(_argument_name(param) if param.required else f"[{_argument_name(param)}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if isinstance(param, TyperArgument):
                sections["Arguments"].append((_argument_name(param), record[1]))
            else:
                sections["Options"].append(record)
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: TyperArgument) -> str:
    return param.metavar or param.name.upper()


class App(typer.Typer):
    """The command group: help as plain text, which wraps to the terminal and pipes into less or a
    file as it reads on screen, and every command a :class:`Command`."""

    def __init__(self, **settings: Any) -> None:
        super().__init__(rich_markup_mode=None, **settings)

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **settings: Any) -> Callable:
        return super().command(*args, cls=cls or Command, **settings)


app = App(
    help="台账 taizhang — 把中文官方文本变成可溯源的承诺台账。Turn Chinese official texts into a source-linked ledger of commitments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output is read by people too (| less, > file): give tables room instead of 80 columns,
# unless COLUMNS says how wide the reader's screen is.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() or os.environ.get("COLUMNS") else 200)
err = Console(stderr=True, soft_wrap=True)


def say(text: str, **options: Any) -> None:
    """Print a line for people on stdout, wrapped to the screen (``out`` leaves long lines whole)."""
    out.print(text, soft_wrap=False, **options)


def within(low: float, high: float, what: str = "a number") -> Callable[[float | None], float | None]:
    """A check that a number typed is from ``low`` to ``high``, as a usage error naming the bounds.
    (Typer's own ``min``/``max`` would print ``[1<=x<=9223372036854775807]`` in every --help.)"""

    def check(value: float | None) -> float | None:
        if value is not None and not low <= value <= high:
            raise typer.BadParameter(f"must be {what} from {low} to {high}, not {value}")
        return value

    return check


def workers_option(help: str) -> Any:
    """``--workers N``, for a command whose work runs in N processes side by side."""
    return typer.Option("--workers", "-w", metavar="N", callback=within(1, 1024, "a number of processes"), help=help)


ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace the output file if it exists (never the database itself)")
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="TAIZHANG_DB", metavar="DB",
        help="数据库 Database: a SQLite file path or a SQLAlchemy URL (default ./taizhang.db)",
    ),
]
PathsArgument = Annotated[
    list[str],
    typer.Argument(metavar="PATH...", help="Files or folders (searched recursively) of .txt .md .html .htm .docx .pdf"),
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


# Characters that move the cursor, recolour or retitle a terminal, or reorder what follows them.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def shown(value: object) -> str:
    """Text from outside (a file name, a quote) as it may be printed: control characters and
    bidirectional overrides escaped (\\x1b, \\n, \\u202e), bytes that were not UTF-8 in a file
    name as \\xNN, and Rich markup taken literally, so that a file named with a terminal escape
    sequence shows its name and cannot drive the terminal."""
    text = str(value)
    if text.isprintable() and "[" not in text:
        return text
    return escape_markup("".join(_escaped(char) for char in text))


def _escaped(char: str) -> str:
    if "\udc80" <= char <= "\udcff":  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{ord(char) - 0xDC00:02x}"
    if char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
        return char.encode("unicode_escape").decode("ascii") if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    return char


def fail(message: str) -> NoReturn:
    """Print one error line and exit 1: how every command reports a user's problem."""
    err.print(f"[red]错误 error:[/red] {shown(message)}", highlight=False)
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


def write_output(path: Path, write: Callable[[Path], None], *, force: bool, protected: list[Path]) -> None:
    """Write a command's output file safely (see ``taizhang.outputs``); a refusal is one error line."""
    try:
        write_file(path, write, force=force, protected=protected)
    except OutputError as error:
        fail(str(error))

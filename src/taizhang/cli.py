"""The ``taizhang`` command: a thin Typer skin over the library. Every command exits non-zero on failure."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from taizhang import __version__
from taizhang.errors import SourceError, StoreError, TaizhangError
from taizhang.ingest import ingest as ingest_paths
from taizhang.source import max_bytes_from_env
from taizhang.storage import Store, Stored

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


def _open(db: str | None) -> Store:
    try:
        return Store(db)
    except StoreError as error:
        _fail(str(error))


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]错误 error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (searched recursively) of .txt .md .html .htm .docx .pdf")],
    db: DbOption = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Refuse files larger than this many bytes (default $TAIZHANG_MAX_BYTES or 64 MiB)")
    ] = None,
) -> None:
    """导入 Ingest files: keep their bytes, decode their text, record encoding, title and date.

    Re-ingesting the same bytes changes nothing; a changed file with a known name becomes a new version.

    Example: taizhang ingest examples/corpus
    """
    store = _open(db)
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    progress = Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True,
    )  # fmt: skip
    task = progress.add_task("导入 ingesting", total=None)

    reported: set[int] = set()

    def on_file(path: Path, result: Stored | SourceError) -> None:
        if isinstance(result, SourceError):
            reported.add(id(result))
            progress.console.print(f"[red]失败 failed[/red] {result}", highlight=False)
        else:
            progress.console.print(f"{_STATUS[result.status]} #{result.source.id} {path}", highlight=False)
        progress.advance(task)

    try:
        with progress:
            report = ingest_paths(store, paths, max_bytes=limit, on_start=lambda n: progress.update(task, total=n), on_file=on_file)
    except StoreError as error:
        _fail(str(error))
    finally:
        store.close()
    for problem in report.failed:
        if id(problem) not in reported:  # paths that were never files: missing, empty folders
            err.print(f"[red]失败 failed[/red] {problem}", highlight=False)
    summary = (
        f"新增 new {report.count('new')} · 新版本 new version {report.count('new version')} · "
        f"未变 unchanged {report.count('unchanged')} · 失败 failed {len(report.failed)}"
    )
    err.print(summary, highlight=False)
    if not report.ok:
        raise typer.Exit(1)


_STATUS = {
    "new": "[green]新增 new[/green]",
    "new version": "[yellow]新版本 new version[/yellow]",
    "unchanged": "[dim]未变 unchanged (already stored)[/dim]",
}


@app.command()
def sources(db: DbOption = None) -> None:
    """列出来源 List stored sources: id, name, encoding, chars, title, date, ingested at.

    Example: taizhang sources --db taizhang.db
    """
    store = _open(db)
    try:
        rows = store.sources()
    except StoreError as error:
        _fail(str(error))
    finally:
        store.close()
    table = Table(title=f"来源 Sources ({len(rows)})")
    for column in ("id", "name", "v", "format", "encoding", "chars", "title", "date", "ingested at"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row.id), row.name, str(row.version), row.format, row.encoding or "", f"{row.chars:,}",
            row.title or "", row.date or "", row.ingested_at.strftime("%Y-%m-%d %H:%M"),
        )  # fmt: skip
    out.print(table)


@app.command()
def show(
    source: Annotated[str, typer.Argument(help="Source id, file name (latest version) or SHA-256 prefix")],
    db: DbOption = None,
    original: Annotated[bool, typer.Option("--original", help="Write the original bytes instead of the decoded text")] = False,
) -> None:
    """显示 Show a stored source's text (or, with --original, its bytes as ingested).

    Example: taizhang show 1
    """
    store = _open(db)
    try:
        info = store.find_source(source)
        if info is None:
            _fail(f"no source {source!r} in {store.display} (see: taizhang sources)")
        if original:
            sys.stdout.buffer.write(store.source_bytes(info.id))
            return
        text = store.source_text(info.id)
    except StoreError as error:
        _fail(str(error))
    finally:
        store.close()
    sys.stdout.write(text)  # exactly the stored text, so character offsets can be checked against it


def main() -> None:
    try:
        app()
    except TaizhangError as error:  # a user's problem that slipped past a command: still no traceback
        err.print(f"[red]错误 error:[/red] {error}", highlight=False)
        sys.exit(1)

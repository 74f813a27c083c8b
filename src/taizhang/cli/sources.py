"""Commands about sources: ingest files, list what is stored, show one."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from taizhang.cli.common import DbOption, PathsArgument, app, err, fail, opened_store, out, shown, within
from taizhang.cluster import ClusterError, DaskRunner
from taizhang.errors import SourceError
from taizhang.ingest import Ingested
from taizhang.ingest import ingest as ingest_paths
from taizhang.reprints import DEFAULT_THRESHOLD, link_reprints
from taizhang.runners import InProcess, LocalPool, Runner
from taizhang.source import max_bytes_from_env
from taizhang.storage import MAX_ID

_STATUS = {
    "new": "[green]新增 new[/green]",
    "new version": "[yellow]新版本 new version[/yellow]",
    "unchanged": "[dim]未变 unchanged (already stored)[/dim]",
}


@app.command()
def ingest(
    paths: PathsArgument,
    db: DbOption = None,
    max_bytes: Annotated[
        int | None,
        typer.Option(
            "--max-bytes", metavar="BYTES", callback=within(1, MAX_ID, "a size"),
            help="Refuse files larger than this (default $TAIZHANG_MAX_BYTES or 64 MiB); not a time limit",
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", metavar="YEAR", callback=within(1900, 2100, "a year"), help="The documents' year (1900–2100), when they do not state it"),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", "-w", metavar="N", callback=within(1, 1024, "a number of processes"),
            help="并行 Processes analysing files side by side on this machine (1: this process)",
        ),
    ] = 1,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster", metavar="ADDRESS",
            help="集群 Analyse on Dask: a scheduler address (tcp://host:8786), or 'local' for a LocalCluster of --workers processes (needs taizhang[cluster])",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only failures, warnings and the summary, not a line per file")] = False,
) -> None:
    """导入 Ingest files: keep their bytes, decode their text, record encoding, title and date, extract pledges.

    Re-ingesting the same bytes changes nothing, and a file whose size and modification time are as
    last ingested is not read again; a changed file with a known name becomes a new version. A run
    that is stopped keeps every batch it wrote: running it again goes on from there.

    Example: taizhang ingest examples/corpus --workers 2
    """
    limit = max_bytes if max_bytes is not None else max_bytes_from_env()
    progress = Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
        TimeRemainingColumn(), console=err, transient=True,
    )  # fmt: skip
    task = progress.add_task("导入 ingesting", total=None, bytes=0)
    reported: set[int] = set()
    lines: list[str] = []  # a batch's lines, printed together: Rich lays one text out faster than many

    def on_file(path: Path, result: Ingested | SourceError) -> None:
        if isinstance(result, SourceError):
            reported.add(id(result))
            lines.append(f"[red]失败 failed[/red] {shown(result)}")
        else:
            if not quiet:
                found = "" if result.pledges is None else f" · 承诺 pledges {result.pledges}"
                found += f" · 成果 outcomes {result.outcomes}" if result.outcomes else ""
                lines.append(f"{_STATUS[result.stored.status]} #{result.stored.source.id} {shown(path)}{found}")
            lines.extend(f"[yellow]警告 warning[/yellow] {shown(path)}: {shown(warning)}" for warning in result.warnings)
            progress.update(task, bytes=progress.tasks[0].fields["bytes"] + result.read)
        progress.advance(task)

    def on_batch() -> None:
        if lines:
            progress.console.print("\n".join(lines), highlight=False)
            lines.clear()

    try:
        with opened_store(db) as store, _runner(workers, cluster) as runner, progress:
            if runner.dashboard:
                progress.console.print(f"Dask 仪表盘 dashboard: {runner.dashboard}", highlight=False)
            report = ingest_paths(
                store, paths, max_bytes=limit, year=year, runner=runner,
                on_start=lambda n, size: progress.update(task, total=n), on_file=on_file, on_batch=on_batch,
            )  # fmt: skip
    except KeyboardInterrupt:  # Ctrl-C: the batch being written is rolled back, the workers stopped
        on_batch()
        done = int(progress.tasks[0].completed)
        err.print(f"中断 interrupted: {done} files done are kept; run the same command again to go on from there", highlight=False)
        raise typer.Exit(130) from None
    for problem in report.failed:
        if id(problem) not in reported:  # paths that were never files: missing, empty folders
            err.print(f"[red]失败 failed[/red] {shown(problem)}", highlight=False)
    files = len(report.done) + len(reported)
    err.print(
        f"新增 new {report.count('new')} · 新版本 new version {report.count('new version')} · "
        f"未变 unchanged {report.count('unchanged')} · 失败 failed {len(report.failed)} · "
        f"提取承诺 pledges extracted {report.pledges} · 成果 outcomes {report.outcomes} · 用时 time {report.seconds:,.1f} s "
        f"({files / max(report.seconds, 1e-9):,.1f} 篇/s docs/s, {report.bytes_read / 1e6:,.1f} MB read) · {runner.where}",
        highlight=False,
    )
    if not report.ok:
        raise typer.Exit(1)


class _Rate(ProgressColumn):
    """Files and megabytes per second so far."""

    def render(self, task: Task) -> Text:
        if not task.elapsed:
            return Text("")
        return Text(f"{task.completed / task.elapsed:,.1f} 篇/s docs/s · {task.fields['bytes'] / task.elapsed / 1e6:,.2f} MB/s")


@contextmanager
def _runner(workers: int, cluster: str | None) -> Iterator[Runner]:
    """Where the files are analysed: Dask, a local pool, or this process; closed at the end."""
    try:
        runner = DaskRunner(cluster, workers if workers > 1 else None) if cluster else LocalPool(workers) if workers > 1 else InProcess()
    except ClusterError as error:
        fail(str(error))
    try:
        yield runner
    finally:
        runner.close()


@app.command()
def sources(db: DbOption = None) -> None:
    """列出来源 List stored sources: id, name, encoding, chars, pledges, title, date, ingested at, reprint of.

    Example: taizhang sources --db taizhang.db
    """
    with opened_store(db, must_exist=True) as store:
        rows = store.sources()
        pledges = store.pledge_counts()
        reprints = store.reprints()
    table = Table(title=f"来源 Sources ({len(rows)})")
    columns = ("id", "name", "v", "format", "encoding", "chars", "pledges", "title", "date", "ingested at", "reprint of")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            str(row.id), shown(row.name), str(row.version), row.format, row.encoding or "", f"{row.chars:,}",
            str(pledges.get(row.id, 0)), shown(row.title or ""), row.date or "", row.ingested_at.strftime("%Y-%m-%d %H:%M"),
            f"#{reprints[row.id]}" if row.id in reprints else "",
        )  # fmt: skip
    out.print(table)


@app.command()
def show(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, file name (latest version) or SHA-256 prefix")],
    db: DbOption = None,
    original: Annotated[bool, typer.Option("--original", help="Write the original bytes instead of the decoded text")] = False,
) -> None:
    """显示 Show a stored source's text (or, with --original, its bytes as ingested).

    Example: taizhang show 1
    """
    with opened_store(db, must_exist=True) as store:
        info = store.find_source(source)
        if info is None:
            fail(f"no source {source!r} in {store.display} (see: taizhang sources)")
        if original:
            sys.stdout.buffer.write(store.source_bytes(info.id))
            return
        text = store.source_text(info.id)
    sys.stdout.write(text)  # exactly the stored text, so character offsets can be checked against it


@app.command()
def dedup(
    db: DbOption = None,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", metavar="SHARE", callback=within(0.1, 0.95, "a share"),
            help="Estimated share of shared 4-character shingles that makes two texts one article (0.1–0.95)",
        ),
    ] = DEFAULT_THRESHOLD,
) -> None:
    """转载去重 Find stored sources that reprint the same article (MinHash LSH) and link them to the first.

    Example: taizhang dedup --threshold 0.8
    """
    with opened_store(db, must_exist=True) as store:
        links = link_reprints(store, threshold)
        names = {row.id: row.name for row in store.sources()}
    for reprint, original in sorted(links.items()):
        out.print(f"#{reprint} {shown(names[reprint])} 转载自 reprints #{original} {shown(names[original])}", highlight=False)
    err.print(f"转载 reprints {len(links)} · 原文 originals {len(set(links.values()))}", highlight=False)

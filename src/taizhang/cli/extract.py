"""Commands that work on files directly, no database: extract pledges, score them against gold."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from taizhang.cli.common import PathsArgument, app, err, fail, out, shown, within
from taizhang.document import PLEDGE_FIELDS, Document
from taizhang.errors import SourceError
from taizhang.evaluate import format_report, load_gold, load_regions, score
from taizhang.pipeline import analyse
from taizhang.source import discover, load_discovered, max_bytes_from_env
from taizhang.spreadsheet import to_csv_cell

YearOption = Annotated[
    int | None,
    typer.Option(
        "--year", metavar="YEAR", callback=within(1900, 2100, "a year"),
        help="The documents' year, 1900–2100 (default: found in the text: date line, title, metadata)",
    ),
]


class Format(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    table = "table"


def _documents(paths: list[str], failures: list[SourceError]) -> Iterator[Document]:
    """Readable documents under ``paths``; each bad file is reported on stderr and counted."""
    files, problems = discover(paths)
    for problem in problems:
        failures.append(problem)
        err.print(f"[red]失败 failed[/red] {shown(problem)}", highlight=False)
    for path in files:
        try:
            loaded = load_discovered(path, max_bytes_from_env())
        except SourceError as problem:
            failures.append(problem)
            err.print(f"[red]失败 failed[/red] {shown(problem)}", highlight=False)
            continue
        for warning in loaded.warnings:
            err.print(f"[yellow]警告 warning[/yellow] {shown(path)}: {shown(warning)}", highlight=False)
        yield loaded.document()


@app.command("extract")
def extract_command(
    paths: PathsArgument,
    year: YearOption = None,
    output: Annotated[Format, typer.Option("--format", metavar="[jsonl|csv|table]", help="jsonl: one record a line")] = Format.jsonl,
) -> None:
    """提取 Extract every quantified pledge from files, with character offsets into each file's text.

    Records go to stdout, warnings (e.g. no document year found) to stderr.

    Example: taizhang extract --year 2023 examples/corpus/national_china_2023_gwr.txt
    """
    failures: list[SourceError] = []
    writer = csv.DictWriter(sys.stdout, fieldnames=PLEDGE_FIELDS) if output is Format.csv else None
    if writer:
        writer.writeheader()
    table = Table(*("source", "quote", "actor", "metric", "comparator", "value", "unit", "deadline", "hedge"))
    for document in _documents(paths, failures):
        extraction = analyse(document, year)
        for warning in extraction.warnings:
            err.print(f"[yellow]警告 warning[/yellow] {shown(document.name)}: {shown(warning)}", highlight=False)
        for pledge in extraction.pledges:
            record = pledge.to_dict()
            if writer:
                writer.writerow({name: to_csv_cell(value) for name, value in {**record, "mentions": json.dumps(record["mentions"])}.items()})
            elif output is Format.jsonl:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            else:
                value = f"{pledge.value:g}" + (f"–{pledge.value_high:g}" if pledge.value_high is not None else "")
                table.add_row(
                    shown(pledge.source), shown(pledge.quote), shown(pledge.actor or ""), shown(pledge.metric),
                    pledge.comparator, value, shown(pledge.unit), str(pledge.deadline or ""), pledge.hedge or "",
                )  # fmt: skip
    if output is Format.table:
        out.print(table)
    if failures:
        raise typer.Exit(1)


@app.command("eval")
def eval_command(
    paths: PathsArgument,
    gold: Annotated[Path, typer.Option("--gold", metavar="FILE", help="Gold pledges, JSONL in the schema of shared/spec/pledges.md")],
    regions: Annotated[
        Path | None,
        typer.Option("--regions", metavar="FILE", help="JSONL of annotated paragraphs {source,start,end}: precision is scored only there"),
    ] = None,
    year: YearOption = None,
) -> None:
    """评测 Score extraction against gold: value F1, full F1, per-field accuracy, every miss and extra.

    Gold records of files not given are left out of the score.

    Example: taizhang eval --gold tests/gold/pledges.jsonl --regions tests/gold/annotated.jsonl tests/gold/docs
    """
    try:
        gold_records = load_gold(gold)
        annotated = load_regions(regions) if regions else None
    except OSError as error:
        fail(f"cannot read {error.filename}: {error.strerror}")
    except ValueError as error:  # the loaders name the file, the line and the problem
        fail(str(error))
    failures: list[SourceError] = []
    texts: dict[str, str] = {}
    predictions = []
    for document in _documents(paths, failures):
        texts[document.name] = document.text
        predictions.extend(analyse(document, year).pledges)
    scored_gold = [record for record in gold_records if record.get("source") in texts]
    left_out = sorted({record.get("source") for record in gold_records} - texts.keys())
    if left_out:
        err.print(f"[yellow]警告 warning[/yellow] gold for files not given is left out: {', '.join(left_out)}", highlight=False)
    try:
        result = score(predictions, scored_gold, texts, annotated)
    except (KeyError, ValueError) as error:
        fail(f"gold does not fit the texts: {error}")
    out.print(format_report(result), highlight=False, markup=False)
    if failures:
        raise typer.Exit(1)

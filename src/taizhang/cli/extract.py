"""Commands that work on files directly, no database: extract pledges or outcomes, score them against gold."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from taizhang.cli.common import PathsArgument, app, err, fail, out, shown, within
from taizhang.document import OUTCOME_FIELDS, PLEDGE_FIELDS, Document, Outcome, Pledge
from taizhang.errors import SourceError
from taizhang.evaluate import OUTCOMES, PLEDGES, format_report, load_gold, load_regions, score
from taizhang.extract import Extraction
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
    columns = ("source", "quote", "actor", "metric", "comparator", "value", "unit", "deadline", "hedge")

    def row(pledge: Pledge) -> tuple[str, ...]:
        value = f"{pledge.value:g}" + (f"–{pledge.value_high:g}" if pledge.value_high is not None else "")
        return (
            pledge.source, pledge.quote, pledge.actor or "", pledge.metric, pledge.comparator, value, pledge.unit,
            str(pledge.deadline or ""), pledge.hedge or "",
        )  # fmt: skip

    _print_records(paths, year, output, PLEDGE_FIELDS, lambda extraction: extraction.pledges, columns, row)


@app.command("outcomes")
def outcomes_command(
    paths: PathsArgument,
    year: YearOption = None,
    output: Annotated[Format, typer.Option("--format", metavar="[jsonl|csv|table]", help="jsonl: one record a line")] = Format.jsonl,
) -> None:
    """结果 Read what files say was reached: every outcome, with the period it is for and its offsets.

    Reads the review parts of work reports (过去一年…增长5.4%), statistical communiqués and
    plan-execution reports. An outcome that cannot be placed (no actor, no year) is printed with the
    reason in `unplaced`. Records go to stdout, warnings (two figures for one result) to stderr.

    Example: taizhang outcomes --format table examples/corpus/district_hailar_2017_gwr.txt
    """
    columns = ("source", "quote", "actor", "metric", "kind", "value", "unit", "period", "basis", "unplaced")

    def row(outcome: Outcome) -> tuple[str, ...]:
        return (
            outcome.source, outcome.quote, outcome.actor or "", outcome.metric, outcome.kind, f"{outcome.value:g}",
            outcome.unit, outcome.period or "", outcome.basis or "", outcome.unplaced or "",
        )  # fmt: skip

    _print_records(paths, year, output, OUTCOME_FIELDS, lambda extraction: extraction.outcomes, columns, row)


def _print_records(
    paths: list[Path], year: int | None, output: Format, fields: tuple[str, ...],
    records_of: Callable[[Extraction], list], columns: tuple[str, ...], row: Callable[[Any], tuple[str, ...]],
) -> None:  # fmt: skip
    """The records of every readable file under ``paths`` (pledges or outcomes) to stdout as JSON
    lines, CSV (nested values as JSON) or a table; warnings and bad files to stderr, exit 1 if any."""
    failures: list[SourceError] = []
    writer = csv.DictWriter(sys.stdout, fieldnames=fields) if output is Format.csv else None
    if writer:
        writer.writeheader()
    table = Table(*columns)
    for document in _documents(paths, failures):
        extraction = analyse(document, year)
        for warning in extraction.warnings:
            err.print(f"[yellow]警告 warning[/yellow] {shown(document.name)}: {shown(warning)}", highlight=False)
        for record in records_of(extraction):
            values = record.to_dict()
            if writer:
                writer.writerow({
                    k: to_csv_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v) for k, v in values.items()
                })  # fmt: skip
            elif output is Format.jsonl:
                sys.stdout.write(json.dumps(values, ensure_ascii=False) + "\n")
            else:
                table.add_row(*(shown(cell) for cell in row(record)))
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
    outcomes: Annotated[bool, typer.Option("--outcomes", help="Score outcomes (spec/outcomes.md) instead of pledges: full F1 adds kind, period and actor")] = False,  # fmt: skip
) -> None:
    """评测 Score extraction against gold: value F1, full F1, per-field accuracy, every miss and extra.

    Gold records of files not given are left out of the score. With --outcomes the gold holds
    outcome records and the outcomes read from the files are scored.

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
        extraction = analyse(document, year)
        predictions.extend(extraction.outcomes if outcomes else extraction.pledges)
    scored_gold = [record for record in gold_records if record.get("source") in texts]
    left_out = sorted({record.get("source") for record in gold_records} - texts.keys())
    if left_out:
        err.print(f"[yellow]警告 warning[/yellow] gold for files not given is left out: {', '.join(left_out)}", highlight=False)
    try:
        result = score(predictions, scored_gold, texts, annotated, OUTCOMES if outcomes else PLEDGES)
    except (KeyError, ValueError) as error:
        fail(f"gold does not fit the texts: {error}")
    out.print(format_report(result), highlight=False, markup=False)
    if failures:
        raise typer.Exit(1)

"""The repair command: a scraped article put back together, with every change and problem reported."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import app, fail
from taizhang.errors import SourceError
from taizhang.repair import render, repair
from taizhang.source import load, max_bytes_from_env


class RepairFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command("repair")
def repair_command(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A .txt .md .html .htm .docx or .pdf file")],
    output: Annotated[
        RepairFormat,
        typer.Option("--format", metavar="[text|markdown|json]", help="json has offsets into the original text"),
    ] = RepairFormat.text,
) -> None:
    """修复 Repair a scraped article: speakers, duplicates, cut-off fragments, misplaced paragraphs, conflicts.

    Prints the repaired article by speaker, then every change made and every problem found. Offsets
    in the report point into the original text (see: taizhang show).

    Example: taizhang repair --format markdown examples/corpus/000_352e13108ae5b528.txt
    """
    try:
        source = load(path, max_bytes_from_env())
    except SourceError as error:
        fail(str(error))
    sys.stdout.write(render(repair(source.text, source.name), output.value))

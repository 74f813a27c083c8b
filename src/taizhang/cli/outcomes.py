"""Commands about outcomes in the ledger: list them, tabulate a place's targets beside its results, and
correct which outcome answers which entry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from taizhang.cli.common import DbOption, app, err, fail, out
from taizhang.cli.ledger import (
    _STATUS_STYLE,
    ByOption,
    EntryArgument,
    NoteOption,
    SourceOption,
    _author,
    _refresh,
    correct_app,
    opened_ledger,
    outcome_app,
)
from taizhang.ledger import scorecard
from taizhang.ledger.figures import figure_words
from taizhang.ledger.status import YEARS

OutcomeArgument = Annotated[str, typer.Argument(help="Outcome ref as `taizhang entry` and `taizhang outcome list` show it: t12 (read from a text), p3 (a person's)")]  # fmt: skip
ScoreYearOption = Annotated[int | None, typer.Option("--year", help="期限 The targets' year (default: every year)", min=YEARS.start, max=YEARS.stop - 1)]  # fmt: skip


@app.command("scorecard")
def scorecard_command(
    actor: Annotated[str, typer.Argument(help="地区 A place (海拉尔区, 山东, 370212)")],
    year: ScoreYearOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Every target, not only headline indicators and targets with a result")] = False,  # fmt: skip
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write a .csv or .xlsx file instead of the table")] = None,  # fmt: skip
    db: DbOption = None,
) -> None:
    """目标完成情况 One place's targets for a year beside their results: metric, target, actual, verdict, evidence.

    Lists the headline indicators and every target with a result (--all: every target), each judged
    on the outcome the ledger matched to it, with the sentence that states it.

    Example: taizhang scorecard 海拉尔区 --year 2017 -o 海拉尔区2017.xlsx
    """
    suffix = output.suffix.lower() if output is not None else ""
    if output is not None and suffix not in (".csv", ".xlsx"):
        fail(f"{output}: expected a .csv or .xlsx file name")
    with opened_ledger(db) as ledger:
        _refresh(ledger)
        rows = ledger.scorecard(actor, year, everything=everything)
    title = f"{actor} {year or ''}年 目标完成情况 targets and results".replace(" 年", " ")
    if output is None:
        table = Table(title=title)
        for key, heading in scorecard.COLUMNS:
            if key not in ("reason", "target_source"):
                table.add_column(heading, overflow="fold")
        for row in rows:
            style = _STATUS_STYLE.get(row["status"])
            status = f"[{style}]{row['status']}[/{style}]" if style else row["status"]
            table.add_row(
                str(row["entry_id"]), row["metric"], row["target"], str(row["deadline"] or ""), row["actual"], row["period"],
                status, row["evidence"],
            )  # fmt: skip
        out.print(table)
        return
    try:
        if suffix == ".xlsx":
            scorecard.to_xlsx(rows, output, title)
        else:
            output.write_text(scorecard.to_csv(rows), encoding="utf-8-sig")  # a BOM: Excel then reads UTF-8
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    err.print(f"导出 exported {len(rows)} targets → {output}", highlight=False)


@outcome_app.command("list")
def outcome_list(
    source: SourceOption = None,
    actor: Annotated[str | None, typer.Option("--actor", help="地区 Only this place's outcomes")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年份 Only outcomes for this year (a period's last)", min=YEARS.start, max=YEARS.stop - 1)] = None,  # fmt: skip
    db: DbOption = None,
) -> None:
    """列出结果 List the outcomes read from stored texts (t…) and recorded by people (p…), with their refs.

    An outcome that could not be placed (no actor, no year) is listed with the reason; it answers no entry.

    Example: taizhang outcome list --actor 海拉尔区 --year 2016
    """
    with opened_ledger(db) as ledger:
        rows = ledger.outcome_rows(source=source, actor=actor, year=year)
    table = Table(title=f"结果 Outcomes ({len(rows)})")
    for column in ("ref", "actor 主体", "metric 指标", "figure 数值", "period 时期", "basis 口径", "source 来源", "quote 原文"):
        table.add_column(column, overflow="fold")
    for row in rows:
        figure = figure_words(row["kind"], row.get("comparator"), row["value"], None, row["unit"])
        where = row["source"] + (f" [{row['start']}–{row['end']}]" if row["start"] is not None else "")
        quote = row["quote"] or ""
        if row["unplaced"]:
            quote = f"{quote} [yellow]未定位 unplaced: {row['unplaced']}[/yellow]"
        table.add_row(row["ref"], row["actor"] or "", row["metric"], figure, row["period"] or "", row["basis"] or "", where, quote)
    out.print(table)


@correct_app.command("match")
def correct_match(
    entry_id: EntryArgument,
    outcome: OutcomeArgument,
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """指定结果 Attach the outcome that answers an entry: its status then rests on it.

    Example: taizhang correct match 12 t40 --note 原文"全年实现地区生产总值…"即此指标
    """
    with opened_ledger(db) as ledger:
        ledger.match_outcome(entry_id, outcome, author=_author(by), note=note)
    err.print(f"更正 correction recorded: match {outcome} → entry {entry_id}", highlight=False)


@correct_app.command("unmatch")
def correct_unmatch(
    entry_id: EntryArgument,
    outcome: OutcomeArgument,
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """否决结果 Say an outcome does not answer an entry: it stays as evidence, and the status rests on the next best.

    Example: taizhang correct unmatch 12 t38 --note 口径不同
    """
    with opened_ledger(db) as ledger:
        ledger.unmatch_outcome(entry_id, outcome, author=_author(by), note=note)
    err.print(f"更正 correction recorded: unmatch {outcome} from entry {entry_id}", highlight=False)

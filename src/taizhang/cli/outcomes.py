"""Commands about outcomes: record them by hand or from a spreadsheet, list them, tabulate a place's
targets beside its results, and correct which outcome answers which entry."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from taizhang.cli.common import App, DbOption, ForceOption, app, err, fail, out, shown, write_output
from taizhang.cli.corrections import correct_app
from taizhang.cli.ledger import (
    _STATUS_STYLE,
    YEAR,
    YEARS_TEXT,
    ByOption,
    EntryArgument,
    NoteOption,
    SourceOption,
    _author,
    _refresh,
    opened_ledger,
)
from taizhang.ledger import Filters, Outcome, scorecard
from taizhang.ledger.figures import figure_words

outcome_app = App(
    help="结果 Outcomes: reported results that entries are judged against.\n\nExample: taizhang outcome add 崂山区 地区生产总值 2026 1520 亿元 --source 统计公报",
    no_args_is_help=True,
)
app.add_typer(outcome_app, name="outcome")


@outcome_app.command("add")
def outcome_add(
    actor: Annotated[str, typer.Argument(metavar="PLACE", help="地区 The place the result is for")],
    metric: Annotated[str, typer.Argument(metavar="METRIC", help="指标 The metric, any wording")],
    year: Annotated[int, typer.Argument(metavar="YEAR", callback=YEAR, help=f"年份 The year the result is for ({YEARS_TEXT})")],
    value: Annotated[float, typer.Argument(metavar="VALUE", help="数值 The value (negative for a decrease)")],
    unit: Annotated[str, typer.Argument(metavar="UNIT", help="单位 The unit as written: 亿元, 万人, %")],
    source: Annotated[str, typer.Option("--source", metavar="TEXT", help="出处 Where the result is published (a title or URL)")],
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """添加结果 Add a reported result (统计公报, 年鉴) that entries are judged against.

    Example: taizhang outcome add 全国 国内生产总值 2023 5.2 % --source 2023年国民经济和社会发展统计公报
    """
    with opened_ledger(db) as ledger:
        number = ledger.add_outcome(Outcome(actor, metric, year, value, unit, source, note), author=_author(by))
    err.print("结果 outcome already recorded" if number is None else f"结果 outcome #{number} added", highlight=False)


@outcome_app.command("import")
def outcome_import(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help=".csv or .xlsx with columns actor, metric, year, value, unit, source (or url), note")
    ],
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """导入结果 Import results from a spreadsheet; units are normalised like pledges'.

    Example: taizhang outcome import 统计公报2023.csv
    """
    with opened_ledger(db) as ledger:
        ids = ledger.import_outcomes(file, author=_author(by))
    err.print(f"结果 outcomes imported: {len(ids)} new", highlight=False)


OutcomeArgument = Annotated[
    str,
    typer.Argument(
        metavar="REF",
        help="Outcome ref as `taizhang entry` and `taizhang outcome list` show it: t12 (read from a text), p3 (a person's)",
    ),
]
ScoreYearOption = Annotated[
    int | None, typer.Option("--year", metavar="YEAR", callback=YEAR, help="期限 The targets' year (default: every year)")
]


@app.command("scorecard")
def scorecard_command(
    actor: Annotated[str, typer.Argument(metavar="PLACE", help="地区 A place (海拉尔区, 山东, 370212)")],
    year: ScoreYearOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Every target, not only headline indicators and targets with a result")] = False,  # fmt: skip
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write a .csv or .xlsx file instead of the table")
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """目标完成情况 One place's targets for a year beside their results: metric, target, actual, verdict, evidence.

    Lists the headline indicators and every target with a result (--all: every target), each judged
    on the outcome the ledger matched to it, with the sentence that states it.

    Example: taizhang scorecard 海拉尔区 --year 2017 -o 海拉尔区2017.xlsx
    """
    suffix = output.suffix.lower() if output is not None else ""
    if output is not None and suffix not in (".csv", ".xlsx"):
        fail(f"{shown(output)}: expected a .csv or .xlsx file name")
    with opened_ledger(db) as ledger:
        _refresh(ledger)
        rows = ledger.scorecard(actor, year, everything=everything)
        if not rows and not ledger.count(Filters(actor=actor, year=year)):  # a slip of the name, more likely than a wish for nothing
            fail(f"no ledger entries for {actor}{f' due in {year}' if year else ''} (see: taizhang ledger)")
        protected = ledger.store.files()
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
                str(row["entry_id"]), shown(row["metric"]), shown(row["target"]), str(row["deadline"] or ""),
                shown(row["actual"]), row["period"], status, shown(row["evidence"]),
            )  # fmt: skip
        out.print(table)
        return
    if suffix == ".xlsx":
        write = partial(scorecard.to_xlsx, rows, title=title)
    else:  # a BOM: Excel then reads UTF-8
        write = partial(Path.write_text, data=scorecard.to_csv(rows), encoding="utf-8-sig", newline="")
    write_output(output, write, force=force, protected=protected)
    err.print(f"导出 exported {len(rows)} targets → {shown(output)}", highlight=False)


@outcome_app.command("list")
def outcome_list(
    source: SourceOption = None,
    actor: Annotated[str | None, typer.Option("--actor", metavar="PLACE", help="地区 Only this place's outcomes")] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", metavar="YEAR", callback=YEAR, help="年份 Only outcomes for this year (a period's last)"),
    ] = None,
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
        quote = shown(row["quote"] or "")
        if row["unplaced"]:
            quote = f"{quote} [yellow]未定位 unplaced: {shown(row['unplaced'])}[/yellow]"
        table.add_row(
            row["ref"], shown(row["actor"] or ""), shown(row["metric"]), shown(figure), row["period"] or "",
            row["basis"] or "", shown(where), quote,
        )  # fmt: skip
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

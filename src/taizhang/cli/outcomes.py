"""Commands about outcomes: the reported results entries are judged against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import App, DbOption, app, err
from taizhang.cli.ledger import YEAR, YEARS_TEXT, ByOption, NoteOption, _author, opened_ledger
from taizhang.ledger import Outcome

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

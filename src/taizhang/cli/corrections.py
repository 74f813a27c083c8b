"""Commands about corrections: fix, reject, merge, split, add, undo; list, export and import the trail."""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from taizhang.cli.common import App, DbOption, ForceOption, app, err, out, shown, within, write_output
from taizhang.cli.ledger import ID, YEAR, YEARS_TEXT, ByOption, EntryArgument, MentionOption, NoteOption, _author, opened_ledger
from taizhang.ledger.corrections import COMPARATORS, EDITABLE, KINDS, Correction, undone
from taizhang.storage import MAX_ID

correct_app = App(
    help="更正 Corrections: fix a field, reject, merge, split, add a missed pledge; kept as an audit trail.\n\n"
    "Example: taizhang correct set 12 value 1500",
    no_args_is_help=True,
)
app.add_typer(correct_app, name="correct")
OFFSET = within(0, MAX_ID, "an offset")


@correct_app.command("set")
def correct_set(
    entry_id: EntryArgument,
    field: Annotated[str, typer.Argument(metavar="FIELD", help=f"One of: {', '.join(EDITABLE)}")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value ('' clears an optional field)")],
    mention: MentionOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """改字段 Fix a field of an entry (all its mentions, or one with --mention).

    Example: taizhang correct set 12 deadline 2026 --note 原文为"到2026年"
    """
    with opened_ledger(db) as ledger:
        ids = ledger.set_field(entry_id, field, value, author=_author(by), mention=mention, note=note)
    err.print(f"更正 corrections recorded: {len(ids)}", highlight=False)


@correct_app.command("reject")
def correct_reject(
    entry_id: EntryArgument,
    mention: MentionOption = None,
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """不是承诺 Reject an entry (or one mention) as not a pledge.

    Example: taizhang correct reject 7 --note 是过去的成绩
    """
    with opened_ledger(db) as ledger:
        ids = ledger.reject(entry_id, author=_author(by), mention=mention, note=note)
    err.print(f"更正 corrections recorded: {len(ids)}", highlight=False)


@correct_app.command("merge")
def correct_merge(
    entry_id: EntryArgument,
    other_id: Annotated[int, typer.Argument(metavar="OTHER", callback=ID, help="The entry to merge into it")],
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """合并 Merge two entries that are one commitment.

    Example: taizhang correct merge 3 17
    """
    with opened_ledger(db) as ledger:
        ledger.merge(entry_id, other_id, author=_author(by), note=note)
    err.print("更正 correction recorded: merge", highlight=False)


@correct_app.command("split")
def correct_split(
    entry_id: EntryArgument,
    mention: Annotated[int, typer.Argument(metavar="N", callback=ID, help="The mention (1, 2, …) to take out into its own entry")],
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """拆分 Split a mention out of an entry into an entry of its own.

    Example: taizhang correct split 3 2
    """
    with opened_ledger(db) as ledger:
        ledger.split(entry_id, mention, author=_author(by), note=note)
    err.print("更正 correction recorded: split", highlight=False)


@correct_app.command("add")
def correct_add(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, file name or SHA-256 prefix")],
    start: Annotated[int, typer.Argument(metavar="START", callback=OFFSET, help="Start offset of the clause in the source text")],
    end: Annotated[int, typer.Argument(metavar="END", callback=OFFSET, help="End offset (exclusive)")],
    metric: Annotated[str, typer.Option("--metric", metavar="TEXT", help="指标 Metric as worded")],
    kind: Annotated[str, typer.Option("--kind", metavar="KIND", help=f"One of: {', '.join(KINDS)}")],
    value: Annotated[float, typer.Option("--value", metavar="NUMBER", help="数值 Value as written (negative for a decrease)")],
    unit: Annotated[str, typer.Option("--unit", metavar="UNIT", help="单位 Unit as written: 亿元, %")],
    comparator: Annotated[str, typer.Option("--comparator", metavar="OP", help=f"One of: {' '.join(COMPARATORS)}")] = "=",
    actor: Annotated[str | None, typer.Option("--actor", metavar="TEXT", help="主体 Actor")] = None,
    official: Annotated[str | None, typer.Option("--official", metavar="TEXT", help="责任人 Official")] = None,
    value_high: Annotated[float | None, typer.Option("--value-high", metavar="NUMBER", help="Upper end of a range")] = None,
    deadline: Annotated[
        int | None, typer.Option("--deadline", metavar="YEAR", callback=YEAR, help=f"期限 Deadline year ({YEARS_TEXT})")
    ] = None,
    horizon: Annotated[str | None, typer.Option("--horizon", metavar="TEXT", help="The words that gave the deadline")] = None,
    hedge: Annotated[str | None, typer.Option("--hedge", metavar="TEXT", help="力争, 争取, …")] = None,
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """补录 Add a pledge the extractor missed, from a span of a stored source.

    Example: taizhang correct add 000_352e13108ae5b528.txt 1158 1172 --metric 全区生产总值 --kind level --comparator ">" --value 1500 --unit 亿元 --actor 崂山区 --deadline 2026
    """
    fields = {
        "metric": metric, "kind": kind, "comparator": comparator, "value": value, "unit": unit, "actor": actor,
        "official": official, "value_high": value_high, "deadline": deadline, "horizon": horizon, "hedge": hedge,
    }  # fmt: skip
    with opened_ledger(db) as ledger:
        ledger.add_pledge(source, start, end, fields, author=_author(by), note=note)
    err.print("更正 correction recorded: add", highlight=False)


@correct_app.command("list")
def correct_list(db: DbOption = None) -> None:
    """更正记录 List every correction: who, when, what it was, what it became, and whether it still applies.

    A correction stops applying when the words or figure it was made on are gone (a new version of
    the file, a new extractor): it is kept and marked, never dropped.

    Example: taizhang correct list
    """
    with opened_ledger(db) as ledger:
        corrections = ledger.corrections()
        stale = ledger.not_applying()
    table = Table(title=f"更正 Corrections ({len(corrections)})")
    for column in ("id", "when", "who", "action", "quote", "field", "before", "after", "note", "applies"):
        table.add_column(column, overflow="fold")
    taken_back = undone(corrections)
    for c in corrections:
        table.add_row(
            str(c.id), c.created_at.strftime("%Y-%m-%d %H:%M"), shown(c.author), c.action, shown(c.anchor.quote), c.field or "",
            f"#{c.before['id']}" if c.action == "undo" else _value(c.before), _value(c.after), shown(c.note or ""),
            _applies(c, stale, taken_back),
        )  # fmt: skip
    out.print(table)


def _applies(correction: Correction, stale: set[int], taken_back: set[str]) -> str:
    if correction.action == "undo":
        return ""
    if correction.trail_key() in taken_back:
        return "撤销 undone"
    return "[red]否 no: its record is gone[/red]" if correction.id in stale else "是 yes"


@correct_app.command("undo")
def correct_undo(
    correction_id: Annotated[int, typer.Argument(metavar="ID", callback=ID, help="Correction id (see: taizhang correct list)")],
    note: NoteOption = None,
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """撤销 Undo a correction: the undo is kept in the audit trail and the correction stops applying.

    Example: taizhang correct undo 12 --note 改错了
    """
    with opened_ledger(db) as ledger:
        number = ledger.undo(correction_id, author=_author(by), note=note)
    err.print(f"更正 correction #{correction_id} undone (#{number})", highlight=False)


def _value(value: Any) -> str:
    return shown("" if value is None else json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value))


@correct_app.command("export")
def correct_export(
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="JSON file to write (default stdout)")] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """导出更正 Export the corrections as JSON, to carry them to another database.

    Example: taizhang correct export -o corrections.json
    """
    with opened_ledger(db) as ledger:
        text = json.dumps(ledger.export_corrections(), ensure_ascii=False, indent=1) + "\n"
        protected = ledger.store.files()
    if output is None:
        sys.stdout.write(text)
        return
    write_output(output, partial(Path.write_text, data=text, encoding="utf-8"), force=force, protected=protected)


@correct_app.command("import")
def correct_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A JSON file written by `taizhang correct export`")],
    db: DbOption = None,
) -> None:
    """导入更正 Import corrections exported from another database (appended to the audit trail).

    Example: taizhang correct import corrections.json
    """
    with opened_ledger(db) as ledger:
        ids = ledger.import_corrections(file)
    err.print(f"更正 corrections imported: {len(ids)}", highlight=False)

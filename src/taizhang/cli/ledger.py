"""Commands about the ledger: list, show, export and import entries; outcomes; corrections; coverage; places."""

from __future__ import annotations

import getpass
import json
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from taizhang.cli.common import DbOption, app, err, fail, opened_store, out
from taizhang.ledger import Filters, Ledger, LedgerError, Outcome, Rules, export
from taizhang.ledger.corrections import Correction, undone
from taizhang.ledger.errors import BatchError
from taizhang.ledger.figures import figure_words
from taizhang.ledger.status import (
    DEFAULT_MARGIN,
    DEFAULT_MARGIN_PP,
    DEFAULT_TOLERANCE,
    DEFAULT_TOLERANCE_PP,
    MET,
    MISSED,
    PARTLY_MET,
    STATUSES,
    YEARS,
)
from taizhang.places import LEVELS, candidates, describe, lineage
from taizhang.storage import MAX_ID

outcome_app = typer.Typer(
    help="结果 Outcomes: reported results that entries are judged against.\n\nExample: taizhang outcome add 崂山区 地区生产总值 2026 1520 亿元 --source 统计公报",
    no_args_is_help=True,
)
correct_app = typer.Typer(
    help="更正 Corrections: fix a field, reject, merge, split, add a missed pledge; kept as an audit trail.\n\n"
    "Example: taizhang correct set 12 value 1500",
    no_args_is_help=True,
)
app.add_typer(outcome_app, name="outcome")
app.add_typer(correct_app, name="correct")


def _share(value: float) -> float:
    """A share of a target (margin, tolerance): a finite number from 0 to 1."""
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise typer.BadParameter(f"must be a number from 0 to 1, not {value}")
    return value


def _points(value: float) -> float:
    """Percentage points (margin, tolerance of % targets): a finite number from 0 to 100."""
    if not (math.isfinite(value) and 0 <= value <= 100):
        raise typer.BadParameter(f"must be a number of percentage points from 0 to 100, not {value}")
    return value


# Bounds on every id, year and count a user types, so that a 30-digit number is a usage error,
# not an integer too large for the database.
IDS = {"min": 1, "max": MAX_ID}
YEAR_RANGE = {"min": YEARS.start, "max": YEARS.stop - 1}
ActorOption = Annotated[str | None, typer.Option("--actor", help="地区 Actor: a place (崂山区, 青岛市崂山区, 山东, 370212) or an actor as written")]
YearOption = Annotated[int | None, typer.Option("--year", help="期限 Deadline year", **YEAR_RANGE)]
EntryArgument = Annotated[int, typer.Argument(help="Entry id (see: taizhang ledger)", **IDS)]
StatusOption = Annotated[str | None, typer.Option("--status", help=f"状态 Status: {', '.join(STATUSES)}")]
MetricOption = Annotated[str | None, typer.Option("--metric", help="指标 Metric, any wording (GDP = 地区生产总值 = 全区生产总值)")]
SourceOption = Annotated[str | None, typer.Option("--source", help="来源 Source file name")]
ParentsOption = Annotated[bool, typer.Option("--with-parents", help="Also the places above the actor (city, province, 全国)")]
ConflictsOption = Annotated[bool, typer.Option("--conflicts", help="Only entries whose sources disagree")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="判断日期 Judge statuses as of this date (YYYY-MM-DD; default today)")]
MarginOption = Annotated[float, typer.Option("--margin", callback=_share, help="Missed by at most this share of the target → 部分完成 partly met (0–1; targets not in %)")]
ToleranceOption = Annotated[float, typer.Option("--tolerance", callback=_share, help="左右 (~) and a bare number forgive this share of the target (0–1; targets not in %)")]
MarginPointsOption = Annotated[float, typer.Option("--margin-pp", callback=_points, help="The margin of targets in % or percentage points, in percentage points")]
TolerancePointsOption = Annotated[float, typer.Option("--tolerance-pp", callback=_points, help="The tolerance of targets in % or percentage points, in percentage points")]
ByOption = Annotated[str | None, typer.Option("--by", envvar="TAIZHANG_USER", help="Who makes the change (default $TAIZHANG_USER or the login name)")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Why (kept in the audit trail)")]
MentionOption = Annotated[int | None, typer.Option("--mention", help="Only this mention of the entry (1, 2, … as `taizhang entry` lists them)", **IDS)]

_STATUS_STYLE = {MET: "green", PARTLY_MET: "yellow", MISSED: "red"}


def _author(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container without a passwd entry
        return os.environ.get("USER") or "unknown"


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--as-of {text!r} is not a date (YYYY-MM-DD)")


@contextmanager
def opened_ledger(db: str | None, as_of: str | None = None, rules: Rules = Rules()) -> Iterator[Ledger]:
    """The ledger for a command; its errors (unknown entry, bad file) become one error line and exit 1."""
    when = _as_of(as_of)
    # Every ledger command works on what was ingested: a mistyped path is an error, not a new database.
    with opened_store(db, must_exist=True) as store:
        try:
            yield Ledger(store, as_of=when, rules=rules)
        except BatchError as error:
            for problem in error.problems:
                err.print(f"[red]错误 error:[/red] {problem}", highlight=False)
            fail(error.summary)
        except LedgerError as error:
            fail(str(error))


def _filters(actor, with_parents, year, status, metric, source, conflicts) -> Filters:  # noqa: ANN001 - the options above
    return Filters(actor=actor, with_parents=with_parents, year=year, status=status, metric=metric, source=source, conflicts=conflicts)  # fmt: skip


def _target(row: dict[str, Any]) -> str:
    """A target in words: 增长5.5%左右, 1500亿元以上."""
    return figure_words(row.get("kind"), row["comparator"], row["value"], row["value_high"], row["unit"])


def _actual(row: dict[str, Any]) -> str:
    """The outcome an entry is judged on, in words (增长7.2%), or empty."""
    if row.get("outcome_value") is None:
        return ""
    return figure_words(row.get("kind"), None, row["outcome_value"], None, row["outcome_unit"])


def _refresh(ledger: Ledger) -> None:
    built = ledger.refresh()
    for correction, problem in built.invalid:
        err.print(
            f"[yellow]警告 warning[/yellow] correction #{correction.id} ({correction.action}) cannot apply: {problem} "
            f"(undo it: taizhang correct undo {correction.id})",
            highlight=False,
        )
    for correction in built.unapplied:
        err.print(
            f"[yellow]警告 warning[/yellow] correction #{correction.id} ({correction.action}) no longer matches a record: "
            f"{correction.anchor.quote!r}",
            highlight=False,
        )


@app.command("ledger")
def ledger_command(
    db: DbOption = None,
    actor: ActorOption = None,
    with_parents: ParentsOption = False,
    year: YearOption = None,
    status: StatusOption = None,
    metric: MetricOption = None,
    source: SourceOption = None,
    conflicts: ConflictsOption = False,
    as_of: AsOfOption = None,
    margin: MarginOption = DEFAULT_MARGIN,
    tolerance: ToleranceOption = DEFAULT_TOLERANCE,
    margin_pp: MarginPointsOption = DEFAULT_MARGIN_PP,
    tolerance_pp: TolerancePointsOption = DEFAULT_TOLERANCE_PP,
    limit: Annotated[int, typer.Option("--limit", help="Show at most this many entries", **IDS)] = 200,
) -> None:
    """台账 Show the ledger: one row per commitment, merged across sources, with its status and outcome.

    ⚠ marks entries whose sources disagree on the target or on the outcome (see: taizhang entry ID).

    Example: taizhang ledger --actor 崂山区 --year 2026
    """
    rules = Rules(margin=margin, tolerance=tolerance, margin_pp=margin_pp, tolerance_pp=tolerance_pp)
    with opened_ledger(db, as_of, rules) as ledger:
        _refresh(ledger)
        chosen = _filters(actor, with_parents, year, status, metric, source, conflicts)
        rows = ledger.entries(chosen, limit=limit)
        total = ledger.count(chosen)
    table = Table(title=f"台账 Ledger ({len(rows)} of {total}, as of {_as_of(as_of).isoformat()})")
    columns = ("id", "actor 主体", "official 责任人", "metric 指标", "target 目标", "deadline 期限", "actual 实际", "status 状态", "sources 来源")  # fmt: skip
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        style = _STATUS_STYLE.get(row["status"])
        flag = "⚠ " if row["conflict"] else ""
        table.add_row(
            f"{flag}{row['entry_id']}", row["actor"] or "", row["official"] or "", row["metric"], _target(row),
            str(row["deadline"] or ""), _actual(row), f"[{style}]{row['status']}[/{style}]" if style else row["status"],
            ", ".join(row["sources"]),
        )  # fmt: skip
    out.print(table)


@app.command()
def entry(
    entry_id: EntryArgument,
    db: DbOption = None,
    as_of: AsOfOption = None,
) -> None:
    """条目 Show one entry: every mention and figure, conflicts, the outcomes that answer it, status history.

    Example: taizhang entry 12
    """
    with opened_ledger(db, as_of) as ledger:
        _refresh(ledger)
        shown = ledger.entry(entry_id)
    row = shown["entry"]
    out.print(f"[bold]#{row['entry_id']}[/bold] {row['actor'] or ''} {row['metric']} {_target(row)} 期限 deadline {row['deadline'] or '—'}")
    out.print(f"地区 place: {row['place'] or '—'} {row['place_code'] or ''} · 指标 metric key: {row['metric_key']} · {row['kind']}")
    out.print(f"状态 status: {row['status']} — {row['status_reason']}")
    if row["conflict"]:
        out.print(f"[red]⚠ 冲突 conflict:[/red] {row['conflict_reason']}", highlight=False)
    mentions = Table(title="来源 Mentions")
    for column in ("#", "source", "span", "quote", "figure", "deadline", "corrected"):
        mentions.add_column(column, overflow="fold")
    for number, mention in enumerate(shown["mentions"], start=1):
        figure = _target(mention)
        mentions.add_row(
            str(number), mention["source"], f"{mention['start']}–{mention['end']}", mention["quote"], figure,
            str(mention["deadline"] or ""), ", ".join(mention["corrected"]),
        )  # fmt: skip
    out.print(mentions)
    if shown["outcomes"]:
        outcomes = Table(title="结果 Outcomes (taizhang correct unmatch|match ENTRY REF)")
        for column in ("ref", "state 状态", "period 时期", "figure 数值", "source 来源", "quote 原文", "why 依据"):
            outcomes.add_column(column, overflow="fold")
        for outcome in shown["outcomes"]:
            span = f" [{outcome['start']}–{outcome['end']}]" if outcome["start"] is not None else ""
            figure = figure_words(outcome["kind"] or row["kind"], None, outcome["value"], None, outcome["unit"])
            outcomes.add_row(
                outcome["ref"], outcome["state_words"], outcome["period"], figure, outcome["source"] + span,
                outcome["quote"] or "", outcome["reason"],
            )  # fmt: skip
        out.print(outcomes)
    for change in shown["history"]:
        out.print(f"状态变化 status {change['as_of']}: {change['status']} — {change['reason']}")


@app.command("export")
def export_command(
    format: Annotated[str | None, typer.Option("--format", "-f", help="csv, xlsx or json (default: the -o file's suffix, else csv)")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default stdout; required for xlsx)")] = None,
    db: DbOption = None,
    actor: ActorOption = None,
    with_parents: ParentsOption = False,
    year: YearOption = None,
    status: StatusOption = None,
    metric: MetricOption = None,
    source: SourceOption = None,
    conflicts: ConflictsOption = False,
    as_of: AsOfOption = None,
) -> None:
    """导出 Export the ledger: one row per entry with every pledge field of its first mention, status and sources.

    Example: taizhang export --format xlsx -o 台账.xlsx --actor 崂山区
    """
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if format is not None and format not in export.FORMATS:
        fail(f"--format must be one of {', '.join(export.FORMATS)}, not {format!r}")
    if format is not None and suffix in export.FORMATS and suffix != format:
        fail(f"--format {format} does not match the file name {output} (.{suffix})")
    format = format or (suffix if suffix in export.FORMATS else "csv")
    if format == "xlsx" and output is None:
        fail("an Excel file needs -o FILE.xlsx")
    with opened_ledger(db, as_of) as ledger:
        _refresh(ledger)
        chosen = _filters(actor, with_parents, year, status, metric, source, conflicts)
        rows = ledger.entries(chosen)
        mentions = ledger.mentions(chosen) if format == "xlsx" else []
    if format != "xlsx" and output is None:
        sys.stdout.write(export.to_csv(rows) if format == "csv" else export.to_json(rows))
        return
    try:
        if format == "xlsx":
            export.to_xlsx(rows, mentions, output)
        else:
            # A BOM, so that Excel on Chinese Windows reads the file as UTF-8 rather than GBK.
            text, encoding = (export.to_csv(rows), "utf-8-sig") if format == "csv" else (export.to_json(rows), "utf-8")
            output.write_text(text, encoding=encoding)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    err.print(f"导出 exported {len(rows)} entries → {output}", highlight=False)


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="An export (.csv, .xlsx, .json) edited by a person")],
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """导入修改 Import an edited export: every changed field becomes a correction in the audit trail.

    Rows whose entry changed since the export (gone, or its words changed in a new version of its
    source) are left out and named, and the command exits 1: export again to edit them.

    Example: taizhang import 台账.xlsx --by 王芳
    """
    with opened_ledger(db) as ledger:
        imported = ledger.import_edits(file, author=_author(by))
    for warning in imported.warnings:
        err.print(f"[yellow]警告 warning[/yellow] {warning}", highlight=False)
    already = f" ({imported.skipped} already recorded)" if imported.skipped else ""
    err.print(f"更正 corrections recorded: {len(imported.ids)}{already}", highlight=False)
    if imported.stale:
        raise typer.Exit(1)  # rows were left out: the import did not do all it was asked


@app.command("coverage")
def coverage_command(
    source: Annotated[str, typer.Argument(help="Source id, file name or SHA-256 prefix")],
    actor: Annotated[str | None, typer.Option("--actor", help="Whose pledges to read (default: the report's own place)")] = None,
    db: DbOption = None,
) -> None:
    """覆盖 Which headline indicators a report pledges with a number, mentions without one, or leaves out.

    Reads one actor's pledges for the report's year: the reporting government's by default.

    Example: taizhang coverage national_china_2023_gwr.txt
    """
    with opened_ledger(db) as ledger:
        report = ledger.coverage_report(source, actor)
    whose = f"{report.actor or '—'}, {report.year or '—'}年"
    table = Table(title=f"主要指标覆盖 Headline indicators: {report.source} ({whose})")
    for column in ("indicator 指标", "verdict 结论", "pledged 承诺", "at 位置"):
        table.add_column(column, overflow="fold")
    for item in report.items:
        pledged = "; ".join(f"{p.metric} {p.comparator} {p.value:g}{p.unit}" for p in item.pledges)
        table.add_row(item.indicator.name, item.verdict, pledged, "" if item.at is None else str(item.at))
    out.print(table)


@app.command()
def place(name: Annotated[str, typer.Argument(help="A place as texts name it (即墨, 青岛市崂山区, 西海岸新区, 山东) or its 6-digit code")]) -> None:
    """地区 Resolve a place name to its GB/T 2260 code and the places above it.

    Example: taizhang place 西海岸新区
    """
    places = lineage(name)
    if not places:
        found = candidates(name)
        if not found:
            fail(f"unknown place {name!r}")
        listed = "; ".join(f"{p.code} {describe(p)}" for p in found)
        fail(f"ambiguous place {name!r}: {listed} (give the code, e.g. taizhang place {found[0].code})")
    for found in places:
        note = f" — {found.note}" if found.note else ""
        out.print(f"{found.code or '—'}\t{found.name}\t{LEVELS[found.level]}{note}", highlight=False)


@outcome_app.command("add")
def outcome_add(
    actor: Annotated[str, typer.Argument(help="地区 The place the result is for")],
    metric: Annotated[str, typer.Argument(help="指标 The metric, any wording")],
    year: Annotated[int, typer.Argument(help="年份 The year the result is for", **YEAR_RANGE)],
    value: Annotated[float, typer.Argument(help="数值 The value (negative for a decrease)")],
    unit: Annotated[str, typer.Argument(help="单位 The unit as written: 亿元, 万人, %")],
    source: Annotated[str, typer.Option("--source", help="出处 Where the result is published (a title or URL)")],
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
    file: Annotated[Path, typer.Argument(help=".csv or .xlsx with columns actor, metric, year, value, unit, source (or url), note")],
    db: DbOption = None,
    by: ByOption = None,
) -> None:
    """导入结果 Import results from a spreadsheet; units are normalised like pledges'.

    Example: taizhang outcome import 统计公报2023.csv
    """
    with opened_ledger(db) as ledger:
        ids = ledger.import_outcomes(file, author=_author(by))
    err.print(f"结果 outcomes imported: {len(ids)} new", highlight=False)


@correct_app.command("set")
def correct_set(
    entry_id: EntryArgument,
    field: Annotated[str, typer.Argument(help="actor, official, metric, kind, comparator, value, value_high, unit, norm_value, norm_unit, deadline, horizon, hedge")],
    value: Annotated[str, typer.Argument(help="The new value ('' clears an optional field)")],
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
    other_id: Annotated[int, typer.Argument(help="The entry to merge into it", **IDS)],
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
    mention: Annotated[int, typer.Argument(help="The mention (1, 2, …) to take out into its own entry", **IDS)],
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
    source: Annotated[str, typer.Argument(help="Source id, file name or SHA-256 prefix")],
    start: Annotated[int, typer.Argument(help="Start offset of the clause in the source text", min=0, max=MAX_ID)],
    end: Annotated[int, typer.Argument(help="End offset (exclusive)", min=0, max=MAX_ID)],
    metric: Annotated[str, typer.Option("--metric", help="指标 Metric as worded")],
    kind: Annotated[str, typer.Option("--kind", help="level, growth, annual_growth or share")],
    value: Annotated[float, typer.Option("--value", help="数值 Value as written (negative for a decrease)")],
    unit: Annotated[str, typer.Option("--unit", help="单位 Unit as written: 亿元, %")],
    comparator: Annotated[str, typer.Option("--comparator", help="> >= = ~ <= < range")] = "=",
    actor: Annotated[str | None, typer.Option("--actor", help="主体 Actor")] = None,
    official: Annotated[str | None, typer.Option("--official", help="责任人 Official")] = None,
    value_high: Annotated[float | None, typer.Option("--value-high", help="Upper end of a range")] = None,
    deadline: Annotated[int | None, typer.Option("--deadline", help="期限 Deadline year", **YEAR_RANGE)] = None,
    horizon: Annotated[str | None, typer.Option("--horizon", help="The words that gave the deadline")] = None,
    hedge: Annotated[str | None, typer.Option("--hedge", help="力争, 争取, …")] = None,
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
            str(c.id), c.created_at.strftime("%Y-%m-%d %H:%M"), c.author, c.action, c.anchor.quote, c.field or "",
            f"#{c.before['id']}" if c.action == "undo" else _shown(c.before), _shown(c.after), c.note or "",
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
    correction_id: Annotated[int, typer.Argument(help="Correction id (see: taizhang correct list)", **IDS)],
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


def _shown(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)


@correct_app.command("export")
def correct_export(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="JSON file to write (default stdout)")] = None,
    db: DbOption = None,
) -> None:
    """导出更正 Export the corrections as JSON, to carry them to another database.

    Example: taizhang correct export -o corrections.json
    """
    with opened_ledger(db) as ledger:
        text = json.dumps(ledger.export_corrections(), ensure_ascii=False, indent=1) + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")


@correct_app.command("import")
def correct_import(
    file: Annotated[Path, typer.Argument(help="A JSON file written by `taizhang correct export`")],
    db: DbOption = None,
) -> None:
    """导入更正 Import corrections exported from another database (appended to the audit trail).

    Example: taizhang correct import corrections.json
    """
    with opened_ledger(db) as ledger:
        ids = ledger.import_corrections(file)
    err.print(f"更正 corrections imported: {len(ids)}", highlight=False)

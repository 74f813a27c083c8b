"""Commands about the ledger: list, show, export and import entries; coverage; places. What they share
with the outcome and correction commands (``cli.outcomes``, ``cli.corrections``): options, the
ledger a command opens, who makes a change."""

from __future__ import annotations

import getpass
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from taizhang.cli.common import DbOption, ForceOption, app, err, fail, opened_store, out, say, shown, within, workers_option, write_output
from taizhang.ledger import Filters, Ledger, LedgerError, Rules, export
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
ID = within(1, MAX_ID, "an id")
YEAR = within(YEARS.start, YEARS.stop - 1, "a year")
YEARS_TEXT = f"{YEARS.start}–{YEARS.stop - 1}"
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", metavar="PLACE", help="地区 Actor: a place (崂山区, 青岛市崂山区, 山东, 370212) or an actor as written"),
]
YearOption = Annotated[int | None, typer.Option("--year", metavar="YEAR", callback=YEAR, help="期限 Deadline year")]
EntryArgument = Annotated[int, typer.Argument(metavar="ENTRY", callback=ID, help="Entry id (see: taizhang ledger)")]
StatusOption = Annotated[str | None, typer.Option("--status", metavar="STATUS", help=f"状态 Status: {', '.join(STATUSES)}")]
MetricOption = Annotated[
    str | None, typer.Option("--metric", metavar="METRIC", help="指标 Metric, any wording (GDP = 地区生产总值 = 全区生产总值)")
]
SourceOption = Annotated[str | None, typer.Option("--source", metavar="FILE", help="来源 A stored file's name, as taizhang sources lists it")]
ParentsOption = Annotated[bool, typer.Option("--with-parents", help="Also the places above the actor (city, province, 全国)")]
ConflictsOption = Annotated[bool, typer.Option("--conflicts", help="Only entries whose sources disagree")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="判断日期 Judge statuses as of this date (YYYY-MM-DD; default today)")
]
MarginOption = Annotated[
    float,
    typer.Option(
        "--margin", metavar="SHARE", callback=_share,
        help="Missed by at most this share of the target → 部分完成 partly met (0–1; targets not in %)",
    ),
]
ToleranceOption = Annotated[
    float,
    typer.Option(
        "--tolerance", metavar="SHARE", callback=_share,
        help="左右 (~) and a bare number forgive this share of the target (0–1; targets not in %)",
    ),
]
MarginPointsOption = Annotated[
    float,
    typer.Option(
        "--margin-pp", metavar="POINTS", callback=_points,
        help="The margin of targets in % or percentage points, in percentage points",
    ),
]
TolerancePointsOption = Annotated[
    float,
    typer.Option(
        "--tolerance-pp", metavar="POINTS", callback=_points,
        help="The tolerance of targets in % or percentage points, in percentage points",
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option("--by", envvar="TAIZHANG_USER", metavar="NAME", help="Who makes the change (default $TAIZHANG_USER or the login name)"),
]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Why (kept in the audit trail)")]
MentionOption = Annotated[
    int | None,
    typer.Option("--mention", metavar="N", callback=ID, help="Only this mention of the entry (1, 2, … as `taizhang entry` lists them)"),
]

_STATUS_STYLE = {MET: "green", PARTLY_MET: "yellow", MISSED: "red"}


AUTHOR_MAX = 64  # the audit trail's column


def _author(by: str | None) -> str:
    """Who makes a change: ``--by`` (or $TAIZHANG_USER), else the login name. A name that is empty,
    only spaces or too long for the audit trail is refused rather than recorded."""
    if by is not None:
        name = by.strip()
        if not name or len(name) > AUTHOR_MAX or not name.isprintable():
            fail(f"--by must name who makes the change (1 to {AUTHOR_MAX} printable characters), not {by!r}")
        return name
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
                err.print(f"[red]错误 error:[/red] {shown(problem)}", highlight=False)
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


def _refresh(ledger: Ledger, workers: int = 1) -> None:
    built = ledger.refresh(workers=workers)
    for correction, problem in built.invalid:
        err.print(
            f"[yellow]警告 warning[/yellow] correction #{correction.id} ({correction.action}) cannot apply: {shown(problem)} "
            f"(undo it: taizhang correct undo {correction.id})",
            highlight=False,
        )
    for correction in built.unapplied:
        err.print(
            f"[yellow]警告 warning[/yellow] correction #{correction.id} ({correction.action}) no longer matches a record: "
            f"{shown(repr(correction.anchor.quote))}",
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
    limit: Annotated[int, typer.Option("--limit", metavar="N", callback=ID, help="Show at most this many entries")] = 200,
    workers: Annotated[int, workers_option("Rebuild a changed ledger's chunks in N worker processes (a big ledger: one per core)")] = 1,
) -> None:
    """台账 Show the ledger: one row per commitment, merged across sources, with its status and outcome.

    ⚠ marks entries whose sources disagree on the target or on the outcome (see: taizhang entry ID).

    Example: taizhang ledger --actor 崂山区 --year 2026
    """
    rules = Rules(margin=margin, tolerance=tolerance, margin_pp=margin_pp, tolerance_pp=tolerance_pp)
    with opened_ledger(db, as_of, rules) as ledger:
        _refresh(ledger, workers)
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
            f"{flag}{row['entry_id']}", shown(row["actor"] or ""), shown(row["official"] or ""), shown(row["metric"]),
            _target(row), str(row["deadline"] or ""), _actual(row), f"[{style}]{row['status']}[/{style}]" if style else row["status"],
            shown(", ".join(row["sources"])),
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
        found = ledger.entry(entry_id)
    row = found["entry"]
    say(f"[bold]#{row['entry_id']}[/bold] {shown(row['actor'] or '')} {shown(row['metric'])} {_target(row)} 期限 deadline {row['deadline'] or '—'}")
    say(f"地区 place: {row['place'] or '—'} {row['place_code'] or ''} · 指标 metric key: {shown(row['metric_key'])} · {row['kind']}")
    say(f"状态 status: {row['status']} — {shown(row['status_reason'])}")
    if row["conflict"]:
        say(f"[red]⚠ 冲突 conflict:[/red] {shown(row['conflict_reason'])}", highlight=False)
    mentions = Table(title="来源 Mentions")
    for column in ("#", "source", "span", "quote", "figure", "deadline", "corrected"):
        mentions.add_column(column, overflow="fold")
    for number, mention in enumerate(found["mentions"], start=1):
        figure = _target(mention)
        mentions.add_row(
            str(number), shown(mention["source"]), f"{mention['start']}–{mention['end']}", shown(mention["quote"]), figure,
            str(mention["deadline"] or ""), ", ".join(mention["corrected"]),
        )  # fmt: skip
    out.print(mentions)
    if found["outcomes"]:
        outcomes = Table(title="结果 Outcomes (taizhang correct unmatch|match ENTRY REF)")
        for column in ("ref", "state 状态", "period 时期", "figure 数值", "source 来源", "quote 原文", "why 依据"):
            outcomes.add_column(column, overflow="fold")
        for outcome in found["outcomes"]:
            span = f" [{outcome['start']}–{outcome['end']}]" if outcome["start"] is not None else ""
            figure = figure_words(outcome["kind"] or row["kind"], None, outcome["value"], None, outcome["unit"])
            outcomes.add_row(
                outcome["ref"], outcome["state_words"], outcome["period"], shown(figure), shown(outcome["source"] + span),
                shown(outcome["quote"] or ""), shown(outcome["reason"]),
            )  # fmt: skip
        out.print(outcomes)
    for change in found["history"]:
        say(f"状态变化 status {change['as_of']}: {change['status']} — {shown(change['reason'])}")


@app.command("export")
def export_command(
    format: Annotated[
        str | None, typer.Option("--format", "-f", metavar="[csv|xlsx|json]", help="Default: the -o file's suffix, else csv")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="File to write (default stdout; required for xlsx)")
    ] = None,
    force: ForceOption = False,
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

    An existing file is replaced only with --force, never the database itself; the file appears
    whole or not at all. Cells that a spreadsheet would run as a formula (=, +, -, @) are kept text.

    Example: taizhang export --format xlsx -o 台账.xlsx --actor 崂山区
    """
    format = _export_format(format, output)
    with opened_ledger(db, as_of) as ledger:
        _refresh(ledger)
        chosen = _filters(actor, with_parents, year, status, metric, source, conflicts)
        rows = ledger.entries(chosen)
        mentions = ledger.mentions(chosen) if format == "xlsx" else []
        protected = ledger.store.files()
    if output is None:
        sys.stdout.write(export.to_csv(rows) if format == "csv" else export.to_json(rows))
        return
    if format == "xlsx":
        write = partial(export.to_xlsx, rows, mentions)
    else:
        # A BOM, so that Excel on Chinese Windows reads the file as UTF-8 rather than GBK.
        text, encoding = (export.to_csv(rows), "utf-8-sig") if format == "csv" else (export.to_json(rows), "utf-8")
        write = partial(Path.write_text, data=text, encoding=encoding, newline="")
    write_output(output, write, force=force, protected=protected)
    err.print(f"导出 exported {len(rows)} entries → {shown(output)}", highlight=False)


def _export_format(format: str | None, output: Path | None) -> str:
    """The format asked for, or the one the output file's name says; a name that says none is refused
    (``-o taizhang.db`` is more likely a slip than a wish for CSV)."""
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if format is not None and format not in export.FORMATS:
        fail(f"--format must be one of {', '.join(export.FORMATS)}, not {format!r}")
    if format is not None and suffix in export.FORMATS and suffix != format:
        fail(f"--format {format} does not match the file name {shown(output)} (.{suffix})")
    if format is None and output is not None and suffix not in export.FORMATS:
        fail(f"cannot tell the format of {shown(output)}: name it .csv, .xlsx or .json, or give --format")
    format = format or suffix or "csv"
    if format == "xlsx" and output is None:
        fail("an Excel file needs -o FILE.xlsx")
    return format


@app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="An export (.csv, .xlsx, .json) edited by a person")],
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
        err.print(f"[yellow]警告 warning[/yellow] {shown(warning)}", highlight=False)
    already = f" ({imported.skipped} already recorded)" if imported.skipped else ""
    err.print(f"更正 corrections recorded: {len(imported.ids)}{already}", highlight=False)
    if imported.stale:
        raise typer.Exit(1)  # rows were left out: the import did not do all it was asked


@app.command("coverage")
def coverage_command(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, file name or SHA-256 prefix")],
    actor: Annotated[
        str | None, typer.Option("--actor", metavar="PLACE", help="Whose pledges to read (default: the report's own place)")
    ] = None,
    db: DbOption = None,
) -> None:
    """覆盖 Which headline indicators a report pledges with a number, mentions without one, or leaves out.

    Reads one actor's pledges for the report's year: the reporting government's by default.

    Example: taizhang coverage national_china_2023_gwr.txt
    """
    with opened_ledger(db) as ledger:
        report = ledger.coverage_report(source, actor)
    whose = f"{report.actor or '—'}, {report.year or '—'}年"
    table = Table(title=f"主要指标覆盖 Headline indicators: {shown(report.source)} ({shown(whose)})")
    for column in ("indicator 指标", "verdict 结论", "pledged 承诺", "at 位置"):
        table.add_column(column, overflow="fold")
    for item in report.items:
        pledged = "; ".join(f"{p.metric} {p.comparator} {p.value:g}{p.unit}" for p in item.pledges)
        table.add_row(item.indicator.name, item.verdict, shown(pledged), "" if item.at is None else str(item.at))
    out.print(table)


@app.command()
def place(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A place as texts name it (即墨, 青岛市崂山区, 西海岸新区, 山东) or its 6-digit code")],
) -> None:
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

"""A place's targets for a year beside their results, as analysts tabulate 目标完成情况: metric,
target, actual, verdict, evidence — from ledger rows, to a terminal table, CSV or Excel."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from taizhang.ledger.export import cell
from taizhang.ledger.figures import figure_words
from taizhang.ledger.metrics import indicators

# (key, heading): Chinese first, English beside it.
COLUMNS = (
    ("entry_id", "条目 entry"), ("metric", "指标 metric"), ("target", "目标 target"), ("deadline", "期限 deadline"),
    ("actual", "实际 actual"), ("period", "时期 period"), ("status", "结论 verdict"), ("reason", "理由 reason"),
    ("evidence", "依据 evidence"), ("target_source", "目标出处 target source"),
)  # fmt: skip
_WIDTHS = {"metric": 26, "target": 18, "actual": 18, "reason": 60, "evidence": 60, "target_source": 40}


def scorecard_rows(entries: list[dict[str, Any]], *, everything: bool = False) -> list[dict[str, Any]]:
    """One row per target (ledger rows in, of one place and year): the headline indicators first, in
    the order ``data/metrics.yaml`` lists them, then the rest in ledger order. Unless ``everything``,
    only headline indicators and targets that have an outcome."""
    headline = {indicator.key: n for n, indicator in enumerate(indicators(headline_only=True))}
    chosen = [e for e in entries if everything or e["metric_key"] in headline or e["outcome_ref"] is not None]
    chosen.sort(key=lambda e: (headline.get(e["metric_key"], len(headline)), e["entry_id"]))
    return [_row(entry) for entry in chosen]


def _row(entry: dict[str, Any]) -> dict[str, Any]:
    actual = evidence = ""
    if entry["outcome_ref"] is not None:
        actual = figure_words(entry["kind"], None, entry["outcome_value"], None, entry["outcome_unit"])
        evidence = entry["outcome_source"]
        if entry["outcome_quote"]:
            evidence += f" [{entry['outcome_start']}–{entry['outcome_end']}]「{entry['outcome_quote']}」"
    return {
        "entry_id": entry["entry_id"], "metric": entry["metric"], "deadline": entry["deadline"],
        "target": figure_words(entry["kind"], entry["comparator"], entry["value"], entry["value_high"], entry["unit"]),
        "actual": actual, "period": entry["outcome_period"] or "", "status": entry["status"],
        "reason": entry["status_reason"], "evidence": evidence,
        "target_source": f"{entry['source']} [{entry['start']}–{entry['end']}]「{entry['quote']}」",
    }  # fmt: skip


def to_csv(rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([heading for _, heading in COLUMNS])
    for row in rows:
        writer.writerow([cell(row[key]) for key, _ in COLUMNS])
    return buffer.getvalue()


def to_xlsx(rows: list[dict[str, Any]], path: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "目标完成情况 scorecard"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append([heading for _, heading in COLUMNS])
    for row in rows:
        sheet.append([cell(row[key]) for key, _ in COLUMNS])
    for heading in sheet[2]:
        heading.font = Font(bold=True)
        heading.alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{sheet.max_row}"
    for index, (key, heading) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(key, max(10, len(heading) + 2))
    book.save(path)

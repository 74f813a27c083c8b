"""Ledger rows to CSV, JSON and Excel, and tables (CSV, Excel, JSON) back to rows.

One row per entry: the entry's id, status and sources, then every field of the pledge record
(``spec/pledges.md``) for its first mention, so the source, quote and offsets always travel with
the figures. The Excel workbook is what an analyst hands a colleague: a frozen header, readable
column widths, filters, and a second sheet listing every mention with its source and quote.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from taizhang.document import PLEDGE_FIELDS
from taizhang.errors import SourceError
from taizhang.ledger.errors import BAD_SUFFIX, BAD_XLSX, CANNOT_READ, NO_FILE, NOT_A_LIST, NOT_JSON, LedgerError
from taizhang.source.decode import decode

ENTRY_FIELDS = ("entry_id", "status", "status_reason", "conflict", "conflict_reason", "sources", "mention_count")
PLACE_FIELDS = ("place_code", "place", "metric_key", "outcome", "key")
# The outcome the status rests on: its figure, period, and where it is stated (a person's outcome
# has no quote or offsets; ``outcome_ref`` is what `taizhang correct unmatch` takes).
OUTCOME_FIELDS = (
    "outcome_ref", "outcome_value", "outcome_unit", "outcome_period", "outcome_source", "outcome_quote",
    "outcome_start", "outcome_end",
)  # fmt: skip
COLUMNS = ENTRY_FIELDS + PLEDGE_FIELDS + PLACE_FIELDS + OUTCOME_FIELDS
MENTION_COLUMNS = ("entry_id", "source", "start", "end", "quote", "actor", "metric", "comparator", "value", "value_high", "unit", "deadline", "corrected")  # fmt: skip
FORMATS = ("csv", "xlsx", "json")
_WIDTHS = {
    "quote": 48, "status_reason": 40, "conflict_reason": 40, "metric": 24, "sources": 32, "outcome": 32, "source": 30,
    "outcome_quote": 40, "outcome_source": 30,
}  # fmt: skip


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: lists as '; '-joined text, everything else as is."""
    if isinstance(value, list):
        return "; ".join(json.dumps(v, ensure_ascii=False) if isinstance(v, list) else str(v) for v in value)
    return value


def cell_text(value: Any) -> str:
    """A cell read back from a table as text: none is empty, 2026.0 (as Excel stores 2026) is 2026."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: cell(row[name]) for name in COLUMNS})
    return buffer.getvalue()


def to_json(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps([{name: row[name] for name in COLUMNS} for row in rows], ensure_ascii=False, indent=1) + "\n"


def to_xlsx(rows: list[dict[str, Any]], mentions: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for sheet, columns, records, title in (
        (book.active, COLUMNS, rows, "台账 ledger"),
        (book.create_sheet(), MENTION_COLUMNS, mentions, "来源 sources"),
    ):
        sheet.title = title
        sheet.append(list(columns))
        for record in records:
            sheet.append([cell(record[name]) for name in columns])
        for heading in sheet[1]:
            heading.font = Font(bold=True)
            heading.alignment = Alignment(vertical="top")
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, name in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(name, max(10, len(name) + 2))
    book.save(path)


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a .csv, .xlsx (first sheet) or .json (a list of objects).

    CSV and JSON text may be in any encoding ingest reads (UTF-8 with or without BOM, GB18030 as
    Excel saves on Chinese Windows, Big5, UTF-16); a file that is none of them is refused by name.
    """
    if not path.exists():
        raise LedgerError(NO_FILE.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json", ".xlsx"):
        raise LedgerError(BAD_SUFFIX.format(path=path))
    if suffix in (".csv", ".json"):
        try:
            text, _ = decode(path.read_bytes(), str(path))
        except OSError as error:
            raise LedgerError(CANNOT_READ.format(path=path, reason=error.strerror or error)) from None
        except SourceError as error:
            raise LedgerError(str(error)) from None
    if suffix == ".csv":
        try:
            return [dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]
        except csv.Error as error:
            raise LedgerError(CANNOT_READ.format(path=path, reason=error)) from None
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise LedgerError(NOT_JSON.format(path=path, error=error)) from None
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise LedgerError(NOT_A_LIST.format(path=path))
        return data
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises zipfile, KeyError and its own errors for a bad file
        raise LedgerError(BAD_XLSX.format(path=path, error=error)) from None
    lines = sheet.iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(lines, ())]
    return [dict(zip(header, line)) for line in lines if any(v is not None for v in line)]

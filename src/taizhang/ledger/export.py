"""Ledger rows to CSV, JSON and Excel, and tables (CSV, Excel, JSON) back to rows.

One row per entry: the entry's id, status and sources, then every field of the pledge record
(``spec/pledges.md``) for its first mention, so the source, quote and offsets always travel with
the figures. CSV and JSON carry every column under its field name, for programs.

The Excel workbook is what an analyst hands a colleague: headers in Chinese with the field name
beside them (``指标 metric``), each entry's mentions readable (every source and its quote), a
frozen header, filters and readable widths; the columns only a program needs (the entry's key,
offsets, codes) stand on a sheet of their own, and a third sheet lists every mention. ``taizhang
import`` reads the ledger sheet by the field names in its headers and joins the program's sheet by
entry id, so an edited workbook comes back exactly. No cell is ever a formula (see
``taizhang.spreadsheet``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from taizhang.document import PLEDGE_FIELDS
from taizhang.errors import SourceError
from taizhang.ledger.errors import BAD_SUFFIX, BAD_XLSX, CANNOT_READ, NO_FILE, NOT_A_LIST, NOT_JSON, LedgerError
from taizhang.source.decode import decode
from taizhang.spreadsheet import from_csv_cell, needs_quote, to_csv_cell

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

# The workbook: what an analyst reads on the ledger sheet, in this order, and what only a program
# needs (joined back by entry id on import).
MENTION_QUOTES = "mention_quotes"  # every source and its quote: read, never imported
_READABLE = (
    "entry_id", "status", "status_reason", "conflict", "conflict_reason", "actor", "place", "official", "metric",
    "kind", "comparator", "value", "value_high", "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge",
    "binding", "quote", "source", "mention_count", "sources", MENTION_QUOTES, "outcome", "outcome_value", "outcome_unit",
    "outcome_period", "outcome_source", "outcome_quote",
)  # fmt: skip
MACHINE_SHEET_COLUMNS = (
    "entry_id", "key", "start", "end", "mentions", "confidence", "place_code", "metric_key", "outcome_ref",
    "outcome_start", "outcome_end",
)  # fmt: skip
# A column added to the export later stands at the end of the ledger sheet until placed above.
LEDGER_SHEET_COLUMNS = tuple(name for name in _READABLE if name in COLUMNS or name == MENTION_QUOTES) + tuple(
    name for name in COLUMNS if name not in _READABLE and name not in MACHINE_SHEET_COLUMNS
)
LEDGER_SHEET, MACHINE_SHEET, MENTION_SHEET = "台账 ledger", "程序用 machine", "来源 sources"
HEADINGS = {
    "entry_id": "编号", "status": "状态", "status_reason": "状态说明", "conflict": "来源不一", "conflict_reason": "不一之处",
    "actor": "主体", "place": "地区", "official": "责任人", "metric": "指标", "kind": "类型", "comparator": "比较",
    "value": "数值", "value_high": "上限", "unit": "单位", "norm_value": "标准值", "norm_unit": "标准单位",
    "deadline": "期限", "horizon": "期限原文", "hedge": "措辞", "quote": "原文", "source": "来源文件",
    "mention_count": "提及次数", "sources": "全部来源", MENTION_QUOTES: "各来源原文", "outcome": "结果", "key": "键",
    "start": "起", "end": "止", "mentions": "同文其他位置", "confidence": "置信度", "place_code": "区划代码",
    "metric_key": "指标键", "corrected": "已更正", "binding": "指标属性", "outcome_value": "结果数值",
    "outcome_unit": "结果单位", "outcome_period": "结果年份", "outcome_source": "结果出处", "outcome_quote": "结果原文",
    "outcome_ref": "结果编号", "outcome_start": "结果起", "outcome_end": "结果止",
}  # fmt: skip
_WIDTHS = {
    "quote": 48, "status_reason": 40, "conflict_reason": 40, "metric": 24, "sources": 32, "outcome": 32, "source": 30,
    "outcome_quote": 40, "outcome_source": 30, MENTION_QUOTES: 60,
}  # fmt: skip
_FIELD_IN_HEADING = re.compile(r"(?:^|\s)([a-z][a-z0-9_]*)$")


def heading(name: str) -> str:
    """A workbook column's header: the Chinese name with the field name beside it (``指标 metric``)."""
    return f"{HEADINGS[name]} {name}" if name in HEADINGS else name


def field_of(header: Any) -> str:
    """The field a table header names: ``指标 metric`` and ``metric`` both name ``metric``; a header
    with no field name at its end (a person's own column) is taken as written."""
    text = "" if header is None else str(header).strip()
    found = _FIELD_IN_HEADING.search(text)
    return found.group(1) if found else text


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
    # Rows end in CRLF (RFC 4180): with both characters in the line ending, a text holding a lone
    # carriage return is quoted too, instead of ending its row early.
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: to_csv_cell(cell(row[name])) for name in COLUMNS})
    return buffer.getvalue()


def to_json(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps([{name: row[name] for name in COLUMNS} for row in rows], ensure_ascii=False, indent=1) + "\n"


def to_xlsx(rows: list[dict[str, Any]], mentions: list[dict[str, Any]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    quotes: dict[int, list[str]] = {}
    for mention in mentions:
        quotes.setdefault(mention["entry_id"], []).append(f"{mention['source']}：{mention['quote']}")
    ledger_rows = [row | {MENTION_QUOTES: "\n".join(quotes.get(row["entry_id"], []))} for row in rows]
    book = Workbook()
    for sheet, columns, records, title in (
        (book.active, LEDGER_SHEET_COLUMNS, ledger_rows, LEDGER_SHEET),
        (book.create_sheet(), MACHINE_SHEET_COLUMNS, rows, MACHINE_SHEET),
        (book.create_sheet(), MENTION_COLUMNS, mentions, MENTION_SHEET),
    ):
        sheet.title = title
        sheet.append([heading(name) for name in columns])
        for number, record in enumerate(records, start=2):
            for column, name in enumerate(columns, start=1):
                _put(sheet.cell(number, column), cell(record[name]))
        for header in sheet[1]:
            header.font = Font(bold=True)
            header.alignment = Alignment(vertical="top", wrap_text=True)
        sheet.freeze_panes = "B2"
        sheet.auto_filter.ref = sheet.dimensions
        for index, name in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(name, max(10, len(heading(name)) + 2))
    book.save(path)


def _put(target: Any, value: Any) -> None:
    """Set a workbook cell: text is stored as text, never as a formula, and one a spreadsheet could
    take for a formula is marked quote-prefixed, so editing it keeps it text."""
    target.value = value
    if isinstance(value, str):
        target.data_type = "s"
        if needs_quote(value):
            target.quotePrefix = True


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a .csv, .xlsx or .json table (see :func:`iter_table`)."""
    return list(iter_table(path))


def iter_table(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a .csv, .xlsx (the first sheet, with the program's sheet of an export joined by entry
    id) or .json (a list of objects) file, one at a time, keyed by field name (see :func:`field_of`).

    CSV and JSON text may be in any encoding ingest reads (UTF-8 with or without BOM, GB18030 as
    Excel saves on Chinese Windows, Big5, UTF-16); a file that is none of them is refused by name.
    """
    if not path.exists():
        raise LedgerError(NO_FILE.format(path=path))
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json", ".xlsx"):
        raise LedgerError(BAD_SUFFIX.format(path=path))
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    text = read_text(path)
    if suffix == ".json":
        data = load_json(text, path)
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise LedgerError(NOT_A_LIST.format(path=path))
        return iter(data)
    return _csv_rows(text, path)


def read_text(path: Path) -> str:
    try:
        text, _ = decode(path.read_bytes(), str(path))
    except OSError as error:
        raise LedgerError(CANNOT_READ.format(path=path, reason=error.strerror or error)) from None
    except SourceError as error:
        raise LedgerError(str(error)) from None
    return text


MAX_JSON_DEPTH = 64  # a table or a corrections export nests four levels


def load_json(text: str, path: Path) -> Any:
    """JSON a person gave, or a :class:`LedgerError` naming the file: nesting deeper than
    ``MAX_JSON_DEPTH`` and integers too long to convert are refused like any other bad JSON.

    The parser counts nesting against the interpreter's recursion limit; lowered for the parse,
    a file nested 100,000 deep stops it near the top of the stack instead of at its bottom, where
    whatever else runs then (a finaliser) would fail too.
    """
    frames, frame = 0, sys._getframe()
    while frame is not None:
        frames, frame = frames + 1, frame.f_back
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(min(limit, frames + MAX_JSON_DEPTH))
    try:
        return json.loads(text)
    except RecursionError:
        raise LedgerError(NOT_JSON.format(path=path, error=f"nested more than {MAX_JSON_DEPTH} deep")) from None
    except ValueError as error:  # JSONDecodeError, and an integer of more digits than Python converts
        raise LedgerError(NOT_JSON.format(path=path, error=str(error).splitlines()[0][:200])) from None
    finally:
        sys.setrecursionlimit(limit)


def _csv_rows(text: str, path: Path) -> Iterator[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [field_of(name) for name in next(reader, [])]
        for line in reader:
            values = [from_csv_cell(value) for value in line]
            # As csv.DictReader does: extra cells under None, missing ones None.
            row = dict(zip(header, values + [None] * (len(header) - len(values)), strict=False))
            if len(values) > len(header):
                row[None] = values[len(header) :]
            yield row
    except csv.Error as error:
        raise LedgerError(CANNOT_READ.format(path=path, reason=error)) from None


def _xlsx_rows(path: Path) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        joined = {}
        if MACHINE_SHEET in book.sheetnames and sheet.title != MACHINE_SHEET:
            joined = {cell_text(row.get("entry_id")): row for row in _sheet_rows(book[MACHINE_SHEET])}
        for row in _sheet_rows(sheet):
            extra = joined.get(cell_text(row.get("entry_id")), {})
            yield row | {name: value for name, value in extra.items() if name not in row}
    except LedgerError:
        raise
    except Exception as error:  # openpyxl raises zipfile, KeyError, XML and its own errors for a bad file
        raise LedgerError(BAD_XLSX.format(path=path, error=error)) from None


def _sheet_rows(sheet: Any) -> Iterator[dict[str, Any]]:
    lines = sheet.iter_rows(values_only=True)
    header = [field_of(name) for name in next(lines, ())]
    for line in lines:
        if any(value is not None for value in line):
            yield dict(zip(header, line, strict=False))

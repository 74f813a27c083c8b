"""Exports carry provenance, and an export round-trips through import (edits become corrections)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from taizhang.document import PLEDGE_FIELDS
from taizhang.ledger import Filters, Ledger, LedgerError, export
from taizhang.storage import Store
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, pledges_in, store_source, write

SEED_TEXT = SEED.read_text(encoding="utf-8")
AS_OF = date(2024, 1, 1)


@pytest.fixture
def seeded(db_url: str) -> str:
    with Store(db_url) as store:
        store_source(store, SEED, pledges_in(SEED_TEXT, SEED.name, gold(SEED_GOLD)))
    return db_url


def test_every_spec_field_and_its_provenance_is_exported(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        rows = ledger.entries()
    parsed = list(csv.DictReader(io.StringIO(export.to_csv(rows))))
    assert len(parsed) == len(gold(SEED_GOLD))
    assert set(PLEDGE_FIELDS) | {"entry_id", "status", "status_reason", "sources"} <= set(parsed[0])
    for row in parsed:
        start, end = int(row["start"]), int(row["end"])
        assert SEED_TEXT[start:end] == row["quote"] and row["source"] == row["sources"] == SEED.name
    assert json.loads(export.to_json(rows))[0]["quote"] == rows[0]["quote"]


@pytest.mark.parametrize("suffix", ["csv", "json", "xlsx"])
def test_an_unchanged_export_imports_as_no_corrections(seeded: str, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"ledger.{suffix}"
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        rows = ledger.entries()
        if suffix == "xlsx":
            export.to_xlsx(rows, ledger.mentions(), path)
        else:
            path.write_text(export.to_csv(rows) if suffix == "csv" else export.to_json(rows), encoding="utf-8")
        assert ledger.import_edits(path, author="t") == []
        assert ledger.entries() == rows


def test_an_edited_spreadsheet_comes_back_as_corrections(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        export.to_xlsx(ledger.entries(), ledger.mentions(), path)
        book = load_workbook(path)
        sheet = book["台账 ledger"]
        header = [c.value for c in sheet[1]]
        quote_col, value_col, deadline_col = (header.index(n) + 1 for n in ("quote", "value", "deadline"))
        target = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, quote_col).value == "全区生产总值突破1500亿元")
        sheet.cell(target, value_col).value = 1300
        sheet.cell(target, deadline_col).value = 2027
        book.save(path)
        corrections = ledger.import_edits(path, author="王芳")
        assert len(corrections) == 2
        ledger.refresh()
        [row] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        assert (row["value"], row["norm_value"], row["deadline"]) == (1300, 1.3e11, 2027)
        assert {(c.field, c.before, c.after, c.author) for c in ledger.corrections()} == {("value", 1500, 1300, "王芳"), ("deadline", 2026, 2027, "王芳")}  # fmt: skip
        with pytest.raises(LedgerError, match="no entry with key"):
            ledger.import_edits(write(tmp_path / "stale.csv", "entry_id,key,value\n1,0000,5\n"), author="t")


def test_the_excel_file_is_ready_to_hand_over(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        export.to_xlsx(ledger.entries(), ledger.mentions(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["台账 ledger", "来源 sources"]
    sheet = book["台账 ledger"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert sheet.column_dimensions["A"].width >= 10
    quote = [c.value for c in sheet[1]].index("quote")
    assert sheet.column_dimensions[chr(ord("A") + quote)].width == 48
    sources = book["来源 sources"]
    assert [c.value for c in sources[1]][:5] == ["entry_id", "source", "start", "end", "quote"]
    assert sources.max_row == len(gold(SEED_GOLD)) + 1

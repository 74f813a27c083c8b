"""Exports carry provenance, and an export round-trips through import (edits become corrections)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from taizhang.document import PLEDGE_FIELDS
from taizhang.ingest import ingest
from taizhang.ledger import Filters, Ledger, LedgerError, export
from taizhang.ledger.errors import BatchError
from taizhang.ledger.tables import LedgerStateRow
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
        imported = ledger.import_edits(path, author="t")
        assert (imported.ids, imported.warnings) == ([], [])
        assert ledger.entries() == rows


def test_an_edited_spreadsheet_comes_back_as_corrections(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        export.to_xlsx(ledger.entries(), ledger.mentions(), path)
        book = load_workbook(path)
        sheet = book["台账 ledger"]
        header = [c.value for c in sheet[1]]
        quote_col, value_col, deadline_col = (header.index(f"{zh} {n}") + 1 for zh, n in (("原文", "quote"), ("数值", "value"), ("期限", "deadline")))
        target = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, quote_col).value == "全区生产总值突破1500亿元")
        sheet.cell(target, value_col).value = 1300
        sheet.cell(target, deadline_col).value = 2027
        book.save(path)
        corrections = ledger.import_edits(path, author="王芳").ids
        assert len(corrections) == 2
        ledger.refresh()
        [row] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        assert (row["value"], row["norm_value"], row["deadline"]) == (1300, 1.3e11, 2027)
        assert {(c.field, c.before, c.after, c.author) for c in ledger.corrections()} == {("value", 1500, 1300, "王芳"), ("deadline", 2026, 2027, "王芳")}  # fmt: skip
        stale = ledger.import_edits(write(tmp_path / "stale.csv", "entry_id,key,value\n1,0000,5\n"), author="t")
        assert (stale.ids, stale.stale) == ([], [2])
        assert "1 row(s) not imported (no entry has its key now" in stale.warnings[0]


def test_the_excel_file_is_ready_to_hand_over(seeded: str, tmp_path: Path) -> None:
    path = tmp_path / "ledger.xlsx"
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        export.to_xlsx(ledger.entries(), ledger.mentions(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["台账 ledger", "程序用 machine", "来源 sources"]
    sheet = book["台账 ledger"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
    assert sheet.column_dimensions["A"].width >= 10
    header = [c.value for c in sheet[1]]
    # Chinese headers with the field name beside them; nothing only a program reads.
    assert header[:3] == ["编号 entry_id", "状态 status", "状态说明 status_reason"] and "指标 metric" in header
    assert not {"key", "键 key", "mentions", "metric_key", "place_code", "start"} & {*header, *(h.split()[-1] for h in header)}
    assert sheet.column_dimensions[chr(ord("A") + header.index("原文 quote"))].width == 48
    # Each entry's mentions readable: the source and the quote, one a line.
    quotes = header.index("各来源原文 mention_quotes")
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[header.index("原文 quote")] == "全区生产总值突破1500亿元")
    assert row[quotes] == f"{SEED.name}：全区生产总值突破1500亿元"
    machine = book["程序用 machine"]
    assert [c.value for c in machine[1]][:2] == ["编号 entry_id", "键 key"] and machine.max_row == sheet.max_row
    sources = book["来源 sources"]
    assert [c.value for c in sources[1]][:5] == ["编号 entry_id", "来源文件 source", "起 start", "止 end", "原文 quote"]
    assert sources.max_row == len(gold(SEED_GOLD)) + 1


def _exported_csv(ledger: Ledger, path: Path) -> list[dict]:
    ledger.refresh()
    path.write_text(export.to_csv(ledger.entries()), encoding="utf-8")
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def test_an_untouched_cell_is_not_checked_again(seeded: str, tmp_path: Path) -> None:
    with Store(seeded) as store:  # the extractor sometimes leaves a metric empty
        source = store.find_source(SEED.name)
        pledges = store.pledges(source.id)
        store.replace_pledges(source.id, [replace(pledges[0], metric=""), *pledges[1:]], "gold")
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
        assert rows[0]["metric"] == ""
        rows[1]["official"] = "张某"
        imported = ledger.import_edits(_write_rows(tmp_path / "edited.csv", rows), author="t")
        assert len(imported.ids) == 1 and imported.warnings == []


def test_a_file_with_bad_rows_imports_nothing_and_names_every_problem(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
        rows[0]["official"] = "张某"  # a good edit: not written while other rows are bad
        rows[1]["value"] = "nan"
        rows[2]["value"] = "1e400"
        rows[3]["deadline"] = "99999"
        rows[3]["unit"] = "光年"
        path = _write_rows(tmp_path / "edited.csv", rows)
        with pytest.raises(BatchError) as raised:
            ledger.import_edits(path, author="t")
        assert raised.value.problems == [
            f"{path}:3:value: value must be a finite number, not 'nan'",
            f"{path}:4:value: value must be a finite number, not '1e400'",
            f"{path}:5:unit: unknown unit '光年' (units as in pledges: 亿元, 万人, %, 个 …)",
            f"{path}:5:deadline: deadline must be a year from 1900 to 2100, not 99999",
        ]
        assert raised.value.summary == f"{path}: 3 bad row(s), nothing imported"
        assert ledger.corrections() == []


def test_importing_an_edited_file_twice_records_its_edits_once(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
        rows[0]["official"] = "张某"
        rows.append(dict(rows[0]))  # the same row twice
        path = _write_rows(tmp_path / "edited.csv", rows)
        first = ledger.import_edits(path, author="t")
        assert (len(first.ids), first.skipped) == (1, 1)
        again = ledger.import_edits(path, author="t")
        assert (again.ids, again.skipped) == ([], 0) and len(ledger.corrections()) == 1


def test_edits_that_cannot_come_back_are_warned_about(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
        rows[0]["status"] = "已完成"
        rows[1]["quote"] = "另一句话"
        kept = rows[:-2]  # two rows deleted
        path = _write_rows(tmp_path / "edited.csv", kept)
        imported = ledger.import_edits(path, author="t")
        assert (imported.ids, imported.stale) == ([], [3])
        assert imported.warnings[0] == f"{path}: column status differs from the ledger in 1 row(s) (2): status is computed — record a result with `taizhang outcome add`; not imported"  # fmt: skip
        assert imported.warnings[1].startswith(f"{path}: 1 row(s) not imported (its quote or its number of mentions differs")
        assert imported.warnings[2].startswith(f"{path}: 2 entries are not in the file ({rows[-2]['entry_id']}, {rows[-1]['entry_id']})")  # fmt: skip
        assert "taizhang correct reject ID" in imported.warnings[2]


def test_a_csv_saved_by_excel_on_chinese_windows_imports(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
        rows[0]["official"] = "张某某"
        path = _write_rows(tmp_path / "gbk.csv", rows, encoding="gb18030")
        assert len(ledger.import_edits(path, author="t").ids) == 1
        ledger.refresh()
        assert ledger.entries(limit=1)[0]["official"] == "张某某"
        binary = tmp_path / "picture.csv"
        binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
        with pytest.raises(LedgerError, match="picture.csv: "):
            ledger.import_edits(binary, author="t")


def test_an_import_records_every_edit_without_rebuilding_the_ledger_per_cell(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
        with Store(seeded) as store, store.engine.connect() as connection:
            built_at = connection.execute(select(LedgerStateRow.built_at)).scalar_one()
        for row, official in zip(rows[:3], ("甲", "乙", "丙"), strict=True):
            row["official"] = official
        imported = ledger.import_edits(_write_rows(tmp_path / "edited.csv", rows), author="t")
        assert len(imported.ids) == 3 and len({c.created_at for c in ledger.corrections()}) == 1  # one batch
        with Store(seeded) as store, store.engine.connect() as connection:
            assert connection.execute(select(LedgerStateRow.built_at)).scalar_one() == built_at


def test_an_export_from_before_a_new_version_imports_only_rows_it_still_describes(db_url: str, tmp_path: Path) -> None:
    """A file re-scraped after the export: rows whose entry is gone or whose words changed are left
    out and named (their cells hold the old ledger's values, not edits); the other rows' edits
    come in; offsets that moved are one warning per column, not one per row."""
    source = write(tmp_path / SEED.name, SEED.read_text(encoding="utf-8"))
    with Store(db_url) as store:
        ingest(store, [source])
    with Ledger(db_url, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "before.csv")
    gdp = next(i for i, r in enumerate(rows) if r["quote"] == "全区生产总值突破1500亿元")
    kept = next(i for i, r in enumerate(rows) if r["quote"] == "专精特新企业达到500家")
    rows[gdp]["value"] = "1600"  # an edit to a sentence the new version words otherwise
    rows[kept]["official"] = "张元升同志"  # an edit to one it still holds
    header = "来源：大众日报\n\n"
    write(source, header + SEED.read_text(encoding="utf-8").replace("全区生产总值突破1500亿元", "全区生产总值突破一千五百亿元"))
    with Store(db_url) as store:
        ingest(store, [source])
    with Ledger(db_url, as_of=AS_OF) as ledger:
        imported = ledger.import_edits(_write_rows(tmp_path / "edited.csv", rows), author="t")
        assert imported.stale == [gdp + 2]  # row numbers count the header
        assert imported.ids and {(c.field, c.after) for c in ledger.corrections()} == {("official", "张元升同志")}
        assert len([w for w in imported.warnings if "column start differs" in w]) == 1
        ledger.refresh()
        assert all(r["value"] != 1600 for r in ledger.entries())


def test_an_edit_to_an_entry_that_gained_a_mention_since_the_export_is_left_out(seeded: str, tmp_path: Path) -> None:
    """An edit applies to every mention of its entry: one reprinted since the export would take
    the edit on a mention the person never saw."""
    with Ledger(seeded, as_of=AS_OF) as ledger:
        rows = _exported_csv(ledger, tmp_path / "l.csv")
    gdp = next(i for i, r in enumerate(rows) if r["quote"] == "全区生产总值突破1500亿元")
    rows[gdp]["value"] = "1600"
    reprint_text = "来源：大众日报\n\n" + SEED_TEXT
    with Store(seeded) as store:
        reprint = write(tmp_path / "reprint.txt", reprint_text)
        store_source(store, reprint, pledges_in(reprint_text, reprint.name, gold(SEED_GOLD)))
    with Ledger(seeded, as_of=AS_OF) as ledger:
        imported = ledger.import_edits(_write_rows(tmp_path / "edited.csv", rows), author="t")
        assert imported.ids == [] and gdp + 2 in imported.stale  # every entry was reprinted
        assert "number of mentions" in next(w for w in imported.warnings if "not imported (" in w)

"""Corrections: fix, reject, merge, split, add; an audit trail that survives re-ingest and travels."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from taizhang.ingest import ingest
from taizhang.ledger import Filters, Ledger, LedgerError
from taizhang.ledger.tables import CorrectionRow, MentionIdRow, MentionRow, extracted
from taizhang.pipeline import EXTRACTOR
from taizhang.storage import Store
from tests.ledger.ledger_support import REPRINT_HEADER, SEED, SEED_GOLD, gold, pledges_in, store_seed_and_reprint, store_source, write

SEED_TEXT = SEED.read_text(encoding="utf-8")
REPRINT = REPRINT_HEADER + SEED_TEXT
LAOSHAN_GDP = "全区生产总值突破1500亿元"
AS_OF = date(2024, 1, 1)


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> str:
    return store_seed_and_reprint(db_url, tmp_path)


def _without_ids(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "entry_id"} for row in rows]


def laoshan_gdp(ledger: Ledger) -> dict:
    ledger.refresh()
    [row] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
    return row


def test_set_a_field_keeps_who_when_before_after(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        assert len(ledger.set_field(row["entry_id"], "value", "1600", author="王芳", note="原文如此")) == 2  # both mentions
        row = laoshan_gdp(ledger)
        assert (row["value"], row["norm_value"]) == (1600, 1.6e11)  # the normal form follows the value
        [first, _] = ledger.corrections()
        assert (first.action, first.field, first.before, first.after, first.author, first.note) == ("set", "value", 1500, 1600, "王芳", "原文如此")  # fmt: skip
        assert first.created_at is not None and first.anchor.quote == LAOSHAN_GDP
        assert ledger.entry(row["entry_id"])["mentions"][0]["corrected"] == ["value"]


def test_a_mention_keeps_its_record_as_extracted_only_where_a_correction_changed_it(seeded: str) -> None:
    """Migration 0016: an uncorrected mention's record as extracted is its own row; a corrected one's
    is stored whole, and a later correction is anchored on it (the words and figure as extracted)."""
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        ledger.set_field(row["entry_id"], "value", "1600", author="王芳")
        ledger.set_field(laoshan_gdp(ledger)["entry_id"], "value", "1700", author="王芳")
        ledger.refresh()
        with ledger.store.engine.connect() as connection:
            rows = connection.execute(select(MentionRow)).all()
        corrected = [r for r in rows if r.original is not None]
        assert len(corrected) == 2 and all(r.value == 1700 and r.original["value"] == 1500 for r in corrected)
        assert all(r.norm_unit is not None and extracted(r) is r for r in rows if r.original is None)
        assert [(a.norm_value, a.quote) for a in (c.anchor for c in ledger.corrections())] == [(1.5e11, LAOSHAN_GDP)] * 4
        assert {(e.quote, e.norm_value, e.norm_unit) for e in map(extracted, corrected)} == {(LAOSHAN_GDP, 1.5e11, "CNY")}


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [("colour", "red", "no field 'colour'"), ("value", "many", "value must be a number, not 'many'"), ("kind", "big", "kind must be one of"),
     ("comparator", "≈", "comparator must be one of"), ("metric", "", "metric cannot be empty")],
)  # fmt: skip
def test_bad_corrections_are_refused(seeded: str, field: str, value: str, problem: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        with pytest.raises(LedgerError, match=problem):
            ledger.set_field(row["entry_id"], field, value, author="t")
        with pytest.raises(LedgerError, match="no ledger entry 99999"):
            ledger.set_field(99999, "value", "1", author="t")
        with pytest.raises(LedgerError, match="has no mention 3"):
            ledger.set_field(row["entry_id"], "value", "1", author="t", mention=3)


def test_reject_merge_split_and_add(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        total = ledger.count()
        row = laoshan_gdp(ledger)
        ledger.split(row["entry_id"], 2, author="t")  # the reprint's mention alone
        ledger.refresh()
        assert ledger.count() == total + 1
        parts = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        assert [r["sources"] for r in parts] == [[SEED.name], ["reprint_dazhong.txt"]]
        ledger.merge(parts[0]["entry_id"], parts[1]["entry_id"], author="t")
        ledger.refresh()
        assert ledger.count() == total
        ledger.reject(laoshan_gdp(ledger)["entry_id"], author="t", note="测试")
        ledger.refresh()
        assert ledger.count() == total - 1
        # The seed gold's optional records are pledges a careful reader could take: add one by hand.
        [optional] = [r for r in gold(SEED_GOLD, optional=True) if r["optional"]][:1]
        start = SEED_TEXT.find(optional["quote"])
        fields = {k: optional[k] for k in ("metric", "kind", "comparator", "value", "unit", "actor", "deadline")}
        ledger.add_pledge(SEED.name, start, start + len(optional["quote"]), fields, author="t")
        ledger.refresh()
        added = [r for r in ledger.entries(Filters(source=SEED.name)) if r["quote"] == optional["quote"] and r["metric"] == optional["metric"]]
        assert len(added) == 1 and added[0]["norm_unit"] == optional["norm_unit"]
        with pytest.raises(LedgerError, match="span"):
            ledger.add_pledge(SEED.name, 10, 10**7, fields, author="t")
        with pytest.raises(LedgerError, match="no source"):
            ledger.add_pledge("nothing.txt", 0, 5, fields, author="t")


def test_a_correction_survives_a_re_extraction_that_moves_the_span(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.set_field(laoshan_gdp(ledger)["entry_id"], "official", "张元升书记", author="t")
    with Store(seeded) as store:
        source = store.find_source(SEED.name)
        # A new extractor version: new pledge rows, the clause now taken two characters wider.
        wider = [replace(p, start=p.start - 2, quote=SEED_TEXT[p.start - 2 : p.end]) for p in store.pledges(source.id)]
        store.replace_pledges(source.id, wider, "gold-v2")
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        assert row["official"] == "张元升书记" and row["quote"] == SEED_TEXT[row["start"] : row["end"]] != LAOSHAN_GDP


def test_a_correction_survives_re_ingest(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / SEED.name
    shutil.copy(SEED, path)
    with Store(db_url) as store:
        assert ingest(store, [path]).pledges > 0
    with Ledger(db_url, as_of=AS_OF) as ledger:
        ledger.refresh()
        row = ledger.entries(limit=1)[0]
        ledger.set_field(row["entry_id"], "metric", "人工更正的指标", author="王芳")
        ledger.refresh()
        assert ledger.entries(limit=1)[0]["metric"] == "人工更正的指标"
    with Store(db_url) as store:
        source = store.find_source(SEED.name)
        store.replace_pledges(source.id, store.pledges(source.id), "an older extractor")  # so ingest extracts again
        report = ingest(store, [path])
        assert report.count("unchanged") == 1 and report.pledges > 0
        assert store.find_source(SEED.name).extractor == EXTRACTOR  # its pledge rows were replaced
    with Ledger(db_url, as_of=AS_OF) as ledger:
        built = ledger.refresh(force=True)  # rebuilt from the new pledge rows
        assert built.rebuilt and not built.unapplied
        [again] = [r for r in ledger.entries() if r["metric"] == "人工更正的指标"]
        assert (again["quote"], again["start"]) == (row["quote"], row["start"])


def test_corrections_carry_over_to_a_new_version_of_the_file(db_url: str, tmp_path: Path) -> None:
    """A re-scraped file with a line added on top has new bytes and new offsets: fixes of words it
    still holds apply there; a fix of words it no longer holds is reported, not lost."""
    path = write(tmp_path / SEED.name, SEED_TEXT)
    with Store(db_url) as store:
        ingest(store, [path])
    [optional] = [r for r in gold(SEED_GOLD, optional=True) if r["optional"]][:1]
    fields = {k: optional[k] for k in ("metric", "kind", "comparator", "value", "unit", "actor", "deadline")}
    with Ledger(db_url, as_of=AS_OF) as ledger:
        ledger.set_field(laoshan_gdp(ledger)["entry_id"], "official", "张元升书记", author="王芳")
        ledger.refresh()
        rejected = next(r for r in ledger.entries() if r["actor"] != "崂山区")
        ledger.reject(rejected["entry_id"], author="王芳")
        start = SEED_TEXT.find(optional["quote"])
        ledger.add_pledge(SEED.name, start, start + len(optional["quote"]), fields, author="王芳")
        before = ledger.refresh(force=True)
        assert not before.unapplied
        count = ledger.count()
        ids = {(r["quote"], r["metric"]): r["entry_id"] for r in ledger.entries()}
    header = "来源：大众日报  2022-07-01\n\n"
    write(path, header + SEED_TEXT)
    with Store(db_url) as store:
        assert ingest(store, [path]).count("new version") == 1
    with Ledger(db_url, as_of=AS_OF) as ledger:
        built = ledger.refresh(force=True)
        assert not built.unapplied
        row = laoshan_gdp(ledger)
        assert row["official"] == "张元升书记" and row["start"] == SEED_TEXT.find(LAOSHAN_GDP) + len(header)
        assert ledger.count() == count  # the rejected entry stays out, the added one stays in
        assert not [r for r in ledger.entries() if r["quote"] == rejected["quote"] and r["metric"] == rejected["metric"]]
        [added] = [r for r in ledger.entries() if r["quote"] == optional["quote"] and r["metric"] == optional["metric"]]
        assert added["start"] == start + len(header)
        # every entry keeps its id in the new version (the ids a person noted still work)
        assert {(r["quote"], r["metric"]): r["entry_id"] for r in ledger.entries()} == ids
    write(path, header + SEED_TEXT.replace(LAOSHAN_GDP, "全区生产总值迈上新台阶"))
    with Store(db_url) as store:
        ingest(store, [path])
    with Ledger(db_url, as_of=AS_OF) as ledger:
        [lost] = ledger.refresh(force=True).unapplied
        assert (lost.action, lost.anchor.quote) == ("set", LAOSHAN_GDP)
        assert ledger.not_applying() == {lost.id}  # kept in the trail, marked


def test_a_correction_whose_record_is_gone_is_reported(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.set_field(laoshan_gdp(ledger)["entry_id"], "official", "x", author="t", mention=1)
    with Store(seeded) as store:
        store.replace_pledges(store.find_source(SEED.name).id, [], "finds nothing")
    with Ledger(seeded, as_of=AS_OF) as ledger:
        [lost] = ledger.refresh(force=True).unapplied
        assert lost.anchor.quote == LAOSHAN_GDP


def test_corrections_export_and_import_into_another_database(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        ledger.set_field(row["entry_id"], "deadline", "2027", author="王芳")
        ledger.reject(ledger.entries(limit=1)[0]["entry_id"], author="李雷")
        ledger.refresh()
        expected = ledger.entries()
        trail = ledger.export_corrections()
    copy = tmp_path / "copy.db"
    with Store(str(copy)) as store:
        store_source(store, SEED, pledges_in(SEED_TEXT, SEED.name, gold(SEED_GOLD)))
        store_source(store, tmp_path / "reprint_dazhong.txt", pledges_in(REPRINT, "reprint_dazhong.txt", gold(SEED_GOLD)))
    exported = write(tmp_path / "corrections.json", json.dumps(trail, ensure_ascii=False))
    with Ledger(str(copy), as_of=AS_OF) as other:
        assert len(other.import_corrections(exported)) == 4  # one per mention: the seed's and the reprint's
        other.refresh()
        assert [c.to_dict() for c in other.corrections()] == trail
        # Entry ids are this database's own (kept across its rebuilds); all else is the same.
        assert _without_ids(other.entries()) == _without_ids(expected)
        with pytest.raises(LedgerError, match="bad.json:record 1: not a correction record"):
            other.import_corrections(write(tmp_path / "bad.json", '[{"action": "set"}]'))


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("value", "nan", "value must be a finite number, not 'nan'"),
        ("value", "1e400", "value must be a finite number, not '1e400'"),
        ("value_high", "-inf", "value_high must be a finite number"),
        ("deadline", "10000", "deadline must be a year from 1900 to 2100, not 10000"),
        ("deadline", "99999999999999999999", "deadline must be a year from 1900 to 2100"),
        ("deadline", "2026.5", "deadline must be a year, not '2026.5'"),
        ("unit", "光年", "unknown unit '光年'"),
    ],
)
def test_values_that_would_break_the_ledger_are_refused(seeded: str, field: str, value: str, problem: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        with pytest.raises(LedgerError, match=problem):
            ledger.set_field(row["entry_id"], field, value, author="t")
        assert ledger.corrections() == []
        assert laoshan_gdp(ledger)[field] == row[field]


def test_an_added_pledge_is_checked_like_a_set_field(seeded: str) -> None:
    start = SEED_TEXT.find(LAOSHAN_GDP)
    fields = {"metric": "全区生产总值", "kind": "level", "comparator": ">", "value": 1500.0, "unit": "亿元"}
    with Ledger(seeded, as_of=AS_OF) as ledger:
        for bad, problem in [({"value": float("nan")}, "value must be a finite number"), ({"deadline": 99999}, "deadline must be a year"),
                             ({"comparator": "range"}, "a range needs its upper end"), ({"unit": "光年"}, "unknown unit")]:  # fmt: skip
            with pytest.raises(LedgerError, match=problem):
                ledger.add_pledge(SEED.name, start, start + len(LAOSHAN_GDP), fields | bad, author="t")
        assert ledger.corrections() == []


def test_a_deadline_no_calendar_holds_is_unverifiable_not_a_crash(seeded: str) -> None:
    with Store(seeded) as store:
        source = store.find_source(SEED.name)
        pledges = store.pledges(source.id)
        store.replace_pledges(source.id, [replace(p, deadline=99999) if p.quote == LAOSHAN_GDP else p for p in pledges], "a misread")
    with Ledger(seeded) as ledger:
        ledger.refresh()
        [row] = ledger.entries(Filters(year=None, metric="GDP", actor="崂山区", status="无法核实"))
        assert row["deadline"] == 99999 and "not a plausible year" in row["status_reason"]


def test_undo_takes_a_correction_back_and_keeps_both_in_the_trail(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        first, _ = ledger.set_field(row["entry_id"], "value", "1600", author="王芳")
        assert laoshan_gdp(ledger)["value"] == 1600
        undo = ledger.undo(first, author="李雷", note="改错了")
        assert laoshan_gdp(ledger)["mention_count"] == 2
        shown = ledger.entry(laoshan_gdp(ledger)["entry_id"])["mentions"]
        assert [m["value"] for m in shown] == [1500, 1600]  # only the seed mention's correction was taken back
        trail = ledger.corrections()
        assert [(c.action, c.author) for c in trail] == [("set", "王芳"), ("set", "王芳"), ("undo", "李雷")]
        assert trail[-1].id == undo and trail[-1].before["id"] == first
        with pytest.raises(LedgerError, match=f"correction #{first} is already undone"):
            ledger.undo(first, author="t")
        with pytest.raises(LedgerError, match="is an undo"):
            ledger.undo(undo, author="t")
        with pytest.raises(LedgerError, match="no correction #99"):
            ledger.undo(99, author="t")


def test_a_correction_stored_before_it_was_checked_is_reported_and_can_be_undone(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        [good] = ledger.set_field(row["entry_id"], "official", "张某", author="t", mention=1)
    with Store(seeded) as store, store.engine.begin() as connection:  # as an older version stored it
        connection.execute(update(CorrectionRow).where(CorrectionRow.id == good).values(field="deadline", after=10**20))
    with Ledger(seeded, as_of=AS_OF) as ledger:
        built = ledger.refresh(force=True)
        [(bad, problem)] = built.invalid
        assert bad.id == good and "deadline must be a year" in problem
        assert laoshan_gdp(ledger)["value"] == 1500  # the rest of the ledger is built
        ledger.undo(good, author="t")
        assert not ledger.refresh(force=True).invalid


def test_an_added_range_stored_upside_down_is_reported_not_a_failed_build(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        added = ledger.add_pledge("1", 0, 5, {"metric": "m", "kind": "level", "comparator": "range", "value": 1, "value_high": 2, "unit": "家"}, author="t")  # fmt: skip
        with ledger.store.engine.connect() as connection:
            row = connection.execute(select(CorrectionRow.after).where(CorrectionRow.id == added)).scalar_one()
    with Store(seeded) as store, store.engine.begin() as connection:  # as an older version stored it
        connection.execute(update(CorrectionRow).where(CorrectionRow.id == added).values(after={**row, "value_high": 0.5}))
    with Ledger(seeded, as_of=AS_OF) as ledger:
        [(bad, problem)] = ledger.refresh(force=True).invalid
        assert bad.id == added and problem == "the upper end 0.5 is below the value 1 (value_high is the larger end of a range)"


def test_importing_the_same_corrections_twice_adds_them_once(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        ledger.set_field(row["entry_id"], "deadline", "2027", author="王芳")
        trail = write(tmp_path / "c.json", json.dumps(ledger.export_corrections(), ensure_ascii=False))
        assert ledger.import_corrections(trail) == []  # already in this trail
        records = json.loads(trail.read_text(encoding="utf-8"))
        bad = write(tmp_path / "bad.json", json.dumps([records[0] | {"after": 99999}, records[1], {"action": "set"}]))
        with pytest.raises(LedgerError) as raised:
            ledger.import_corrections(bad)
        assert raised.value.problems == [
            f"{bad}:record 1: deadline must be a year from 1900 to 2100, not 99999",
            f"{bad}:record 3: not a correction record: KeyError('anchor')",
        ]
        assert len(ledger.corrections()) == 2


def test_split_needs_two_mentions(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        row = laoshan_gdp(ledger)
        ledger.split(row["entry_id"], 2, author="t")
        ledger.refresh()
        [alone, _] = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        with pytest.raises(LedgerError, match=f"entry {alone['entry_id']} has one mention"):
            ledger.split(alone["entry_id"], 1, author="t")


def test_a_fix_undone_and_made_again_travels_whole(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        entry_id = laoshan_gdp(ledger)["entry_id"]
        [first] = ledger.set_field(entry_id, "official", "张某", author="t", mention=1)
        ledger.undo(first, author="t")
        ledger.set_field(entry_id, "official", "张某", author="t", mention=1)
        assert laoshan_gdp(ledger)["official"] == "张某"
        trail = write(tmp_path / "c.json", json.dumps(ledger.export_corrections(), ensure_ascii=False))
    copy = tmp_path / "copy.db"
    with Store(str(copy)) as store:
        store_source(store, SEED, pledges_in(SEED_TEXT, SEED.name, gold(SEED_GOLD)))
        store_source(store, tmp_path / "reprint_dazhong.txt", pledges_in(REPRINT, "reprint_dazhong.txt", gold(SEED_GOLD)))
    with Ledger(str(copy), as_of=AS_OF) as other:
        assert len(other.import_corrections(trail)) == 3
        assert other.import_corrections(trail) == []
        assert laoshan_gdp(other)["official"] == "张某"


def test_entry_ids_stay_put_across_corrections_and_rebuilds_and_are_never_given_twice(seeded: str, tmp_path: Path) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        before = {r["entry_id"]: (r["quote"], r["metric"]) for r in ledger.entries()}
        gdp = laoshan_gdp(ledger)["entry_id"]
        ledger.set_field(gdp, "metric", "地区生产总值", author="t")  # a new metric: another group key
        first, last = min(before), max(before)
        ledger.reject(first, author="t")  # those after it keep their ids
        ledger.refresh(force=True)
        with pytest.raises(LedgerError, match=f"ledger entry {first} is no longer in the ledger: rejected"):
            ledger.entry(first)
        with pytest.raises(LedgerError, match=f"no ledger entry {last + 1} "):
            ledger.entry(last + 1)
        after = {r["entry_id"]: (r["quote"], r["metric"]) for r in ledger.entries()}
        assert after[gdp] == (LAOSHAN_GDP, "地区生产总值")
        assert {i: v for i, v in after.items() if i != gdp} == {i: v for i, v in before.items() if i not in (gdp, first)}
    with Store(seeded) as store:  # a new source's commitments come after every id given so far
        other = write(tmp_path / "other.txt", "到2030年，全市粮食产量稳定在500万吨以上。\n")
        store_source(store, other, pledges_in(other.read_text(encoding="utf-8"), other.name, [
            {"quote": "粮食产量稳定在500万吨以上", "actor": "全市", "official": None, "metric": "粮食产量", "kind": "level",
             "comparator": ">=", "value": 500, "value_high": None, "unit": "万吨", "norm_value": 5e6, "norm_unit": "吨",
             "deadline": 2030, "horizon": "到2030年", "hedge": None},
        ]))  # fmt: skip
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh(force=True)
        [new] = [r for r in ledger.entries() if r["source"] == "other.txt"]
        assert new["entry_id"] == last + 1  # after every id given so far, the rejected one's included


def test_split_leaves_the_entry_its_id_and_merge_keeps_the_id_merged_into(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        gdp = laoshan_gdp(ledger)["entry_id"]
        ledger.split(gdp, 1, author="t")  # the seed's mention, the first, taken out: the reprint's keeps the id
        ledger.refresh()
        parts = [r for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"]
        assert {r["sources"][0]: r["entry_id"] == gdp for r in parts} == {SEED.name: False, "reprint_dazhong.txt": True}
        taken_out = next(r["entry_id"] for r in parts if r["entry_id"] != gdp)
        ledger.merge(taken_out, gdp, author="t")  # gdp merged into the taken-out one: its id stays
        ledger.refresh()
        assert [r["entry_id"] for r in ledger.entries(Filters(actor="崂山区", metric="GDP")) if r["kind"] == "level"] == [taken_out]


def test_a_split_after_a_merge_takes_the_mention_out_again(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        total = ledger.count()
        a, b = (r["entry_id"] for r in ledger.entries(limit=2))
        first_of_b = ledger.entry(b)["mentions"][0]  # the mention the merge is anchored on
        ledger.merge(a, b, author="t")
        ledger.refresh()
        assert ledger.count() == total - 1
        merged = ledger.entry(a)["mentions"]
        at = next(i for i, m in enumerate(merged, 1) if (m["source"], m["start"]) == (first_of_b["source"], first_of_b["start"]))
        ledger.split(a, at, author="t")
        ledger.refresh()
        # the split takes b's mention out of the merge it was anchored on: a, b's other mention and
        # the mention split out stand apart (before, the merge pulled the mention back into a)
        assert ledger.count() == total + 1
        assert len(ledger.entry(a)["mentions"]) == len(merged) - 2


def test_an_entry_a_merge_took_gets_its_own_id_back_when_the_merge_is_undone(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        a, b, c = (r["entry_id"] for r in ledger.entries(limit=3))
        first = ledger.merge(a, b, author="t")
        ledger.merge(a, c, author="t")
        ledger.refresh()
        ledger.undo(first, author="t")
        ledger.refresh()
        assert [r["entry_id"] for r in ledger.entries(limit=2)] == [a, b]
        assert len(ledger.entry(b)["mentions"]) == 2  # b's own mentions, back under its own id


def test_in_chained_merges_the_entry_merged_into_last_keeps_its_id(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        a, b, c = (r["entry_id"] for r in ledger.entries(limit=3))
        ledger.merge(a, b, author="t")
        ledger.refresh()
        ledger.merge(c, a, author="t")  # a (with b) into c
        ledger.refresh()
        assert len(ledger.entry(c)["mentions"]) == 6
        with pytest.raises(LedgerError, match=f"ledger entry {a} is no longer"):
            ledger.entry(a)


def test_a_ledger_built_before_ids_were_kept_keeps_them_from_its_next_build(seeded: str) -> None:
    with Ledger(seeded, as_of=AS_OF) as ledger:
        ledger.refresh()
        ids = [r["entry_id"] for r in ledger.entries()]
        with ledger._session() as session, session.begin():  # as a ledger of before migration 0006
            session.execute(delete(MentionIdRow))
        ledger.refresh(force=True)
        with ledger._session() as session:
            assert session.scalar(select(func.count()).select_from(MentionIdRow)) > 0
        assert [r["entry_id"] for r in ledger.entries()] == ids

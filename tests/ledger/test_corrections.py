"""Corrections: fix, reject, merge, split, add; an audit trail that survives re-ingest and travels."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from taizhang.ingest import ingest
from taizhang.ledger import Filters, Ledger, LedgerError
from taizhang.pipeline import EXTRACTOR
from taizhang.storage import Store
from tests.ledger.ledger_support import SEED, SEED_GOLD, gold, pledges_in, store_source, write

SEED_TEXT = SEED.read_text(encoding="utf-8")
REPRINT = "来源：大众日报  2022-07-01\n\n" + SEED_TEXT
LAOSHAN_GDP = "全区生产总值突破1500亿元"
AS_OF = date(2024, 1, 1)


@pytest.fixture
def seeded(db_url: str, tmp_path: Path) -> str:
    with Store(db_url) as store:
        store_source(store, SEED, pledges_in(SEED_TEXT, SEED.name, gold(SEED_GOLD)))
        reprint = write(tmp_path / "reprint_dazhong.txt", REPRINT)
        store_source(store, reprint, pledges_in(REPRINT, reprint.name, gold(SEED_GOLD)))
    return db_url


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


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [("colour", "red", "no field 'colour'"), ("value", "many", "must be a float"), ("kind", "big", "kind must be one of"),
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
        assert other.entries() == expected
        with pytest.raises(LedgerError, match="not a corrections export"):
            other.import_corrections(write(tmp_path / "bad.json", '[{"action": "set"}]'))

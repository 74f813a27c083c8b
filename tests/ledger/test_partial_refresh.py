"""A refresh after corrections rebuilds only the groups they touch, and stores what a full rebuild
stores: after each kind of correction (recorded as the dashboard and `taizhang correct` record
them), on the demo corpus, the database is copied; the copy is rebuilt whole, the original in
part, and every derived table compared (mention and outcome-match
rows by their entry and order: a partial build numbers its rows after the stored ones)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text

from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.storage import Store
from tests.conftest import pg_database
from tests.helpers import DEMO_CORPUS, ROOT

_spec = importlib.util.spec_from_file_location("ledger_dump", ROOT / "scripts" / "ledger_dump.py")
ledger_dump = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ledger_dump)

_RENUMBERED = {"ledger_mentions", "ledger_outcome_matches", "ledger_status_changes", "ledger_mention_ids"}


def rows(url: str) -> dict[str, list]:
    """Every derived table's rows; those a partial build numbers anew without their ids, in order."""
    tables: dict[str, list] = {}
    for line in ledger_dump.dump(url):
        table, row = line.split(" ", 1)
        tables.setdefault(table, []).append(json.loads(row))
    for table in _RENUMBERED & set(tables):
        # Each entry's rows in their order; the history tables' rows as a set.
        ordered = sorted(tables[table], key=lambda row: (row.get("entry_id", 0), row["id"]))
        tables[table] = [json.dumps({k: v for k, v in row.items() if k != "id"}, sort_keys=True) for row in ordered]
        if "entry_id" not in ordered[0] or table == "ledger_mention_ids":
            tables[table].sort()
    return tables


@contextmanager
def copy_of(url: str) -> Iterator[str]:
    """A copy of the database at ``url`` (a SQLite file copied; a PostgreSQL database from it as a template)."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        shutil.copy(path, path + ".copy")
        yield f"sqlite:///{path}.copy"
        return
    with pg_database(template=url.rsplit("/", 1)[1]) as copy:
        yield copy


def _ids(ledger: Ledger, sql: str) -> list:
    with ledger.store.engine.connect() as connection:
        return connection.execute(text(sql)).all()


def _add(ledger: Ledger) -> list[int]:
    source = ledger.store.latest_sources()[0]
    words = ledger.store.source_text(source.id)
    at = words.index("增长")
    fields = {"metric": "测试指标", "kind": "growth", "comparator": "=", "value": 6.0, "unit": "%", "deadline": 2030}
    return [ledger.add_pledge(source.name, at, at + 6, fields, author="test")]


def _split(ledger: Ledger) -> list[int]:
    entries = [row.id for row in _ids(ledger, "SELECT id FROM ledger_entries ORDER BY id")]
    ledger.merge(entries[40], entries[80], author="test")
    ledger.refresh()
    merged = _ids(ledger, "SELECT id FROM ledger_entries WHERE mention_count > 1 ORDER BY id")[-1].id
    return [ledger.split(merged, 2, author="test")]


def _chosen(ledger: Ledger) -> list:
    return _ids(ledger, "SELECT entry_id, ref FROM ledger_outcome_matches WHERE state = 'chosen' ORDER BY id")


# Each kind of correction a person makes in the dashboard or with `taizhang correct`: the ids recorded.
CORRECTIONS: dict[str, Callable[[Ledger, list[int]], list[int]]] = {
    "value": lambda ledger, ids: ledger.set_field(ids[50], "value", "7.5", author="test"),
    "actor": lambda ledger, ids: ledger.set_field(ids[60], "actor", "海拉尔区", author="test"),
    "reject": lambda ledger, ids: ledger.reject(ids[100], author="test"),
    "merge": lambda ledger, ids: [ledger.merge(ids[150], ids[200], author="test")],
    "split": lambda ledger, ids: _split(ledger),
    "add": lambda ledger, ids: _add(ledger),
    "unmatch": lambda ledger, ids: [ledger.unmatch_outcome(*_chosen(ledger)[0], author="test")],
    "match": lambda ledger, ids: [ledger.match_outcome(_chosen(ledger)[1].entry_id, _chosen(ledger)[0].ref, author="test")],
    "undo": lambda ledger, ids: [ledger.undo(ledger.corrections()[-1].id, author="test")],
}


@pytest.fixture
def demo(db_url: str) -> str:
    with Store(db_url) as store:
        assert ingest(store, [DEMO_CORPUS]).ok
    with Ledger(db_url) as ledger:
        ledger.refresh()
    return db_url


def test_a_refresh_after_corrections_rebuilds_their_groups_as_a_full_rebuild_does(demo: str) -> None:
    for kind, correct in CORRECTIONS.items():
        with Ledger(demo) as ledger:
            ledger.refresh()
            ids = [row.id for row in _ids(ledger, "SELECT id FROM ledger_entries ORDER BY id")]
            assert correct(ledger, ids), kind
        with copy_of(demo) as whole:
            with Ledger(demo) as ledger:
                built = ledger.refresh()
            with Ledger(whole) as ledger:
                full = ledger.refresh(force=True)
            assert built.rebuilt and built.entries < full.entries, kind  # its groups alone
            assert built.status_changes == full.status_changes, kind
            assert rows(demo) == rows(whole), kind


def test_a_refresh_of_corrections_after_other_changes_rebuilds_everything(demo: str, tmp_path: Path) -> None:
    with Ledger(demo) as ledger:
        ids = [row.id for row in _ids(ledger, "SELECT id FROM ledger_entries ORDER BY id")]
        rejected = ledger.reject(ids[10], author="test")
    report = tmp_path / "新区_2026.txt"
    report.write_text("2026年政府工作报告\n今年主要预期目标是：地区生产总值增长6%左右。\n", encoding="utf-8")
    with Store(demo) as store:  # a new source since the last build: the corrections are not all that changed
        assert ingest(store, [report]).ok
    with Ledger(demo) as ledger:
        built = ledger.refresh()
        assert rejected and built.entries == len(_ids(ledger, "SELECT id FROM ledger_entries")) == len(ids)

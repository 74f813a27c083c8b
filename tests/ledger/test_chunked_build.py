"""A whole rebuild in chunks (``ledger.chunked``) stores what a build of everything at once stores:
on the demo corpus with every kind of correction in force (an actor moved to another place, a merge
across places, a split, an added record, outcomes matched and unmatched), a copy of the database
is rebuilt in chunks of a few records and every derived table compared, row for row and id for id,
with the original rebuilt in one chunk; and a chunked build holds one chunk's records at a time."""

from __future__ import annotations

import pytest

from taizhang.ingest import ingest
from taizhang.ledger import Ledger
from taizhang.ledger.chunked import Parts, Plan, Spill
from taizhang.storage import Store
from tests.helpers import DEMO_CORPUS
from tests.ledger.test_partial_refresh import CORRECTIONS, _ids, copy_of, ledger_dump


@pytest.fixture
def corrected(db_url: str) -> str:
    """The demo corpus's ledger with each kind of correction recorded, one after another."""
    with Store(db_url) as store:
        assert ingest(store, [DEMO_CORPUS]).ok
    for kind, correct in CORRECTIONS.items():
        with Ledger(db_url) as ledger:
            ledger.refresh()
            ids = [row.id for row in _ids(ledger, "SELECT id FROM ledger_entries ORDER BY id")]
            assert correct(ledger, ids), kind
    return db_url


@pytest.mark.parametrize("records", [40, 700])
def test_a_rebuild_in_chunks_stores_what_a_rebuild_at_once_stores(corrected: str, records: int) -> None:
    with copy_of(corrected) as chunked:
        with Ledger(corrected) as ledger:
            whole = ledger.refresh(force=True)
        with Ledger(chunked) as ledger:
            ledger.chunk_records = records
            parts = ledger.refresh(force=True)
        assert (parts.entries, parts.mentions, parts.status_changes) == (whole.entries, whole.mentions, whole.status_changes)
        assert [c.id for c in parts.unapplied] == [c.id for c in whole.unapplied]
        assert list(ledger_dump.dump(chunked)) == list(ledger_dump.dump(corrected))
    assert whole.entries > 300


def test_a_plan_packs_parts_in_chunks_keeping_merged_parts_together() -> None:
    counts = {("110000", "长"): 5, ("110000", "率"): 5, ("310000", "长"): 5, ("310000", "资"): 5}
    plan = Plan(counts, [{("110000", "长"), ("310000", "资")}], size=10)
    assert plan.of(("110000", "长")) == plan.of(("310000", "资"))
    held = [sum(count for part, count in counts.items() if plan.of(part) == chunk) for chunk in range(plan.count)]
    assert held == [5, 10, 5]  # in order of part: 率 < 长 (the merged pair) < 310000's 长
    assert not plan.holds(("440000", "长")) and plan.of(("440000", "长")) == 0
    # A part bigger than a chunk is a chunk of its own, never split.
    assert Plan({("110000", "长"): 50, ("310000", "长"): 1}, [], size=10).count == 2


def test_a_plan_hands_out_its_largest_chunks_first() -> None:
    counts = {("110000", "长"): 3, ("110000", "率"): 8, ("310000", "长"): 4, ("310000", "资"): 9, ("440000", "长"): 4}
    plan = Plan(counts, [], size=9)
    assert plan.weights == [8, 3, 9, 8]  # 北京's 率; 北京's 长; 上海's 资; 上海's and 广东's 长
    assert plan.largest_first() == [2, 0, 3, 1]  # of equal chunks, the first first


def test_records_one_may_answer_the_other_are_one_part() -> None:
    parts = Parts()  # a wording that ends another's (matching): one place, one last character
    assert parts.of("北京市", "城镇失业人员实现再就业") == parts.of("北京", "失业人员再就业") == ("110000", "业")
    assert parts.of("北京市", "失业人员再就业") != parts.of("上海市", "失业人员再就业")


def test_a_spill_gives_back_what_was_added_in_order() -> None:
    spill = Spill()
    values = [(i, f"第{i}条", [i, None]) for i in range(5_000)]
    for value in values:
        spill.add(value)
    assert list(spill) == values


def test_a_rebuild_by_worker_processes_stores_what_one_process_stores(corrected: str) -> None:
    with copy_of(corrected) as parallel:
        with Ledger(corrected) as ledger:
            alone = ledger.refresh(force=True)  # one chunk
        with Ledger(parallel) as ledger:
            ledger.parallel_records = 1  # (a ledger this small is built in this process)
            together = ledger.refresh(force=True, workers=2)  # a few chunks for each worker
        assert (together.entries, together.mentions, together.status_changes) == (alone.entries, alone.mentions, alone.status_changes)
        assert [c.id for c in together.unapplied] == [c.id for c in alone.unapplied]
        assert list(ledger_dump.dump(parallel)) == list(ledger_dump.dump(corrected))

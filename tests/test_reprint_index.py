"""Reprint links kept from memory batch by batch (storage.reprint_index) are the links worked out
over the whole store: groups that grow, merge and split as sources are added and superseded, with
another writer between batches and a batch that fails. Real SQLite files and (under make test)
PostgreSQL; band keys drawn from a small set so that groups form and join."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from taizhang.ingest import ingest
from taizhang.repair.duplicates import reprint_groups
from taizhang.reprints import link_reprints
from taizhang.storage import SOURCES_LOCK, Store, write_lock
from taizhang.storage.bulk import insert_rows
from taizhang.storage.reprint_index import ReprintIndex
from taizhang.storage.tables import ReprintBandRow, ReprintRow, SourceRow
from tests.test_ingest_scale import corpus

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def add_sources(connection: Connection, count: int) -> list[int]:
    start = connection.execute(select(SourceRow.id).order_by(SourceRow.id.desc()).limit(1)).scalar() or 0
    rows = [
        {"id": i, "name": f"s{i}", "path": f"/s{i}", "sha256": f"{i:064d}", "size": 1, "format": "txt", "chars": 1,
         "version": 1, "ingested_at": NOW, "text": "x"}
        for i in range(start + 1, start + count + 1)
    ]  # fmt: skip
    connection.execute(insert(SourceRow), rows)
    return [row["id"] for row in rows]


def batch(store: Store, index: ReprintIndex, keys: list[list[int]], superseded: list[int], *, fail: bool = False) -> list[int]:
    """What ingest's writer does with a batch: sources added with their band keys, links brought
    up to date, in one transaction (rolled back when ``fail``)."""
    with store.engine.begin() as connection:
        write_lock(connection, SOURCES_LOCK)
        index.sync(connection)
        ids = add_sources(connection, len(keys))
        rows = [{"source_id": i, "band": b, "key": k} for i, found in zip(ids, keys) for b, k in enumerate(found)]
        insert_rows(connection, ReprintBandRow.__table__, rows)
        index.update(connection, dict(zip(ids, keys)), superseded, max(ids, default=None), NOW)
        if fail:
            index.forget()  # as storage.batch.write does when a batch fails
            raise RuntimeError("the batch fails before it commits")
    return ids


def stored_links(store: Store) -> dict[int, int]:
    with store.connect("read") as connection:
        return dict(connection.execute(select(ReprintRow.source_id, ReprintRow.original_id)).all())


def whole_store_links(store: Store) -> dict[int, int]:
    """The links worked out from every stored band key at once."""
    with store.connect("read") as connection:
        found: dict[int, list[int]] = {}
        for source_id, key in connection.execute(select(ReprintBandRow.source_id, ReprintBandRow.key).order_by(ReprintBandRow.source_id, ReprintBandRow.band)):
            found.setdefault(source_id, []).append(key)
    return {member: group[0] for group in reprint_groups(dict(sorted(found.items()))) for member in group[1:]}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_links_kept_batch_by_batch_are_those_of_the_whole_store(db_url: str, seed: int) -> None:
    rng = random.Random(seed)
    drawn = lambda count: [[rng.randrange(12) for _ in range(3)] for _ in range(count)]  # noqa: E731 - 3 bands, 12 keys: groups join
    with Store(db_url) as store:
        index = ReprintIndex()
        latest: list[int] = []
        for step in range(25):
            superseded = rng.sample(latest, min(len(latest), rng.choice([0, 0, 1, 2])))
            ids = batch(store, index, drawn(rng.randint(1, 6)), superseded)
            latest = [i for i in latest if i not in superseded] + ids
            assert stored_links(store) == whole_store_links(store), step
            if step % 7 == 6:  # another writer between batches: the mirror must notice
                latest += batch(store, ReprintIndex(), drawn(2), [])
        assert len(stored_links(store)) > 5  # groups did form


def test_a_failed_batch_changes_neither_the_links_nor_the_next_batch(db_url: str) -> None:
    with Store(db_url) as store:
        index = ReprintIndex()
        first = batch(store, index, [[1, 2], [1, 3], [4, 5]], [])
        with pytest.raises(RuntimeError):
            batch(store, index, [[4, 9]], [first[0]], fail=True)
        assert stored_links(store) == {first[1]: first[0]}
        more = batch(store, index, [[7, 3], [8, 5]], [])
        assert stored_links(store) == whole_store_links(store) == {first[1]: first[0], more[0]: first[0], more[1]: first[2]}


def test_ingest_in_many_batches_and_runs_links_as_the_whole_store_would(db_url: str, tmp_path: Path) -> None:
    files = corpus(tmp_path / "corpus", 10)
    for k, path in enumerate(files[1:4]):  # reprints of three articles
        (tmp_path / "corpus" / f"again{k}.txt").write_text(f"人民网 来源：人民日报{k}\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "corpus" / "again9.txt").write_text("新华网\n" + files[-1].read_text(encoding="utf-8"), encoding="utf-8")
    with Store(db_url) as store:
        ingest(store, [tmp_path / "corpus"], batch_files=2)
        links = store.reprints()
        assert link_reprints(store) == links and len(links) >= 4
